"""Connections to one SQLite file: a small pool, transactions, errors, the WAL bound.

* **A small connection pool** (``check_same_thread=False``) rather than one connection
  per thread, reset after ``fork()``: the child never touches its parent's connections
  (SQLite's "how to corrupt" list).
* **One ``BEGIN IMMEDIATE`` transaction per write**, so a batch and its bookkeeping are
  all or nothing; a busy timeout turns into ``StoreTimeoutError``.
* **The WAL is checkpointed with TRUNCATE** once it passes ``wal_limit``: with readers
  active all the time, SQLite's passive auto-checkpoints never rewind it (the sizes
  and the TRUNCATE itself: :mod:`.wal`). Its size is looked at (one ``stat``) after a
  commit at most every ``WAL_CHECK_EVERY`` seconds, not after every commit.
* **Auto-checkpoints every 32 MB of WAL** (at most half of ``wal_limit``) instead of
  SQLite's 4 MB: a batch of 1,000 vectors at hashed row ids dirties about a thousand
  pages, so the default checkpointed (two fsyncs and random page writes) after every
  batch; a larger WAL lets pages rewritten by several batches go to the file once.
  Commits are as durable as before (the WAL is the commit).
* **Checkpoints on a background thread** (:mod:`.checkpoint`, started by the first
  write, woken by the writes): the writer's own automatic checkpoint, which lets the WAL
  restart, finds little left to copy, and comes later (at ``WRITER_SHARE`` of
  ``wal_limit``, at most 64 MB).
* **Point reads on connections of their own** (``first_row``, the exact-layer read):
  no memory map, a 2 MB page cache. A read that finds the WAL header changed (another
  connection's commit) drops its connection's page cache and whole map: the next point
  read on a shared connection paid ~55-180 us at 100k, ~15-35 us here; and a fresh
  process's first touch of a mapped page faults (~1.2 per read at 100k: ~10.5 us cold
  against ~8 by ``pread``; a fully warm map with no commit between: 5.8 against 7 us).
* **A change token** (``data_version``) read on one connection kept for it, which never
  writes: SQLite changes it whenever any other connection, in this process or another,
  commits. A process's in-memory copies use it to know in ~3 µs that nothing changed.
  Where it can, the token is the WAL-index header read from memory instead (:mod:`.shm`):
  the pragma's read transaction costs three system calls, ~9 µs of a busy machine.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ...errors import CacheClosedError, CacheError
from ..translate import translate
from .checkpoint import Checkpointer
from .parts import PartReader
from .rules import RULES
from .shm import HeaderMap
from .wal import WAL_CHECK_EVERY, autocheckpoint_pages, bound_wal

__all__ = ["RULES", "Database"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")

#: Forks seen by this process: bumped in the child right after ``os.fork()``, so a pool
#: notices a fork by comparing one number instead of calling ``os.getpid()`` (a system
#: call, ~5% of an exact-layer lookup) on every read.
_forks = [0]


def _count_fork() -> None:
    _forks[0] += 1


os.register_at_fork(after_in_child=_count_fork)

#: Page cache of a point-read connection (KiB): the B-tree's inner pages and a few leaves.
POINT_CACHE_KIB = 2048


class Database:
    """A pool of connections to ``path`` with read and write transactions.

    Args:
        path: the database file.
        timeout: seconds to wait for a lock before ``StoreTimeoutError``.
        synchronous: ``NORMAL``, ``FULL`` or ``OFF``.
        mmap_size: bytes SQLite may memory-map.
        wal_limit: WAL size that triggers a TRUNCATE checkpoint.
        on_fork: called once in a forked child before its first connection.
        background_checkpoints: checkpoint on a thread of the writing process.
        uri: an SQLite URI to open instead of ``path`` (a read-only store's).
    """

    def __init__(
        self,
        path: Path,
        *,
        timeout: float,
        synchronous: str,
        mmap_size: int,
        wal_limit: int,
        on_fork: Callable[[], None],
        background_checkpoints: bool = True,
        uri: str | None = None,
    ) -> None:
        self.path = path
        self._uri = uri
        self.url = f"sqlite:///{path}"
        self.timeout = timeout
        self._wal_limit = wal_limit
        self._next_wal_check = 0.0
        self.writes = 0
        self.closed = False
        self._synchronous = synchronous
        self._mmap = mmap_size
        self._on_fork = on_fork
        self._lock = threading.Lock()
        self._pool: list[sqlite3.Connection] = []
        self._points: list[sqlite3.Connection] = []  # point reads (``first_row``)
        self._pid = os.getpid()
        self._fork = _forks[0]
        self._watch_lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None
        self._watch_epoch = 0
        self._header: HeaderMap | None = None  # the WAL-index header in memory (shm.py)
        self._header_tried = False  # once per process: a failed try is not repeated
        self._background = background_checkpoints
        self.checkpointer: Checkpointer | None = None
        self._abandoned: list[Checkpointer] = []  # a parent's, in a forked child: kept, unused
        self._reader: PartReader | None = None  # reads in parts (``part_reader``)

    @property
    def wal_limit(self) -> int:
        """WAL bytes past which a write checkpoints and truncates it."""
        return self._wal_limit

    @wal_limit.setter
    def wal_limit(self, value: int) -> None:
        self._wal_limit = value
        self._next_wal_check = 0.0  # the next commit checks against the new limit

    @property
    def in_owner_process(self) -> bool:
        """False in a forked child until its first connection (the parent owns the pool)."""
        return os.getpid() == self._pid

    @property
    def idle(self) -> int:
        """Connections waiting in the pools (batch and write, point reads)."""
        return len(self._pool) + len(self._points)

    def translate(self, exc: BaseException) -> CacheError | None:
        """The nearcache error for a SQLite error (None for anything else)."""
        return translate(exc, RULES, url=self.url, path=self.path, timeout=self.timeout)

    def _raise(self, exc: BaseException) -> None:
        err = self.translate(exc)
        if err is not None:
            raise err from exc

    def _open(self, point: bool = False) -> sqlite3.Connection:
        """A new connection; ``point``: for point reads (no memory map, a small cache)."""
        try:
            con = sqlite3.connect(
                self.path if self._uri is None else self._uri,
                timeout=self.timeout,
                isolation_level=None,
                check_same_thread=False,
                uri=self._uri is not None,
            )
            con.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            con.execute(f"PRAGMA synchronous = {self._synchronous}")
            con.execute(f"PRAGMA mmap_size = {0 if point else self._mmap}")
            con.execute(f"PRAGMA cache_size = -{POINT_CACHE_KIB if point else 65536}")
            con.execute("PRAGMA temp_store = MEMORY")
            pages = autocheckpoint_pages(self.wal_limit, self._background)
            con.execute(f"PRAGMA wal_autocheckpoint = {pages}")
            # wal_limit bounds the WAL file: a restart that cut it cost the writer an ftruncate
            con.execute("PRAGMA journal_size_limit = -1")
        except sqlite3.Error as exc:
            self._raise(exc)
            raise
        return con

    def _after_fork(self) -> None:
        with self._lock:
            self._fork = _forks[0]
            if os.getpid() != self._pid:
                self._pool = []  # abandoned, not closed: they belong to the parent
                self._points = []
                self._watch = None
                self._header = None  # maps the parent's descriptor: left as it is
                self._header_tried = False
                self._reader = None  # the parent's: its thread is not in this process
                if self.checkpointer is not None:  # its thread is not in this process
                    self._abandoned.append(self.checkpointer)
                    self.checkpointer = None
                self._pid = os.getpid()
                self._on_fork()

    def _take(self, point: bool = False) -> sqlite3.Connection:
        """A connection from the pool (a point-read one if ``point``; new if none waits)."""
        if self.closed:
            raise CacheClosedError(f"store {self.url} is closed")
        if _forks[0] != self._fork:
            self._after_fork()
        try:  # no lock: list.pop is atomic, and an empty pool raises instead of racing
            return (self._points if point else self._pool).pop()
        except IndexError:
            return self._open(point)

    @contextlib.contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A pooled connection (no transaction open when it is handed back)."""
        con = self._take()
        try:
            yield con
        finally:
            self._give_back(con)

    def read(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        """``fn(con)`` outside any explicit transaction; SQLite errors translated.

        Without ``connection()``: a generator context manager costs about a
        microsecond, a fifth of an exact-layer lookup's Python time.
        """
        con = self._take()
        try:
            return fn(con)
        except sqlite3.Error as exc:
            self._raise(exc)
            raise
        finally:
            self._give_back(con)

    def first_row(self, sql: str, params: tuple[object, ...]) -> Any:
        """The first row of one read statement (None if none), like ``read`` without a
        function to call, on a point-read connection: the exact-layer point read."""
        con = self._take(True)
        try:
            # The cursor is dropped at once, which resets its statement: no read
            # transaction stays open on the pooled connection to hold back checkpoints.
            return con.execute(sql, params).fetchone()
        except sqlite3.Error as exc:
            self._raise(exc)
            raise
        finally:
            self._give_back(con, self._points)

    def part_reader(self) -> PartReader:
        """This process's reader of batches in parts (its thread is started by the first
        call, on the pooled connection used last; both stopped by ``close``)."""
        if self.closed:
            raise CacheClosedError(f"store {self.url} is closed")
        if _forks[0] != self._fork:
            self._after_fork()
        reader = self._reader
        if reader is None:
            with self._lock:  # one reader per process, on one connection for good
                if self._reader is None and not self.closed:
                    # the pool's last one (the last write's), not a new one: its map is
                    # warm, its page cache holds what that write left in the WAL (parts.py)
                    con = self._pool.pop() if self._pool else self._open()
                    self._reader = PartReader(con, self.url)
                    weakref.finalize(self, self._reader.stop)
                reader = self._reader
            if reader is None:
                raise CacheClosedError(f"store {self.url} is closed")
        return reader

    def _give_back(
        self, con: sqlite3.Connection, pool: list[sqlite3.Connection] | None = None
    ) -> None:
        """Return a connection to its pool (closed instead once the store is closed)."""
        if con.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                con.execute("ROLLBACK")
        with self._lock:
            if self.closed:
                con.close()
            else:
                (self._pool if pool is None else pool).append(con)

    def write(
        self,
        fn: Callable[[sqlite3.Connection], _T],
        before: Callable[[sqlite3.Connection], None] | None = None,
    ) -> _T:
        """``before(con)`` then ``fn(con)`` in one ``BEGIN IMMEDIATE`` transaction
        (the connection taken and given back without ``connection()``, as in ``read``)."""
        con = self._take()
        try:
            try:
                con.execute("BEGIN IMMEDIATE")
                if before is not None:
                    before(con)
                result = fn(con)
                con.execute("COMMIT")
            except BaseException as exc:
                if con.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        con.execute("ROLLBACK")
                self._raise(exc)
                raise
            self.writes += 1
            ck = self.checkpointer
            if ck is None:
                if self._background:
                    self._start_checkpointer()
            elif self.writes >= ck.due:
                ck.wake()
            now = time.monotonic()
            if now >= self._next_wal_check:  # a stat() per commit cost ~3% of a single put
                self._next_wal_check = now + WAL_CHECK_EVERY
                bound_wal(con, self.path, self.wal_limit, self.timeout, self.checkpointer)
            return result
        finally:
            self._give_back(con)

    def _start_checkpointer(self) -> None:
        """Start this process's checkpoint thread; it sees the database only weakly."""
        ref = weakref.ref(self)

        def writes() -> int | None:
            db = ref()
            return None if db is None else db.writes

        with self._lock:
            if self.checkpointer is None and not self.closed and os.getpid() == self._pid:
                ck = self.checkpointer = Checkpointer(self._open, writes)
                weakref.finalize(self, ck.stop_soon)

    def change_token(self) -> tuple[int, int | bytes]:
        """``(epoch, data_version)`` of a connection that only ever reads this pragma,
        or ``(epoch, header)``: the WAL-index header as it is in memory (:mod:`.shm`).

        Either moves whenever another connection commits; the epoch counts the watching
        connections opened (a fresh one, e.g. after ``fork()``, restarts its numbering),
        so equal tokens mean no commit in between. The header is mapped once the watching
        connection has read the database, and used while that connection stays open.
        """
        if self.closed:
            raise CacheClosedError(f"store {self.url} is closed")
        if _forks[0] != self._fork:
            self._after_fork()
        with self._watch_lock:
            header = self._header
            if header is not None:
                token = header.token()
                if token is not None:
                    return self._watch_epoch, token
            con = self._watch
            try:
                if con is None:
                    con = self._watch = self._open()
                    self._watch_epoch += 1
                # fetchall: the statement finishes, so no read transaction stays open
                version = con.execute("PRAGMA data_version").fetchall()[0][0]
            except sqlite3.Error as exc:
                self._raise(exc)
                raise
            if not self._header_tried and self._uri is None:
                self._header_tried = True
                self._header = HeaderMap.open(self.path)
                if self._header is not None:
                    token = self._header.token()
                    if token is not None:  # the header read after the pragma: as current
                        return self._watch_epoch, token
            return self._watch_epoch, version

    def close(self) -> None:
        """Close every pooled connection (in the process that opened them)."""
        with self._lock:
            self.closed = True
            conns, self._pool = self._pool, []
            conns += self._points
            self._points = []
            ck, self.checkpointer = self.checkpointer, None
            reader, self._reader = self._reader, None
        if ck is not None and os.getpid() == self._pid:
            ck.stop()
        if reader is not None:
            reader.stop()
        with self._watch_lock:
            if self._header is not None and os.getpid() == self._pid:
                self._header.close()  # before the connection that keeps its file open
            self._header = None
            if self._watch is not None:
                conns.append(self._watch)
                self._watch = None
        if os.getpid() == self._pid:
            for con in conns:
                with contextlib.suppress(sqlite3.Error):
                    con.close()
