"""The one statement behind a lookup on a server index (``PostgresStore.probe``).

Up to three parts joined by ``UNION ALL``, each tagged by its first column:

* ``0`` -- the exact key's record (its value only while it is live);
* ``1`` -- a row if the partition (namespace, scope) holds any vector;
* ``2`` -- the k nearest live vectors of that partition, each with its record when its
  similarity reaches the caller's floor (one join on the primary key, no second read).

Why a statement built here rather than a server function: the planner sees the actual
namespace id, scope and k (a custom plan per lookup), so a small partition is read
exactly through ``P_vec_scope`` and a large one through HNSW; PL/pgSQL's ``EXECUTE``
would give the same plans at about a millisecond more per call (measured). The column's
type (``vector(d)``/``halfvec(d)``) is spelled into the statement; a process that meets a
column converted by another one's ``requantize`` reads the type again and retries.
``hnsw.ef_search`` and ``hnsw.iterative_scan`` are session settings, set once per pooled
connection (:func:`tune`).
"""

from __future__ import annotations

import functools
import weakref
from typing import Any

from ..protocol import Neighbor, Probe

__all__ = ["column_type", "probe_sql", "read_probe", "tune"]

_TUNED: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()


def tune(con: Any, ef_search: int) -> None:
    """Session settings of the HNSW scan on this connection (once per connection)."""
    if _TUNED.get(con) == ef_search:
        return
    con.execute(
        "SELECT set_config('hnsw.ef_search', %s, false), "
        "set_config('hnsw.iterative_scan', 'relaxed_order', false)",
        (str(int(ef_search)),),
    )
    _TUNED[con] = ef_search


def column_type(con: Any, p: str) -> str:
    """The vector column's SQL type now, e.g. ``vector(384)`` or ``halfvec(384)``."""
    row = con.execute(
        "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attname = 'emb'",
        (f"{p}_vec",),
    ).fetchone()
    return str(row[0])


@functools.lru_cache(maxsize=256)
def probe_sql(p: str, vec_type: str, *, key: bool, vector: bool) -> str:
    """The statement; parameters by name: ns, key, scope, now, q, k, floor. Its text
    depends only on the arguments, so it is built once per shape, not per lookup."""
    parts = []
    if key:
        parts.append(
            "SELECT 0, r.key, CASE WHEN r.expires_at IS NULL OR r.expires_at > %(now)s "
            f"THEN r.value END, r.expires_at, 1.0::float8 FROM {p}_rec r "
            "WHERE r.ns = %(ns)s AND r.key = %(key)s"
        )
        parts.append(
            "SELECT 1, NULL::bytea, NULL::bytea, NULL::float8, NULL::float8 WHERE EXISTS "
            f"(SELECT 1 FROM {p}_vec v WHERE v.ns = %(ns)s AND v.scope = %(scope)s)"
        )
    if vector:
        q = f"%(q)s::vector::{vec_type}"
        parts.append(
            "(SELECT 2, c.key, CASE WHEN c.sim >= %(floor)s THEN r.value END, c.expires_at, "
            f"c.sim FROM (SELECT v.key, v.expires_at, 1 - (v.emb <=> {q}) AS sim "
            f"FROM {p}_vec v WHERE v.ns = %(ns)s AND v.scope = %(scope)s "
            "AND (v.expires_at IS NULL OR v.expires_at > %(now)s) "
            f"ORDER BY v.emb <=> {q} LIMIT %(k)s) c "
            f"JOIN {p}_rec r ON r.ns = %(ns)s AND r.key = c.key)"
        )
    return " UNION ALL ".join(parts)


def read_probe(rows: list[Any], *, vector: bool) -> Probe:
    """The statement's rows as a :class:`Probe` (neighbours closest first)."""
    value: bytes | None = None
    expired = has_scope = False
    nearest: list[Neighbor] | None = [] if vector else None
    for tag, rkey, rvalue, exp, sim in rows:
        if tag == 0:
            value = None if rvalue is None else bytes(rvalue)
            expired = rvalue is None
        elif tag == 1:
            has_scope = True
        elif nearest is not None:
            record = None if rvalue is None else bytes(rvalue)
            nearest.append(Neighbor(bytes(rkey).hex(), float(sim), exp, record))
    if nearest:
        has_scope = True
        nearest.sort(key=lambda n: -n.similarity)
    return Probe(value, expired, has_scope, nearest)
