"""Opening a SQLite file another process is creating: wait for it, never call it foreign.

Processes that open one new file together meet two windows. SQLite refuses at once (no
busy wait) to switch a new file to WAL while another connection holds its write lock, and
a reader can see the file's first bytes before its first page has landed. Both are
reproduced here with a plain ``sqlite3`` connection standing in for the other process.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from nearcache import CorruptStoreError, EmbeddingCache, SQLiteStore, StoreTimeoutError
from nearcache.stores.sqlite.schema import check_file


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    """A connection holding a new (empty, rollback-mode) file's write lock."""
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN IMMEDIATE")
    return con


def _release_later(con: sqlite3.Connection, after: float) -> threading.Thread:
    def release() -> None:
        time.sleep(after)
        con.execute("ROLLBACK")
        con.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def test_open_waits_for_another_connections_write_lock_on_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    holder = _hold_write_lock(path)
    # without the wait, SQLite answers "database is locked" at once here
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        probe = sqlite3.connect(path, isolation_level=None, timeout=5)
        try:
            probe.execute("SELECT name FROM sqlite_master").fetchall()
            probe.execute("PRAGMA journal_mode = WAL")
        finally:
            probe.close()
    thread = _release_later(holder, 0.3)
    start = time.monotonic()
    store = SQLiteStore(path, timeout=10)
    waited = time.monotonic() - start
    thread.join()
    cache = EmbeddingCache(store)
    try:
        assert waited >= 0.2  # it waited for the lock instead of failing
        cache.put("a text", np.ones(4, np.float32), "p.m.dense")
        assert np.array_equal(cache.get("a text", "p.m.dense"), np.ones(4, np.float32))
    finally:
        cache.close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_open_gives_up_when_the_lock_outlasts_the_timeout(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    holder = _hold_write_lock(path)
    try:
        start = time.monotonic()
        with pytest.raises(StoreTimeoutError, match="locked"):
            SQLiteStore(path, timeout=0.5)
        assert time.monotonic() - start >= 0.4
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _sqlite_bytes(tmp_path: Path) -> bytes:
    src = tmp_path / "src.db"
    con = sqlite3.connect(src)
    con.execute("CREATE TABLE nearcache_meta (key TEXT PRIMARY KEY, value TEXT)")
    con.commit()
    con.close()
    return src.read_bytes()


@pytest.mark.parametrize("head", [b"SQLite f", b"\0" * 16])
def test_a_file_whose_first_page_is_landing_is_read_again(tmp_path: Path, head: bytes) -> None:
    full = _sqlite_bytes(tmp_path)
    path = tmp_path / "landing.db"
    path.write_bytes(head)

    def land() -> None:
        time.sleep(0.15)
        with open(path, "r+b") as fh:
            fh.write(full)

    thread = threading.Thread(target=land)
    thread.start()
    check_file(path, settle=5.0)  # no CorruptStoreError: the page landed in time
    thread.join()


def test_a_head_that_never_becomes_sqlite_is_refused_after_the_settle_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "zeros.db"
    path.write_bytes(b"\0" * 4096)
    start = time.monotonic()
    with pytest.raises(CorruptStoreError, match="bad header"):
        check_file(path, settle=0.2)
    assert time.monotonic() - start >= 0.2
    assert path.read_bytes() == b"\0" * 4096


def test_a_foreign_head_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    path.write_bytes(b"PK\x03\x04 a zip archive, not a database")
    start = time.monotonic()
    with pytest.raises(CorruptStoreError, match="bad header"):
        check_file(path, settle=30.0)
    assert time.monotonic() - start < 5.0  # not read again: it cannot be SQLite's


def test_processes_opening_one_new_file_together_all_succeed(tmp_path: Path) -> None:
    import workers
    from helpers import run_together

    for round_ in range(3):
        path = str(tmp_path / f"together{round_}.db")
        results = run_together(workers.open_together, [(path, n) for n in range(6)])
        assert results == [None] * 6
        cache = EmbeddingCache(path=path)
        try:
            texts = [f"text {n}" for n in range(6)]
            _, found = cache.get_many(texts, "p.m.dense")
            assert found.all()  # each process wrote its text
        finally:
            cache.close()
