"""The SQLite store's schema: created once per file, refused when it is not ours.

The statements are in ``schema.sql`` beside this module. A file that is not a SQLite
database, or a database of another application, raises ``CorruptStoreError`` and is
left byte-for-byte untouched; a schema newer than this version is refused too.

An older schema is migrated in place, in one transaction, when the file is opened:

* **1 -> 2**: records got a ``hid`` column (the hashed lookup key, unique index) and
  ``id`` became an insertion-order rowid. Existing rows keep their ``id`` (their old
  hashed rowid) and get ``hid = id``; rows written afterwards append after them.
* **2 -> 3**: change logs lost ``AUTOINCREMENT`` (its ``sqlite_sequence`` row was one
  more page written by every commit). Each log table is rebuilt with the same rows and
  ``seq`` values; new rows get ``max(seq) + 1``, so they still follow the old ones.
* **3 -> 4**: the table-wide ``rec_{table}_atime`` index is dropped (one page fewer in
  every commit that writes a record). Table-wide LRU eviction merges the per-namespace
  ``(ns, atime)`` scans instead, in the same order. Rows are untouched.
* **4 -> 5**: change logs are clustered on ``(ns, version, n)`` (``WITHOUT ROWID``; ``n``
  numbers a version's keys in their old ``seq`` order) instead of a ``seq`` rowid table
  plus an ``(ns, version)`` index: a write touches one log page, not two. Every row is
  kept; ``namespaces.logged`` (new) counts each namespace's rows, and retention prunes
  per namespace, whole versions at a time, instead of table-wide by ``seq``.
* **5 -> 6**: reads' access times go to a small ``seen_{table}`` table (record id,
  namespace, time; ``(ns, atime)`` index) instead of rewriting the records' ``atime``:
  a flush of 20,000 read keys rewrote ~18,000 record pages (76 MB of WAL) and now
  rewrites ~800 small ones. The tables are new and empty; records keep their ``atime``
  (their last write, or their last read flushed before the migration).
* **6 -> 7**: change-log rows get ``de`` / ``db`` (entry and byte deltas, 0 for the old
  rows): a single put leaves the namespace's row alone and logs its deltas and version
  there instead (see ``counts.py``). The columns are added in place; rows are untouched.
* **7 -> 8**: each namespace's records become one run of rowids, ``(ns << 40) + n``, in
  their LRU order (``atime``, then the old rowid), so the run's order is the LRU order of
  the records not read since and the ``(ns, atime)`` index goes (one b-tree fewer
  written by every put). Record tables are rebuilt with every row (the whole table is
  copied once, in the migration's transaction: ~9 s for 100k semantic entries, and the
  file keeps the old pages as free pages for later writes); read times (``seen``)
  follow their records' new rowids. A ``CHECK`` keeps each record in its run: an
  older nearcache still running on the migrated file fails to add a key there instead
  of appending it to another namespace's run.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from ...errors import CacheError, CorruptStoreError, StoreTimeoutError, StoreWriteError
from ..protocol import TABLES
from ..sqlfiles import read_sections, statements
from .layout import MAX_NAMESPACES, RUN_BITS

__all__ = ["SCHEMA_VERSION", "check_file", "init_schema", "open_schema"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 8
_SQLITE_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path, settle: float = 1.0) -> None:
    """Refuse a file that exists and is not a SQLite database (before opening it).

    A file another process is creating can be read between its growth and its first page
    landing: a head that is a prefix of SQLite's, or zeros, is read again for up to
    ``settle`` seconds before the file is called foreign.
    """
    deadline = time.monotonic() + settle
    while True:
        try:
            with open(path, "rb") as fh:
                head = fh.read(16)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise CacheError(f"cannot read {path}: {exc}") from exc
        if not head or head == _SQLITE_MAGIC:
            return
        unfinished = _SQLITE_MAGIC.startswith(head.rstrip(b"\0")) or not any(head)
        if not unfinished or time.monotonic() >= deadline:
            raise CorruptStoreError(
                f"{path} is not a SQLite database (bad header); it was left untouched"
            )
        time.sleep(0.01)


def _found_version(con: sqlite3.Connection, path: Path) -> int | None:
    """The schema version of an existing nearcache file, 0 if empty, None if current."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and "nearcache_meta" not in tables:
        raise CorruptStoreError(
            f"{path} is a SQLite database of another application "
            "(no nearcache_meta table); it was left untouched"
        )
    if "nearcache_meta" not in tables:
        return 0
    row = con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise CorruptStoreError(
            f"{path} has schema version {version}, newer than this "
            f"nearcache understands ({SCHEMA_VERSION}); upgrade nearcache"
        )
    return None if version == SCHEMA_VERSION else version


