"""``check()`` of the PostgreSQL store: counters, size columns and orphans vs a recount."""

from __future__ import annotations

import functools
from typing import Any

from ..bookkeeping import Recount

__all__ = ["check_schema"]


def check_schema(con: Any, p: str, fix: bool) -> list[str]:
    """Problems of schema ``p``, in one transaction (namespace rows locked when ``fix``)."""
    problems: list[str] = []
    with con.transaction():
        if fix:
            con.execute(f"LOCK TABLE {p}_ns IN EXCLUSIVE MODE")
        rows = con.execute(
            f"""SELECT n.id, n.tbl, n.name, n.entries, n.bytes, count(r.key),
                coalesce(sum(r.size), 0),
                count(r.key) FILTER (WHERE r.size <> length(r.value))
            FROM {p}_ns n LEFT JOIN {p}_rec r ON r.ns = n.id
            GROUP BY n.id ORDER BY n.id"""
        ).fetchall()
        for nsid, tbl, name, entries, size, n, b, bad in rows:
            where = f"{tbl}/{bytes(name).decode(errors='replace')}"
            recount = Recount(where, (int(entries), int(size)), int(n), int(b), int(bad))
            problems += recount.problems(
                fix,
                fix_sizes=functools.partial(_fix_sizes, con, p, nsid),
                fix_counters=functools.partial(_fix_counters, con, p, nsid),
            )
        problems += _orphans(con, p, fix)
    return problems


def _fix_sizes(con: Any, p: str, nsid: int) -> int:
    con.execute(f"UPDATE {p}_rec SET size = length(value) WHERE ns = %s", (nsid,))
    row = con.execute(f"SELECT coalesce(sum(size), 0) FROM {p}_rec WHERE ns = %s", (nsid,))
    return int(row.fetchone()[0])


def _fix_counters(con: Any, p: str, nsid: int, entries: int, size: int) -> None:
    con.execute(f"UPDATE {p}_ns SET entries = %s, bytes = %s WHERE id = %s", (entries, size, nsid))


def _orphans(con: Any, p: str, fix: bool) -> list[str]:
    orphan = f"FROM {p}_rec r WHERE NOT EXISTS (SELECT 1 FROM {p}_ns n WHERE n.id = r.ns)"
    count = con.execute(f"SELECT count(*) {orphan}").fetchone()[0]
    if not count:
        return []
    if fix:
        con.execute(f"DELETE {orphan}")
    return [f"{count} records of unknown namespaces"]
