"""HNSW indexes: usearch (extra ``[ann]``) and, when installed, hnswlib.

usearch is the engine the ``[ann]`` extra installs: it removes entries natively (so a
deleted row is never returned, with no filtering after the search), stores float16 and
int8 vectors, and saves/loads the graph as one file: a large index is loaded on reopen,
never rebuilt by re-inserting (building one million 384-d vectors takes many minutes on
two cores). hnswlib (``pip install hnswlib``; it ships no wheels, so it is not part of
an extra) is float32 only but searches 2-3x faster from Python on the machines we
measured, and also deletes natively (``mark_deleted``) and saves/loads its graph.
``index_options["engine"]`` picks one: ``"usearch"``, ``"hnswlib"`` or ``"auto"`` (the
default: hnswlib for float32 when it is importable, usearch otherwise).

Defaults (``M=16``, ``ef_construction=128``, ``ef_search=128``, ``threads=1``) keep top-1
agreement with exact search at 99% or more even on random data (the hardest case: the
nearest neighbour of a random query is nearly tied with many others); realistic
(low-rank) embeddings need far less, so latency-sensitive caches can lower ``ef_search``
(the benchmark reports both). Inserts are single-threaded by default because parallel
inserts into a young graph measurably lower its recall; raise ``threads`` to build big
indexes faster.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..codecs import check_dtype_name
from ..errors import CorruptStoreError, MissingExtraError
from .protocol import Rows, SearchResult

__all__ = [
    "DEFAULTS",
    "ENGINES",
    "HnswIndex",
    "HnswlibIndex",
    "choose_engine",
    "hnswlib_available",
    "usearch_available",
]

ENGINES: tuple[str, ...] = ("auto", "usearch", "hnswlib")

DEFAULTS: dict[str, int] = {"M": 16, "ef_construction": 128, "ef_search": 128, "threads": 1}
_DTYPES = {"float32": "f32", "float16": "f16", "int8": "i8"}


def _usearch() -> Any:
    # usearch's extension carries its own static libstdc++; importing onnxruntime (the
    # default embedder's runtime, linked to the system libstdc++) *after* it segfaults the
    # process (usearch 2.26.6, onnxruntime 1.32.0, Debian 12). Load onnxruntime first
    # when it is installed; the other order is safe.
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    try:
        from usearch.index import Index
    except ImportError:
        raise MissingExtraError("ann", "usearch", "index_backend='hnsw'") from None
    return Index


def usearch_available() -> bool:
    try:
        _usearch()
    except MissingExtraError:
        return False
    return True


def _hnswlib() -> Any:
    try:
        import hnswlib
    except ImportError:
        raise ImportError(
            "index_options engine='hnswlib' needs the hnswlib package: pip install hnswlib"
        ) from None
    return hnswlib


def hnswlib_available() -> bool:
    try:
        _hnswlib()
    except ImportError:
        return False
    return True


def choose_engine(engine: object, dtype: str) -> str:
    """The HNSW engine to use for ``dtype`` (``auto`` prefers hnswlib for float32)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown HNSW engine {engine!r}; allowed: {', '.join(ENGINES)}")
    if engine == "auto":
        return "hnswlib" if dtype == "float32" and hnswlib_available() else "usearch"
    if engine == "hnswlib":
        _hnswlib()
        if dtype != "float32":
            raise ValueError("the hnswlib engine stores float32 only; use engine='usearch'")
    return str(engine)


def ann_options(options: dict[str, Any] | None) -> dict[str, int]:
    """Validated HNSW settings: ``M``, ``ef_construction``, ``ef_search``, ``threads``."""
    out = dict(DEFAULTS)
    for name, value in (options or {}).items():
        if name not in DEFAULTS:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"index option {name} must be a non-negative int, not {value!r}")
        if name != "threads" and value < 1:
            raise ValueError(f"index option {name} must be at least 1")
        out[name] = value
    return out


