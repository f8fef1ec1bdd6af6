"""Records in runs of rowids, one per namespace (schema 8): a namespace's records are
``(ns << 40) + n`` in write order, so the run is their LRU order until read or written
again and no ``(ns, atime)`` index is kept; the 7 -> 8 migration; the run's bounds."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from unittest import mock

import pytest

from nearcache import SQLiteStore
from nearcache.errors import CacheError
from nearcache.stores.protocol import TABLES, Item
from nearcache.stores.sqlite import layout
from nearcache.stores.sqlite.layout import RUN_BITS, RUN_LAST
from nearcache.stores.sqlite.schema import SCHEMA_VERSION
from sqlite_support import indexes


def key(i: int) -> str:
    return hashlib.sha256(b"run%d" % i).hexdigest()


def index(k: str) -> int:
    return next(i for i in range(100) if key(i) == k)


def rows(path: Path) -> list[tuple[int, int, int]]:
    """``(rowid, namespace id, record number)`` of every kv record, in rowid order."""
    con = sqlite3.connect(path)
    try:
        found = con.execute("SELECT id, ns, key FROM rec_kv ORDER BY id").fetchall()
    finally:
        con.close()
    return [(rid, ns, index(bytes(k).hex())) for rid, ns, k in found]


def nsid(path: Path, name: str) -> int:
    con = sqlite3.connect(path)
    try:
        return int(
            con.execute("SELECT id FROM namespaces WHERE tbl='kv' AND name=?", (name,)).fetchone()[
                0
            ]
        )
    finally:
        con.close()


def make_v7(path: Path, writes: list[tuple[str, float]], reads: dict[int, float]) -> None:
    """A version-7 file: record ``i`` written in namespace ``writes[i][0]`` at
    ``writes[i][1]``, in that order (rowids in write order across namespaces, and the
    ``(ns, atime)`` index), read at ``reads[i]`` (its ``seen`` row)."""
    store = SQLiteStore(path)
    for i, (ns, t) in enumerate(writes):
        store.put_many("kv", ns, [Item(key(i), b"v%d" % i)], now=t)
    for i, t in reads.items():
        assert store.get_many("kv", writes[i][0], [key(i)], now=t, touch=True) == [b"v%d" % i]
    store._write(lambda con: None)  # the read times
    store.close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA ignore_check_constraints = ON")  # version 7 had no runs to keep
    old = {rid: index(bytes(k).hex()) + 1 for rid, k in con.execute("SELECT id, key FROM rec_kv")}
    seen = con.execute("SELECT id, ns, atime FROM seen_kv").fetchall()
    con.execute("UPDATE rec_kv SET id = -id")  # out of the way of the old rowids
    con.executemany("UPDATE rec_kv SET id = ? WHERE id = ?", [(n, -r) for r, n in old.items()])
    con.execute("DELETE FROM seen_kv")
    con.executemany("INSERT INTO seen_kv VALUES (?, ?, ?)", [(old[r], n, t) for r, n, t in seen])
    for t in TABLES:
        con.execute(f"CREATE INDEX rec_{t}_ns_atime ON rec_{t} (ns, atime)")
    con.execute("UPDATE nearcache_meta SET value = '7' WHERE key = 'schema_version'")
    con.commit()
    con.close()


def test_a_version_7_file_is_renumbered_into_runs_in_lru_order(tmp_path: Path) -> None:
    """Two namespaces written interleaved, times out of write order, two records read
    since: every record keeps its value, each namespace's records become one run in
    their LRU order, the read times follow their records, and eviction takes the records
    in the order it took them before (a new write going last)."""
    path = tmp_path / "v7.db"
    writes = [("a", 5), ("b", 1), ("a", 2), ("b", 7), ("a", 3), ("b", 4), ("a", 9), ("a", 6)]
    make_v7(path, writes, {0: 20, 3: 8})
    assert rows(path)[0][0] == 1 and "rec_kv_ns_atime" in indexes(path)
    store = SQLiteStore(path)
    for i, (ns, _) in enumerate(writes):
        assert store.get_many("kv", ns, [key(i)], now=30, touch=False) == [b"v%d" % i]
    assert store.check() == []
    migrated = rows(path)
    ids = {ns: nsid(path, ns) for ns in "ab"}
    assert all(rid >> RUN_BITS == ns for rid, ns, _ in migrated)
    assert [i for _, ns, i in migrated if ns == ids["a"]] == [2, 4, 0, 7, 6]  # by atime
    assert [i for _, ns, i in migrated if ns == ids["b"]] == [1, 5, 3]
    con = sqlite3.connect(path)
    seen = con.execute(
        "SELECT r.key, s.atime FROM seen_kv s JOIN rec_kv r ON r.id = s.id ORDER BY s.atime"
    ).fetchall()
    con.close()
    assert [(index(bytes(k).hex()), t) for k, t in seen] == [(3, 8), (0, 20)]
    store.put_many("kv", "b", [Item(key(8), b"v8")], now=10)
    order = [1, 2, 4, 5, 7, 3, 6, 8, 0]  # by LRU time: 1 2 3 4 6 8 9 10 20
    for keep in range(len(order) - 1, -1, -1):
        gone = store.evict("kv", None, max_entries=keep)
        assert [index(k) for _, k in gone] == [order[len(order) - 1 - keep]]
    assert store.check() == []
    store.close()
    assert "rec_kv_ns_atime" not in indexes(path)
    con = sqlite3.connect(path)
    version = con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'")
    assert version.fetchone()[0] == str(SCHEMA_VERSION) == "8"
    con.close()


def test_writes_append_to_their_namespaces_runs(tmp_path: Path) -> None:
    """Single puts, batches and adds take the next rowids of their namespace's run,
    whatever another namespace wrote in between; a rewrite keeps its rowid (in a batch,
    the rowid the batch kept for it stays unused)."""
    path = tmp_path / "w.db"
    store = SQLiteStore(path)
    store.put_one("kv", "a", Item(key(0), b"x"), now=1)
    store.put_many("kv", "b", [Item(key(i), b"x") for i in (1, 2)], now=2)
    store.put_many("kv", "a", [Item(key(i), b"x") for i in (3, 4)], now=3)
    assert store.add("kv", "b", Item(key(5), b"x"), now=4) is True
    store.put_one("kv", "a", Item(key(6), b"x"), now=5)
    store.put_one("kv", "a", Item(key(0), b"rewritten"), now=6)
    store.put_many("kv", "b", [Item(key(1), b"again"), Item(key(7), b"x")], now=7)
    a, b = (nsid(path, ns) for ns in "ab")
    first = {a: (a << RUN_BITS) + 1, b: (b << RUN_BITS) + 1}
    want = [(first[a] + n, a, i) for n, i in enumerate([0, 3, 4, 6])]
    want += [(first[b] + n, b, i) for n, i in enumerate([1, 2, 5])] + [(first[b] + 4, b, 7)]
    assert rows(path) == want
    assert store.get_many("kv", "a", [key(0)], now=8) == [b"rewritten"]
    assert store.check() == []
    store.close()


def test_a_lookup_id_shared_within_a_batch_keeps_the_first_key(tmp_path: Path) -> None:
    """Two new keys of one batch under one lookup id: the first is stored, the second is
    a collision (not stored, not counted), as against a stored record."""
    store = SQLiteStore(tmp_path / "c.db")
    first, second = key(0), key(0)[:16] + "0" * 48
    store.put_many("kv", "ns", [Item(first, b"1"), Item(second, b"2"), Item(key(1), b"3")], now=1)
    assert store.get_many("kv", "ns", [first, second, key(1)], now=2) == [b"1", None, b"3"]
    assert store.info("kv", "ns").entries == 2
    assert store.check() == []
    store.close()


@pytest.mark.parametrize("single", [True, False])
def test_a_full_run_is_numbered_again_from_its_start(tmp_path: Path, single: bool) -> None:
    """A namespace whose run's last rowid is taken (2^40 records written) has its
    records numbered again from the run's start, in order, read times following; the
    write goes on after them and nothing spills into the next namespace's run."""
    path = tmp_path / "f.db"
    store = SQLiteStore(path)
    store.put_many("kv", "a", [Item(key(i), b"x") for i in (0, 1)], now=1)
    store.put_many("kv", "b", [Item(key(2), b"x")], now=1)
    assert store.get_many("kv", "a", [key(0)], now=2, touch=True) == [b"x"]
    store.close()
    a = nsid(path, "a")
    with sqlite3.connect(path) as con:  # key 0 moved to the run's last rowid, its read too
        k0 = (bytes.fromhex(key(0)),)
        old = con.execute("SELECT id FROM rec_kv WHERE key = ?", k0).fetchone()[0]
        for t in ("rec_kv", "seen_kv"):
            con.execute(f"UPDATE {t} SET id = ? WHERE id = ?", ((a << RUN_BITS) + RUN_LAST, old))
    con.close()
    store = SQLiteStore(path)
    if single:
        store.put_one("kv", "a", Item(key(3), b"x"), now=3)
    else:
        store.put_many("kv", "a", [Item(key(3), b"x"), Item(key(4), b"x")], now=3)
    store.put_one("kv", "a", Item(key(5), b"x"), now=4)
    first = (a << RUN_BITS) + 1
    mine = [1, 0, 3, 5] if single else [1, 0, 3, 4, 5]
    assert [r for r in rows(path) if r[1] == a] == [(first + n, a, i) for n, i in enumerate(mine)]
    assert [i for _, ns, i in rows(path) if ns != a] == [2]
    assert store.check() == []
    got = [index(k) for _, k in store.evict("kv", "a", max_entries=0)]
    assert got == mine  # key 0 read at 2: after key 1 (written at 1), before key 3 (at 3)
    store.close()


