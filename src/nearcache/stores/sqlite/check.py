"""``check()`` of the SQLite store: integrity, size columns and counters vs a recount."""

from __future__ import annotations

import sqlite3

from ..base import recount_problem
from ..protocol import TABLES

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
        "SELECT id, name, entries, bytes FROM namespaces WHERE tbl=?", (table,)
    ).fetchall():
        n, b, bad = counted.pop(nsid, (0, 0, 0))
        where = f"{table}/{name}"
        if bad:
            problems.append(f"{where}: {bad} rows with a wrong size column")
            if fix:
                con.execute(f"UPDATE rec_{table} SET size=length(value) WHERE ns=?", (nsid,))
                b = con.execute(
                    f"SELECT coalesce(sum(size),0) FROM rec_{table} WHERE ns=?", (nsid,)
                ).fetchone()[0]
        if (n, b) != (entries, size):
            problems.append(recount_problem(where, (entries, size), (n, b)))
            if fix:
                con.execute("UPDATE namespaces SET entries=?, bytes=? WHERE id=?", (n, b, nsid))
    for nsid in counted:
        problems.append(f"{table}: rows of unknown namespace id {nsid}")
        if fix:
            con.execute(f"DELETE FROM rec_{table} WHERE ns=?", (nsid,))
    return problems
