"""LRU bookkeeping shared by the stores: "over a limit?" and picking victims in order.

Each engine finds its least-recently-used records its own way (an ordered dict, an
``ORDER BY atime`` query, a sorted set, a secondary index); what it does with them is
the same everywhere and lives here: walk the candidates oldest first, skip those already
gone, and stop as soon as every cap holds. ``pick`` also merges the candidates of many
namespaces, for table-wide limits.

Within one write, a later record is more recent than an earlier one (a batch ranks like
the same puts one after the other): stores that keep LRU order by time give each record
its own time, :func:`batch_times`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from .protocol import Limit

__all__ = ["POSITION_STEP", "Budget", "batch_times", "group_by_namespace"]

N = TypeVar("N", bound=Hashable)

#: A batch position's share of recency, as a fraction of the time's magnitude: 4 to 8
#: units in the last place of a double (the Redis and PostgreSQL scripts use it too).
POSITION_STEP = 2.0**-50


def batch_times(now: float, n: int) -> list[float]:
    """LRU times of the ``n`` records of one write at ``now``, in batch order: ``now``,
    then one step more per position, so they are distinct and increasing (one time for
    all left the order to the keys). A step is ~1.5 us for a wall-clock time, less than
    writing a record takes: a later write's times still come after a batch's."""
    step = max(abs(now), 1.0) * POSITION_STEP
    return [now + i * step for i in range(n)]


@dataclass
class Budget:
    """Live ``entries``/``size`` of a namespace (or table) against a :class:`Limit`."""

    entries: int
    size: int
    limit: Limit

    @property
    def over(self) -> bool:
        """Whether a cap is exceeded."""
        lim = self.limit
        return (lim.max_entries is not None and self.entries > lim.max_entries) or (
            lim.max_bytes is not None and self.size > lim.max_bytes
        )

    def drop(self, size: int) -> None:
        """Account for one removed record of ``size`` bytes."""
        self.entries -= 1
        self.size -= size

    def pick(self, candidates: Iterable[tuple[float, N, str, int | None]]) -> list[tuple[N, str]]:
        """``(namespace, key)`` of the candidates to remove, oldest first, until within
        the limit.

        ``candidates`` are ``(access time, namespace, key, size)`` ordered by access time
        already (merged across namespaces for a table-wide limit); one whose size is
        None (gone meanwhile) is skipped.
        """
        picked: list[tuple[N, str]] = []
        for _, name, key, size in candidates:
            if not self.over:
                break
            if size is None:
                continue
            picked.append((name, key))
            self.drop(size)
        return picked


def group_by_namespace(pairs: Iterable[tuple[N, str]]) -> dict[N, list[str]]:
    """``{namespace: [key, ...]}`` keeping the order of ``pairs``."""
    out: dict[N, list[str]] = {}
    for name, key in pairs:
        out.setdefault(name, []).append(key)
    return out
