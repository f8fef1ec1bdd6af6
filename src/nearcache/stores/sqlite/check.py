"""``check()`` of the SQLite store: integrity, size columns and counters vs a recount, and
read times (``seen``) that belong to no record."""

from __future__ import annotations

import functools
import sqlite3

from ..bookkeeping import Recount
from ..protocol import TABLES
from .counts import NOW, fold

__all__ = ["check_file_contents"]


def check_file_contents(con: sqlite3.Connection, fix: bool) -> list[str]:
    """Problems found in the open database (repaired in the caller's write
    transaction when ``fix``)."""
    problems = [
        f"integrity_check: {r[0]}"
        for r in con.execute("PRAGMA integrity_check").fetchall()
        if r[0] != "ok"
    ]
    for table in TABLES:
        problems += _check_table(con, table, fix)
    return problems


def _check_table(con: sqlite3.Connection, table: str, fix: bool) -> list[str]:
    problems: list[str] = []
    counted = {
        ns: (n, b, bad)
        for ns, n, b, bad in con.execute(
            f"SELECT ns, count(*), coalesce(sum(size),0), "
            f"sum(size != length(value)) FROM rec_{table} GROUP BY ns"
        )
    }
    for nsid, name, entries, size in con.execute(
        f"SELECT id, name, entries, bytes FROM {NOW[table]} WHERE tbl=?", (table,)
    ).fetchall():
        n, b, bad = counted.pop(nsid, (0, 0, 0))
        recount = Recount(f"{table}/{name}", (entries, size), n, b, bad or 0)
        problems += recount.problems(
            fix,
            fix_sizes=functools.partial(_fix_sizes, con, table, nsid),
            fix_counters=functools.partial(_fix_counters, con, table, nsid),
        )
    for nsid in counted:
        problems.append(f"{table}: rows of unknown namespace id {nsid}")
        if fix:
            con.execute(f"DELETE FROM rec_{table} WHERE ns=?", (nsid,))
    return problems + _check_seen(con, table, fix)


def _check_seen(con: sqlite3.Connection, table: str, fix: bool) -> list[str]:
    """Read times (``seen_{table}``) must belong to a record of the same namespace."""
    orphans = (
        f"FROM seen_{table} WHERE NOT EXISTS (SELECT 1 FROM rec_{table} r "
        f"WHERE r.id = seen_{table}.id AND r.ns = seen_{table}.ns)"
    )
    n = con.execute(f"SELECT count(*) {orphans}").fetchone()[0]
    if not n:
        return []
    if fix:
        con.execute(f"DELETE {orphans}")
    return [f"{table}: {n} read times of records that are gone"]


def _fix_sizes(con: sqlite3.Connection, table: str, nsid: int) -> int:
    con.execute(f"UPDATE rec_{table} SET size=length(value) WHERE ns=?", (nsid,))
    row = con.execute(f"SELECT coalesce(sum(size),0) FROM rec_{table} WHERE ns=?", (nsid,))
    return int(row.fetchone()[0])


def _fix_counters(con: sqlite3.Connection, table: str, nsid: int, entries: int, size: int) -> None:
    fold(con, table, nsid)  # pending deltas would be added to the recount
    con.execute("UPDATE namespaces SET entries=?, bytes=? WHERE id=?", (entries, size, nsid))
