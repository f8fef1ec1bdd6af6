"""pgvector: vectors beside the records and nearest-neighbour search in SQL.

:class:`PostgresVectors` gives :class:`~.store.PostgresStore` the optional
:class:`~nearcache.stores.protocol.VectorSearch` capability that
``SemanticCache(index_backend="pgvector")`` uses. Nothing here runs for a plain store:
the vector schema (``sql/vectors/``, its own version row) is created the first time a
cache calls :meth:`~PostgresVectors.enable_vectors`, so a server without pgvector keeps
working for everything else.

Why this shape:

* **A table of its own** (``P_vec``: ns, key, scope, expires_at, emb), with a foreign key
  to the record that cascades, so every way a record goes (delete, evict, expire, clear,
  ``check(fix)``) takes its vector along, and the record functions stay as they are.
* **The column's type is data**: it starts as an unconstrained ``vector``; the first
  layout gives it ``vector(d)`` (float32 caches) or ``halfvec(d)`` (float16 and int8
  caches: the int8 vector dequantized, stored in half precision, half the size of
  ``vector``) and builds the HNSW index (``vector_cosine_ops``/``halfvec_cosine_ops``);
  ``requantize`` converts the column in place and rebuilds the index.
* **One statement per lookup** (:mod:`.probe`): the exact key's record, whether the
  partition has vectors, and the k nearest live neighbours with their records, so a
  semantic hit needs no second read. ``hnsw.iterative_scan`` keeps an HNSW scan going
  until k rows pass the (namespace, scope, expiry) filter.
* **Vectors travel in binary**: a batch is laid out with NumPy as one ``vector[]`` in
  PostgreSQL's array wire format (a thousand 384-d rows in ~2 ms instead of ~600 ms of
  per-element adaptation), a query vector as one ``vector``.
"""

from __future__ import annotations

import json
import logging
import struct
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ...errors import (
    DimensionMismatchError,
    InvalidInputError,
    MissingServerExtensionError,
)
from ..base import check_items, record_key_bytes
from ..protocol import (
    Item,
    Limit,
    Probe,
    VectorLayout,
    check_table,
    evict_to,
)
from .probe import column_type, probe_sql, read_probe, tune
from .schema import VECTORS, init_schema

__all__ = ["KINDS", "MIN_PGVECTOR", "PostgresVectors", "encode_vector", "encode_vectors"]

log = logging.getLogger(__name__)

#: Column type -> its HNSW operator class (cosine distance).
KINDS = {"vector": "vector_cosine_ops", "halfvec": "halfvec_cosine_ops"}
#: Iterative index scans (filtered searches that still return k rows) came in 0.8.0.
MIN_PGVECTOR = (0, 8, 0)
_LAYOUT_KEY = "vector_layout"
_FEATURE = 'index_backend="pgvector"'


class _Wire:
    """A parameter already in PostgreSQL's binary wire format (sent as is)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data


def _register_wire() -> None:
    """Send :class:`_Wire` parameters as raw binary; the server takes their type from the
    statement's cast (``%s::vector``), so no per-database type oid is needed here.

    Connections copy the global adapters when they open, so this runs when the module is
    imported, before any store opens its pool."""
    try:
        import psycopg
        from psycopg.adapt import Dumper
        from psycopg.pq import Format
    except ImportError:  # pragma: no cover - the store itself refuses without the extra
        return

    class WireDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj: Any) -> bytes:
            return bytes(obj.data)

    psycopg.adapters.register_dumper(_Wire, WireDumper)


_register_wire()


def encode_vector(vec: npt.NDArray[np.float32]) -> bytes:
    """One vector in pgvector's binary format: int16 dim, int16 0, big-endian float32s."""
    return struct.pack(">hh", vec.shape[0], 0) + np.asarray(vec, dtype=">f4").tobytes()


def encode_vectors(mat: npt.NDArray[np.float32], element_oid: int) -> bytes:
    """Rows of ``mat`` as one binary ``vector[]`` (array header, then per row its length
    and its vector), laid out by NumPy in one pass."""
    n, dim = mat.shape
    row = np.dtype([("len", ">i4"), ("dim", ">i2"), ("pad", ">i2"), ("v", ">f4", (dim,))])
    rows = np.empty(n, dtype=row)
    rows["len"] = 4 + 4 * dim
    rows["dim"] = dim
    rows["pad"] = 0
    rows["v"] = mat
    return struct.pack(">iiIii", 1, 0, element_oid, n, 1) + rows.tobytes()


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".")[:3] if p.isdigit())


