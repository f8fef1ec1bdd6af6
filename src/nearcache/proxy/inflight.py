"""Answers sent to their caller but not yet written to the store.

The proxy replies first and writes after, so no caller waits for the store. Meanwhile an
identical request is answered from here, and a request whose question is close to one
being written (its vector within the similarity floor, same scope) waits for that write
and looks again: nobody misses what was just answered, and nobody else waits.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..semantic.types import Hit

__all__ = ["InFlight", "Write"]


@dataclass(eq=False)
class Write:
    """One answer on its way to the store."""

    hit: Hit
    vector: asyncio.Future[Any]
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


def _slot(scope: tuple[Any, ...], query: str) -> tuple[Any, ...]:
    return (*scope, query)


class InFlight:
    """The writes in flight, by scope (namespace and context) and by exact query."""

    def __init__(self) -> None:
        self._exact: dict[tuple[Any, ...], Write] = {}
        self._scopes: dict[tuple[Any, ...], set[Write]] = {}

    def __len__(self) -> int:
        return len(self._exact)

    def writes(self, scope: tuple[Any, ...]) -> list[Write]:
        """The answers of ``scope`` being written now."""
        return list(self._scopes.get(scope, ()))

    def exact(self, scope: tuple[Any, ...], query: str) -> Hit | None:
        """The answer being written for exactly this request, if any."""
        write = self._exact.get(_slot(scope, query))
        return None if write is None else write.hit

    def add(
        self, scope: tuple[Any, ...], query: str, hit: Hit, vector: asyncio.Future[Any]
    ) -> Write:
        write = Write(hit, vector)
        self._exact[_slot(scope, query)] = write
        self._scopes.setdefault(scope, set()).add(write)
        return write

    def finish(self, scope: tuple[Any, ...], query: str, write: Write) -> None:
        """The write is in the store (or failed): forget it and wake its waiters."""
        if not write.done.done():
            write.done.set_result(None)
        writes = self._scopes.get(scope)
        if writes is not None:
            writes.discard(write)
            if not writes:
                del self._scopes[scope]
        if self._exact.get(_slot(scope, query)) is write:
            del self._exact[_slot(scope, query)]

    @staticmethod
    async def near(
        writes: list[Write], vector: Any, floor: float, timeout: float
    ) -> list[asyncio.Future[None]]:
        """Of ``writes``, those whose question is within ``floor`` cosine of ``vector``
        (waiting, at most ``timeout``, for their vectors)."""
        if not writes or vector is None:
            return []
        await asyncio.wait([w.vector for w in writes], timeout=timeout)
        query = np.asarray(vector, dtype=np.float32)
        query = query / max(float(np.linalg.norm(query)), 1e-12)
        out = []
        for w in writes:
            if not w.vector.done() or w.vector.cancelled() or w.vector.exception() is not None:
                continue
            other = w.vector.result()
            if other is None:
                continue
            other = np.asarray(other, dtype=np.float32)
            cos = float(query @ other) / max(float(np.linalg.norm(other)), 1e-12)
            if cos >= floor:
                out.append(w.done)
        return out
