"""``HnswIndex``: HNSW from usearch (extra ``[ann]``), the default ANN engine.

usearch stores bfloat16, float16 and int8 vectors and saves/loads the graph as one file:
a large index is never rebuilt by re-inserting on reopen.

**Removal is a mark, not usearch's ``remove``.** usearch's own removal can loop forever
(seen here with eight threads putting and deleting, and reported upstream), and it spins
while holding Python's lock, so the whole process freezes. A removed row is marked dead
in a mask kept beside the graph (saved as ``.dead``, raw bytes); it stays in the graph
as a waypoint, searches ask for more candidates and drop dead ones, and ``compact``
rebuilds a partition at live size (``tombstones`` counts the dead rows).

**A quantized graph, rescored exactly.** The graph's own vectors are int8 by default
(``graph_dtype``, index option): distances in int8 are ~3x cheaper than in float32, so
building a million-entry graph takes minutes instead of twenty. Beside the graph the
index keeps the vectors in the cache's ``vector_dtype`` (an
:class:`~nearcache.index.exact.ExactIndex` used as a row store, :mod:`.rowstore`); a
search asks the graph for ``rescore`` candidates (32 by default, at least ``k``) and
ranks them by their exact cosine, so the order and the similarities it returns are those
of the stored vectors and quantization only decides which candidates are looked at. With
``graph_dtype`` equal to ``vector_dtype`` the graph is searched alone, as before. A
rescored graph measures the inner product (``graph_metric`` "ip" in its info), not the
cosine: the vectors are unit length, so the two rank alike, and the inner product skips
the two norms the cosine computes per pair -- the build's distance calls are most of its
time. A graph searched alone, and one saved before this, keep the cosine.

**Parallel bulk inserts.** ``threads=0`` (the default) inserts batches of hundreds of
rows on every core once the graph is past its first thousand rows (see
:mod:`~nearcache.index.ann_options`); single puts stay on the calling thread.

**Reopening maps the saved files** instead of reading them (usearch's ``view`` over an
``mmap`` of the graph, a NumPy memory map of the stored vectors): nothing is read until
a search touches it, so the first hit after reopening a million entries comes in
milliseconds, and reader processes share the pages through the OS cache. A mapped graph
is read-only, so the first change (``add`` or ``remove``) copies it into memory first --
a one-time cost of well under a second per million int8 vectors, paid only by a process
that writes; the stored vectors stay mapped and new rows go to a tail. The mappings hold
the files' pages open, so a later checkpoint that replaces or deletes them does not
disturb them.

Defaults: a rescored graph ``M=16``, ``ef_construction=64``, ``ef_search=104``,
``rescore=32`` (:data:`~nearcache.index.ann_options.RESCORED_DEFAULTS`: it only has to bring
the best row into the candidates, so it is built at half the cost); a graph searched alone
``M=16``, ``ef_construction=128``, ``ef_search=128``. Both keep top-1 agreement with exact
search at 99% or more on random data (the hardest case: the nearest neighbour of a random
query is nearly tied with many others); realistic embeddings need less, so
latency-sensitive caches can lower ``ef_search`` (the benchmarks report both).
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
from .ann_options import DEFAULTS, RESCORED_DEFAULTS, ann_options, insert_plan
from .exact import ExactIndex, read_into
from .protocol import Rows, SearchResult
from .rowstore import append_rows, load_rows

__all__ = ["GRAPH_DTYPES", "HnswIndex", "graph_dtype", "usearch_available"]

_USEARCH = {"float32": "f32", "bfloat16": "bf16", "float16": "f16", "int8": "i8"}
#: Allowed ``graph_dtype`` values; ``auto`` is int8 (the fastest build, rescored exactly).
GRAPH_DTYPES: tuple[str, ...] = ("auto", *_USEARCH)
_METRICS = ("cos", "ip")


def graph_dtype(name: object) -> str:
    """The dtype of the vectors inside the graph for the ``graph_dtype`` option."""
    if name not in GRAPH_DTYPES:
        raise InvalidInputError(f"unknown graph_dtype {name!r}; allowed: {', '.join(GRAPH_DTYPES)}")
    return "int8" if name == "auto" else str(name)


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
        self.graph = graph_dtype((options or {}).get("graph_dtype", "auto"))
        rescored = self.graph != self.dtype
        self.options = ann_options(options, RESCORED_DEFAULTS if rescored else DEFAULTS)
        #: the graph's distance: a rescored graph only picks candidates, so it uses the
        #: inner product (the cosine of unit vectors without the per-pair norms);
        #: a graph searched alone, and one saved before this choice, use the cosine.
        self.metric = str((options or {}).get("graph_metric") or ("ip" if rescored else "cos"))
        if self.metric not in _METRICS:
            raise InvalidInputError(f"unknown graph_metric {self.metric!r}")
        self._index = self._new_index()
        self._n = 0
        #: the vectors in ``dtype`` when the graph holds them in another dtype, for
        #: exact rescoring (rows are the same; gaps hold zero rows, never live).
        self._exact: ExactIndex | None = ExactIndex(self.dim, self.dtype) if rescored else None
        #: rows removed (marked, never removed from the graph: see the module notes)
        self._dead = np.zeros(0, dtype=bool)
        self._ndead = 0
        #: the file mapping a reopened index reads from until its first change, or None.
        self._mapped: mmap.mmap | None = None
        #: (view, mapping) pairs replaced by an in-memory copy, kept alive so nothing
        #: can unmap pages a usearch view still points into.
        self._retired: list[tuple[Any, mmap.mmap]] = []

    def _new_index(self) -> Any:
        return _usearch()(
            ndim=self.dim,
            metric=self.metric,
            dtype=_USEARCH[self.graph],
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
        return len(self._index) - self._ndead

    @property
    def rows_used(self) -> int:
        return self._n

    @property
    def tombstones(self) -> int:
        return self._n - len(self)

    @property
    def nbytes(self) -> int:
        extra = 0 if self._exact is None else self._exact.nbytes
        return int(self._index.memory_usage) + extra

    def add(self, rows: Rows, vectors: npt.NDArray[np.float32]) -> None:
        if len(rows) == 0:
            return
        rows = np.asarray(rows, dtype=np.int64)
        if int(rows.min()) < self._n:
            raise InvalidInputError(f"HnswIndex rows must be new (>= {self._n})")
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.shape != (len(rows), self.dim):
            raise InvalidInputError(
                f"expected vectors of shape ({len(rows)}, {self.dim}), got {vectors.shape}"
            )
        index, keys = self._writable(), rows.astype(np.uint64)
        for part, threads in insert_plan(self.options["threads"], len(index), len(rows)):
            index.add(keys[part], vectors[part], threads=threads)
        if self._exact is not None:
            append_rows(self._exact, rows, vectors)
        self._n = int(rows.max()) + 1

    def skip_to(self, rows_used: int) -> None:
        """Mark rows below ``rows_used`` as handed out (trailing rows removed elsewhere)."""
        self._n = max(self._n, int(rows_used))

    def remove(self, rows: Rows) -> int:
        rows = np.asarray(rows, dtype=np.int64)
        rows = np.unique(rows[(rows >= 0) & (rows < self._n)])
        if rows.size == 0:
            return 0
        gone = rows[self.is_live(rows)]
        if gone.size == 0:
            return 0
        if len(self._dead) < self._n:  # grow the mask to every row handed out
            grown = np.zeros(max(self._n, 2 * len(self._dead)), dtype=bool)
            grown[: len(self._dead)] = self._dead
            self._dead = grown
        self._dead[gone] = True
        self._ndead += int(gone.size)
        if self._exact is not None:
            self._exact.remove(gone)
        return int(gone.size)

    def _not_dead(self, rows: Rows) -> npt.NDArray[np.bool_]:
        """Which of ``rows`` (all >= 0) are not marked dead."""
        inside = rows < len(self._dead)
        dead = np.zeros(rows.shape, dtype=bool)
        dead[inside] = self._dead[rows[inside]]
        return ~dead

    def live_rows(self) -> Rows:
        if len(self._index) == 0:
            return np.empty(0, dtype=np.int64)
        keys = np.asarray(self._index.keys, dtype=np.uint64).astype(np.int64)
        keys.sort()
        return keys[self._not_dead(keys)] if self._ndead else keys

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
        if self._ndead:
            out[ok] &= self._not_dead(rows[ok])
        return out

    def search(self, query: npt.NDArray[np.float32], k: int) -> SearchResult:
        if len(self) == 0 or k <= 0:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        exact = self._exact
        want = k if exact is None else max(k, self.options["rescore"])
        q = np.ascontiguousarray(query, dtype=np.float32)
        rows, dist = self._candidates(q, want)
        if exact is None:
            sims = (1.0 - dist).astype(np.float32)
            return rows[:k], sims[:k]
        # Exact cosine of the graph's candidates (unit vectors: the inner product).
        sims = np.einsum("ij,j->i", exact.get(rows), q).astype(np.float32)
        order = np.argsort(-sims, kind="stable")[:k]
        return rows[order], sims[order]

    def _candidates(self, q: npt.NDArray[np.float32], want: int) -> tuple[Rows, Any]:
        """The graph's ``want`` nearest live rows and their distances: dead rows are
        asked for on top and dropped, with a wider search when too many were dead."""
        ask = want + min(self._ndead, 2 * want)
        while True:
            ef = max(self.options["ef_search"], ask)
            if self._index.expansion_search != ef:
                self._index.expansion_search = ef
            found = self._index.search(q, ask, threads=1)
            rows = np.asarray(found.keys, dtype=np.uint64).astype(np.int64)
            dist = np.asarray(found.distances, dtype=np.float32)
            if not self._ndead:
                return rows, dist
            keep = self._not_dead(rows)
            rows, dist = rows[keep], dist[keep]
            if len(rows) >= want or ask >= len(self._index):
                return rows[:want], dist[:want]
            ask = min(4 * ask, len(self._index))

    def get(self, rows: Rows) -> npt.NDArray[np.float32]:
        rows = np.asarray(rows, dtype=np.int64)
        if rows.size == 0:
            return np.empty((0, self.dim), dtype=np.float32)
        if self._exact is not None:
            if not bool(self.is_live(rows).all()):
                raise KeyError("some rows are not in the index")
            return self._exact.get(rows)
        if self._ndead and not bool(self.is_live(rows).all()):
            raise KeyError("some rows are not in the index")
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
            "graph_dtype": self.graph,
            "graph_metric": self.metric,
            "rows": self._n,
            "dead": self._ndead,
            "options": self.options,
        }

    def save(self, directory: Path, stem: str) -> list[str]:
        """``stem.usearch`` (the graph) and, for a rescored graph, the stored vectors as
        ``stem.rows.vec`` / ``.live`` (/ ``.scale`` for int8): raw little-endian arrays."""
        name = f"{stem}.usearch"
        self._index.save(str(directory / name))
        names = [name]
        if self._ndead:
            names.append(f"{stem}.dead")
            dead = np.zeros(self._n, dtype=np.uint8)
            dead[: len(self._dead)] = self._dead[: self._n]
            dead.tofile(directory / names[-1])
        if self._exact is not None:
            names.extend(self._exact.save(directory, f"{stem}.rows"))
        return names

    @classmethod
    def load(cls, directory: Path, stem: str, info: dict[str, Any]) -> HnswIndex:
        # A file saved before graphs were quantized holds its vectors in ``dtype``.
        options = {
            **dict(info.get("options") or {}),
            "graph_dtype": info.get("graph_dtype") or str(info["dtype"]),
            "graph_metric": info.get("graph_metric", "cos"),
        }
        index = cls(int(info["dim"]), str(info["dtype"]), options)
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
        if int(info.get("dead", 0)):
            index._load_dead(directory / f"{stem}.dead", int(info["dead"]))
        if index._exact is not None:
            index._exact = load_rows(directory, f"{stem}.rows", index)
        return index

    def _load_dead(self, path: Path, count: int) -> None:
        """The saved mask of removed rows (one byte per row, 0 or 1)."""
        dead = np.empty(self._n, dtype=np.uint8)
        try:
            if path.stat().st_size != self._n:
                raise CorruptStoreError(f"{path.name} has the wrong size")
            read_into(path, dead)
        except OSError as exc:
            raise CorruptStoreError(f"cannot read {path.name}: {exc}") from exc
        if (dead.size and int(dead.max()) > 1) or int(dead.sum()) != count:
            raise CorruptStoreError(f"{path.name} does not match the index's removed rows")
        self._dead, self._ndead = dead.view(bool), count
