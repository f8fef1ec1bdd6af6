"""A ``MemoryStore`` namespace: its records in LRU order, its counters and change log,
and the recount of the counters behind ``MemoryStore.check``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["Entry", "Namespace", "lru_run", "recount"]


class Entry:
    """A record; ``key`` is the dict's own key object, put back when a read moves the
    entry to the end (so the store keeps its keys, not the reader's)."""

    __slots__ = ("expires_at", "key", "tick", "value")

    def __init__(self, key: str, value: bytes, expires_at: float | None, tick: int) -> None:
        self.key = key
        self.value = value
        self.expires_at = expires_at
        self.tick = tick


@dataclass
class Namespace:
    # LRU first: a plain dict keeps insertion order, and a touched entry is popped and put
    # back at the end (cheaper than an OrderedDict's move_to_end, which relinks nodes)
    entries: dict[str, Entry] = field(default_factory=dict)
    # each entry's value by key, for reads that record nothing (no LRU move, nothing can
    # expire): one lookup with no entry object to load (a cold cache line per key)
    values: dict[str, bytes] = field(default_factory=dict)
    bytes: int = 0
    expiring: int = 0  # entries with an expiry (none: reads skip the per-entry check)
    version: int = 0
    evictions: int = 0
    expirations: int = 0
    log: list[tuple[int, str, str]] = field(default_factory=list)  # (version, op, key)


def lru_run(
    where: tuple[str, str], ns: Namespace
) -> Iterator[tuple[int, tuple[str, str], str, int]]:
    """A namespace's records as LRU candidates, oldest first."""
    for key, entry in ns.entries.items():
        yield entry.tick, where, key, len(entry.value)


def recount(tables: dict[str, dict[str, Namespace]], fix: bool) -> tuple[list[str], int]:
    """Each namespace's counters and value index against its entries: the problems
    found (mended if ``fix``) and the recounted bytes of all tables."""
    problems: list[str] = []
    total = 0
    for table, spaces in tables.items():
        for name, ns in spaces.items():
            real = sum(len(e.value) for e in ns.entries.values())
            total += real
            if len(ns.values) != len(ns.entries) or any(
                ns.values.get(k) is not e.value for k, e in ns.entries.items()
            ):
                problems.append(f"{table}/{name}: values differ from the entries")
                if fix:
                    ns.values = {k: e.value for k, e in ns.entries.items()}
            if real != ns.bytes:
                problems.append(f"{table}/{name}: byte counter {ns.bytes} != recount {real}")
                if fix:
                    ns.bytes = real
            expiring = sum(e.expires_at is not None for e in ns.entries.values())
            if expiring != ns.expiring:
                problems.append(
                    f"{table}/{name}: expiring counter {ns.expiring} != recount {expiring}"
                )
                if fix:
                    ns.expiring = expiring
    return problems, total
