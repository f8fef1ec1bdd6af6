"""``HnswIndex``: HNSW from usearch (extra ``[ann]``), the default ANN engine.

usearch removes entries natively (so a deleted row is never returned, with no filtering
after the search), stores float16 and int8 vectors, and saves/loads the graph as one
file: a large index is never rebuilt by re-inserting on reopen (building one million
384-d vectors takes many minutes on two cores).

Reopening *maps* the saved file instead of reading it (usearch's ``view`` over an
``mmap`` of the file): nothing is read until a search touches it, so the first hit after
reopening a million entries comes in milliseconds, and reader processes share the pages
through the OS cache. A mapped graph is read-only, so the first change (``add`` or
``remove``) copies it into memory first -- a one-time cost of about one second per
million float32 vectors, paid only by a process that writes. The mapping holds the file's
pages open, so a later checkpoint that replaces or deletes the file does not disturb it.

Defaults (``M=16``, ``ef_construction=128``, ``ef_search=128``, ``threads=1``, see
:mod:`~nearcache.index.ann_options`) keep top-1 agreement with exact search at 99% or
more even on random data (the hardest case: the nearest neighbour of a random query is
nearly tied with many others); realistic (low-rank) embeddings need far less, so
latency-sensitive caches can lower ``ef_search`` (the benchmark reports both). Inserts
are single-threaded by default because parallel inserts into a young graph measurably
lower its recall; raise ``threads`` to build big indexes faster.
"""

from __future__ import annotations

import mmap
import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..codecs import check_dtype_name
from ..errors import CorruptStoreError, InvalidInputError, MissingExtraError
from .ann_options import ann_options
from .protocol import Rows, SearchResult

__all__ = ["HnswIndex", "usearch_available"]

_DTYPES = {"float32": "f32", "float16": "f16", "int8": "i8"}


def _usearch() -> Any:
    try:
        from usearch.index import Index
    except ImportError as exc:
        raise MissingExtraError("ann", "usearch", "index_backend='hnsw'") from exc
    return Index


def usearch_available() -> bool:
    try:
        _usearch()
    except MissingExtraError:
        return False
    return True


