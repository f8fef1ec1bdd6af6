"""Read times kept apart from the records (schema 6): a record's LRU time is its first
write (its place in its namespace's run of rowids, schema 8), or its last read or write
flushed since; eviction order, rewrites, deletes, reused row ids, ``check()`` and the
5 -> 6 migration."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from nearcache import SQLiteStore
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.schema import SCHEMA_VERSION


def key(i: int) -> str:
    return hashlib.sha256(b"seen%d" % i).hexdigest()


def put(store: SQLiteStore, i: int, now: float) -> None:
    store.put_many("kv", "ns", [Item(key(i), b"v%d" % i)], now=now)


def read(store: SQLiteStore, i: int, now: float) -> None:
    assert store.get_many("kv", "ns", [key(i)], now=now, touch=True) == [b"v%d" % i]
    store._write(lambda con: None)  # flush the read time now


def evicted(store: SQLiteStore, keep: int) -> list[int]:
    gone = store.evict("kv", "ns", max_entries=keep)
    return [next(i for i in range(100) if key(i) == k) for _, k in gone]


def seen_rows(path: Path) -> list[tuple[int, float]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT id, atime FROM seen_kv ORDER BY id").fetchall()
    finally:
        con.close()


def test_reads_order_eviction_without_rewriting_records(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    for i in range(5):
        put(store, i, now=i)
    read(store, 1, now=10)
    read(store, 3, now=11)
    read(store, 1, now=12)  # the newest read wins
    read(store, 4, now=3.5)  # older than the record's own write: changes nothing
    con = sqlite3.connect(path)
    atimes = [r[0] for r in con.execute("SELECT atime FROM rec_kv ORDER BY id")]
    con.close()
    assert atimes == [0, 1, 2, 3, 4]  # the records' pages were not rewritten
    assert [t for _, t in seen_rows(path)] == [12, 11]
    assert evicted(store, 2) == [0, 2, 4]
    assert evicted(store, 1) == [3]
    assert store.check() == []
    store.close()


def test_a_rewrite_makes_the_write_the_records_time_again(tmp_path: Path) -> None:
    """Read at 10, written again at 4 (a caller's clock may go back): the record's time
    is 4, as when reads rewrote the record itself (the write came last). The record
    keeps its row; the write's time is its read time."""
    path = tmp_path / "r.db"
    store = SQLiteStore(path)
    put(store, 0, now=1)
    put(store, 1, now=2)
    read(store, 0, now=10)
    batch = [Item(key(0), b"v0"), Item(key(9), b"v9")]
    store.put_many("kv", "ns", batch, now=4)  # the batch path
    put(store, 2, now=6)
    assert [t for _, t in seen_rows(path)] == [4]
    assert evicted(store, 1) == [1, 0, 9]
    read(store, 2, now=20)
    store.put_one("kv", "ns", Item(key(2), b"v2"), now=7)  # the single-put path too
    assert [t for _, t in seen_rows(path)] == [7]
    put(store, 3, now=8)
    assert evicted(store, 1) == [2]
    store.close()


def test_deleted_records_take_their_read_times_with_them(tmp_path: Path) -> None:
    """The newest row's id is reused by the next insert: a read time left behind by a
    delete would make the new record look recently read."""
    path = tmp_path / "d.db"
    store = SQLiteStore(path)
    put(store, 0, now=1)
    put(store, 1, now=2)
    read(store, 1, now=10)
    assert store.delete_many("kv", "ns", [key(1)]) == 1
    assert seen_rows(path) == []
    put(store, 2, now=3)  # takes the deleted record's row id
    put(store, 3, now=4)
    assert evicted(store, 1) == [0, 2]
    read(store, 3, now=11)
    assert len(seen_rows(path)) == 1
    assert store.clear("kv", "ns") == 1
    assert seen_rows(path) == []
    store.close()


def test_expired_and_evicted_records_and_add_over_expired(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    store = SQLiteStore(path)
    store.put_many("kv", "ns", [Item(key(0), b"v0", expires_at=50)], now=1)
    put(store, 1, now=2)
    read(store, 0, now=10)
    read(store, 1, now=11)
    assert len(seen_rows(path)) == 2
    # an add over the expired record replaces it: its read time goes too
    assert store.add("kv", "ns", Item(key(0), b"v0"), now=60) is True
    assert len(seen_rows(path)) == 1
    assert evicted(store, 1) == [1]  # read at 11, before the add at 60
    assert seen_rows(path) == []
    store.put_many("kv", "ns", [Item(key(5), b"v5", expires_at=70)], now=61)
    read(store, 5, now=62)
    assert [k for _, k in store.purge_expired("kv", "ns", now=80)] == [key(5)]
    assert seen_rows(path) == []
    assert store.check() == []
    store.close()


def test_check_finds_and_fixes_read_times_of_no_record(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = SQLiteStore(path)
    put(store, 0, now=1)
    read(store, 0, now=2)
    con = sqlite3.connect(path)
    con.execute("INSERT INTO seen_kv (id, ns, atime) VALUES (999, 1, 5)")
    con.execute("UPDATE seen_kv SET ns = 7 WHERE id != 999")  # another namespace's id
    con.commit()
    con.close()
    assert store.check() == ["kv: 2 read times of records that are gone"]
    assert store.check(fix=True) == ["kv: 2 read times of records that are gone"]
    assert store.check() == []
    assert seen_rows(path) == []
    store.close()


def test_a_version_5_file_is_migrated_and_keeps_its_lru_order(tmp_path: Path) -> None:
    """Schema 5 kept reads in the records' own atime; those times stay, new reads go to
    the new tables."""
    path = tmp_path / "v5.db"
    store = SQLiteStore(path)
    for i in range(4):
        put(store, i, now=i)
    store.close()
    con = sqlite3.connect(path)
    for t in ("embedding", "semantic", "kv", "batch", "lease"):
        con.execute(f"DROP TABLE seen_{t}")  # its index goes with it
    con.execute("UPDATE rec_kv SET atime = 10 WHERE key = ?", (bytes.fromhex(key(0)),))
    con.execute("UPDATE nearcache_meta SET value = '5' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = SQLiteStore(path)
    got = store.get_many("kv", "ns", [key(i) for i in range(4)], now=20, touch=False)
    assert got == [b"v%d" % i for i in range(4)]
    assert store.check() == []
    read(store, 1, now=11)
    assert evicted(store, 2) == [2, 3]  # 0 was read at 10 under schema 5, 1 at 11 now
    store.close()
    con = sqlite3.connect(path)
    version = con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'").fetchone()
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    assert version[0] == str(SCHEMA_VERSION) == "8"
    assert {"seen_kv", "seen_kv_ns_atime", "seen_semantic"} <= names


def test_the_later_of_the_two_times_counts(tmp_path: Path) -> None:
    """A record's own time newer than its seen row (written by a process still running
    schema-5 code, which wrote reads into the record) is not made older by the row; and
    a record in the run is no older than one written before it (written at 15, after
    record 0's 20: a clock that went back), so each record comes once, in run order."""
    path = tmp_path / "l.db"
    store = SQLiteStore(path)
    put(store, 0, now=1)
    put(store, 1, now=2)
    read(store, 0, now=10)
    put(store, 3, now=12)
    read(store, 3, now=30)
    con = sqlite3.connect(path)
    con.execute("UPDATE rec_kv SET atime = 20 WHERE key = ?", (bytes.fromhex(key(0)),))
    con.commit()
    con.close()
    put(store, 2, now=15)
    assert evicted(store, 2) == [0, 1]  # 0 at 20, 1 and 2 at no less; 3 read at 30
    assert evicted(store, 0) == [2, 3]
    store.close()


def test_a_batch_of_reads_is_noted_like_single_reads(tmp_path: Path) -> None:
    """Keys read together (one time) are written by one statement, keys read alone one
    row each: the same rules either way -- a record written after the read keeps its
    write time, and an older read never replaces a newer one."""
    path = tmp_path / "b.db"
    store = SQLiteStore(path)
    for i in range(40):
        put(store, i, now=i)
    put(store, 30, now=100)
    batch = [key(i) for i in [*range(20), 30]]
    assert None not in store.get_many("kv", "ns", batch, now=80, touch=True)
    assert store.get_many("kv", "ns", [key(20)], now=90, touch=True) == [b"v20"]
    store._write(lambda con: None)
    con = sqlite3.connect(path)
    ids = dict(con.execute("SELECT key, id FROM rec_kv").fetchall())
    con.close()
    want = {ids[bytes.fromhex(key(i))]: 80.0 for i in range(20)}
    want[ids[bytes.fromhex(key(20))]] = 90.0
    want[ids[bytes.fromhex(key(30))]] = 100.0  # its rewrite's time, newer than the read
    assert dict(seen_rows(path)) == want
    assert None not in store.get_many("kv", "ns", batch[:20], now=70, touch=True)
    store._write(lambda con: None)
    assert dict(seen_rows(path)) == want  # the older reads changed nothing
    kept = {*range(40)} - set(evicted(store, 3))
    assert kept == {19, 20, 30}
    assert store.check() == []
    store.close()
