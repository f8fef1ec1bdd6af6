"""Single puts into a logged table leave the namespace's row alone: their change-log rows
carry their deltas and versions (schema 7, ``stores/sqlite/counts.py``). Every figure a
reader gets must be the same as if each put had written the row, across folds, other
writes, other connections and processes, a crash, and the migration of a schema-6 file
by several processes at once."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
from pathlib import Path

import pytest

import sqlite_support
from nearcache import SQLiteStore
from nearcache.keys import content_hash
from nearcache.stores.protocol import Item, Limit
from nearcache.stores.sqlite.counts import FOLD_AFTER
from nearcache.stores.sqlite.schema import SCHEMA_VERSION


def key(i: int) -> str:
    return content_hash(f"k{i}")


def query(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """``sql``'s rows, read on a connection of its own."""
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def row(path: Path, name: str = "ns") -> tuple[object, ...]:
    """The ``namespaces`` row as stored: entries, bytes, version, logged."""
    sql = "SELECT entries, bytes, version, logged FROM namespaces WHERE tbl='semantic' AND name=?"
    return query(path, sql, name)[0]


def figures(store: SQLiteStore, name: str = "ns") -> tuple[int, int, int]:
    info = store.info("semantic", name)
    return info.entries, info.bytes, info.version


def test_single_puts_count_like_writes_of_the_row_across_folds(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = SQLiteStore(path)
    entries = size = 0
    sizes: dict[int, int] = {}
    for v in range(1, 2 * FOLD_AFTER + 40):
        i = v % 300  # new keys first, then rewrites of stored ones
        value = b"x" * (v % 17)
        assert store.put_one("semantic", "ns", Item(key(i), value), now=1.0) == v
        entries += i not in sizes
        size += len(value) - sizes.get(i, 0)
        sizes[i] = len(value)
        assert figures(store) == (entries, size, v)
        if v == 10:  # pending: the row was not written by these puts
            assert row(path) == (0, 0, 0, 0)
    # the row was written only by the two folds, at versions 257 and 514
    assert row(path)[2] == 2 * (FOLD_AFTER + 1)
    assert store.changes("semantic", "ns", 0).events == [
        ("put", key(v % 300)) for v in range(1, 2 * FOLD_AFTER + 40)
    ]
    assert store.namespaces("semantic") == ["ns"]
    assert store.check() == []
    store.close()


def test_other_writes_fold_the_pending_puts_first(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    store = SQLiteStore(path, changelog_retention=5)
    for i in range(6):
        store.put_one("semantic", "ns", Item(key(i), b"abc"), now=1.0)
    assert store.put_many("semantic", "ns", [Item(key(10), b"a"), Item(key(11), b"bb")], now=1) == 7
    assert row(path) == (8, 21, 7, 8)  # folded, then the batch's own bump
    store.put_one("semantic", "ns", Item(key(12), b"c"), now=1.0)
    assert store.delete_many("semantic", "ns", [key(0), key(12)]) == 2
    assert figures(store) == (7, 18, 9)
    store.put_one("semantic", "ns", Item(key(13), b"dddd"), now=1.0)
    assert figures(store) == (8, 22, 10)
    version, evicted = store.put_many_within(
        "semantic", "ns", [Item(key(14), b"e")], now=2.0, limits=[Limit("ns", max_entries=3)]
    )
    assert (version, len(evicted)) == (11, 6)  # the put (pending); the eviction is 12
    assert figures(store) == (3, 7, 12)  # keys 11 (2 bytes), 13 (4) and 14 (1) stay
    store.put_one("semantic", "ns", Item(key(15), b"f"), now=2.0)
    logged_before = _log_rows(path)
    store._prune_changes()  # folds, then keeps whole versions of about 5 rows
    assert row(path)[3] == _log_rows(path) < logged_before
    assert figures(store) == (4, 8, 13)
    assert store.check() == []
    store.put_one("semantic", "ns", Item(key(16), b"g"), now=2.0)
    assert store.clear("semantic", "ns") == 5
    assert figures(store) == (0, 0, 15)
    store.put_one("semantic", "ns", Item(key(17), b"h"), now=2.0)
    assert figures(store) == (1, 1, 16)
    assert store.check() == []
    store.close()


def _log_rows(path: Path) -> object:
    return query(path, "SELECT count(*) FROM chg_semantic")[0][0]


def test_check_repairs_counters_with_puts_pending(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = SQLiteStore(path)
    for i in range(5):
        store.put_one("semantic", "ns", Item(key(i), b"12345"), now=1.0)
    con = sqlite3.connect(path)
    con.execute(f"DELETE FROM rec_semantic WHERE key = x'{key(0)}'")
    con.commit()
    con.close()
    assert store.check() == ["semantic/ns: counters say 5 entries/25 bytes, recount 4/20"]
    store.check(fix=True)
    assert store.check() == []
    assert figures(store)[:2] == (4, 20)
    store.put_one("semantic", "ns", Item(key(9), b"1"), now=1.0)
    assert figures(store)[:2] == (5, 21)
    store.close()


def test_another_connection_sees_each_single_put_at_once(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    writer = SQLiteStore(path)
    reader = SQLiteStore(path)
    for v in range(1, 20):
        writer.put_one("semantic", "ns", Item(key(v), b"v"), now=1.0)
        assert reader.changes("semantic", "ns", v - 1).events == [("put", key(v))]
        assert figures(reader) == (v, v, v)
    writer.close()
    reader.close()


def _v6_file(path: Path, n: int) -> None:
    """A schema-6 file: ``n`` semantic records of namespace ``ns`` written as versions
    1..n (batches of one key as schema 6 wrote every put: folded in the row)."""
    store = SQLiteStore(path)
    for i in range(n):
        store.put_many(
            "semantic", "ns", [Item(key(i), b"v%d" % i), Item(key(i + 1000), b"")], now=1
        )
    store.close()
    sqlite_support.downgrade_to_v6(path)


def _schema(path: Path) -> tuple[object, list[object]]:
    meta = query(path, "SELECT value FROM nearcache_meta WHERE key='schema_version'")
    return meta[0][0], [r[1] for r in query(path, "PRAGMA table_info(chg_semantic)")]


def test_a_version_6_file_is_migrated_with_its_log_and_counters(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    _v6_file(path, 5)
    assert _schema(path) == ("6", ["ns", "version", "n", "op", "key"])
    store = SQLiteStore(path)
    assert _schema(path) == (str(SCHEMA_VERSION), ["ns", "version", "n", "op", "key", "de", "db"])
    assert figures(store) == (10, 10, 5)
    assert store.put_one("semantic", "ns", Item(key(7), b"new"), now=2.0) == 6
    assert figures(store) == (11, 13, 6)
    events = store.changes("semantic", "ns", 4).events
    assert events == [("put", key(4)), ("put", key(1004)), ("put", key(7))]
    assert store.check() == []
    store.close()


def test_processes_migrating_one_version_6_file_together(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    workers, count = 4, 40
    for round_ in range(2):
        path = tmp_path / f"together{round_}.db"
        _v6_file(path, 3)
        barrier = ctx.Barrier(workers)
        queue = ctx.Queue()
        procs = [
            ctx.Process(
                target=sqlite_support.put_one_together,
                args=(str(path), w, count, barrier, queue),
            )
            for w in range(workers)
        ]
        for p in procs:
            p.start()
        results = [queue.get(timeout=300) for _ in procs]
        for p in procs:
            p.join(timeout=120)
        assert results == [None] * workers
        assert _schema(path)[0] == str(SCHEMA_VERSION)
        store = SQLiteStore(path)
        try:
            size = 6 + workers * sum(len(b"v%d" % i) for i in range(count))
            assert figures(store) == (6 + workers * count, size, 3 + workers * count)
            events = store.changes("semantic", "ns", 3).events
            assert events is not None and len(events) == workers * count
            names = [content_hash(f"w{w}-{i}") for w in range(workers) for i in range(count)]
            assert sorted(k for _, k in events) == sorted(names)
            assert store.get_many("semantic", "ns", names, now=2.0) == [
                b"v%d" % i for _ in range(workers) for i in range(count)
            ]
            assert store.check() == []
        finally:
            store.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_counts_are_right_after_a_crash_during_single_puts(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    SQLiteStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=sqlite_support.put_one_forever, args=(str(path), theirs))
    proc.start()
    theirs.close()
    acked = -1
    try:
        while acked < FOLD_AFTER + 50:  # past a fold, with puts pending again
            assert ours.poll(300), "the writer acknowledged nothing for 300 s"
            acked = ours.recv()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=120)
    store = SQLiteStore(path)
    try:
        entries, size, version = figures(store)
        assert entries == version > acked  # one new key a version; acknowledged ones stored
        assert size == sum(i % 50 for i in range(entries))
        got = store.get_many("semantic", "ns", [key(i) for i in range(acked + 1)], now=2.0)
        assert got == [b"v" * (i % 50) for i in range(acked + 1)]
        assert store.check() == []
    finally:
        store.close()
