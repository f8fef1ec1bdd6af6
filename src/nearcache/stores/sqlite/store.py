"""``SQLiteStore``: the embedded default — one file, many processes, crash safe.

Design choices (measured on a 2-core machine, see benchmarks/RESULTS.md):

* **WAL + ``synchronous=NORMAL``**: readers never block the writer; a committed batch
  survives a killed process (``synchronous="FULL"`` also survives power loss).
* **int64 lookup keys**: each record's ``hid`` is the first 8 bytes of its key hash XOR a
  per-namespace salt, in a unique index. ``WHERE hid IN (...)`` is ~3x faster than on a
  32-byte blob key. The full key and namespace id are stored beside it and checked on
  every read, so a 64-bit collision is a miss, never a wrong hit.
* **Rowids in write order, one run per namespace**: a batch appends to the end of its
  namespace's run instead of dirtying a random page per record (~3x cheaper batches at
  100k; reads pay one index step per key, ~1.5 µs), and the run is the LRU order of the
  records not read since, so no ``(ns, atime)`` index is written by every put.
* **One ``BEGIN IMMEDIATE`` transaction per batch**, counters and the change log updated in
  the same transaction, so a batch and its bookkeeping are all or nothing.
* **LRU access times are buffered** in memory and written with the next write transaction,
  so reads stay read-only; they go to small ``seen_{table}`` rows, not into the records
  (a flush of 20,000 read keys rewrote ~18,000 record pages, 76 MB of WAL; now ~5 MB).

Connections, transactions and errors are in :mod:`.connection`, the schema in
:mod:`.schema` (``schema.sql``), the rows' layout in :mod:`.layout`, their LRU order in
:mod:`.recency`, reads in :mod:`.reads`, writes in :mod:`.writes`, removals in
:mod:`.removals`, the change log in :mod:`.changelog`, the namespaces' counters in
:mod:`.counts`.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ...errors import CacheError, InvalidInputError
from ...keys import check_content_hash
from ..base import BaseStore, check_items
from ..protocol import TABLES, Changes, Item, Limit, NamespaceInfo, check_table
from ..touches import TouchBuffer
from ..url import check_sqlite_path
from .changelog import read_changes
from .check import check_file_contents
from .connection import Database
from .counts import figures, names_in_use, version_of
from .layout import NamespaceIds, hid, prune_log, run
from .parts import read_in_parts
from .reads import read_live
from .recency import evict_lru, note_reads
from .removals import clear_rows, delete_keys, purge_rows
from .schema import check_file, open_schema
from .writes import add_rows, put_row, put_rows

__all__ = ["SQLiteStore"]

log = logging.getLogger(__name__)

#: The live record under one lookup id in one namespace (``get_one``).
_POINT = {
    t: f"SELECT key, value FROM rec_{t} WHERE hid=? AND ns=? "
    "AND (expires_at IS NULL OR expires_at > ?)"
    for t in TABLES
}
_FLUSH_TOUCHES_AT = 20_000
_PRUNE_EVERY = 1000
_T = TypeVar("_T")


def _read_only_uri(path: Path) -> str | None:
    """The SQLite URI that opens ``path`` read-only, or None when this process may write
    it (or it does not exist yet: then it is created).

    WAL mode keeps a ``-shm`` file beside the database: ``mode=ro`` reads it when it and
    the ``-wal`` are there; a folder that cannot hold new ones (a read-only mount after a
    clean close left none) is read with ``immutable=1``, which needs neither.
    """
    if not path.is_file():
        return None
    folder_ok = os.access(path.parent, os.W_OK)
    if folder_ok and os.access(path, os.W_OK):
        return None
    wal = Path(f"{path}-wal").exists()
    return path.resolve().as_uri() + ("?mode=ro" if wal or folder_ok else "?immutable=1")


class SQLiteStore(BaseStore):
    """Records in one SQLite file, shared safely by threads and processes.

    A file that exists where this process cannot write (a read-only mount, a folder or
    file without write permission) is opened read-only: reads work, every write raises
    ``StoreWriteError`` naming the file, and reads note no access times.

    Args:
        path: the database file (created with its directory if missing).
        timeout: seconds to wait for a lock before ``StoreTimeoutError``.
        synchronous: ``"NORMAL"`` (survives process crashes) or ``"FULL"`` (also power loss).
        changelog_retention: change-log rows kept per namespace for shared-mode
            readers (whole versions: up to one batch more).
        wal_limit: bytes the write-ahead log may grow to before it is checkpointed and
            truncated (bounds disk use when many readers never let it rewind).
        background_checkpoints: copy the WAL into the file on a thread of the writing
            process instead of inside the commit of every ~1,000th write.

    Raises:
        CorruptStoreError: the file is not a SQLite database or not a nearcache store;
            the file is left untouched.

    >>> store = SQLiteStore("/tmp/nearcache-doctest.db")
    >>> store.close()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        timeout: float = 30.0,
        synchronous: str = "NORMAL",
        mmap_size: int = 256 * 1024 * 1024,
        changelog_retention: int = 100_000,
        wal_limit: int = 64 * 1024 * 1024,
        background_checkpoints: bool = True,
    ) -> None:
        if synchronous.upper() not in ("NORMAL", "FULL", "OFF"):
            raise InvalidInputError("synchronous must be one of NORMAL, FULL, OFF")
        check_sqlite_path(os.fspath(path))
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.timeout = float(timeout)
        self._retention = int(changelog_retention)
        self._ns = NamespaceIds()
        self._touches: TouchBuffer[str, int] = TouchBuffer(_FLUSH_TOUCHES_AT)
        uri = _read_only_uri(self.path)
        self.read_only = uri is not None
        self._db = Database(
            self.path,
            timeout=self.timeout,
            synchronous=synchronous.upper(),
            mmap_size=int(mmap_size),
            wal_limit=int(wal_limit),
            on_fork=self._touches.clear,
            background_checkpoints=background_checkpoints,
            uri=uri,
        )
        check_file(self.path)
        if uri is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        open_schema(self._db.read, self.path, self.timeout)

    @property
    def wal_limit(self) -> int:
        """WAL bytes past which a write checkpoints and truncates it."""
        return self._db.wal_limit

    @wal_limit.setter
    def wal_limit(self, value: int) -> None:
        self._db.wal_limit = int(value)

    # -- transactions ------------------------------------------------------------------

    def _read(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        return self._db.read(fn)

    def _write(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        # nothing read since the last write (a writer's common case): no call in the
        # transaction (~1k instructions of a single put's store write)
        flush = self._flush_touches if self._touches else None
        result = self._db.write(fn, before=flush)
        if self._db.writes % _PRUNE_EVERY == 0:
            self._prune_changes()
        return result

    def _flush_touches(self, con: sqlite3.Connection) -> None:
        """Write the read times noted since the last write (``_write``'s ``before``)."""
        for table, touches in self._touches.take().items():
            note_reads(con, table, touches)

    def _prune_changes(self) -> None:
        def prune(con: sqlite3.Connection) -> None:
            for table, spec in TABLES.items():
                if spec.log:
                    prune_log(con, table, self._retention)

        with contextlib.suppress(CacheError):
            self._write(prune)

    # -- reads -------------------------------------------------------------------------

    def _get_many(
        self, table: str, namespace: str, keys: Sequence[str], now: float, touch: bool
    ) -> list[bytes | None]:
        def run(con: sqlite3.Connection) -> tuple[list[bytes | None], list[int]]:
            ns = self._ns.get(con, table, namespace)
            if ns is None:
                return [None] * len(keys), []
            nsid, salt = ns
            return read_live(con, table, nsid, salt, keys, now)

        out, hit_ids = self._read(run)
        if touch:
            self._note_reads(table, hit_ids, now)
        return out

    def get_many_parts(
        self,
        table: str,
        namespace: str,
        parts: Iterable[Sequence[str]],
        *,
        now: float,
        touch: bool = True,
    ) -> Sequence[bytes | None]:
        """``get_many`` of the keys of every part, in order, each part read on the store's
        reader thread as ``parts`` yields it: the caller works out the next part's keys
        meanwhile (see :mod:`.parts`)."""
        check_table(table)
        ns = self._ns.known(table, namespace)
        values, hit_ids, keys = read_in_parts(self._db, table, ns, parts, now)
        if values is None:  # to be read the usual way
            return self.get_many(table, namespace, keys, now=now, touch=touch)
        if touch:
            self._note_reads(table, hit_ids, now)
        return values

    def _note_reads(self, table: str, hit_ids: list[int], now: float) -> None:
        """Buffer the LRU read time of the records read; written once enough wait."""
        if hit_ids and not self.read_only:
            self._touches.note(table, hit_ids, now)
            if self._touches.full:
                with contextlib.suppress(CacheError):
                    self._write(lambda con: None)

    def get_one(
        self, table: str, namespace: str, key: str, *, now: float, touch: bool = True
    ) -> bytes | None:
        """``get_many(table, namespace, [key], ...)[0]``: the semantic cache's exact-layer
        read as one point statement (no closure, no batch bookkeeping). SQLite checks the
        namespace and expiry; the stored full key is compared here, so a lookup-id
        collision is a miss."""
        sql = _POINT.get(table)
        ns = self._ns.known(table, namespace)
        if sql is None or ns is None:  # the general path checks the table, finds the ns
            return self.get_many(table, namespace, [key], now=now, touch=touch)[0]
        nsid, salt = ns
        rid = hid(key, salt)
        row = self._db.first_row(sql, (rid, nsid, now))
        if row is None or row[0] != bytes.fromhex(key):
            return None
        if touch:
            self._note_reads(table, [rid], now)
        value: bytes = row[1]
        return value

    def change_token(self) -> tuple[int, int | bytes]:
        """A value that differs after any commit to the file by any connection or
        process: equal tokens mean nothing was written in between (a memory read where the
        WAL-index header can be mapped, else a read transaction of about 3 µs)."""
        return self._db.change_token()

    def _namespaces(self, table: str) -> list[str]:
        return self._read(lambda con: names_in_use(con, table))

    def _info(self, table: str, namespace: str | None) -> NamespaceInfo:
        return NamespaceInfo(*self._read(lambda con: figures(con, table, namespace)))

    def _scan(self, table: str, namespace: str, batch_size: int) -> Iterator[list[Item]]:
        ns = self._read(lambda con: self._ns.get(con, table, namespace))
        if ns is None:
            return
        nsid = ns[0]
        last: int | None = None

        def page(con: sqlite3.Connection) -> list[Any]:
            return con.execute(  # the namespace's run of rowids, from after the last page's
                f"SELECT id, key, value, expires_at FROM rec_{table} "
                f"WHERE id BETWEEN {run('?1')} AND id > ?2 ORDER BY id LIMIT ?3",
                (nsid, -1 if last is None else last, batch_size),
            ).fetchall()

        while True:
            rows = self._read(page)
            if not rows:
                return
            last = rows[-1][0]
            yield [Item(k.hex(), v, e) for _, k, v, e in rows]

    def _changes(self, table: str, namespace: str, since: int) -> Changes:
        return self._read(lambda con: read_changes(con, table, namespace, since))

    def get_meta(self, key: str) -> str | None:
        row = self._read(
            lambda con: con.execute(
                "SELECT value FROM nearcache_meta WHERE key=?", (key,)
            ).fetchone()
        )
        return None if row is None else str(row[0])

    # -- writes ------------------------------------------------------------------------

    def _put_many(self, table: str, namespace: str, items: list[Item], now: float) -> int:
        return self._write(lambda con: put_rows(con, self._ns, table, namespace, items, now))

    def put_one(self, table: str, namespace: str, item: Item, *, now: float) -> int:
        """``put_many`` of one item (the semantic cache's single put): the same checks and
        statements, without the batch's argument lists and duplicate-key pass."""
        check_table(table)
        check_content_hash(item.key)
        if type(item.value) is not bytes:
            check_items([item])  # the general check names the wrong type
        version, at = self._write(lambda con: put_row(con, self._ns, table, namespace, item, now))
        self._ns.next[table, namespace] = (version + 1, at)  # committed: the next put's guesses
        return version

    def _put_many_within(
        self, table: str, namespace: str, unique: list[Item], now: float, limits: Sequence[Limit]
    ) -> tuple[int, list[tuple[str, str]]]:
        """``put_many`` and LRU eviction to ``limits`` in one transaction."""

        def run(con: sqlite3.Connection) -> tuple[int, list[tuple[str, str]]]:
            if unique:
                version = put_rows(con, self._ns, table, namespace, unique, now)
            else:
                version = version_of(con, table, namespace)
            evicted: list[tuple[str, str]] = []
            for lim in limits:
                evicted += self._evict_in(con, table, lim)
            return version, evicted

        return self._write(run)

    def _add_many(
        self, table: str, namespace: str, items: Sequence[Item], now: float
    ) -> list[bool]:
        return self._write(lambda con: add_rows(con, self._ns, table, namespace, items, now))

    def _delete_many(self, table: str, namespace: str, keys: list[str]) -> int:
        return self._write(lambda con: delete_keys(con, self._ns, table, namespace, keys))

    def _clear(self, table: str, namespace: str | None) -> int:
        return self._write(lambda con: clear_rows(con, self._ns, table, namespace))

    def _purge_expired(
        self, table: str, namespace: str | None, now: float, limit: int | None
    ) -> list[tuple[str, str]]:
        return self._write(lambda con: purge_rows(con, self._ns, table, namespace, now, limit))

    def _evict(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        return self._write(lambda con: self._evict_in(con, table, limit))

    def _evict_in(self, con: sqlite3.Connection, table: str, limit: Limit) -> list[tuple[str, str]]:
        if limit.namespace is None:
            return evict_lru(con, table, limit, None)
        ns = self._ns.get(con, table, limit.namespace)
        return [] if ns is None else evict_lru(con, table, limit, ns[0])

    def set_meta(self, key: str, value: str) -> None:
        self._write(
            lambda con: con.execute(
                "INSERT OR REPLACE INTO nearcache_meta VALUES (?, ?)", (key, value)
            )
        )

    def check(self, fix: bool = False) -> list[str]:
        """Integrity check, size columns and counters against a recount of every table."""
        run = functools.partial(check_file_contents, fix=fix)
        return self._write(run) if fix else self._read(run)

    def close(self) -> None:
        if self._db.closed:
            return
        if self._db.in_owner_process and self._touches:
            with contextlib.suppress(CacheError):
                self._write(lambda con: None)
        self._db.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"
