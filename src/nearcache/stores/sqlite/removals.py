"""Record removals in the SQLite file: deleting keys, clearing a namespace (or a table)
and purging expired records, each inside the caller's transaction with the namespace's
counters, version and change log kept in step (:func:`~.layout.bump`,
:func:`~.layout.remove_rows`). LRU eviction is :func:`~.layout.evict_lru`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from ..bookkeeping import Delta
from .counts import fold, fold_table
from .layout import NamespaceIds, bump, chunks, hid, marks, run
from .recency import remove_rows, unsee

__all__ = ["clear_rows", "delete_keys", "purge_rows"]


def delete_keys(
    con: sqlite3.Connection, ns_ids: NamespaceIds, table: str, namespace: str, keys: list[str]
) -> int:
    """Remove ``keys`` of a namespace; how many were stored."""
    ns = ns_ids.get(con, table, namespace)
    if ns is None:
        return 0
    nsid, salt = ns
    gone: list[bytes] = []
    ids: list[int] = []
    size = 0
    for chunk in chunks(keys):
        rids = [hid(k, salt) for k in chunk]
        for rid, rkey, rsize in con.execute(
            f"DELETE FROM rec_{table} WHERE hid IN ({marks(len(rids))}) AND ns=? "
            "RETURNING id, key, size",
            [*rids, nsid],
        ).fetchall():
            ids.append(rid)
            gone.append(rkey)
            size += rsize
    unsee(con, table, ids)
    if gone:
        bump(con, table, nsid, "delete", gone, Delta.removed(len(gone), size, "delete"))
    return len(gone)


def clear_rows(
    con: sqlite3.Connection, ns_ids: NamespaceIds, table: str, namespace: str | None
) -> int:
    """Remove every record of a namespace (or of the table); how many."""
    if namespace is None:
        fold_table(con, table)
        rows = con.execute("SELECT id, entries FROM namespaces WHERE tbl=?", (table,)).fetchall()
        con.execute(f"DELETE FROM rec_{table}")
        con.execute(f"DELETE FROM seen_{table}")
    else:
        ns = ns_ids.get(con, table, namespace)
        if ns is None:
            return 0
        fold(con, table, ns[0])
        rows = con.execute("SELECT id, entries FROM namespaces WHERE id=?", (ns[0],)).fetchall()
        con.execute(f"DELETE FROM rec_{table} WHERE id BETWEEN {run('?1')}", (ns[0],))
        con.execute(f"DELETE FROM seen_{table} WHERE ns=?", (ns[0],))
    removed = 0
    for nsid, entries in rows:
        removed += entries
        con.execute("UPDATE namespaces SET entries=0, bytes=0 WHERE id=?", (nsid,))
        bump(con, table, nsid, "clear", [b""])
    return int(removed)


def purge_rows(
    con: sqlite3.Connection,
    ns_ids: NamespaceIds,
    table: str,
    namespace: str | None,
    now: float,
    limit: int | None,
) -> list[tuple[str, str]]:
    """Remove up to ``limit`` records expired at ``now``; their ``(namespace, key)``."""
    sql = f"SELECT id, ns, key, size FROM rec_{table} WHERE expires_at <= ?"
    args: list[Any] = [now]
    if namespace is not None:
        ns = ns_ids.get(con, table, namespace)
        if ns is None:
            return []
        sql += " AND ns=?"
        args.append(ns[0])
    if limit is not None:
        sql += " LIMIT ?"
        args.append(int(limit))
    rows = con.execute(sql, args).fetchall()
    return remove_rows(con, table, rows, "expire")