class PostgresVectors:
    """The ``VectorSearch`` capability of ``PostgresStore`` (a mixin; see module doc)."""

    prefix: str
    url: str
    _vector_oid: int | None = None
    _vec_type: str | None = None

    if TYPE_CHECKING:  # provided by PostgresStore

        def _sql(self, fn: Any, *, read: bool = False) -> Any: ...
        def _write(self, sql: str, args: Sequence[Any], *, rows: bool = False) -> Any: ...
        def _item_args(
            self, table: str, namespace: str, items: Sequence[Item], now: float
        ) -> Any: ...
        def _note_touches(self, group: Any, keys: Sequence[Any], now: float) -> None: ...
        def _pages(
            self, columns: str, source: str, table: str, namespace: str, batch_size: int
        ) -> Iterator[list[Any]]: ...

    # -- schema and layout ----------------------------------------------------------------

    def enable_vectors(self, layout: VectorLayout | None = None) -> VectorLayout | None:
        """Create the vector schema (and the extension) if needed; apply ``layout``.

        Raises:
            MissingServerExtensionError: the server has no pgvector (or one too old, or
                the extension is not installed and we may not create it).
            DimensionMismatchError: the stored vectors have another dimension.
        """
        if layout is not None and layout.kind not in KINDS:
            raise InvalidInputError(f"vector kind must be one of {sorted(KINDS)}")

        def run(con: Any) -> VectorLayout | None:
            self._require_extension(con)
            init_schema(con, self.prefix, self.url, VECTORS)
            self._vector_oid = int(con.execute("SELECT 'vector'::regtype::oid").fetchone()[0])
            current = _read_layout(con, self.prefix)
            if layout is not None and (
                current is None or (current.dim, current.kind) != (layout.dim, layout.kind)
            ):
                current = self._set_layout(con, layout)
            self._vec_type = column_type(con, self.prefix)
            return current

        result: VectorLayout | None = self._sql(run)
        return result

    def _set_layout(self, con: Any, layout: VectorLayout) -> VectorLayout:
        """Apply ``layout`` under the store's lock, unless another process just did. A
        column of another dimension that holds no vector (the store was cleared, so no
        embedder binds it) takes the new one."""
        p = self.prefix
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"nearcache:{p}",))
            current = _read_layout(con, p)
            if current is not None and current.dim != layout.dim:
                if con.execute(f"SELECT EXISTS (SELECT 1 FROM {p}_vec)").fetchone()[0]:
                    raise DimensionMismatchError(
                        f"{self.url}: stored vectors have {current.dim} dimensions, "
                        f"not {layout.dim}",
                        expected=current.dim,
                        got=layout.dim,
                    )
                current = None  # empty: re-typed below
            if current is None or current.kind != layout.kind or current.dim != layout.dim:
                _apply_layout(con, p, layout)
                current = layout
        return current

    def _require_extension(self, con: Any) -> None:
        row = con.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
        if row is None:
            avail = con.execute(
                "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'"
            ).fetchone()
            if avail is None:
                raise MissingServerExtensionError(
                    "pgvector",
                    _FEATURE,
                    f"{self.url} has no 'vector' extension; install pgvector on the server "
                    "(e.g. the postgresql-NN-pgvector package), or use another index_backend",
                )
            self._create_extension(con)
            row = con.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()
        if _version_tuple(str(row[0])) < MIN_PGVECTOR:
            raise MissingServerExtensionError(
                "pgvector",
                _FEATURE,
                f"{self.url} has pgvector {row[0]}; iterative index scans need 0.8.0 or newer "
                "(ALTER EXTENSION vector UPDATE after upgrading the package)",
            )

    def _create_extension(self, con: Any) -> None:
        from psycopg import errors as pg_errors

        try:
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(hashtext('nearcache:pgvector'))")
                con.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except pg_errors.InsufficientPrivilege as exc:
            raise MissingServerExtensionError(
                "pgvector",
                _FEATURE,
                f"{self.url} has pgvector but this user may not install it; "
                "run CREATE EXTENSION vector once as a database owner or superuser",
            ) from exc

    # -- writes ----------------------------------------------------------------------------

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
        check_table(table)
        check_items(items)
        mat = np.ascontiguousarray(vectors, dtype=np.float32)
        if mat.ndim != 2 or mat.shape[0] != len(items) or len(scopes) != len(items):
            raise InvalidInputError("put_vectors needs one vector and one scope per item")
        if not items:
            return 0, []
        if self._vector_oid is None:
            self.enable_vectors()
        last = {it.key: i for i, it in enumerate(items)}  # a repeated key: the last wins
        if len(last) != len(items):
            keep = sorted(last.values())
            items, scopes, mat = [items[i] for i in keep], [scopes[i] for i in keep], mat[keep]
        p = self.prefix
        version = int(
            self._write(
                f"SELECT {p}_put_vec(%s, %s, %s::bytea[], %s::bytea[], %s::float8[], %s, %s, "
                "%s::text[], %s::vector[])",
                (
                    *self._item_args(table, namespace, items, now),
                    list(scopes),
                    _Wire(encode_vectors(mat, int(self._vector_oid or 0))),
                ),
            )
        )
        return version, evict_to(self, table, limits)  # type: ignore[arg-type]

    # -- reads -----------------------------------------------------------------------------

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
        check_table(table)
        raw = None if key is None else record_key_bytes(key)
        if vector is not None and self._vec_type is None:
            self.enable_vectors()
        with_vector = vector is not None and k > 0
        nsid = self._nsid(table, namespace)
        if nsid is None or (raw is None and not with_vector):
            return Probe(None, False, False, [] if with_vector else None)
        params: dict[str, Any] = {"ns": nsid, "key": raw, "scope": scope, "now": now}
        params.update(k=k, floor=floor)
        if with_vector:
            params["q"] = _Wire(encode_vector(np.asarray(vector, dtype=np.float32)))
        rows = self._sql(
            lambda con: self._run_probe(con, params, raw is not None, with_vector, ef_search),
            read=True,
        )
        result = read_probe(rows, vector=with_vector)
        if touch and result.value is not None and raw is not None:
            self._note_touches((table, namespace), [raw], now)
        return result

    def _run_probe(
        self, con: Any, params: dict[str, Any], key: bool, vector: bool, ef_search: int
    ) -> list[Any]:
        from psycopg import errors as pg_errors

        p = self.prefix
        if vector:
            tune(con, ef_search)
        sql = probe_sql(p, self._vec_type or "vector", key=key, vector=vector)
        try:
            return list(con.execute(sql, params, binary=True, prepare=False).fetchall())
        except (pg_errors.UndefinedFunction, pg_errors.DatatypeMismatch):
            if not vector:
                raise
            # Another process converted the column (requantize): read its type, retry.
            self._vec_type = column_type(con, p)
            sql = probe_sql(p, self._vec_type, key=key, vector=vector)
            return list(con.execute(sql, params, binary=True, prepare=False).fetchall())

    def _nsid(self, table: str, namespace: str) -> int | None:
        """The namespace's row id (ids never change, so they are remembered), or None."""
        cache = self.__dict__.setdefault("_nsids", {})
        found: int | None = cache.get((table, namespace))
        if found is None:
            row = self._sql(
                lambda con: con.execute(
                    f"SELECT id FROM {self.prefix}_ns WHERE tbl = %s AND name = %s",
                    (table, namespace.encode()),
                ).fetchone(),
                read=True,
            )
            if row is not None:
                found = cache[(table, namespace)] = int(row[0])
        return found

    def vector_rows(
        self, table: str, namespace: str, *, batch_size: int = 1000
    ) -> Iterator[list[tuple[str, str, float | None, Any]]]:
        check_table(table)
        if self._vector_oid is None:
            self.enable_vectors()
        columns = "v.key, v.scope, v.expires_at, v.emb::real[]"
        for rows in self._pages(columns, "vec", table, namespace, batch_size):
            yield [
                (bytes(k).hex(), str(s), e, np.asarray(v, dtype=np.float32)) for k, s, e, v in rows
            ]