def test_namespace_ids_stay_below_the_runs_limit(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "n.db")
    with mock.patch.object(layout, "MAX_NAMESPACES", 2):
        store.put_one("kv", "a", Item(key(0), b"x"), now=1)
        with pytest.raises(CacheError, match="too many namespaces"):
            store.put_one("kv", "b", Item(key(1), b"x"), now=1)
    assert store.get_many("kv", "a", [key(0)], now=2) == [b"x"]
    assert store.info("kv").entries == 1
    store.close()


def test_a_guessed_rowid_overtaken_by_another_writer_keeps_write_order(tmp_path: Path) -> None:
    """Two stores on one file (two processes' views): each single put guesses the next
    rowid from its own last one. A guess another store's write took, or one freed by a
    delete behind newer records, still leaves the run in write order (LRU order)."""
    path = tmp_path / "g.db"
    a, b = SQLiteStore(path), SQLiteStore(path)
    a.put_one("kv", "ns", Item(key(0), b"x"), now=1)
    a.put_one("kv", "ns", Item(key(1), b"x"), now=2)
    b.put_one("kv", "ns", Item(key(2), b"x"), now=3)  # takes a's guessed rowid
    a.put_one("kv", "ns", Item(key(3), b"x"), now=4)
    b.put_one("kv", "ns", Item(key(4), b"x"), now=5)
    b.put_one("kv", "ns", Item(key(5), b"x"), now=6)
    assert b.delete_many("kv", "ns", [key(4)]) == 1  # frees a's next guess, behind key 5
    a.put_one("kv", "ns", Item(key(6), b"x"), now=7)
    a.put_one("kv", "ns", Item(key(7), b"x"), now=8)  # its guess holds again
    assert [i for _, _, i in rows(path)] == [0, 1, 2, 3, 5, 6, 7]
    got = [index(k) for _, k in a.evict("kv", "ns", max_entries=0)]
    assert got == [0, 1, 2, 3, 5, 6, 7]
    assert a.info("kv", "ns").entries == 0 and a.check() == []
    a.close()
    b.close()


