"""``FaissIndex``: HNSW from faiss (extra ``[faiss]``), for users who already run faiss.

faiss' HNSW cannot delete, so removed rows are excluded *inside* the search with an
``IDSelectorBitmap`` of live rows (the filter runs during graph traversal, never after a
top-k), and their space comes back when the cache compacts the index. float16 and int8
use faiss' scalar quantizer; int8 is trained on the fixed range [-1, 1], which covers
every unit vector, so no training data is needed. Saved with ``faiss.write_index`` (a
plain binary format; no pickle).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..codecs import check_dtype_name
from ..errors import CorruptStoreError, InvalidInputError, MissingExtraError
from .ann_options import ann_options
from .protocol import Rows, SearchResult

__all__ = ["FaissIndex", "faiss_available"]


def _faiss() -> Any:
    try:
        import faiss
    except ImportError as exc:
        raise MissingExtraError("faiss", "faiss-cpu", "index_backend='faiss'") from exc
    return faiss


def faiss_available() -> bool:
    try:
        _faiss()
    except MissingExtraError:
        return False
    return True


class FaissIndex:
    """faiss HNSW (flat, fp16 or 8-bit scalar quantizer) with a live-row bitmap."""

    backend = "faiss"

    def __init__(
        self, dim: int, dtype: str = "float32", options: dict[str, Any] | None = None
    ) -> None:
        faiss = _faiss()
        self._faiss = faiss
        self.dim = int(dim)
        self.dtype = check_dtype_name(dtype)
        self.options = ann_options(options)
        self._index = self._new_index()
        self._live = np.zeros(0, dtype=bool)
        self._nlive = 0

    def _new_index(self) -> Any:
        faiss, m = self._faiss, self.options["M"]
        ip = faiss.METRIC_INNER_PRODUCT
        if self.dtype == "float32":
            index = faiss.IndexHNSWFlat(self.dim, m, ip)
        else:
            qtype = (
                faiss.ScalarQuantizer.QT_fp16
                if self.dtype == "float16"
                else faiss.ScalarQuantizer.QT_8bit
            )
            index = faiss.IndexHNSWSQ(self.dim, qtype, m, ip)
            box = np.stack([-np.ones(self.dim), np.ones(self.dim)]).astype(np.float32)
            index.train(box)
        index.hnsw.efConstruction = self.options["ef_construction"]
        index.hnsw.efSearch = self.options["ef_search"]
        return index

    def __len__(self) -> int:
        return self._nlive

    @property
    def rows_used(self) -> int:
        return int(self._index.ntotal)

    @property
    def tombstones(self) -> int:
        return self.rows_used - self._nlive

    @property
    def nbytes(self) -> int:
        itemsize = {"float32": 4, "float16": 2, "int8": 1}[self.dtype]
        return self.rows_used * (self.dim * itemsize + self.options["M"] * 2 * 4 + 8)

    def add(self, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
        m = len(rows)
        if m == 0:
            return
        rows = np.asarray(rows, dtype=np.int64)
        n = self.rows_used
        if int(rows[0]) != n or (m > 1 and not bool(np.all(np.diff(rows) == 1))):
            raise InvalidInputError(f"FaissIndex rows must be appended in order from {n}")
        self._index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        live = np.zeros(n + m, dtype=bool)
        live[:n] = self._live[:n]
        live[n:] = True
        self._live = live
        self._nlive += m

    def remove(self, rows: Rows) -> int:
        rows = np.asarray(rows, dtype=np.int64)
        rows = np.unique(rows[(rows >= 0) & (rows < self._live.shape[0])])
        was = int(np.count_nonzero(self._live[rows])) if rows.size else 0
        if was:
            self._live[rows] = False
            self._nlive -= was
        return was

    def live_rows(self) -> Rows:
        return np.flatnonzero(self._live).astype(np.int64)

    def is_live(self, rows: Rows) -> npt.NDArray[np.bool_]:
        rows = np.asarray(rows, dtype=np.int64)
        ok = (rows >= 0) & (rows < self._live.shape[0])
        out = np.zeros(rows.shape, dtype=bool)
        out[ok] = self._live[rows[ok]]
        return out

    def search(self, query: npt.NDArray[np.float32], k: int) -> SearchResult:
        if self._nlive == 0 or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        faiss = self._faiss
        ef = max(self.options["ef_search"], k)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        if self._nlive == self.rows_used:
            params = faiss.SearchParametersHNSW(efSearch=ef)
            dist, ids = self._index.search(q, k, params=params)
        else:
            bitmap = np.packbits(self._live, bitorder="little")
            selector = faiss.IDSelectorBitmap(self._live.shape[0], faiss.swig_ptr(bitmap))
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=ef)
            dist, ids = self._index.search(q, k, params=params)
            del selector, bitmap  # the selector points into bitmap; both die together
        rows = ids[0].astype(np.int64)
        keep = rows >= 0
        return rows[keep], dist[0][keep].astype(np.float32)

    def get(self, rows: Rows) -> npt.NDArray[np.float32]:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.empty((0, self.dim), dtype=np.float32)
        out = np.stack([self._index.reconstruct(int(r)) for r in rows])
        return np.asarray(out, dtype=np.float32)

    def info(self) -> dict[str, Any]:
        return {
            "backend": "faiss",
            "dim": self.dim,
            "dtype": self.dtype,
            "rows": self.rows_used,
            "options": self.options,
        }

    def save(self, directory: Path, stem: str) -> list[str]:
        names = [f"{stem}.faiss", f"{stem}.live"]
        self._faiss.write_index(self._index, str(directory / names[0]))
        self._live.astype(np.uint8).tofile(directory / names[1])
        return names

    @classmethod
    def load(cls, directory: Path, stem: str, info: dict[str, Any]) -> FaissIndex:
        index = cls(int(info["dim"]), str(info["dtype"]), dict(info.get("options") or {}))
        try:
            index._index = index._faiss.read_index(str(directory / f"{stem}.faiss"))
        except RuntimeError as exc:
            raise CorruptStoreError(f"cannot load faiss index {stem}: {exc}") from exc
        n = int(info["rows"])
        live = np.fromfile(directory / f"{stem}.live", dtype=np.uint8)
        if index._index.ntotal != n or live.shape[0] != n or index._index.d != index.dim:
            raise CorruptStoreError(f"faiss index {stem} does not match its manifest")
        index._live = live.astype(bool)
        index._nlive = int(np.count_nonzero(index._live))
        index._index.hnsw.efSearch = index.options["ef_search"]
        return index