def _schema_statements() -> list[str]:
    sql = read_sections(__package__ or "nearcache.stores.sqlite", "schema.sql")
    out = statements(sql["store"])
    for table, spec in TABLES.items():
        out += statements(sql["records"].replace("{table}", table))
        if spec.log:
            out += statements(sql["changes"].replace("{table}", table))
    return out


def _migrate_1_to_2(con: sqlite3.Connection) -> None:
    """Give version-1 record tables their ``hid`` column (the index is created after)."""
    for table in TABLES:
        cols = {r[1] for r in con.execute(f"PRAGMA table_info(rec_{table})")}
        if cols and "hid" not in cols:
            con.execute(f"ALTER TABLE rec_{table} ADD COLUMN hid INTEGER NOT NULL DEFAULT 0")
            con.execute(f"UPDATE rec_{table} SET hid = id")


def _migrate_2_to_3(con: sqlite3.Connection) -> None:
    """Rebuild change-log tables declared ``AUTOINCREMENT`` without it, rows kept (their
    index is created again after, with the rest of the schema)."""
    for table, spec in TABLES.items():
        row = con.execute(
            "SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (f"chg_{table}",)
        ).fetchone()
        if not spec.log or row is None or "AUTOINCREMENT" not in row[0].upper():
            continue
        con.execute(
            f"CREATE TABLE chg_{table}_v3 (seq INTEGER PRIMARY KEY, ns INTEGER NOT NULL, "
            "version INTEGER NOT NULL, op TEXT NOT NULL, key BLOB NOT NULL)"
        )
        con.execute(
            f"INSERT INTO chg_{table}_v3 (seq, ns, version, op, key) "
            f"SELECT seq, ns, version, op, key FROM chg_{table} ORDER BY seq"
        )
        con.execute(f"DROP TABLE chg_{table}")  # its index and sqlite_sequence row go too
        con.execute(f"ALTER TABLE chg_{table}_v3 RENAME TO chg_{table}")


def _migrate_3_to_4(con: sqlite3.Connection) -> None:
    """Drop the table-wide access-time indexes (eviction merges per-namespace scans)."""
    for table in TABLES:
        con.execute(f"DROP INDEX IF EXISTS rec_{table}_atime")


def _migrate_4_to_5(con: sqlite3.Connection) -> None:
    """Rebuild ``seq``-keyed change logs clustered on ``(ns, version, n)``, rows kept, and
    count each namespace's rows in ``namespaces.logged``."""
    cols = {r[1] for r in con.execute("PRAGMA table_info(namespaces)")}
    if "logged" not in cols:
        con.execute("ALTER TABLE namespaces ADD COLUMN logged INTEGER NOT NULL DEFAULT 0")
    for table, spec in TABLES.items():
        cols = {r[1] for r in con.execute(f"PRAGMA table_info(chg_{table})")}
        if not spec.log or "seq" not in cols:
            continue
        con.execute(
            f"CREATE TABLE chg_{table}_v5 (ns INTEGER NOT NULL, version INTEGER NOT NULL, "
            "n INTEGER NOT NULL, op TEXT NOT NULL, key BLOB NOT NULL, "
            "PRIMARY KEY (ns, version, n)) WITHOUT ROWID"
        )
        con.execute(
            f"INSERT INTO chg_{table}_v5 (ns, version, n, op, key) "
            "SELECT ns, version, row_number() OVER (PARTITION BY ns, version ORDER BY seq) - 1, "
            f"op, key FROM chg_{table} ORDER BY ns, version, seq"
        )
        con.execute(f"DROP TABLE chg_{table}")  # its (ns, version) index goes too
        con.execute(f"ALTER TABLE chg_{table}_v5 RENAME TO chg_{table}")
        con.execute(
            "UPDATE namespaces SET logged = "
            f"(SELECT count(*) FROM chg_{table} WHERE ns = namespaces.id) WHERE tbl = ?",
            (table,),
        )


def _migrate_6_to_7(con: sqlite3.Connection) -> None:
    """Give change logs their delta columns (0 for every row already logged)."""
    for table, spec in TABLES.items():
        cols = {r[1] for r in con.execute(f"PRAGMA table_info(chg_{table})")}
        if not spec.log or "de" in cols:
            continue
        for col in ("de", "db"):
            con.execute(f"ALTER TABLE chg_{table} ADD COLUMN {col} INTEGER NOT NULL DEFAULT 0")


