"""Choosing and building index backends (one module per engine: ``exact``, ``usearch``,
``hnswlib``, ``faiss``).

``index_backend`` is one of ``BACKENDS``; ``index_options["engine"]`` picks the HNSW
engine (``auto``: hnswlib for float32 when it is installed -- it is not part of
``[ann]`` -- else usearch, whose int8 graph, rescored exactly, builds ~3x faster).
``"auto"`` keeps a partition on the exact backend while it holds fewer than
``AUTO_ANN_THRESHOLD`` live entries (a full scan of 10,000 384-d float32 vectors costs
about a millisecond on two cores, and exact search needs no build) and moves it to HNSW
above that when usearch is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from .ann_options import ann_options
from .exact import ExactIndex
from .faiss import FaissIndex, faiss_available
from .hnswlib import HnswlibIndex, hnswlib_available, require_hnswlib
from .protocol import VectorIndex
from .usearch import HnswIndex, graph_dtype, usearch_available

__all__ = [
    "AUTO_ANN_THRESHOLD",
    "BACKENDS",
    "ENGINES",
    "IndexConfig",
    "check_backend",
    "choose_engine",
    "load_index",
    "new_index",
]

#: ``"pgvector"`` is not an in-process engine: the store searches (a ``VectorSearch``
#: store, PostgreSQL with pgvector); see ``nearcache.semantic.server_index``.
BACKENDS: tuple[str, ...] = ("auto", "exact", "hnsw", "faiss", "pgvector")
#: HNSW engines for ``index_backend="hnsw"`` (``index_options["engine"]``).
ENGINES: tuple[str, ...] = ("auto", "usearch", "hnswlib")
#: Live entries per partition above which ``"auto"`` switches to HNSW.
AUTO_ANN_THRESHOLD = 10_000
_OPTION_NAMES = frozenset(
    {
        "M",
        "ef_construction",
        "ef_search",
        "threads",
        "rescore",
        "graph_dtype",
        "engine",
        "auto_threshold",
        "background_build",
        "path",
    }
)


def choose_engine(engine: object, dtype: str) -> str:
    """The HNSW engine to use for ``dtype`` (``auto`` prefers hnswlib for float32)."""
    if engine not in ENGINES:
        raise InvalidInputError(f"unknown HNSW engine {engine!r}; allowed: {', '.join(ENGINES)}")
    if engine == "auto":
        return "hnswlib" if dtype == "float32" and hnswlib_available() else "usearch"
    if engine == "hnswlib":
        require_hnswlib()
        if dtype != "float32":
            raise InvalidInputError("the hnswlib engine stores float32 only; use engine='usearch'")
    return str(engine)


def check_backend(name: object) -> str:
    if name not in BACKENDS:
        raise InvalidInputError(f"unknown index_backend {name!r}; allowed: {', '.join(BACKENDS)}")
    return str(name)


class IndexConfig:
    """What the cache asked for: backend name, dtype and pass-through options."""

    def __init__(self, backend: str, dtype: str, options: dict[str, Any] | None) -> None:
        self.backend = check_backend(backend)
        self.dtype = dtype
        options = dict(options or {})
        unknown = set(options) - _OPTION_NAMES
        if unknown:
            allowed = ", ".join(sorted(_OPTION_NAMES))
            raise InvalidInputError(f"unknown index_options {sorted(unknown)}; allowed: {allowed}")
        self.options = options
        self.ann = ann_options(options)
        threshold = options.get("auto_threshold", AUTO_ANN_THRESHOLD)
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
            raise InvalidInputError("index option auto_threshold must be a positive int")
        self.auto_threshold = threshold
        self.background_build = bool(options.get("background_build", True))
        self.graph_dtype = graph_dtype(options.get("graph_dtype", "auto"))
        if options.get("engine", "auto") == "auto" and options.get("graph_dtype", "auto") not in (
            "auto",
            "float32",
        ):
            options["engine"] = "usearch"  # only usearch has quantized graphs
        self.engine = str(options.get("engine", "auto"))
        if self.backend == "hnsw":
            self.engine = choose_engine(self.engine, dtype)
            hnswlib_graph = self.graph_dtype == "float32" or "graph_dtype" not in options
            if self.engine == "hnswlib" and not hnswlib_graph:
                raise InvalidInputError("the hnswlib engine has no graph_dtype; use usearch")
            if self.engine == "usearch" and not usearch_available():
                HnswIndex(1)  # raises MissingExtraError naming the extra
        else:
            choose_engine(self.engine, "float32")  # validates the name
        if self.backend == "faiss" and not faiss_available():
            FaissIndex(1)

    def initial(self) -> str:
        """Backend of a new, empty partition."""
        return "exact" if self.backend == "auto" else self.backend

    @property
    def ann_installed(self) -> bool:
        """Whether an HNSW engine for the current dtype can be imported."""
        return usearch_available() or (self.dtype == "float32" and hnswlib_available())

    def wanted(self, live: int) -> str:
        """Backend a partition of ``live`` entries should use (``auto`` decides by size)."""
        if self.backend != "auto":
            return self.backend
        if self.ann_installed and live >= self.auto_threshold:
            return "hnsw"
        return "exact"

    def make(self, backend: str, dim: int) -> VectorIndex:
        # Only the settings asked for: each engine fills in its own defaults.
        options: dict[str, Any] = {k: v for k, v in self.options.items() if k in self.ann}
        options["engine"] = self.options.get("engine", "auto")
        options["graph_dtype"] = self.graph_dtype
        return new_index(backend, dim, self.dtype, options)


def new_index(backend: str, dim: int, dtype: str, options: dict[str, Any] | None) -> VectorIndex:
    if backend == "exact":
        return ExactIndex(dim, dtype)
    if backend == "hnsw":
        engine = choose_engine((options or {}).get("engine", "auto"), dtype)
        if engine == "hnswlib":
            return HnswlibIndex(dim, dtype, options)
        return HnswIndex(dim, dtype, options)
    if backend == "faiss":
        return FaissIndex(dim, dtype, options)
    raise InvalidInputError(f"unknown index backend {backend!r}")


def load_index(directory: Path, stem: str, info: dict[str, Any]) -> VectorIndex:
    backend = info.get("backend")
    if backend == "exact":
        return ExactIndex.load(directory, stem, info)
    if backend == "hnsw" and info.get("engine") == "hnswlib":
        return HnswlibIndex.load(directory, stem, info)
    if backend == "hnsw":
        return HnswIndex.load(directory, stem, info)
    if backend == "faiss":
        return FaissIndex.load(directory, stem, info)
    raise InvalidInputError(f"unknown index backend {backend!r} in a saved index")