class HnswIndex:
    """HNSW over unit vectors with cosine distance; rows are the usearch keys."""

    backend = "hnsw"

    def __init__(
        self, dim: int, dtype: str = "float32", options: dict[str, Any] | None = None
    ) -> None:
        self.dim = int(dim)
        self.dtype = check_dtype_name(dtype)
        self.options = ann_options(options)
        self._index = self._new_index()
        self._n = 0
        #: the file mapping a reopened index reads from until its first change, or None.
        self._mapped: mmap.mmap | None = None
        #: (view, mapping) pairs replaced by an in-memory copy, kept alive so nothing
        #: can unmap pages a usearch view still points into.
        self._retired: list[tuple[Any, mmap.mmap]] = []

    def _new_index(self) -> Any:
        return _usearch()(
            ndim=self.dim,
            metric="cos",
            dtype=_DTYPES[self.dtype],
            connectivity=self.options["M"],
            expansion_add=self.options["ef_construction"],
            expansion_search=self.options["ef_search"],
        )

    @property
    def mapped(self) -> bool:
        """True while the index reads its saved file through a memory map (read-only)."""
        return self._mapped is not None

    def _writable(self) -> Any:
        """The usearch index, copied from the mapped file into memory on the first change
        after a reopen (usearch cannot change a mapped graph, and must not be asked to)."""
        if self._mapped is not None:
            copy = self._new_index()
            copy.load(self._mapped)
            copy.expansion_search = self._index.expansion_search
            self._retired.append((self._index, self._mapped))
            self._index, self._mapped = copy, None
        return self._index

    def __len__(self) -> int:
        return len(self._index)

    @property
    def rows_used(self) -> int:
        return self._n

    @property
    def tombstones(self) -> int:
        return self._n - len(self._index)

    @property
    def nbytes(self) -> int:
        return int(self._index.memory_usage)

    def add(self, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
        if len(rows) == 0:
            return
        rows = np.asarray(rows, dtype=np.int64)
        if int(rows.min()) < self._n:
            raise InvalidInputError(f"HnswIndex rows must be new (>= {self._n})")
        self._writable().add(
            rows.astype(np.uint64),
            np.ascontiguousarray(vectors, dtype=np.float32),
            threads=self.options["threads"],
        )
        self._n = int(rows.max()) + 1

    def skip_to(self, rows_used: int) -> None:
        """Mark rows below ``rows_used`` as handed out (trailing rows removed elsewhere)."""
        self._n = max(self._n, int(rows_used))

    def remove(self, rows: Rows) -> int:
        rows = np.asarray(rows, dtype=np.int64)
        rows = np.unique(rows[(rows >= 0) & (rows < self._n)])
        if rows.size == 0:
            return 0
        keys = rows.astype(np.uint64)
        present = np.asarray(self._index.contains(keys), dtype=bool).reshape(-1)
        if not present.any():
            return 0
        self._writable().remove(keys[present])
        return int(present.sum())

    def live_rows(self) -> Rows:
        if len(self._index) == 0:
            return np.empty(0, dtype=np.int64)
        keys = np.asarray(self._index.keys, dtype=np.uint64).astype(np.int64)
        keys.sort()
        return keys

    def is_live(self, rows: Rows) -> npt.NDArray[np.bool_]:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.zeros(0, dtype=bool)
        ok = rows >= 0
        out = np.zeros(rows.shape, dtype=bool)
        if ok.any():
            out[ok] = np.asarray(
                self._index.contains(rows[ok].astype(np.uint64)), dtype=bool
            ).reshape(-1)
        return out

    def search(self, query: npt.NDArray[np.float32], k: int) -> SearchResult:
        if len(self._index) == 0 or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        ef = max(self.options["ef_search"], k)
        if self._index.expansion_search != ef:
            self._index.expansion_search = ef
        found = self._index.search(np.ascontiguousarray(query, dtype=np.float32), k, threads=1)
        rows = np.asarray(found.keys, dtype=np.uint64).astype(np.int64)
        sims = (1.0 - np.asarray(found.distances, dtype=np.float32)).astype(np.float32)
        return rows, sims

    def get(self, rows: Rows) -> npt.NDArray[np.float32]:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.empty((0, self.dim), dtype=np.float32)
        got = self._index.get(rows.astype(np.uint64), dtype=np.float32)
        if isinstance(got, tuple):
            if any(v is None for v in got):
                raise KeyError("some rows are not in the index")
            got = np.stack(got)
        return np.asarray(got, dtype=np.float32).reshape(len(rows), self.dim)

    def info(self) -> dict[str, Any]:
        return {
            "backend": "hnsw",
            "engine": "usearch",
            "dim": self.dim,
            "dtype": self.dtype,
            "rows": self._n,
            "options": self.options,
        }

    def save(self, directory: Path, stem: str) -> list[str]:
        name = f"{stem}.usearch"
        self._index.save(str(directory / name))
        return [name]

    @classmethod
    def load(cls, directory: Path, stem: str, info: dict[str, Any]) -> HnswIndex:
        index = cls(int(info["dim"]), str(info["dtype"]), dict(info.get("options") or {}))
        path = directory / f"{stem}.usearch"
        try:
            fd = os.open(path, os.O_RDONLY)
            try:
                mapping = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
            finally:
                os.close(fd)
            index._index.view(mapping)
        except (RuntimeError, ValueError, OSError) as exc:
            raise CorruptStoreError(f"cannot load HNSW index {stem}: {exc}") from exc
        index._mapped = mapping
        if index._index.ndim != index.dim:
            raise CorruptStoreError(f"HNSW index {stem} has dimension {index._index.ndim}")
        index._n = int(info["rows"])
        return index
