"""An optional store capability: nearest-neighbour search inside the store.

``VectorSearch`` is what a store that also searches vectors itself (PostgreSQL with
pgvector) offers beside the ``Store`` protocol; ``Neighbor``, ``Probe`` and
``VectorLayout`` are the values it takes and answers. Re-exported by
:mod:`nearcache.stores.protocol`, where callers import them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .protocol import Item, Limit

__all__ = ["Neighbor", "Probe", "VectorLayout", "VectorSearch"]


class Neighbor(NamedTuple):
    """A stored vector near the query: its record ``key``, the server's cosine
    ``similarity`` estimate, the record's expiry, and the record itself when the
    similarity reached the caller's floor (``None`` otherwise: not sent)."""

    key: str
    similarity: float
    expires_at: float | None
    value: bytes | None


class Probe(NamedTuple):
    """What one round trip learned about a lookup.

    ``value``: the exact key's live record (None: absent or expired); ``expired``: the key
    is stored but expired; ``has_scope``: the (namespace, scope) partition holds vectors;
    ``nearest``: the nearest live neighbours, when a query vector was sent. A store
    always answers both; None in either means "not asked" (an in-process index's probe).
    """

    value: bytes | None
    expired: bool
    has_scope: bool | None
    nearest: list[Neighbor] | None


@dataclass(frozen=True)
class VectorLayout:
    """How a store keeps vectors beside its records: dimension, element ``kind``
    (``"vector"`` = float32, ``"halfvec"`` = float16) and the HNSW parameters."""

    dim: int
    kind: str
    m: int = 16
    ef_construction: int = 64


@runtime_checkable
class VectorSearch(Protocol):
    """A store that also searches vectors itself (PostgreSQL with pgvector).

    Each vector belongs to one record (same table, namespace and key) and one *scope*
    (an opaque partition label); a search only ever returns vectors of the asked
    namespace and scope, so the filter applies before the top-k, never after. Removing
    a record by any path (delete, evict, expire, clear) removes its vector with it.
    """

    def enable_vectors(self, layout: VectorLayout | None) -> VectorLayout | None:
        """Create (or migrate) the vector schema and, given a layout, make the stored
        vectors use it (a new kind converts them and rebuilds the index); return the
        layout in force (None while none was set)."""
        ...

    def put_vectors(
        self,
        table: str,
        namespace: str,
        items: Sequence[Item],
        vectors: Any,
        scopes: Sequence[str],
        *,
        now: float,
        limits: Sequence[Limit] = (),
    ) -> tuple[int, list[tuple[str, str]]]:
        """``put_within`` whose records also get ``vectors[i]`` (a float32 matrix) in
        scope ``scopes[i]``, in the same transaction; return (version, evicted)."""
        ...

    def probe(
        self,
        table: str,
        namespace: str,
        key: str | None,
        scope: str,
        *,
        now: float,
        touch: bool = False,
        vector: Any = None,
        k: int = 0,
        floor: float = -1.0,
        ef_search: int = 40,
    ) -> Probe:
        """In one round trip: the record of ``key`` (if given), whether the partition
        (namespace, scope) has vectors and, given a ``vector``, its ``k`` nearest live
        neighbours in that partition (records sent for those at or above ``floor``)."""
        ...

    def vector_rows(
        self, table: str, namespace: str, *, batch_size: int = 1000
    ) -> Iterator[list[tuple[str, str, float | None, Any]]]:
        """(key, scope, expires_at, float32 vector) of every stored vector, in batches."""
        ...
