"""SQLite schemas of older versions as they shipped, for the migration tests: a file of
version N is ``old_file(path, N, records, changes)`` with that version's tables (schema
6: ``downgrade_to_v6``); and the functions the SQLite tests run in spawned processes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

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


#: The change log of schema 6 (no delta columns).
V6_CHANGES = """
CREATE TABLE chg_{t}_v6 (
    ns INTEGER NOT NULL, version INTEGER NOT NULL, n INTEGER NOT NULL,
    op TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (ns, version, n)) WITHOUT ROWID;
INSERT INTO chg_{t}_v6 SELECT ns, version, n, op, key FROM chg_{t};
DROP TABLE chg_{t};
ALTER TABLE chg_{t}_v6 RENAME TO chg_{t};
"""


def indexes(path: Path) -> set[str]:
    """The names of the indexes in the file at ``path``."""
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    finally:
        con.close()


def downgrade_to_v6(path: Path) -> None:
    """Turn a closed current file whose namespaces have no pending single puts (written
    by batches) into the schema-6 file it would have been: change logs without the
    delta columns, schema version 6."""
    con = sqlite3.connect(path)
    con.executescript(
        "".join(V6_CHANGES.replace("{t}", t) for t, spec in TABLES.items() if spec.log)
        + "UPDATE nearcache_meta SET value = '6' WHERE key = 'schema_version';"
    )
    con.close()


def put_one_together(path: str, worker: int, count: int, barrier: Any, queue: Any) -> None:
    """Open ``path`` at the same moment as the others, single-put ``count`` semantic
    records ``w{worker}-{i}`` into namespace ``ns``, report None or the error."""
    from nearcache import SQLiteStore
    from nearcache.keys import content_hash
    from nearcache.stores.protocol import Item

    barrier.wait()
    try:
        store = SQLiteStore(path)
        for i in range(count):
            item = Item(content_hash(f"w{worker}-{i}"), b"v%d" % i)
            store.put_one("semantic", "ns", item, now=1.0)
        store.close()
        queue.put(None)
    except Exception as exc:  # reported to the test, which asserts there was none
        queue.put(repr(exc))


def put_one_forever(path: str, conn: Any) -> None:
    """Single-put semantic records ``k{i}`` into ``ns`` until killed, acknowledging each
    (its number) once ``put_one`` returned."""
    from nearcache import SQLiteStore
    from nearcache.keys import content_hash
    from nearcache.stores.protocol import Item

    store = SQLiteStore(path)
    i = 0
    while True:
        store.put_one("semantic", "ns", Item(content_hash(f"k{i}"), b"v" * (i % 50)), now=1.0)
        conn.send(i)
        i += 1
