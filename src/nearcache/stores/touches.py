"""``TouchBuffer``: LRU access times noted on reads and written later, in one go.

Recording every read's access time would turn each read into a write. Stores that keep
LRU order on disk or on a server (SQLite, Redis, PostgreSQL, DynamoDB) note the times
here instead and send them with the next write, or once enough have piled up (or, with
``flush_every``, once that many seconds passed). Only the newest time per key is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

__all__ = ["TouchBuffer"]

G = TypeVar("G", bound=Hashable)
K = TypeVar("K", bound=Hashable)


class TouchBuffer(Generic[G, K]):
    """Pending access times: ``{group: {key: time}}`` (a group is a table or namespace).

    Args:
        flush_at: pending keys above which ``due`` says a flush is needed.
        flush_every: seconds after the last ``take`` past which ``due`` says so too
            (None = only by count).
        clock: monotonic time source for ``flush_every`` (injectable for tests).
    """

    def __init__(
        self,
        flush_at: int,
        *,
        flush_every: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.flush_at = flush_at
        self.flush_every = flush_every
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict[G, dict[K, float]] = {}
        self._count = 0
        self._taken_at = clock()

    def note(self, group: G, keys: Iterable[K], now: float) -> None:
        """Record that ``keys`` of ``group`` were read at ``now``."""
        with self._lock:
            pending = self._pending.setdefault(group, {})
            before = len(pending)
            for key in keys:
                pending[key] = now
            self._count += len(pending) - before

    def take(self) -> dict[G, dict[K, float]]:
        """Everything pending (and forget it): the caller writes it out."""
        with self._lock:
            pending, self._pending = self._pending, {}
            self._count = 0
            self._taken_at = self._clock()
        return pending

    def clear(self) -> None:
        """Drop everything pending (after ``fork()``: the parent will write it)."""
        self.take()

    @property
    def full(self) -> bool:
        """More than ``flush_at`` keys are pending."""
        return self._count > self.flush_at

    def due(self) -> bool:
        """``full``, or something is pending and ``flush_every`` seconds have passed."""
        if self.full:
            return True
        return (
            self.flush_every is not None
            and bool(self._pending)
            and self._clock() - self._taken_at > self.flush_every
        )

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return bool(self._pending)
