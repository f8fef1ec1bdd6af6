"""The PostgreSQL store's change log (``P_chg``): what changed in a namespace after a
version, and the pruning that keeps about the last ``changelog_retention`` rows.

A reader asks for what changed after the version it knows; the answer is ``None``
(reload the namespace) when the log no longer reaches back to the next version.
"""

from __future__ import annotations

from typing import Any

from ..protocol import Changes

__all__ = ["prune", "read_changes"]


def read_changes(con: Any, p: str, table: str, namespace: str, since: int) -> Changes:
    """What changed in the namespace after version ``since`` (tables prefixed ``p``)."""
    rows = list(
        con.execute(
            f"""WITH n AS (SELECT id, version FROM {p}_ns WHERE tbl = %s AND name = %s)
            SELECT n.version, c.version, c.op, c.key FROM n
            LEFT JOIN {p}_chg c ON c.ns = n.id AND c.version > %s
                AND c.version <= n.version
            ORDER BY c.seq""",
            (table, namespace.encode(), since),
        ).fetchall()
    )
    if not rows:
        return Changes(since, [])
    version = int(rows[0][0])
    if version <= since:
        return Changes(version, [])
    if rows[0][1] is None or int(rows[0][1]) != since + 1:
        return Changes(version, None)
    return Changes(version, [(op, "" if op == "clear" else bytes(k).hex()) for _, _, op, k in rows])


def prune(con: Any, p: str, retention: int) -> None:
    """Keep about the last ``retention`` change-log rows: whole versions go, oldest
    first, so a reader never gets part of a version without seeing a gap (a version
    straddling the cut is kept whole). Within a namespace later versions have later
    ``seq`` (the namespace row is locked from the bump to the commit)."""
    con.execute(
        f"""WITH cut AS (SELECT max(seq) - %s AS s FROM {p}_chg),
        gone AS (SELECT c.ns, max(c.version) AS v FROM {p}_chg c, cut
                 WHERE c.seq <= cut.s GROUP BY c.ns)
        DELETE FROM {p}_chg c USING gone, cut
        WHERE c.ns = gone.ns AND (c.version < gone.v OR (
            c.version = gone.v AND NOT EXISTS (
                SELECT 1 FROM {p}_chg k
                WHERE k.ns = gone.ns AND k.version = gone.v AND k.seq > cut.s)))""",
        (retention,),
    )
