"""The counters every store keeps per namespace: what a write adds to them, and how
``check()`` compares them with a recount.

Each namespace has ``entries``, ``bytes``, ``version``, ``evictions`` and
``expirations`` (see :class:`~nearcache.stores.protocol.NamespaceInfo`), updated in the
same transaction as the records. A write's change is a :class:`Delta`; ``check()``
recounts the records and reports (and with ``fix``, repairs) what differs, with the same
wording in every store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["NO_CHANGE", "Delta", "Recount", "recount_problem"]


@dataclass(frozen=True)
class Delta:
    """What one write adds to a namespace's counters (the version always grows by one)."""

    entries: int = 0
    size: int = 0
    evictions: int = 0
    expirations: int = 0

    @classmethod
    def removed(cls, count: int, size: int, kind: str) -> Delta:
        """``count`` records of ``size`` bytes removed by ``kind``: ``delete``,
        ``evict`` (counted as evictions) or ``expire`` (counted as expirations)."""
        return cls(
            entries=-count,
            size=-size,
            evictions=count if kind == "evict" else 0,
            expirations=count if kind == "expire" else 0,
        )


#: A write that changes no counter but the version (a ``clear`` books its own counts).
NO_CHANGE = Delta()


def recount_problem(where: str, counted: tuple[int, int], recount: tuple[int, int]) -> str:
    """The ``check()`` line for counters that differ from a recount."""
    return (
        f"{where}: counters say {counted[0]} entries/{counted[1]} bytes, "
        f"recount {recount[0]}/{recount[1]}"
    )


@dataclass(frozen=True)
class Recount:
    """One namespace's counters (``counted``: entries, bytes) against a recount of its
    records (``entries``, ``size``), and how many records have a wrong stored size."""

    where: str
    counted: tuple[int, int]
    entries: int
    size: int
    bad_sizes: int = 0

    def problems(
        self,
        fix: bool,
        *,
        fix_sizes: Callable[[], int],
        fix_counters: Callable[[int, int], None],
    ) -> list[str]:
        """What differs; with ``fix``, ``fix_sizes()`` rewrites the wrong sizes and
        returns the new byte total, ``fix_counters(entries, bytes)`` sets the counters."""
        out: list[str] = []
        size = self.size
        if self.bad_sizes:
            out.append(f"{self.where}: {self.bad_sizes} records with a wrong stored size")
            if fix:
                size = fix_sizes()
        if (self.entries, size) != tuple(self.counted):
            out.append(recount_problem(self.where, self.counted, (self.entries, size)))
            if fix:
                fix_counters(self.entries, size)
        return out
