"""The SQLite store's change log (``chg_{table}``): what changed in a namespace after a
version. The pruning that keeps about the last ``changelog_retention`` rows is
:func:`~.layout.prune_log`, run with the writes.

A reader asks for what changed after the version it knows; the answer is ``None``
(reload the namespace) when the log no longer reaches back to the next version.
"""

from __future__ import annotations

import sqlite3

from ..protocol import Changes
from .counts import NOW

__all__ = ["read_changes"]


def read_changes(con: sqlite3.Connection, table: str, namespace: str, since: int) -> Changes:
    """What changed in the namespace after version ``since``."""
    row = con.execute(
        f"SELECT id, version FROM {NOW[table]} WHERE tbl=? AND name=?", (table, namespace)
    ).fetchone()
    if row is None:
        return Changes(since, [])
    nsid, version = row
    if version <= since:
        return Changes(version, [])
    rows = con.execute(
        f"SELECT version, op, key FROM chg_{table} WHERE ns=? AND version>? "
        "AND version<=? ORDER BY version, n",
        (nsid, since, version),
    ).fetchall()
    if not rows or rows[0][0] != since + 1:
        return Changes(version, None)
    return Changes(version, [(op, bytes(k).hex()) for _, op, k in rows])
