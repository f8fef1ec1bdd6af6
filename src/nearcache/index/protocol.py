"""The ``VectorIndex`` protocol: what the semantic cache needs from a nearest-neighbour index.

An index holds unit-length vectors under integer *rows* that its owner hands out in
increasing order (0, 1, 2, ...). Removing a row leaves a tombstone: the row number is
never reused, the row is never returned by ``search`` again, and its space comes back
only when the owner rebuilds the index at live size (``compact``). Keeping row numbers
stable is what lets the owner keep its row -> key table as a flat NumPy array.

Similarities returned by ``search`` are only used for ranking; the cache recomputes the
exact cosine similarity from the stored record of each candidate before deciding.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = ["Rows", "SearchResult", "VectorIndex", "unit_rows"]

Rows = npt.NDArray[np.int64]
SearchResult = tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]


@runtime_checkable
class VectorIndex(Protocol):
    """Nearest-neighbour search over unit vectors, by inner product (= cosine)."""

    #: ``"exact"``, ``"hnsw"`` or ``"faiss"``.
    backend: str
    dim: int
    #: storage dtype of the vectors inside the index: float32, float16 or int8.
    dtype: str

    def add(self, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
        """Insert unit ``vectors`` under ``rows`` (new, increasing row numbers)."""
        ...

    def remove(self, rows: Rows) -> int:
        """Tombstone ``rows``; return how many were live."""
        ...

    def search(self, query: npt.NDArray[np.float32], k: int) -> SearchResult:
        """Up to ``k`` live rows nearest to unit ``query``, best first, with similarities."""
        ...

    def get(self, rows: Rows) -> npt.NDArray[np.float32]:
        """The stored (dequantized) vectors of live ``rows`` as a float32 matrix."""
        ...

    def live_rows(self) -> Rows:
        """Every live row, ascending."""
        ...

    def is_live(self, rows: Rows) -> npt.NDArray[np.bool_]:
        """Which of ``rows`` are live."""
        ...

    @property
    def rows_used(self) -> int:
        """Rows handed out so far, tombstones included (the next row to add)."""
        ...

    def __len__(self) -> int:
        """Number of live rows."""
        ...

    @property
    def tombstones(self) -> int:
        """Rows removed but still occupying space."""
        ...

    @property
    def nbytes(self) -> int:
        """Approximate memory held by the index."""
        ...

    def save(self, directory: Path, stem: str) -> list[str]:
        """Write the index as files named ``stem.*`` in ``directory``; return their names."""
        ...

    def info(self) -> dict[str, Any]:
        """Settings needed to load the index again (JSON-serializable)."""
        ...


def unit_rows(mat: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Rows scaled to unit length (validated input has no zero rows)."""
    if mat.shape[0] == 1 and mat.dtype == np.float32:  # a single put: the same float64
        row = mat[0].astype(np.float64)  # norm, rounded to float32, without the per-row
        norm = np.float32(math.sqrt(float(row.dot(row))))  # array steps (einsum of one row: 9 us;
        # ``dot``, not ``@``: the same BLAS product without matmul's ufunc steps, 0.3 us)
        one: npt.NDArray[np.float32] = mat / norm  # a fresh C-contiguous array
        return one
    norms = np.sqrt(np.einsum("ij,ij->i", mat, mat, dtype=np.float64)).astype(np.float32)
    out: npt.NDArray[np.float32] = np.ascontiguousarray(mat / norms[:, None], dtype=np.float32)
    return out
