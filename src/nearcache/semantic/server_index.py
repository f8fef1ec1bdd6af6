"""``index_backend="pgvector"``: the store searches the vectors itself.

Nothing is kept in process and nothing is replayed: each record's vector and scope are
written beside it in the same transaction (``VectorSearch.put_vectors``), and a lookup
asks the server for the exact key and, once it has a vector, for the nearest live
entries of its (namespace, scope) together with their records -- so any process, on any
machine, sees every acknowledged write on its next lookup, and a new process answers at
once instead of rebuilding an index.

Vectors go to the server as unit float32 rows of what the record stores: ``vector(d)``
for float32 caches, ``halfvec(d)`` for float16 and for int8 (the dequantized int8 vector
in half precision). The cosine the server reports is only used to rank and to decide
which records to send; the lookup recomputes the exact cosine from the record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..clock import Clock
from ..errors import CorruptEntryError, InvalidInputError
from ..index.factory import IndexConfig
from ..index.protocol import unit_rows
from ..stores.protocol import Item, Limit, Probe, Store, VectorLayout, VectorSearch
from .binding import StoreBinding
from .counters import SemanticCounters
from .indexing import TABLE, IndexCommon, IndexFigures, Vector, candidates, index_problems
from .record import Entry, decode_entry
from .spaces import Candidate

__all__ = ["KIND_OF_DTYPE", "PGVECTOR_DEFAULTS", "ServerIndex"]

#: The server column type for each vector dtype of the cache.
KIND_OF_DTYPE = {"float32": "vector", "float16": "halfvec", "int8": "halfvec"}
#: pgvector's own defaults for m and ef_construction; ef_search 100 measured to keep
#: recall@1 >= 0.99 at a million entries (benchmarks/RESULTS.md, "Scaling out").
PGVECTOR_DEFAULTS = {"M": 16, "ef_construction": 64, "ef_search": 100}


class ServerIndex(IndexCommon):
    """A :class:`~.indexing.SemanticIndex` served by a ``VectorSearch`` store."""

    probe_searches = True

    def __init__(
        self,
        store: Store,
        binding: StoreBinding,
        index_config: IndexConfig,
        counters: SemanticCounters,
        clock: Clock,
    ) -> None:
        if not isinstance(store, VectorSearch):
            raise InvalidInputError(
                'index_backend="pgvector" needs a store that searches vectors itself: '
                f"a PostgresStore, not {type(store).__name__}"
            )
        super().__init__(store, binding, counters, clock, "shared")
        self.vs: VectorSearch = store
        self.index_config = index_config
        options = {**PGVECTOR_DEFAULTS, **index_config.options}
        self.m = int(options["M"])
        self.ef_construction = int(options["ef_construction"])
        self.ef_search = int(options["ef_search"])
        self.layout: VectorLayout | None = None

    def _wanted(self, dim: int) -> VectorLayout:
        kind = KIND_OF_DTYPE[self.index_config.dtype]
        return VectorLayout(dim, kind, self.m, self.ef_construction)

    def open(self) -> None:
        dim = self.binding.dim
        self.layout = self.vs.enable_vectors(None if dim is None else self._wanted(dim))
        if self.binding.dim is None and self.layout is not None:
            self.binding.dim = self.layout.dim

    def close(self) -> None:
        self.closed = True

    # -- lookups -------------------------------------------------------------------------

    def probe(
        self,
        ns: str,
        scope: str,
        key: str,
        *,
        now: float,
        touch: bool,
        vector: Vector | None = None,
        k: int = 0,
        floor: float = -1.0,
    ) -> Probe:
        return self.vs.probe(
            TABLE,
            ns,
            key,
            scope,
            now=now,
            touch=touch,
            vector=vector if self.layout is not None else None,
            k=k,
            floor=floor,
            ef_search=max(self.ef_search, k),
        )

    def has(self, ns: str, scope: str) -> bool:
        return True  # the probe says; asking again would cost a round trip

    def search(
        self, ns: str, scope: str, query: Vector, k: int, *, floor: float, now: float
    ) -> list[Candidate]:
        if self.layout is None:
            return []
        probe = self.vs.probe(
            TABLE,
            ns,
            None,
            scope,
            now=now,
            vector=query,
            k=k,
            floor=floor,
            ef_search=max(self.ef_search, k),
        )
        return candidates(probe.nearest or [])

    def forget_stale(self, ns: str, stale: Sequence[Candidate]) -> None:
        """Nothing to forget: a vector goes with its record on the server."""

    # -- writes --------------------------------------------------------------------------

    def set_dim(self, dim: int) -> None:
        self.layout = self.vs.enable_vectors(self._wanted(dim))

    def write(
        self,
        ns: str,
        items: Sequence[Item],
        scopes: Sequence[str],
        vectors: Vector,
        write_ids: Sequence[int],
        *,
        now: float,
        limits: Sequence[Limit] = (),
    ) -> list[tuple[str, str]]:
        if self.layout is None:
            self.set_dim(int(vectors.shape[1]))
        _version, evicted = self.vs.put_vectors(
            TABLE, ns, items, vectors, scopes, now=now, limits=limits
        )
        return evicted

    def write_one(
        self, ns: str, item: Item, scope: str, vector: Vector, write_id: int, *, now: float
    ) -> None:
        """One entry: the vector goes in with its record, as in a batch."""
        self.write(ns, [item], [scope], vector, [write_id], now=now)

    def remove(self, ns: str, keys: Sequence[str]) -> int:
        return 0  # removed with their records

    def drop_namespace(self, ns: str) -> None:
        """Cleared with the records."""

    def clear(self) -> None:
        """Cleared with the records."""

    def after_write(self, ns: str, version: int | None = None) -> None:
        """No replica to advance."""

    # -- maintenance ---------------------------------------------------------------------

    def join_builds(self) -> None:
        """The server builds its index as rows arrive."""

    def tombstones(self) -> int:
        return 0

    def compact(self) -> int:
        return 0  # PostgreSQL's (auto)vacuum reclaims the HNSW index's dead tuples

    def reset(self, dtype: str) -> None:
        """Convert the stored vectors to the new dtype's column type (the server rebuilds
        its index); back to float32 they are rewritten from the records, which a
        half-precision column had rounded."""
        old = None if self.layout is None else self.layout.kind
        self.index_config.dtype = dtype
        if self.binding.dim is None:
            return
        self.set_dim(self.binding.dim)
        if old == "halfvec" and KIND_OF_DTYPE[dtype] == "vector":
            for ns in self.store.namespaces(TABLE):
                self.rebuild(ns)

    def save(self, *, force: bool = False) -> bool:
        return False

    @property
    def saved_to(self) -> str | None:
        return None

    # -- inspection ----------------------------------------------------------------------

    def namespaces(self) -> list[str]:
        return []

    def sync(self, ns: str) -> None:
        """Always in sync: the server is the index."""

    def rebuild(self, ns: str) -> None:
        """Write every intact record's vector again (``check(fix=True)``)."""
        now = self.clock()
        for batch in self.store.scan(TABLE, ns):
            rows: list[tuple[Item, Entry]] = []
            for item in batch:
                try:
                    rows.append((item, decode_entry(item.value, ns, item.key, self.binding.dim)))
                except CorruptEntryError:
                    continue
            if rows:
                self.vs.put_vectors(
                    TABLE,
                    ns,
                    [it for it, _ in rows],
                    unit_rows(np.stack([e.vector for _, e in rows])),
                    [e.scope for _, e in rows],
                    now=now,
                )

    def figures(self, ns: str | None = None) -> IndexFigures:
        return IndexFigures()

    def summary(self) -> dict[str, Any]:
        layout = self.layout
        return {
            "backend": "pgvector",
            "kind": None if layout is None else layout.kind,
            "m": self.m,
            "ef_construction": self.ef_construction,
            "ef_search": self.ef_search,
        }

    def live(self, ns: str) -> int:
        return self.store.info(TABLE, ns).entries

    def check_namespace(
        self, ns: str, stored: Mapping[str, Entry], now: float, dtype: str
    ) -> tuple[list[str], bool]:
        indexed: dict[str, tuple[str, int | None, Vector]] = {}
        for batch in self.vs.vector_rows(TABLE, ns):
            for key, scope, expires, vec in batch:
                if expires is None or expires > now:
                    indexed[key] = (scope, None, unit_rows(vec.reshape(1, -1))[0])
        self.layout = self.vs.enable_vectors(None)  # another process may have converted it
        if self.layout is not None and self.layout.kind == "halfvec" and dtype == "float32":
            dtype = "float16"  # compare at the precision the server keeps
        return index_problems(ns, indexed, stored, dtype)