@pytest.mark.parametrize("migrated", [False, True])
def test_a_record_outside_its_run_is_refused(tmp_path: Path, migrated: bool) -> None:
    """A key appended by table-wide rowid (as a version-7 nearcache still running on a
    migrated file writes) would land in another namespace's run: the file refuses it,
    in a new file and in a migrated one, and keeps the key its own run takes."""
    path = tmp_path / "c.db"
    if migrated:
        make_v7(path, [("a", 1), ("b", 2)], {})
        SQLiteStore(path).close()
    else:
        store = SQLiteStore(path)
        store.put_many("kv", "a", [Item(key(0), b"v0")], now=1)
        store.put_many("kv", "b", [Item(key(1), b"v1")], now=2)
        store.close()
    a, b = nsid(path, "a"), nsid(path, "b")
    con = sqlite3.connect(path)
    try:
        add = "INSERT INTO rec_kv (hid, ns, key, value, atime, size) VALUES (?, ?, ?, ?, 3, 2)"
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # the table's end: b's run
            con.execute(add, (7, a, bytes.fromhex(key(2)), b"v2"))
        con.execute(add, (8, b, bytes.fromhex(key(3)), b"v3"))  # b's own run: kept
        con.commit()
    finally:
        con.close()
    assert [(ns, rid >> RUN_BITS) for rid, ns, _ in rows(path)] == [(a, a), (b, b), (b, b)]
