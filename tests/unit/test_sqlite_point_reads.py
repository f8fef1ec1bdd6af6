"""SQLite point reads (``get_one``, the semantic cache's exact layer) run on connections of
their own, without the memory map and with a small page cache: they see every commit of
other connections and processes, give their connections back, and close with the store."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.errors import CacheClosedError
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.connection import POINT_CACHE_KIB

KEYS = [hashlib.sha256(b"%d" % i).hexdigest() for i in range(8)]


def _pragma(con: sqlite3.Connection, name: str) -> int:
    value: int = con.execute(f"PRAGMA {name}").fetchone()[0]
    return value


def test_point_reads_use_their_own_connection_without_the_map(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db", mmap_size=1 << 20)
    store.put_many("kv", "ns", [Item(KEYS[0], b"a")], now=1)
    assert store.get_many("kv", "ns", [KEYS[0]], now=2) == [b"a"]  # learns the namespace
    assert store._db._points == []
    assert store.get_one("kv", "ns", KEYS[0], now=2, touch=False) == b"a"
    db = store._db
    assert len(db._points) == 1  # given back after the read
    point, pooled = db._points[0], db._pool[0]
    assert _pragma(point, "mmap_size") == 0
    assert _pragma(point, "cache_size") == -POINT_CACHE_KIB
    assert _pragma(pooled, "mmap_size") == 1 << 20  # batch reads and writes keep the map
    assert db.idle == 2
    store.get_one("kv", "ns", KEYS[0], now=2, touch=False)
    assert db._points == [point]  # reused, not one per read
    store.close()


def test_point_reads_see_commits_of_other_connections(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = SQLiteStore(path)
    other = SQLiteStore(path)
    store.put_many("kv", "ns", [Item(KEYS[0], b"old")], now=1)
    store.get_many("kv", "ns", [KEYS[0]], now=2)
    assert store._db._points == []
    assert store.get_one("kv", "ns", KEYS[0], now=2, touch=False) == b"old"
    assert len(store._db._points) == 1
    other.put_many("kv", "ns", [Item(KEYS[0], b"new"), Item(KEYS[1], b"more")], now=1)
    assert store.get_one("kv", "ns", KEYS[0], now=2, touch=False) == b"new"
    assert store.get_one("kv", "ns", KEYS[1], now=2, touch=False) == b"more"
    store.put_many("kv", "ns", [Item(KEYS[0], b"mine")], now=1)  # this store's own write
    assert store.get_one("kv", "ns", KEYS[0], now=2, touch=False) == b"mine"
    other.delete_many("kv", "ns", [KEYS[0]])
    assert store.get_one("kv", "ns", KEYS[0], now=2, touch=False) is None
    assert store.get_many("kv", "ns", KEYS[:2], now=2) == [None, b"more"]
    other.close()
    store.close()


def test_closing_closes_the_point_connections(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.put_many("kv", "ns", [Item(KEYS[0], b"a")], now=1)
    store.get_many("kv", "ns", [KEYS[0]], now=2)
    store.get_one("kv", "ns", KEYS[0], now=2, touch=False)
    point = store._db._points[0]
    store.close()
    assert store._db._points == []
    with pytest.raises(sqlite3.ProgrammingError):
        point.execute("SELECT 1")
    with pytest.raises(CacheClosedError):
        store.get_one("kv", "ns", KEYS[0], now=2, touch=False)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_opens_point_connections_of_its_own(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    store.put_many("kv", "ns", [Item(KEYS[0], b"a")], now=1)
    store.get_many("kv", "ns", [KEYS[0]], now=2)
    store.get_one("kv", "ns", KEYS[0], now=2, touch=False)
    parents = list(store._db._points)
    pid = os.fork()
    if pid == 0:  # the child: never touch the parent's connection
        ok = False
        try:
            got = store.get_one("kv", "ns", KEYS[0], now=2, touch=False)
            ok = got == b"a" and not any(c in parents for c in store._db._points)
        finally:
            os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store._db._points == parents  # the parent's are still its own
    assert store.get_one("kv", "ns", KEYS[0], now=2, touch=False) == b"a"
    store.close()
