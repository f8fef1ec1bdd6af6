"""Schema 5's change log: clustered on (ns, version, n), pruned per namespace by whole
versions, and version-4 files migrated to it with every record and log row kept."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from nearcache import SQLiteStore
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.layout import hid, salt
from nearcache.stores.sqlite.schema import SCHEMA_VERSION
from sqlite_support import old_file

#: The version-4 record tables (no table-wide atime index); its change logs are keyed
#: by a ``seq`` rowid with an ``(ns, version)`` index.
V4_RECORDS = """
CREATE TABLE rec_{t} (
    id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL,
    value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL,
    size INTEGER NOT NULL, hid INTEGER NOT NULL);
CREATE UNIQUE INDEX rec_{t}_hid ON rec_{t} (hid);
CREATE INDEX rec_{t}_ns_atime ON rec_{t} (ns, atime);
CREATE INDEX rec_{t}_exp ON rec_{t} (expires_at) WHERE expires_at IS NOT NULL;
"""
V4_CHANGES = """
CREATE TABLE chg_{t} (
    seq INTEGER PRIMARY KEY, ns INTEGER NOT NULL,
    version INTEGER NOT NULL, op TEXT NOT NULL, key BLOB NOT NULL);
CREATE INDEX chg_{t}_ns ON chg_{t} (ns, version);
"""

#: (namespace, op, record numbers) of each write, in order; "a" and "b" interleave.
WRITES = [
    ("a", "put", [0, 1, 2]),
    ("b", "put", [3]),
    ("a", "put", [4]),
    ("b", "put", [5, 6, 7, 8]),
    ("a", "delete", [1]),
    ("a", "put", [9, 10]),
    ("b", "delete", [3, 6]),
]


def key(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()


def make_v4(path: Path) -> None:
    """A version-4 file as version 4 wrote ``WRITES``: one version per write, one
    change-log row per key, records for the keys put and not deleted."""
    con = old_file(path, 4, V4_RECORDS, V4_CHANGES)
    ids = {"a": 1, "b": 2}
    version = dict.fromkeys(ids, 0)
    live: dict[int, str] = {}
    for ns, op, nums in WRITES:
        version[ns] += 1
        for i in nums:
            if op == "put":
                live[i] = ns
            else:
                live.pop(i)
            con.execute(
                "INSERT INTO chg_semantic (ns, version, op, key) VALUES (?, ?, ?, ?)",
                (ids[ns], version[ns], op, bytes.fromhex(key(i))),
            )
    for ns, nsid in ids.items():
        mine = [i for i, n in live.items() if n == ns]
        con.execute(
            "INSERT INTO namespaces (id, tbl, name, entries, bytes, version) VALUES "
            "(?, 'semantic', ?, ?, ?, ?)",
            (nsid, ns, len(mine), 9 * len(mine), version[ns]),
        )
        con.executemany(
            "INSERT INTO rec_semantic (hid, ns, key, value, expires_at, atime, size) "
            "VALUES (?, ?, ?, ?, NULL, 1.0, 9)",
            [
                (hid(key(i), salt("semantic", ns)), nsid, bytes.fromhex(key(i)), b"v%08d" % i)
                for i in mine
            ],
        )
    con.commit()
    con.close()


def expected(ns: str, since: int) -> list[tuple[str, str]]:
    """The events of ``ns`` after version ``since``, as ``WRITES`` made them."""
    out: list[tuple[str, str]] = []
    version = 0
    for name, op, nums in WRITES:
        if name == ns:
            version += 1
            if version > since:
                out += [(op, key(i)) for i in nums]
    return out


def test_a_version_4_file_keeps_every_record_and_its_change_history(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    make_v4(path)
    store = SQLiteStore(path)
    live_a = [0, 2, 4, 9, 10]
    live_b = [5, 7, 8]
    got = store.get_many("semantic", "a", [key(i) for i in live_a], now=2)
    assert got == [b"v%08d" % i for i in live_a]
    got = store.get_many("semantic", "b", [key(i) for i in live_b], now=2)
    assert got == [b"v%08d" % i for i in live_b]
    assert store.get_many("semantic", "a", [key(1)], now=2) == [None]
    for ns, top in (("a", 4), ("b", 3)):
        for since in range(top + 1):
            changes = store.changes("semantic", ns, since)
            assert (changes.version, changes.events) == (top, expected(ns, since))
    assert store.check() == []
    # writes after the migration follow the old rows in version order
    assert store.put_many("semantic", "a", [Item(key(20), b"x"), Item(key(21), b"y")], now=3) == 5
    assert store.delete_many("semantic", "b", [key(5)]) == 1
    assert store.changes("semantic", "a", 3).events == [
        *expected("a", 3),
        ("put", key(20)),
        ("put", key(21)),
    ]
    assert store.changes("semantic", "b", 3).events == [("delete", key(5))]
    store.close()
    con = sqlite3.connect(path)
    meta = con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'").fetchone()
    cols = [r[1] for r in con.execute("PRAGMA table_info(chg_semantic)")]
    indexes = {
        r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE name LIKE 'chg_%_ns'")
    }
    logged = dict(con.execute("SELECT name, logged FROM namespaces WHERE tbl='semantic'"))
    counts = dict(
        con.execute(
            "SELECT name, count(*) FROM chg_semantic JOIN namespaces ON namespaces.id = ns "
            "GROUP BY name"
        )
    )
    con.close()
    assert meta[0] == str(SCHEMA_VERSION) == "8"
    assert cols == ["ns", "version", "n", "op", "key", "de", "db"] and not indexes
    assert logged == counts == {"a": 9, "b": 8}
    store = SQLiteStore(path)  # opens again without migrating
    assert store.changes("semantic", "b", 0).events == [*expected("b", 0), ("delete", key(5))]
    store.close()


def test_a_batch_is_logged_in_key_order_under_one_version(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "n.db")
    keys = [key(i) for i in range(40)]
    assert store.put_many("semantic", "ns", [Item(k, b"v") for k in keys], now=1) == 1
    store.put_many("semantic", "ns", [Item(keys[5], b"w")], now=1)
    with store._db.connection() as con:
        rows = con.execute("SELECT version, n, key FROM chg_semantic").fetchall()
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name='chg_semantic'").fetchone()
    assert rows == [(1, i, bytes.fromhex(k)) for i, k in enumerate(keys)] + [
        (2, 0, bytes.fromhex(keys[5]))
    ]
    assert "WITHOUT ROWID" in sql[0].upper()
    assert store.changes("semantic", "ns", 0).events == [("put", k) for k in [*keys, keys[5]]]
    store.close()


def _logged(store: SQLiteStore, ns: str) -> tuple[int, int]:
    """(namespaces.logged, rows in the log) of ``ns``."""
    with store._db.connection() as con:
        row = con.execute(
            "SELECT logged, (SELECT count(*) FROM chg_semantic WHERE ns = namespaces.id) "
            "FROM namespaces WHERE tbl='semantic' AND name=?",
            (ns,),
        ).fetchone()
    return int(row[0]), int(row[1])


def test_pruning_drops_whole_old_versions_per_namespace(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "p.db", changelog_retention=10)
    store.put_many("semantic", "small", [Item(key(1000), b"s")], now=1)
    for v in range(8):  # versions 1..8 of "big", three keys each: 24 rows
        store.put_many("semantic", "big", [Item(key(3 * v + j), b"v") for j in range(3)], now=1)
    store._prune_changes()
    # 24 rows, 10 kept: the row 14th from the start is in version 5, so versions 1-4 go
    # (12 rows) and 12 stay: whole versions, never part of one
    assert _logged(store, "big") == (12, 12)
    assert store.changes("semantic", "big", 3).events is None
    assert store.changes("semantic", "big", 4).events == [("put", key(i)) for i in range(12, 24)]
    assert store.changes("semantic", "small", 0).events == [("put", key(1000))]
    assert _logged(store, "small") == (1, 1)
    store._prune_changes()  # nothing more to drop: 12 rows, the excess is in version 5
    assert _logged(store, "big") == (12, 12)
    store.delete_many("semantic", "big", [key(12)])
    store.clear("semantic", "big")
    store._prune_changes()
    # 14 rows: the row at offset 4 is in version 6, so version 5 goes; 6-10 stay
    assert _logged(store, "big") == (11, 11)
    assert store.changes("semantic", "big", 4).events is None
    events = store.changes("semantic", "big", 5).events
    assert events is not None and len(events) == 11
    assert events[-2:] == [("delete", key(12)), ("clear", "")]
    assert store.check() == []
    store.close()


def test_a_count_ahead_of_the_rows_is_recounted(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db", changelog_retention=2)
    store.put_many("semantic", "ns", [Item(key(i), b"v") for i in range(3)], now=1)
    with store._db.connection() as con:
        con.execute("UPDATE namespaces SET logged = 50 WHERE name='ns'")
        con.commit()
    store._prune_changes()
    assert _logged(store, "ns") == (3, 3)
    assert store.changes("semantic", "ns", 0).events == [("put", key(i)) for i in range(3)]
    store.close()


def test_pruning_never_hands_a_reader_part_of_a_batch(tmp_path: Path) -> None:
    # 16 rows over two versions, 10 kept: cutting by row count would leave 2 of version
    # 1's 8 keys, and a reader from version 0 would miss 6 puts without knowing it
    store = SQLiteStore(tmp_path / "b.db", changelog_retention=10)
    store.put_many("semantic", "ns", [Item(key(i), b"v") for i in range(8)], now=1)
    store.put_many("semantic", "ns", [Item(key(i), b"v") for i in range(8, 16)], now=1)
    store._prune_changes()
    assert store.changes("semantic", "ns", 0).events == [("put", key(i)) for i in range(16)]
    store.put_many("semantic", "ns", [Item(key(16), b"v")], now=1)
    store._prune_changes()  # 17 rows: the 7 over the limit are part of version 1: kept
    assert _logged(store, "ns") == (17, 17)
    store.put_many("semantic", "ns", [Item(key(17), b"v")], now=1)
    store._prune_changes()  # 18 rows: version 1 goes whole; versions 2-4 (10 rows) stay
    assert store.changes("semantic", "ns", 0).events is None
    assert store.changes("semantic", "ns", 1).events == [("put", key(i)) for i in range(8, 18)]
    store.close()
