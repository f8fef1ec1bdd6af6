"""``check()`` of the PostgreSQL store: counters, size columns and orphans vs a recount."""

from __future__ import annotations

from typing import Any

from ..base import recount_problem

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
            if bad:
                problems.append(f"{where}: {bad} records with a wrong size column")
                if fix:
                    con.execute(f"UPDATE {p}_rec SET size = length(value) WHERE ns = %s", (nsid,))
                    b = con.execute(
                        f"SELECT coalesce(sum(size), 0) FROM {p}_rec WHERE ns = %s", (nsid,)
                    ).fetchone()[0]
            if (int(entries), int(size)) != (int(n), int(b)):
                problems.append(recount_problem(where, (entries, size), (n, b)))
                if fix:
                    con.execute(
                        f"UPDATE {p}_ns SET entries = %s, bytes = %s WHERE id = %s", (n, b, nsid)
                    )
        problems += _orphans(con, p, fix)
    return problems


def _orphans(con: Any, p: str, fix: bool) -> list[str]:
    orphan = f"FROM {p}_rec r WHERE NOT EXISTS (SELECT 1 FROM {p}_ns n WHERE n.id = r.ns)"
    count = con.execute(f"SELECT count(*) {orphan}").fetchone()[0]
    if not count:
        return []
    if fix:
        con.execute(f"DELETE {orphan}")
    return [f"{count} records of unknown namespaces"]
