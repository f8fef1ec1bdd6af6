"""SQLite files of schema version 1 (hashed rowids) and 2 (change logs with AUTOINCREMENT)
open, are migrated, and keep working."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.stores.protocol import TABLES, Item
from nearcache.stores.sqlite.layout import hid, salt
from nearcache.stores.sqlite.schema import SCHEMA_VERSION
from sqlite_support import indexes, old_file

#: The version-1 record tables (rowid = the record's hashed id).
V1_RECORDS = """
CREATE TABLE rec_{t} (
    id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL,
    value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL, size INTEGER NOT NULL);
CREATE INDEX rec_{t}_ns_atime ON rec_{t} (ns, atime);
CREATE INDEX rec_{t}_atime ON rec_{t} (atime);
CREATE INDEX rec_{t}_exp ON rec_{t} (expires_at) WHERE expires_at IS NOT NULL;
"""
V1_CHANGES = """
CREATE TABLE chg_{t} (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, ns INTEGER NOT NULL,
    version INTEGER NOT NULL, op TEXT NOT NULL, key BLOB NOT NULL);
CREATE INDEX chg_{t}_ns ON chg_{t} (ns, version);
"""


def key(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()


def make_v1(path: Path, n: int) -> None:
    """A version-1 file holding ``n`` semantic records in namespace ``ns``, as v1 wrote them."""
    con = old_file(path, 1, V1_RECORDS, V1_CHANGES)
    con.execute(
        "INSERT INTO namespaces (id, tbl, name, entries, bytes, version) VALUES "
        "(1, 'semantic', 'ns', ?, ?, 1)",
        (n, 10 * n),
    )
    s = salt("semantic", "ns")
    con.executemany(
        "INSERT INTO rec_semantic VALUES (?, 1, ?, ?, NULL, 1.0, 10)",
        [(hid(key(i), s), bytes.fromhex(key(i)), b"v%09d" % i) for i in range(n)],
    )
    con.executemany(
        "INSERT INTO chg_semantic (ns, version, op, key) VALUES (1, 1, 'put', ?)",
        [(bytes.fromhex(key(i)),) for i in range(n)],
    )
    con.commit()
    con.close()


def test_a_version_1_file_is_migrated_and_keeps_every_record(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    make_v1(path, 300)
    store = SQLiteStore(path)
    keys = [key(i) for i in range(300)]
    assert store.get_many("semantic", "ns", keys, now=2) == [b"v%09d" % i for i in range(300)]
    assert store.info("semantic", "ns").entries == 300
    assert store.changes("semantic", "ns", 0).events is not None
    assert store.check() == []
    # writes after the migration: a replace, new records, a delete, all consistent
    version = store.put_many(
        "semantic",
        "ns",
        [Item(keys[0], b"new"), *(Item(key(i), b"x") for i in range(300, 400))],
        now=3,
    )
    assert version == 2
    assert store.delete_many("semantic", "ns", [keys[1]]) == 1
    got = store.get_many("semantic", "ns", [keys[0], keys[1], key(399)], now=3)
    assert got == [b"new", None, b"x"]
    info = store.info("semantic", "ns")
    assert (info.entries, info.bytes) == (399, 298 * 10 + 3 + 100)
    assert store.check() == []
    store.close()
    con = sqlite3.connect(path)
    version_row = con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'")
    assert version_row.fetchone()[0] == str(SCHEMA_VERSION)
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {f"rec_{t}_hid" for t in TABLES} <= indexes
    # rows written after the migration follow the old ones in rowid order
    old_max = con.execute("SELECT max(id) FROM rec_semantic WHERE size = 10").fetchone()[0]
    new_min = con.execute("SELECT min(id) FROM rec_semantic WHERE size = 1").fetchone()
    con.close()
    assert new_min[0] > old_max


def test_reopening_a_migrated_file_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    make_v1(path, 10)
    SQLiteStore(path).close()
    store = SQLiteStore(path)
    assert store.get_many("semantic", "ns", [key(3)], now=2) == [b"v%09d" % 3]
    assert store.check() == []
    store.close()


@pytest.mark.parametrize("table", sorted(TABLES))
def test_new_files_append_rows_in_insertion_order(tmp_path: Path, table: str) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    keys = [key(i) for i in range(50)]
    store.put_many(table, "ns", [Item(k, b"v") for k in keys], now=1)
    with store._db.connection() as con:
        rows = con.execute(f"SELECT key FROM rec_{table} ORDER BY id").fetchall()
    assert [bytes(r[0]).hex() for r in rows] == keys
    store.close()


#: Version 2's record tables (insertion-order rowid + hid); its change logs are V1_CHANGES.
V2_RECORDS = """
CREATE TABLE rec_{t} (
    id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL,
    value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL,
    size INTEGER NOT NULL, hid INTEGER NOT NULL);
