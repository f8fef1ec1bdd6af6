"""One index partition (:class:`Space`) and what a search of one returns (:class:`Candidate`).

A partition holds the entries of one (namespace, context scope): its ``VectorIndex`` plus,
per row, the entry's key (32 bytes), write id and expiry in flat NumPy arrays, grown by
doubling. :mod:`.spaces` keeps the partitions and the key maps that point into them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..index.protocol import VectorIndex

__all__ = ["NEVER", "ROW_BITS", "ROW_MASK", "Candidate", "Space", "pack_row"]

ROW_BITS = 40
ROW_MASK = (1 << ROW_BITS) - 1
NEVER = np.inf


def pack_row(pid: int, row: int) -> int:
    """A key map value: partition id and row in one int."""
    return (pid << ROW_BITS) | row


@dataclass(frozen=True)
class Candidate:
    """A row returned by a partition search (similarity is the index's estimate).

    ``record``: the stored record, when the search brought it along (a server index)."""

    key: str
    pid: int
    row: int
    similarity: float
    expires_at: float
    write_id: int
    record: bytes | None = None


class Space:
    """One partition: its index plus per-row key, write id and expiry arrays."""

    __slots__ = ("building", "exps", "index", "keys", "namespace", "pid", "scope", "wids")

    def __init__(
        self,
        pid: int,
        namespace: str,
        scope: str,
        index: VectorIndex,
        arrays: tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint64], npt.NDArray[np.float64]]
        | None = None,
    ) -> None:
        self.pid = pid
        self.namespace = namespace
        self.scope = scope
        self.index = index
        if arrays is not None:
            self.keys, self.wids, self.exps = arrays
        else:
            cap = max(16, index.rows_used)
            self.keys = np.zeros((cap, 32), dtype=np.uint8)
            self.wids = np.zeros(cap, dtype=np.uint64)
            self.exps = np.full(cap, NEVER, dtype=np.float64)
        self.building = False

    def reserve(self, need: int) -> None:
        cap = self.keys.shape[0]
        if need <= cap:
            return
        new_cap = max(need, cap * 2)
        n = self.index.rows_used
        keys = np.zeros((new_cap, 32), dtype=np.uint8)
        keys[:n] = self.keys[:n]
        wids = np.zeros(new_cap, dtype=np.uint64)
        wids[:n] = self.wids[:n]
        exps = np.full(new_cap, NEVER, dtype=np.float64)
        exps[:n] = self.exps[:n]
        self.keys, self.wids, self.exps = keys, wids, exps

    @property
    def nbytes(self) -> int:
        return int(self.index.nbytes) + self.index.rows_used * (32 + 8 + 8)
