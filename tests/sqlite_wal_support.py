"""Helpers of the SQLite checkpoint tests: a WAL-mode file and its frames, records, the
store's checkpoint thread, and polling for what that thread does on its own schedule."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from nearcache import SQLiteStore
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.checkpoint import Checkpointer


def key(i: int) -> str:
    return hashlib.sha256(b"%d" % i).hexdigest()


def checkpointer(store: SQLiteStore) -> Checkpointer:
    ck = store._db.checkpointer
    assert ck is not None
    return ck


def batch(b: int) -> list[Item]:
    """~1.2 MB of records (about 400 WAL frames)."""
    return [Item(key(b * 1000 + i), os.urandom(3000)) for i in range(400)]


def wait_for(cond: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll ``cond`` (the thread runs on its own schedule; a loaded machine delays it)."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(0.01)
    return True


def wal_file(
    path: Path, autocheckpoint: int
) -> tuple[sqlite3.Connection, Callable[[], sqlite3.Connection]]:
    """A WAL-mode file holding 40 committed rows of 3 KB, a writer connection that never
    checkpoints itself, and a way to open a connection for the checkpoint thread."""
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE t (v BLOB)")
    for _ in range(40):
        writer.execute("INSERT INTO t VALUES (?)", (os.urandom(3000),))

    def connect() -> sqlite3.Connection:
        con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        con.execute(f"PRAGMA wal_autocheckpoint = {autocheckpoint}")
        return con

    return writer, connect


def frames(path: Path) -> int:
    """Frames in the WAL since its last restart (a PASSIVE checkpoint's count)."""
    con = sqlite3.connect(path)
    try:
        return int(con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        con.close()
