"""``CacheStats``: counters of a cache, per namespace and in total."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

__all__ = ["CacheStats", "Counters"]


@dataclass(frozen=True)
class CacheStats:
    """A snapshot of cache counters.

    ``hits``/``misses``/``sets``/``deletes``/``errors``/``bytes_saved``/``time_saved`` are
    counted by this process; ``entries``/``bytes``/``evictions``/``expirations`` come from
    the store and so include every process sharing it. ``namespaces`` holds the same
    figures per namespace when the snapshot is a total.
    """

    hits: int = 0
    misses: int = 0
    sets: int = 0
    deletes: int = 0
    errors: int = 0
    evictions: int = 0
    expirations: int = 0
    entries: int = 0
    bytes: int = 0
    bytes_saved: int = 0
    time_saved: float = 0.0
    namespaces: Mapping[str, CacheStats] = field(default_factory=dict)

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    @property
    def size(self) -> int:
        return self.entries

    @classmethod
    def total(cls, parts: Mapping[str, CacheStats]) -> CacheStats:
        """The sum of ``parts`` (per namespace or per cache), keeping them as ``namespaces``."""
        sums: dict[str, Any] = {}
        for part in parts.values():
            for f in fields(cls):
                if f.name != "namespaces":
                    sums[f.name] = sums.get(f.name, 0) + getattr(part, f.name)
        return cls(**sums, namespaces=dict(parts))

    def as_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "namespaces"}
        out["hit_rate"] = self.hit_rate
        if self.namespaces:
            out["namespaces"] = {k: v.as_dict() for k, v in self.namespaces.items()}
        return out


@dataclass
class _Count:
    hits: int = 0
    misses: int = 0
    sets: int = 0
    deletes: int = 0
    errors: int = 0
    bytes_saved: int = 0
    time_saved: float = 0.0


class Counters:
    """Thread-safe per-namespace process-local counters."""

    def __init__(self, lock: threading.Lock | None = None) -> None:
        self._lock = threading.Lock() if lock is None else lock
        self._by_ns: dict[str, _Count] = {}

    def add(self, namespace: str, **deltas: float) -> None:
        with self._lock:
            c = self._by_ns.get(namespace)
            if c is None:
                c = self._by_ns[namespace] = _Count()
            for name, delta in deltas.items():
                setattr(c, name, getattr(c, name) + delta)

    def bump(self, namespace: str, name: str) -> None:
        """Add 1 to one counter (the per-lookup case, without ``add``'s keyword loop)."""
        with self._lock:
            self.bump_held(namespace, name)

    def bump_held(self, namespace: str, name: str) -> None:
        """``bump`` for a caller that already holds the lock these counters were made
        with (a cache counting more than the totals at once takes one lock, not two)."""
        c = self.held(namespace)
        setattr(c, name, getattr(c, name) + 1)

    def held(self, namespace: str) -> _Count:
        """The namespace's counts, to change in place by a caller holding the lock these
        counters were made with (a hit per lookup: ``held(ns).hits += 1``)."""
        c = self._by_ns.get(namespace)
        if c is None:
            c = self._by_ns[namespace] = _Count()
        return c

    def get(self, namespace: str) -> dict[str, Any]:
        with self._lock:
            c = self._by_ns.get(namespace)
            return asdict(c) if c is not None else asdict(_Count())

    def names(self) -> list[str]:
        with self._lock:
            return list(self._by_ns)

    def reset(self, namespace: str | None = None) -> None:
        with self._lock:
            if namespace is None:
                self._by_ns.clear()
            else:
                self._by_ns.pop(namespace, None)
