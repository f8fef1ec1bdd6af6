"""The seam between the semantic cache and where its vectors are searched.

The lookup, write, maintenance and inspection code talks to a :class:`SemanticIndex`,
never to a particular index. Two implementations:

* :class:`~.replica.IndexReplica` -- the index in process memory (exact, HNSW, faiss
  partitions), replicated from the store's change log; any store.
* :class:`~.server_index.ServerIndex` -- the store searches itself
  (:class:`~nearcache.stores.protocol.VectorSearch`, PostgreSQL with pgvector): nothing in
  process, nothing to replay, every lookup sees every acknowledged write.

The store stays the truth either way: every record keeps its own vector bytes, so a
checkpoint or a switch of backend never needs the embedder. What both implementations
share (the write lock, lazy expiry, the check of index rows against stored entries) is
:class:`IndexCommon` and :func:`index_problems`, written once here.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ..clock import Clock
from ..errors import StoreUnavailableError
from ..index.protocol import unit_rows
from ..stores.protocol import Item, Limit, Neighbor, Probe, Store
from .binding import StoreBinding
from .counters import SemanticCounters
from .record import Entry
from .spaces import Candidate

__all__ = [
    "ANY_TIME",
    "FETCH_BATCH",
    "TABLE",
    "TOLERANCE",
    "IndexCommon",
    "IndexFigures",
    "SemanticIndex",
    "candidates",
    "index_problems",
]

log = logging.getLogger("nearcache.semantic")

TABLE = "semantic"
FETCH_BATCH = 1000
ANY_TIME = -math.inf  # "now" for index maintenance reads: expired rows are still rows
#: How far an index vector may differ from the stored one, per dtype.
TOLERANCE = {"float32": 1e-4, "float16": 2e-3, "int8": 2e-2}

Vector = npt.NDArray[np.float32]


@dataclass(frozen=True)
class IndexFigures:
    """Index size figures for ``stats`` (in-process memory; 0 for a server index)."""

    entries: int = 0
    tombstones: int = 0
    bytes: int = 0
    partitions: int = 0


class SemanticIndex(Protocol):
    """What the semantic cache needs from an index (see the module docstring).

    Methods that change the index are called with ``lock`` held, after the store write
    they follow; ``write`` does the store write itself (it may carry the vectors)."""

    lock: threading.RLock
    mode: str
    closed: bool
    #: True when ``probe`` also searches the nearest neighbours of a given vector (a
    #: server index); an in-process replica ignores the vector, so none is prepared.
    probe_searches: bool

    def open(self) -> None: ...
    def close(self) -> None: ...

    # lookups
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
        """The exact key's record; ``has_scope``/``nearest`` None when not known yet."""
        ...

    def has(self, ns: str, scope: str) -> bool: ...
    def search(
        self, ns: str, scope: str, query: Vector, k: int, *, floor: float, now: float
    ) -> list[Candidate]: ...
    def forget_stale(self, ns: str, stale: Sequence[Candidate]) -> None: ...
    def expire(self, ns: str, now: float) -> list[tuple[str, str]]: ...

    # writes
    def set_dim(self, dim: int) -> None: ...
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
        """Store ``items`` and index them (``vectors``: unit rows); the evicted pairs."""
        ...

    def write_one(
        self, ns: str, item: Item, scope: str, vector: Vector, write_id: int, *, now: float
    ) -> None:
        """``write`` of one entry with no LRU limits (``vector``: one unit row)."""
        ...

    def remove(self, ns: str, keys: Sequence[str]) -> int: ...
    def drop(self, removed: Iterable[tuple[str, str]]) -> None: ...
    def drop_namespace(self, ns: str) -> None: ...
    def clear(self) -> None: ...
    def after_write(self, ns: str, version: int | None = None) -> None: ...

    # maintenance
    def join_builds(self) -> None: ...
    def wait_verified(self) -> None: ...
    def tombstones(self) -> int: ...
    def compact(self) -> int: ...
    def reset(self, dtype: str) -> None: ...
    def save(self, *, force: bool = False) -> bool: ...
    @property
    def saved_to(self) -> str | None: ...

    # inspection
    def namespaces(self) -> list[str]: ...
    def sync(self, ns: str) -> None: ...
    def rebuild(self, ns: str) -> None: ...
    def figures(self, ns: str | None = None) -> IndexFigures: ...
    def summary(self) -> dict[str, Any]: ...
    def live(self, ns: str) -> int: ...
    def check_namespace(
        self, ns: str, stored: Mapping[str, Entry], now: float, dtype: str
    ) -> tuple[list[str], bool]:
        """Problems of the index rows of ``ns`` against its live ``stored`` entries, and
        whether the namespace needs a rebuild."""
        ...


class IndexCommon:
    """State and behaviour both index implementations share."""

    def __init__(
        self,
        store: Store,
        binding: StoreBinding,
        counters: SemanticCounters,
        clock: Clock,
        mode: str,
    ) -> None:
        self.store = store
        self.binding = binding
        self.counters = counters
        self.clock = clock
        self.mode = mode
        self.lock = threading.RLock()
        self.closed = False

    def drop(self, removed: Iterable[tuple[str, str]]) -> None:
        """Take (namespace, key) pairs the store removed out of the index."""

    def wait_verified(self) -> None:
        """Wait for a background check of index files (only a replica loads any)."""

    def expire(self, ns: str, now: float) -> list[tuple[str, str]]:
        """Lazy expiry: sweep the namespace's expired entries from store and index."""
        with self.lock:
            if self.closed:
                return []
            try:
                gone = self.store.purge_expired(TABLE, ns, now=now, limit=FETCH_BATCH)
            except StoreUnavailableError as exc:
                log.warning("could not sweep expired entries: %s", exc)
                return []
            self.drop(gone)
        return gone


def index_problems(
    ns: str,
    indexed: Mapping[str, tuple[str, int | None, Vector]],
    stored: Mapping[str, Entry],
    dtype: str,
) -> tuple[list[str], bool]:
    """Compare live index rows ``key -> (scope, write id or None, unit vector)`` with the
    live stored entries; return the problems and whether a repair is due."""
    tol = TOLERANCE[dtype]
    problems: list[str] = []
    repair = False
    for key, (scope, wid, got) in indexed.items():
        entry = stored.get(key)
        if entry is None:
            problems.append(f"{ns}/{key[:12]}: in the index but not live in the store")
        elif (wid is not None and wid != entry.write_id) or scope != entry.scope:
            problems.append(f"{ns}/{key[:12]}: index row is from another write or scope")
        else:
            want = unit_rows(entry.vector.reshape(1, -1))[0]
            if float(np.max(np.abs(got - want))) <= tol:
                continue
            problems.append(f"{ns}/{key[:12]}: index vector differs from the stored one")
        repair = True
    for key in stored:
        if key not in indexed:
            problems.append(f"{ns}/{key[:12]}: live in the store but missing from the index")
            repair = True
    return problems, repair


def candidates(nearest: Sequence[Neighbor]) -> list[Candidate]:
    """A server search's neighbours as the lookup's candidates (records attached)."""
    return [
        Candidate(
            n.key,
            0,
            0,
            n.similarity,
            math.inf if n.expires_at is None else n.expires_at,
            0,
            n.value,
        )
        for n in nearest
    ]