class HnswIndex:
    """HNSW over unit vectors with cosine distance; rows are the usearch keys."""

    backend = "hnsw"

    def __init__(
        self, dim: int, dtype: str = "float32", options: dict[str, Any] | None = None
    ) -> None:
        index_cls = _usearch()
        self.dim = int(dim)
        self.dtype = check_dtype_name(dtype)
        self.options = ann_options(options)
        self._index = index_cls(
            ndim=self.dim,
            metric="cos",
            dtype=_DTYPES[self.dtype],
            connectivity=self.options["M"],
            expansion_add=self.options["ef_construction"],
            expansion_search=self.options["ef_search"],
        )
        self._n = 0

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
            raise ValueError(f"HnswIndex rows must be new (>= {self._n})")
        self._index.add(
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
        self._index.remove(keys[present])
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
        try:
            index._index.load(str(directory / f"{stem}.usearch"))
        except (RuntimeError, ValueError, OSError) as exc:
            raise CorruptStoreError(f"cannot load HNSW index {stem}: {exc}") from None
        if index._index.ndim != index.dim:
            raise CorruptStoreError(f"HNSW index {stem} has dimension {index._index.ndim}")
        index._n = int(info["rows"])
        return index


class HnswlibIndex:
    """HNSW over unit vectors by inner product with hnswlib; rows are its labels."""

    backend = "hnsw"

    def __init__(
        self, dim: int, dtype: str = "float32", options: dict[str, Any] | None = None
    ) -> None:
        lib = _hnswlib()
        if dtype != "float32":
            raise ValueError("the hnswlib engine stores float32 only")
        self.dim = int(dim)
        self.dtype = "float32"
        self.options = ann_options(options)
        self._index = lib.Index(space="ip", dim=self.dim)
        self._cap = 1024
        self._index.init_index(
            max_elements=self._cap,
            M=self.options["M"],
            ef_construction=self.options["ef_construction"],
            random_seed=100,
        )
        self._index.set_ef(self.options["ef_search"])
        self._live = np.zeros(0, dtype=bool)
        self._nlive = 0

    def __len__(self) -> int:
        return self._nlive

    @property
    def rows_used(self) -> int:
        return int(self._live.shape[0])

    @property
    def tombstones(self) -> int:
        return self.rows_used - self._nlive

    @property
    def nbytes(self) -> int:
        per = self.dim * 4 + self.options["M"] * 2 * 4 + 4 + 8 + 8
        return self._cap * per

    def skip_to(self, rows_used: int) -> None:
        self._grow_live(int(rows_used))

    def _grow_live(self, n: int) -> None:
        if n > self._live.shape[0]:
            live = np.zeros(n, dtype=bool)
            live[: self._live.shape[0]] = self._live
            self._live = live

    def add(self, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
        if len(rows) == 0:
            return
        rows = np.asarray(rows, dtype=np.int64)
        if int(rows.min()) < self.rows_used:
            raise ValueError(f"HnswlibIndex rows must be new (>= {self.rows_used})")
        need = self.index_count() + len(rows)
        if need > self._cap:
            self._cap = max(need, self._cap * 2)
            self._index.resize_index(self._cap)
        self._index.add_items(
            np.ascontiguousarray(vectors, dtype=np.float32),
            rows,
            num_threads=max(1, self.options["threads"]),
        )
        self._grow_live(int(rows.max()) + 1)
        self._live[rows] = True
        self._nlive += len(rows)

    def index_count(self) -> int:
        return int(self._index.get_current_count())

    def remove(self, rows: Rows) -> int:
        rows = np.asarray(rows, dtype=np.int64)
        rows = np.unique(rows[(rows >= 0) & (rows < self.rows_used)])
        rows = rows[self._live[rows]] if rows.size else rows
        for row in rows.tolist():
            self._index.mark_deleted(row)
        self._live[rows] = False
        self._nlive -= int(rows.size)
        return int(rows.size)

    def live_rows(self) -> Rows:
        return np.flatnonzero(self._live).astype(np.int64)

    def is_live(self, rows: Rows) -> npt.NDArray[np.bool_]:
        rows = np.asarray(rows, dtype=np.int64)
        ok = (rows >= 0) & (rows < self.rows_used)
        out = np.zeros(rows.shape, dtype=bool)
        out[ok] = self._live[rows[ok]]
        return out

    def search(self, query: npt.NDArray[np.float32], k: int) -> SearchResult:
        k = min(k, self._nlive)
        if k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        self._index.set_ef(max(self.options["ef_search"], k))
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        while True:
            try:
                labels, dists = self._index.knn_query(q, k=k, num_threads=1)
                break
            except RuntimeError:  # fewer than k reachable: ask for fewer
                if k == 1:
                    return np.empty(0, np.int64), np.empty(0, np.float32)
                k = max(1, k // 2)
        rows = labels[0].astype(np.int64)
        return rows, (1.0 - dists[0]).astype(np.float32)

    def get(self, rows: Rows) -> npt.NDArray[np.float32]:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.empty((0, self.dim), dtype=np.float32)
        got = self._index.get_items(rows.tolist())
        return np.asarray(got, dtype=np.float32).reshape(len(rows), self.dim)

    def info(self) -> dict[str, Any]:
        return {
            "backend": "hnsw",
            "engine": "hnswlib",
            "dim": self.dim,
            "dtype": self.dtype,
            "rows": self.rows_used,
            "options": self.options,
        }

    def save(self, directory: Path, stem: str) -> list[str]:
        names = [f"{stem}.hnswlib", f"{stem}.live"]
        self._index.save_index(str(directory / names[0]))
        self._live.astype(np.uint8).tofile(directory / names[1])
        return names

    @classmethod
    def load(cls, directory: Path, stem: str, info: dict[str, Any]) -> HnswlibIndex:
        index = cls(int(info["dim"]), "float32", dict(info.get("options") or {}))
        n = int(info["rows"])
        live = np.fromfile(directory / f"{stem}.live", dtype=np.uint8)
        if live.shape[0] != n or (live.size and int(live.max()) > 1):
            raise CorruptStoreError(f"HNSW index {stem} does not match its manifest")
        try:
            index._index.load_index(str(directory / f"{stem}.hnswlib"), max_elements=max(n, 1))
        except (RuntimeError, ValueError, OSError) as exc:
            raise CorruptStoreError(f"cannot load HNSW index {stem}: {exc}") from None
        if index._index.dim != index.dim:
            raise CorruptStoreError(f"HNSW index {stem} has dimension {index._index.dim}")
        index._cap = max(n, 1)
        index._live = live.astype(bool)
        index._nlive = int(np.count_nonzero(index._live))
        index._index.set_ef(index.options["ef_search"])
        return index
