"""In-process single-flight: concurrent misses of the same key are computed once.

The first caller to claim a key becomes its *leader* and must ``resolve`` or ``fail`` it;
later callers get the leader's future and wait on it (threads and asyncio tasks alike,
since the future is a ``concurrent.futures.Future``). A leader that is cancelled fails
its keys with ``LeaderGone`` so followers retry instead of inheriting the cancellation.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from concurrent.futures import Future
from typing import Any

__all__ = ["LeaderGone", "SingleFlight"]


class LeaderGone(Exception):
    """The leader stopped without a result (cancelled or killed); followers should retry."""


class SingleFlight:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, Future[Any]] = {}

    def claim(self, keys: Iterable[Hashable]) -> tuple[list[Hashable], dict[Hashable, Future[Any]]]:
        """Split ``keys`` into those this caller leads and those someone else leads."""
        lead: list[Hashable] = []
        follow: dict[Hashable, Future[Any]] = {}
        with self._lock:
            for key in keys:
                fut = self._flights.get(key)
                if fut is None:
                    self._flights[key] = Future()
                    lead.append(key)
                else:
                    follow[key] = fut
        return lead, follow

    def resolve(self, results: dict[Hashable, Any]) -> None:
        with self._lock:
            futs = [(self._flights.pop(k, None), v) for k, v in results.items()]
        for fut, value in futs:
            if fut is not None and not fut.done():
                fut.set_result(value)

    def fail(self, keys: Iterable[Hashable], exc: BaseException) -> None:
        with self._lock:
            futs = [self._flights.pop(k, None) for k in keys]
        for fut in futs:
            if fut is not None and not fut.done():
                fut.set_exception(exc)

    def __len__(self) -> int:
        with self._lock:
            return len(self._flights)
