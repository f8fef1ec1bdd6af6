"""A namespace's counters and version: its ``namespaces`` row plus the deltas logged since.

A single put into a table that keeps a change log writes no ``namespaces`` row: its change
log row (written anyway) carries the put's entry and byte deltas (``de``, ``db``) and its
version, and the namespace's figures are the row's plus those of the log rows newer than
the row's ``version`` (*pending* rows). Updating the row cost a single put one more page
in the WAL and two statements (~25% of a store's single put, in instructions).

* **Readers** take a namespace's figures from ``NOW[table]`` (a relation with the columns
  of ``namespaces``, pending rows added in), never from ``namespaces`` directly. Its
  version is the newest logged one when it is newer than the row's: a write and its
  version bump still commit together, and readers see both or neither.
* **Every other write** (a batch, a delete, a clear, an eviction, the log's pruning, a
  counter repair) first folds the namespace's pending rows into its row (``fold``): its
  statements then read and write the row as before. A single put folds too once
  ``FOLD_AFTER`` versions are pending, so a reader adds up at most that many rows.
* Tables without a change log never have pending rows: ``NOW[table]`` is ``namespaces``.
"""

from __future__ import annotations

from typing import Any

from ..protocol import TABLES

__all__ = ["FOLD_AFTER", "NOW", "figures", "fold", "fold_table", "names_in_use", "version_of"]

#: Most versions a single put leaves pending before it folds them (and itself) into the
#: namespace's row: one page written per this many puts; a reader adds up as many rows.
FOLD_AFTER = 256

#: The pending log rows of the namespace row ``{n}``.
_PENDING = "FROM chg_{t} c WHERE c.ns = {n}.id AND c.version > {n}.version"


def _now(table: str) -> str:
    if not TABLES[table].log:
        return "namespaces"
    p = _PENDING.replace("{t}", table).replace("{n}", "n")
    return (
        "(SELECT n.id AS id, n.tbl AS tbl, n.name AS name, "
        f"n.entries + ifnull((SELECT sum(c.de) {p}), 0) AS entries, "
        f"n.bytes + ifnull((SELECT sum(c.db) {p}), 0) AS bytes, "
        f"max(n.version, ifnull((SELECT max(c.version) FROM chg_{table} c WHERE c.ns = n.id), 0)) "
        "AS version, n.evictions AS evictions, n.expirations AS expirations, "
        f"n.logged + (SELECT count(*) {p}) AS logged FROM namespaces n)"
    )


#: Per table, a relation with the columns of ``namespaces`` and its current figures.
NOW: dict[str, str] = {t: _now(t) for t in TABLES}

#: Fold the pending rows of the namespaces matched by ``{where}`` into their rows (SET
#: expressions see the row as it was: the subqueries count from the old version).
_FOLD = (
    "UPDATE namespaces SET entries = entries + (SELECT sum(c.de) {p}), "
    "bytes = bytes + (SELECT sum(c.db) {p}), logged = logged + (SELECT count(*) {p}), "
    "version = (SELECT max(c.version) {p}) WHERE {where} AND EXISTS (SELECT 1 {p})"
)


def _fold(where: str) -> dict[str, str]:
    pending = _PENDING.replace("{n}", "namespaces")
    return {
        t: _FOLD.replace("{p}", pending).replace("{where}", where).replace("{t}", t)
        for t, spec in TABLES.items()
        if spec.log
    }


_FOLD_ONE = _fold("id = ?")
_FOLD_TABLE = _fold("tbl = ?")


def fold(con: Any, table: str, nsid: int) -> None:
    """Move namespace ``nsid``'s pending deltas into its row (in the caller's write)."""
    if TABLES[table].log:
        con.execute(_FOLD_ONE[table], (nsid,))


def fold_table(con: Any, table: str) -> None:
    """``fold`` for every namespace of ``table``."""
    if TABLES[table].log:
        con.execute(_FOLD_TABLE[table], (table,))


def names_in_use(con: Any, table: str) -> list[str]:
    """Names of ``table``'s namespaces holding entries, sorted."""
    sql = f"SELECT name FROM {NOW[table]} WHERE tbl=? AND entries > 0 ORDER BY name"
    return [r[0] for r in con.execute(sql, (table,))]


def figures(con: Any, table: str, namespace: str | None) -> tuple[int, ...]:
    """Entries, bytes, version, evictions and expirations of one namespace of ``table``,
    or summed over all of them (``namespace`` None)."""
    sql = (
        "SELECT coalesce(sum(entries),0), coalesce(sum(bytes),0), coalesce(sum(version),0), "
        f"coalesce(sum(evictions),0), coalesce(sum(expirations),0) FROM {NOW[table]} "
        "WHERE tbl=?"
    )
    args: list[Any] = [table]
    if namespace is not None:
        sql += " AND name=?"
        args.append(namespace)
    return tuple(int(x) for x in con.execute(sql, args).fetchone())


def version_of(con: Any, table: str, namespace: str) -> int:
    """The namespace's version (0 before its first write)."""
    row = con.execute(
        f"SELECT version FROM {NOW[table]} WHERE tbl=? AND name=?", (table, namespace)
    ).fetchone()
    return int(row[0]) if row else 0