CREATE UNIQUE INDEX rec_{t}_hid ON rec_{t} (hid);
CREATE INDEX rec_{t}_ns_atime ON rec_{t} (ns, atime);
CREATE INDEX rec_{t}_atime ON rec_{t} (atime);
CREATE INDEX rec_{t}_exp ON rec_{t} (expires_at) WHERE expires_at IS NOT NULL;
"""


def make_v2(path: Path, n: int) -> None:
    """A version-2 file: ``n`` semantic records in ``ns`` written as versions 1..n, one
    change-log row each, the first ten pruned away (as retention does)."""
    con = old_file(path, 2, V2_RECORDS, V1_CHANGES)
    con.execute(
        "INSERT INTO namespaces (id, tbl, name, entries, bytes, version) VALUES "
        "(1, 'semantic', 'ns', ?, ?, ?)",
        (n, 10 * n, n),
    )
    s = salt("semantic", "ns")
    con.executemany(
        "INSERT INTO rec_semantic (hid, ns, key, value, expires_at, atime, size) "
        "VALUES (?, 1, ?, ?, NULL, 1.0, 10)",
        [(hid(key(i), s), bytes.fromhex(key(i)), b"v%09d" % i) for i in range(n)],
    )
    con.executemany(
        "INSERT INTO chg_semantic (ns, version, op, key) VALUES (1, ?, 'put', ?)",
        [(i + 1, bytes.fromhex(key(i))) for i in range(n)],
    )
    con.execute("DELETE FROM chg_semantic WHERE seq <= 10")
    con.commit()
    con.close()


def _log_sql(path: Path) -> dict[str, str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT name, sql FROM sqlite_master WHERE name LIKE 'chg_%'")
        return {name: sql for name, sql in rows}
    finally:
        con.close()


def test_a_version_2_file_loses_autoincrement_and_keeps_its_change_log(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    make_v2(path, 50)
    con = sqlite3.connect(path)
    old_log = con.execute("SELECT seq, ns, version, op, key FROM chg_semantic").fetchall()
    con.close()
    store = SQLiteStore(path)
    keys = [key(i) for i in range(50)]
    assert store.get_many("semantic", "ns", keys[:3], now=2) == [b"v%09d" % i for i in range(3)]
    # the retained log replays from version 10 on; before it, a gap is reported
    since10 = store.changes("semantic", "ns", 10)
    assert since10.events == [("put", k) for k in keys[10:]]
    assert store.changes("semantic", "ns", 5).events is None
    assert store.check() == []
    # a write after the migration logs after the old rows, in version order
    assert store.put_many("semantic", "ns", [Item(key(50), b"x")], now=3) == 51
    assert store.changes("semantic", "ns", 49).events == [("put", keys[49]), ("put", key(50))]
    store.close()
    sql = _log_sql(path)
    assert set(sql) == {"chg_semantic"}  # schema 5: clustered, no (ns, version) index
    assert all("AUTOINCREMENT" not in (s or "").upper() for s in sql.values())
    con = sqlite3.connect(path)
    rows = con.execute("SELECT ns, version, n, op, key FROM chg_semantic").fetchall()
    assert rows[:-1] == [(ns, v, 0, op, k) for _, ns, v, op, k in old_log]
    assert rows[-1][:3] == (1, 51, 0)
    assert con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'").fetchone()[
        0
    ] == str(SCHEMA_VERSION)
    seqs = con.execute("SELECT name FROM sqlite_sequence WHERE name LIKE 'chg_%'").fetchall()
    con.close()
    assert seqs == []


def test_a_version_1_file_is_migrated_through_to_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    make_v1(path, 20)
    store = SQLiteStore(path)
    assert store.changes("semantic", "ns", 0).events == [("put", key(i)) for i in range(20)]
    store.close()
    assert all("AUTOINCREMENT" not in (s or "").upper() for s in _log_sql(path).values())


def test_new_files_log_changes_without_autoincrement(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "n.db")
    store.put_many("semantic", "ns", [Item(key(1), b"v")], now=1)
    store.close()
    sql = _log_sql(tmp_path / "n.db")
    assert sql and all("AUTOINCREMENT" not in (s or "").upper() for s in sql.values())


#: Version 3's change logs (a plain rowid, no AUTOINCREMENT); its records are V2_RECORDS,
#: which still carry the table-wide ``rec_{t}_atime`` index.
V3_CHANGES = """
CREATE TABLE chg_{t} (
    seq INTEGER PRIMARY KEY, ns INTEGER NOT NULL,
    version INTEGER NOT NULL, op TEXT NOT NULL, key BLOB NOT NULL);
