"""The row store of a rescored HNSW graph: the vectors kept beside the graph in the
cache's ``vector_dtype`` (an :class:`~nearcache.index.exact.ExactIndex`), which a
search ranks the graph's candidates by (see :mod:`.usearch`). Rows are the graph's:
a gap in the rows appended gets dead zero rows. Reopened, the stored vectors are a
NumPy memory map of their file, checked against the graph.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..errors import CorruptStoreError
from .exact import ExactIndex, read_into
from .protocol import Rows

if TYPE_CHECKING:
    from .usearch import HnswIndex

__all__ = ["append_rows", "load_rows"]

_NP: dict[str, np.dtype[Any]] = {
    "float32": np.dtype("<f4"),
    "float16": np.dtype("<f2"),
    "int8": np.dtype("i1"),
}


def append_rows(exact: ExactIndex, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
    """Append ``vectors`` to the row store at ``rows`` (any gap gets dead zero rows)."""
    first, stop = exact.rows_used, int(rows.max()) + 1
    if len(rows) == stop - first and int(rows[0]) == first and bool(np.all(np.diff(rows) > 0)):
        exact.add(rows, vectors)
        return
    block = np.zeros((stop - first, exact.dim), dtype=np.float32)
    block[:, 0] = 1.0  # any unit vector: these rows are removed at once
    block[rows - first] = vectors
    exact.add(np.arange(first, stop, dtype=np.int64), block)
    gaps = np.ones(stop - first, dtype=bool)
    gaps[rows - first] = False
    exact.remove(np.flatnonzero(gaps) + first)


def load_rows(directory: Path, stem: str, index: HnswIndex) -> ExactIndex:
    """The stored vectors of a rescored graph: memory-mapped, checked against the graph."""
    npd, dim = _NP[index.dtype], index.dim
    path = directory / f"{stem}.vec"
    try:
        size = path.stat().st_size
        n, rest = divmod(size, dim * npd.itemsize)
        if rest or n > index.rows_used:
            raise CorruptStoreError(f"{path.name} has the wrong size ({size} bytes)")
        codes: npt.NDArray[Any] = (
            np.memmap(path, dtype=npd, mode="r", shape=(n, dim)) if n else np.empty((0, dim), npd)
        )
        live = np.empty(n, dtype=np.uint8)
        read_into(directory / f"{stem}.live", live)
        scale = None
        if index.dtype == "int8":
            scale = np.empty(n, dtype="<f4")
            read_into(directory / f"{stem}.scale", scale)
    except OSError as exc:
        raise CorruptStoreError(f"cannot load the vectors of HNSW index {stem}: {exc}") from exc
    if live.size and int(live.max()) > 1:
        raise CorruptStoreError(f"{stem}.live holds values other than 0/1")
    rows = ExactIndex.from_arrays(dim, index.dtype, codes, live.view(bool), scale)
    if len(rows) != len(index):
        raise CorruptStoreError(f"the vectors of HNSW index {stem} do not match its graph")
    return rows