def _read_layout(con: Any, p: str) -> VectorLayout | None:
    row = con.execute(f"SELECT value FROM {p}_meta WHERE key = %s", (_LAYOUT_KEY,)).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    return VectorLayout(
        int(data["dim"]), str(data["kind"]), int(data["m"]), int(data["ef_construction"])
    )


def _apply_layout(con: Any, p: str, layout: VectorLayout) -> None:
    """Give the column its type (converting stored vectors) and (re)build the index."""
    col = f"{layout.kind}({int(layout.dim)})"
    con.execute("SET LOCAL statement_timeout = 0")
    con.execute(f"DROP INDEX IF EXISTS {p}_vec_hnsw")
    con.execute(f"ALTER TABLE {p}_vec ALTER COLUMN emb TYPE {col} USING emb::{col}")
    con.execute(
        f"CREATE INDEX {p}_vec_hnsw ON {p}_vec USING hnsw (emb {KINDS[layout.kind]}) "
        f"WITH (m = {int(layout.m)}, ef_construction = {int(layout.ef_construction)})"
    )
    value = {"dim": layout.dim, "kind": layout.kind, "m": layout.m}
    value["ef_construction"] = layout.ef_construction
    con.execute(
        f"INSERT INTO {p}_meta VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (_LAYOUT_KEY, json.dumps(value)),
    )
    log.info(
        "vectors of %s now %s with an HNSW index (m=%d, ef_construction=%d)",
        p,
        col,
        layout.m,
        layout.ef_construction,
    )