CREATE INDEX chg_{t}_ns ON chg_{t} (ns, version);
"""


def make_v3(path: Path, atimes: list[tuple[str, float]]) -> None:
    """A version-3 file: record ``i`` in namespace ``atimes[i][0]`` last used at
    ``atimes[i][1]``, written in that order (one version and change-log row each)."""
    con = old_file(path, 3, V2_RECORDS, V3_CHANGES)
    names = sorted({ns for ns, _ in atimes})
    ids = {ns: i + 1 for i, ns in enumerate(names)}
    for ns in names:
        mine = [i for i, (n, _) in enumerate(atimes) if n == ns]
        con.execute(
            "INSERT INTO namespaces (id, tbl, name, entries, bytes, version) VALUES "
            "(?, 'semantic', ?, ?, ?, ?)",
            (ids[ns], ns, len(mine), 10 * len(mine), len(mine)),
        )
    version = dict.fromkeys(names, 0)
    for i, (ns, atime) in enumerate(atimes):
        version[ns] += 1
        con.execute(
            "INSERT INTO rec_semantic (hid, ns, key, value, expires_at, atime, size) "
            "VALUES (?, ?, ?, ?, NULL, ?, 10)",
            (
                hid(key(i), salt("semantic", ns)),
                ids[ns],
                bytes.fromhex(key(i)),
                b"v%09d" % i,
                atime,
            ),
        )
        con.execute(
            "INSERT INTO chg_semantic (ns, version, op, key) VALUES (?, ?, 'put', ?)",
            (ids[ns], version[ns], bytes.fromhex(key(i))),
        )
    con.commit()
    con.close()


def test_a_version_3_file_loses_the_table_wide_atime_index(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    # two namespaces, access times interleaved, ties broken by insertion order
    atimes = [("a", 5.0), ("b", 1.0), ("a", 1.0), ("b", 7.0), ("a", 3.0), ("b", 3.0), ("a", 9.0)]
    make_v3(path, atimes)
    assert "rec_semantic_atime" in indexes(path)
    store = SQLiteStore(path)
    assert store.get_many("semantic", "a", [key(0), key(2)], now=2) == [b"v%09d" % 0, b"v%09d" % 2]
    assert store.changes("semantic", "b", 0).events == [("put", key(i)) for i in (1, 3, 5)]
    assert store.check() == []
    # table-wide LRU eviction: the oldest four by (access time, row order) across both
    gone = store.evict("semantic", None, max_entries=3)
    order = sorted(range(len(atimes)), key=lambda i: (atimes[i][1], i))
    assert sorted(gone) == sorted((atimes[i][0], key(i)) for i in order[:4])
    assert store.info("semantic").entries == 3
    store.put_many("semantic", "b", [Item(key(99), b"new")], now=10)
    assert store.check() == []
    store.close()
    found = indexes(path)
    assert not any(name.startswith("rec_") and name.endswith("_atime") for name in found)
    con = sqlite3.connect(path)
    row = con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'").fetchone()
    con.close()
    assert row[0] == str(SCHEMA_VERSION) == "8"
    store = SQLiteStore(path)  # opens again without migrating
    assert store.get_many("semantic", "b", [key(99)], now=11) == [b"new"]
    store.close()


def test_new_files_have_no_record_atime_index(tmp_path: Path) -> None:
    """LRU order is the namespaces' runs of rowids (schema 8): no atime index at all."""
    SQLiteStore(tmp_path / "n.db").close()
    found = indexes(tmp_path / "n.db")
    assert not {f"rec_{t}_{i}" for t in TABLES for i in ("atime", "ns_atime")} & found


def test_processes_opening_an_old_file_together_migrate_it_once(tmp_path: Path) -> None:
    """Four processes open one version-1 file (rollback journal) at the same moment: one
    migrates it, the others wait for it, every process writes, every record survives."""
    import workers
    from helpers import run_together
    from nearcache import EmbeddingCache

    path = tmp_path / "v1.db"
    make_v1(path, 3000)
    results = run_together(workers.open_together, [(str(path), n) for n in range(4)])
    assert results == [None] * 4
    store = SQLiteStore(path)
    keys = [key(i) for i in range(3000)]
    assert store.get_many("semantic", "ns", keys, now=2) == [b"v%09d" % i for i in range(3000)]
    assert store.info("semantic", "ns").entries == 3000
    assert store.check() == []
    store.close()
    cache = EmbeddingCache(path=path)
    _, found = cache.get_many([f"text {n}" for n in range(4)], "p.m.dense")
    assert found.all()
    cache.close()