def _migrate_7_to_8(con: sqlite3.Connection) -> None:
    """Rebuild record tables with per-namespace runs of rowids in LRU order, every row
    kept; read times move to their records' new rowids (the old ``(ns, atime)`` index
    goes with the old table; the others are created again after)."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in TABLES:
        if f"rec_{table}" not in tables:
            continue
        top = con.execute(f"SELECT max(ns) FROM rec_{table}").fetchone()[0]
        if top is not None and top >= MAX_NAMESPACES:
            raise CacheError(f"rec_{table}: namespace id {top} is too large to migrate")
        con.execute("CREATE TEMP TABLE rowmap (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        con.execute(
            f"INSERT INTO rowmap SELECT id, (ns << {RUN_BITS}) + "
            f"row_number() OVER (PARTITION BY ns ORDER BY atime, id) FROM rec_{table}"
        )
        con.execute(
            f"CREATE TABLE rec_{table}_v8 (id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, "
            "key BLOB NOT NULL, value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL, "
            f"size INTEGER NOT NULL, hid INTEGER NOT NULL, CHECK (abs(id) >> {RUN_BITS} = ns))"
        )
        con.execute(
            f"INSERT INTO rec_{table}_v8 SELECT m.new, r.ns, r.key, r.value, r.expires_at, "
            f"r.atime, r.size, r.hid FROM rec_{table} r JOIN rowmap m ON m.old = r.id "
            "ORDER BY m.new"
        )
        if f"seen_{table}" in tables:
            con.execute(
                f"CREATE TABLE seen_{table}_v8 (id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, "
                "atime REAL NOT NULL)"
            )
            con.execute(
                f"INSERT INTO seen_{table}_v8 SELECT m.new, s.ns, s.atime FROM seen_{table} s "
                "JOIN rowmap m ON m.old = s.id ORDER BY m.new"
            )
            con.execute(f"DROP TABLE seen_{table}")  # its index too
            con.execute(f"ALTER TABLE seen_{table}_v8 RENAME TO seen_{table}")
        con.execute("DROP TABLE temp.rowmap")
        con.execute(f"DROP TABLE rec_{table}")  # its indexes too
        con.execute(f"ALTER TABLE rec_{table}_v8 RENAME TO rec_{table}")


def init_schema(con: sqlite3.Connection, path: Path) -> None:
    """Create the schema if the file is new, migrate it if it is older (WAL mode either way).

    Raises:
        CorruptStoreError: another application's database, or a newer schema.
        StoreWriteError: an older schema in a file this process cannot write.
        sqlite3.Error: for the caller to translate.
    """
    found = _found_version(con, path)
    if found is None:
        con.execute("PRAGMA journal_mode = WAL")
        return
    try:
        _upgrade(con, path)
    except sqlite3.OperationalError as exc:  # "attempt to write a readonly database"
        if found and "readonly" in str(exc).lower():
            raise StoreWriteError(
                f"{path} has schema version {found}, which this nearcache upgrades to "
                f"{SCHEMA_VERSION} in place, and it cannot write the file here (read-only): "
                "run any nearcache command on it once with write access"
            ) from exc
        raise


def _upgrade(con: sqlite3.Connection, path: Path) -> None:
    """Make a new file's schema, or migrate an older one, in one write transaction."""
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("BEGIN IMMEDIATE")
    try:
        found = _found_version(con, path)  # again, under the write lock
        if found is not None:
            # 0: a new file; 1 .. SCHEMA_VERSION - 1: an older one, migrated step by step
            if found > 0:
                log.info("migrating %s from schema version %d to %d", path, found, SCHEMA_VERSION)
            if 0 < found < 2:
                _migrate_1_to_2(con)
            if 0 < found < 3:
                _migrate_2_to_3(con)
            if 0 < found < 4:
                _migrate_3_to_4(con)
            if 0 < found < 5:
                _migrate_4_to_5(con)
            # 5 -> 6: only new tables (seen_*), created with the rest of the schema below
            if 0 < found < 7:
                _migrate_6_to_7(con)
            if 0 < found < 8:
                _migrate_7_to_8(con)
            for stmt in _schema_statements():
                con.execute(stmt)
            con.execute(
                "INSERT OR REPLACE INTO nearcache_meta VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
        con.execute("COMMIT")
    finally:
        if con.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")


def open_schema(
    read: Callable[[Callable[[sqlite3.Connection], None]], None], path: Path, timeout: float
) -> None:
    """``init_schema`` through ``read``, tried again while another process creates the file.

    SQLite answers "database is locked" at once, without waiting out the busy timeout, to
    a connection switching a new file to WAL while another holds its write lock (it
    refuses to wait there, which could deadlock). Processes opening one new file together
    meet that; each tries again, with growing pauses, until ``timeout`` has passed.

    Raises:
        StoreTimeoutError: the file stayed locked for ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            read(lambda con: init_schema(con, path))
            return
        except StoreTimeoutError:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
        time.sleep(min(pause, left))
        pause = min(pause * 2, 0.2)
