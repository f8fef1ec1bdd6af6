"""SQLite schemas of older versions as they shipped, for the migration tests: a file of
version N is ``old_file(path, N, records, changes)`` with that version's tables."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from nearcache.stores.protocol import TABLES

#: The store tables of versions 1 to 4 (no ``namespaces.logged``), at version ``{v}``.
OLD_STORE = """
CREATE TABLE nearcache_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE namespaces (
    id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, name TEXT NOT NULL,
    entries INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0, evictions INTEGER NOT NULL DEFAULT 0,
    expirations INTEGER NOT NULL DEFAULT 0, UNIQUE (tbl, name));
INSERT INTO nearcache_meta VALUES ('schema_version', '{v}');
"""


def old_file(path: Path, version: int, records: str, changes: str) -> sqlite3.Connection:
    """A file of schema ``version`` with ``records`` (and ``changes`` for the tables that
    keep a change log) per table, ``{t}`` the table's name; an open connection to it."""
    con = sqlite3.connect(path)
    sql = OLD_STORE.replace("{v}", str(version)) + "".join(
        records.replace("{t}", t) + (changes.replace("{t}", t) if spec.log else "")
        for t, spec in TABLES.items()
    )
    con.executescript(sql)
    return con
