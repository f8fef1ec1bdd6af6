"""How records sit in the SQLite file: row ids, namespace rows, counters, the change log.

Every function runs inside the caller's transaction (``con``) and keeps the namespace's
counters and change log in step with the rows it touches, so a batch and its
bookkeeping commit together.

* **Lookup ids** (``hid``) are the first 8 bytes of the key hash XOR a per-namespace
  salt, in a unique index: ``WHERE hid IN (...)`` on an integer is ~3x faster than on a
  32-byte blob key. The full key and the namespace id are stored beside it and compared
  on read.
* **Rowids** (``id``) follow insertion order, so a batch of new records fills fresh pages
  at the end of the table. Hashed rowids scattered a batch of 1,000 over ~1,000 random
  pages (and their splits), which the commit then wrote: ~3x the write cost.
* **LRU order** is ``(atime, id)`` within a namespace: a record's ``atime`` is the later
  of its last write and its last read flushed since (its row in ``seen_{table}``,
  deleted with the record and when the record is written again). The scan merges the
  records not read later, from the ``(ns, atime)`` index (whose entries end with the
  rowid), with the ``seen`` rows, from theirs; a table-wide order merges the namespaces'
  scans, so no table-wide ``atime`` index is written by every commit.
* **Namespace rows** (``namespaces``) hold entries, bytes, version, evictions and
  expirations; every write bumps the version (``bump``), a single put into a logged table
  by logging its deltas instead (``bump_one``; readers add them in: :mod:`.counts`).
"""

from __future__ import annotations

import functools
import heapq
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from ...keys import digest_bytes
from ..bookkeeping import NO_CHANGE, Delta
from ..lru import Budget
from ..protocol import TABLES, Limit
from .counts import FOLD_AFTER, NOW, fold, fold_table

__all__ = [
    "NamespaceIds",
    "Row",
    "bump",
    "bump_one",
    "chunks",
    "hid",
    "evict_lru",
    "lru_order",
    "marks",
    "note_reads",
    "prune_log",
    "remove_rows",
    "stored",
    "unsee",
]

_CHUNK = 30_000  # below SQLITE_MAX_VARIABLE_NUMBER (32766)
_LRU_PAGE = 1024  # rows read per step of an LRU scan
_T = TypeVar("_T")
#: (rowid, namespace id, key bytes, size) of a stored record (``id``, not ``hid``)
Row = tuple[int, int, bytes, int]
#: A key as bound to a statement (writes bind bytearray: see ``writes.NEVER``)
Blob = bytes | bytearray


@functools.lru_cache(maxsize=256)
def marks(n: int) -> str:
    """``?,?,...`` for ``n`` parameters."""
    return ",".join("?" * n)


def chunks(seq: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    """``seq`` in slices small enough for one statement's parameters."""
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def salt(table: str, namespace: str) -> int:
    return int.from_bytes(digest_bytes(f"{table}\x00{namespace}".encode()), "little") >> 192


def hid(key: str, salt: int) -> int:
    """The lookup id of record ``key`` in the namespace with ``salt`` (a signed int64)."""
    x = int(key[:16], 16) ^ salt
    return x - (1 << 64) if x >= (1 << 63) else x


class NamespaceIds:
    """``(table, namespace) -> (row id, lookup-id salt)``, cached once committed; and in
    ``next``, the version after the last one this process's single put committed there:
    the guess ``bump_one`` tries (never too high: versions only grow)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], tuple[int, int]] = {}
        self._lock = threading.Lock()
        self.next: dict[tuple[str, str], int] = {}

    def known(self, table: str, namespace: str) -> tuple[int, int] | None:
        """The namespace's row id and salt if already cached (no statement run)."""
        return self._ids.get((table, namespace))

    def get(
        self, con: Any, table: str, namespace: str, *, create: bool = False
    ) -> tuple[int, int] | None:
        """The namespace's row id and salt; its row is created (in the caller's
        transaction) when ``create``, else None if it has none."""
        cached = self._ids.get((table, namespace))
        if cached is not None:
            return cached
        row = con.execute(
            "SELECT id FROM namespaces WHERE tbl=? AND name=?", (table, namespace)
        ).fetchone()
        if row is None:
            if not create:
                return None
            # Not cached: the caller's transaction may still roll back.
            row = con.execute(
                "INSERT INTO namespaces (tbl, name) VALUES (?, ?) RETURNING id", (table, namespace)
            ).fetchone()
            return int(row[0]), salt(table, namespace)
        found = (int(row[0]), salt(table, namespace))
        with self._lock:
            self._ids[(table, namespace)] = found
        return found


#: One change-log row (``n`` = its place in the version's keys).
_LOG_ONE = {
    t: f"INSERT INTO chg_{t} (ns, version, n, op, key) VALUES (?, ?, ?, ?, ?)" for t in TABLES
}
#: A namespace's counters, version and change-log row count, one write later; the new
#: version is read back by a second statement (SQLite runs a ``RETURNING`` statement to its
#: end into a temporary table first: 9.3 us against 2.0 for the update and the read alone,
#: 1-1.5 us of a store's single put).
_BUMP = (
    "UPDATE namespaces SET entries=entries+?, bytes=bytes+?, version=version+1, "
    "evictions=evictions+?, expirations=expirations+?, logged=logged+? WHERE id=?"
)
_VERSION = "SELECT version FROM namespaces WHERE id=?"
#: A namespace row's version and the newest logged one (newer while puts are pending).
_VERSIONS = {
    t: "SELECT version, (SELECT max(version) FROM chg_{t} WHERE ns=?1) FROM namespaces "
    "WHERE id=?1".replace("{t}", t)
    for t, spec in TABLES.items()
    if spec.log
}
#: A single put's change-log row, with its deltas (pending until folded).
_LOG_PUT = {
    t: f"INSERT INTO chg_{t} (ns, version, n, op, key, de, db) VALUES (?, ?, 0, 'put', ?, ?, ?)"
    for t, spec in TABLES.items()
    if spec.log
}
#: ``_LOG_PUT`` at a guessed version ?2, never above the namespace's next one: written
#: only if it is the next one, without reading the versions first. Every version above
#: the row's has its log row (only single puts leave versions pending), so a guess above
#: the row's version and free in the log is the next one (no row: a lower guess, or a
#: fold due). The log itself is not read: SQLite would first copy the select to a
#: temporary table (an insert reading its own table), dearer than the read saved.
_LOG_GUESSED = {
    t: f"INSERT INTO chg_{t} (ns, version, n, op, key, de, db) SELECT id, ?2, 0, 'put', ?3, ?4, ?5 "
    f"FROM namespaces WHERE id = ?1 AND version < ?2 AND version >= ?2 - {FOLD_AFTER} "
    "ON CONFLICT DO NOTHING"
    for t, spec in TABLES.items()
    if spec.log
}


def bump(
    con: Any, table: str, nsid: int, op: str, keys: Sequence[Blob], delta: Delta = NO_CHANGE
) -> int:
    """Add ``delta`` to a namespace's counters, bump its version, log ``op`` for ``keys``
    (the pending deltas of single puts folded in first)."""
    d = delta
    logged = 0
    if TABLES[table].log:
        logged = len(keys)
        fold(con, table, nsid)
    con.execute(_BUMP, (d.entries, d.size, d.evictions, d.expirations, logged, nsid))
    version = int(con.execute(_VERSION, (nsid,)).fetchone()[0])
    if logged:
        log_keys(con, table, nsid, version, op, keys)
    return version


def bump_one(
    con: Any, table: str, nsid: int, key: Blob, added: int, size: int, guess: int = 0
) -> int:
    """``bump`` of a single put of ``key`` (``added``: 1 for a new key, else 0; ``size``:
    the bytes it adds), with no ``Delta`` made: in a logged table, its log row carries
    its deltas and the namespace's next version, and its row is not written (folded into
    once ``FOLD_AFTER`` versions are pending). ``guess``: a version no higher than the
    next one (``NamespaceIds.next``; 0: none); if it is the next, no read comes first."""
    if TABLES[table].log:
        row = (nsid, guess, key, added, size)
        if guess and con.execute(_LOG_GUESSED[table], row).rowcount:
            return guess
        base, top = con.execute(_VERSIONS[table], (nsid,)).fetchone()
        version = (base if top is None or top < base else top) + 1
        if version - base <= FOLD_AFTER:
            con.execute(_LOG_PUT[table], (nsid, version, key, added, size))
            return int(version)
    return bump(con, table, nsid, "put", (key,), Delta(added, size))


def log_keys(con: Any, table: str, nsid: int, version: int, op: str, keys: Sequence[Blob]) -> None:
    """Change-log rows for ``keys``, in order. Record keys (32 bytes each) go in as one
    blob split by SQLite itself: one statement instead of a Python round per row, 3x
    cheaper for a batch of 1,000."""
    if len(keys) > 1 and all(len(k) == 32 for k in keys):
        con.execute(
            "WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ?) "
            f"INSERT INTO chg_{table} (ns, version, n, op, key) "
            "SELECT ?, ?, n, ?, substr(?, 32 * n + 1, 32) FROM i",
            (len(keys) - 1, nsid, version, op, b"".join(keys)),
        )
    elif len(keys) == 1:
        con.execute(_LOG_ONE[table], (nsid, version, 0, op, keys[0]))
    else:
        con.executemany(_LOG_ONE[table], [(nsid, version, i, op, k) for i, k in enumerate(keys)])


def prune_log(con: Any, table: str, retention: int) -> None:
    """Keep about the last ``retention`` change-log rows of each namespace of ``table``:
    whole versions go, oldest first, so a reader never gets part of a version (it keeps
    up to one batch more). The scan reads the rows it deletes (plus one batch at most)."""
    fold_table(con, table)
    over = con.execute(
        "SELECT id, logged - ? FROM namespaces WHERE tbl=? AND logged > ?",
        (retention, table, retention),
    ).fetchall()
    for nsid, excess in over:
        row = con.execute(
            f"SELECT version FROM chg_{table} WHERE ns=? ORDER BY version, n LIMIT 1 OFFSET ?",
            (nsid, excess),
        ).fetchone()
        if row is None:  # the count ran ahead of the rows: count them again
            con.execute(
                f"UPDATE namespaces SET logged = (SELECT count(*) FROM chg_{table} WHERE ns=?) "
                "WHERE id=?",
                (nsid, nsid),
            )
            continue
        gone = con.execute(f"DELETE FROM chg_{table} WHERE ns=? AND version<?", (nsid, row[0]))
        if gone.rowcount > 0:
            con.execute("UPDATE namespaces SET logged=logged-? WHERE id=?", (gone.rowcount, nsid))


def stored(con: Any, table: str, hids: Sequence[int], columns: str) -> dict[int, tuple[Any, ...]]:
    """``{hid: (columns...)}`` of the records stored under ``hids``."""
    found: dict[int, tuple[Any, ...]] = {}
    if len(hids) == 1:  # a single put: a point query, no IN list
        row = con.execute(f"SELECT {columns} FROM rec_{table} WHERE hid=?", hids).fetchone()
        if row is not None:
            found[hids[0]] = row
        return found
    for chunk in chunks(hids):
        for row in con.execute(
            f"SELECT hid, {columns} FROM rec_{table} WHERE hid IN ({marks(len(chunk))})", chunk
        ):
            found[row[0]] = row[1:]
    return found


#: A namespace's records by their own time (their last write), unless read later; and
#: those read later, by the time of their ``seen`` row. The later time counts (a seen row
#: is dropped when its record is written again; ``>`` keeps the two scans apart).
_UNSEEN = (
    "SELECT r.atime, r.id, r.ns, r.key, r.size FROM rec_{t} r WHERE r.ns=? AND NOT EXISTS "
    "(SELECT 1 FROM seen_{t} s WHERE s.id = r.id AND s.atime > r.atime) "
    "ORDER BY r.atime, r.id LIMIT ? OFFSET ?"
)
_SEEN_ROWS = (
    "SELECT s.atime, r.id, r.ns, r.key, r.size FROM seen_{t} s JOIN rec_{t} r ON r.id = s.id "
    "WHERE s.ns=? AND s.atime > r.atime ORDER BY s.atime, s.id LIMIT ? OFFSET ?"
)


#: A read's access time (?1) for the records under lookup ids: their ``seen`` rows, unless
#: a record was written since (its own ``atime`` is newer then); the newest time wins.
_NOTE = (
    "INSERT INTO seen_{t} (id, ns, atime) SELECT id, ns, ?1 FROM rec_{t} WHERE {hids} "
    "AND atime < ?1 ON CONFLICT (id) DO UPDATE SET atime = excluded.atime "
    "WHERE excluded.atime > atime"
)
#: Keys read at one time (one batch) from which they go in one statement, not one each.
_NOTE_TOGETHER = 16


def note_reads(con: Any, table: str, reads: dict[int, float]) -> None:
    """Write read times ``{lookup id: time}``: the keys of one batch read (one time) in
    one statement (``hid IN (...)``: ~30% less than a statement per key at 20,000 keys),
    keys read alone one row each."""
    at_once: dict[float, list[int]] = {}
    for rid, at in reads.items():
        at_once.setdefault(at, []).append(rid)
    alone: list[tuple[float, int]] = []
    for at, rids in at_once.items():
        if len(rids) < _NOTE_TOGETHER:
            alone += [(at, rid) for rid in rids]
            continue
        for chunk in chunks(rids):
            sql = _NOTE.replace("{hids}", f"hid IN ({marks(len(chunk))})")
            con.execute(sql.replace("{t}", table), (at, *chunk))
    if alone:
        con.executemany(_NOTE.replace("{hids}", "hid = ?2").replace("{t}", table), alone)


def _pages(con: Any, sql: str, nsid: int) -> Iterator[tuple[float, int, int, bytes, int]]:
    offset = 0
    while True:
        page = con.execute(sql, (nsid, _LRU_PAGE, offset)).fetchall()
        yield from page
        if len(page) < _LRU_PAGE:
            return
        offset += len(page)


def _lru_scan(con: Any, table: str, nsid: int) -> Iterator[tuple[float, int, int, bytes, int]]:
    """``(atime, id, ns, key, size)`` of one namespace's records, least recently used first:
    the records never read since written merged with those read since (``seen``)."""
    return heapq.merge(
        _pages(con, _UNSEEN.replace("{t}", table), nsid),
        _pages(con, _SEEN_ROWS.replace("{t}", table), nsid),
    )


def lru_order(con: Any, table: str, nsids: Sequence[int]) -> Iterator[Row]:
    """Records of the namespaces ``nsids``, least recently used first (``(atime, id)``
    order across them: their scans merged), read a page at a time as consumed."""
    scans = [_lru_scan(con, table, nsid) for nsid in nsids]
    if not scans:
        return
    merged = scans[0] if len(scans) == 1 else heapq.merge(*scans)
    for _, rid, nsid, key, size in merged:
        yield rid, nsid, key, size


def unsee(con: Any, table: str, ids: Sequence[int]) -> None:
    """Drop the read times of records ``ids`` (written again, or gone)."""
    for chunk in chunks(ids):
        con.execute(f"DELETE FROM seen_{table} WHERE id IN ({marks(len(chunk))})", chunk)


def remove_rows(con: Any, table: str, rows: Sequence[Row], kind: str) -> list[tuple[str, str]]:
    """Delete rows and book them as ``kind`` (``evict``/``expire``); ``(namespace, key)``."""
    if not rows:
        return []
    ids = [r[0] for r in rows]
    for chunk in chunks(ids):
        con.execute(f"DELETE FROM rec_{table} WHERE id IN ({marks(len(chunk))})", chunk)
    unsee(con, table, ids)
    by_ns: dict[int, list[Row]] = {}
    for r in rows:
        by_ns.setdefault(r[1], []).append(r)
    names = dict(con.execute("SELECT id, name FROM namespaces WHERE tbl=?", (table,)).fetchall())
    out: list[tuple[str, str]] = []
    for nsid, group in by_ns.items():
        delta = Delta.removed(len(group), sum(r[3] for r in group), kind)
        bump(con, table, nsid, "delete", [r[2] for r in group], delta)
        out.extend((names[nsid], r[2].hex()) for r in group)
    return out


def evict_lru(con: Any, table: str, limit: Limit, nsid: int | None) -> list[tuple[str, str]]:
    """Remove least recently used records of namespace ``nsid`` (every namespace of
    ``table`` when None) until ``limit`` holds; ``(namespace, key)`` of each removed."""
    if nsid is None:
        entries, size = con.execute(
            f"SELECT coalesce(sum(entries),0), coalesce(sum(bytes),0) FROM {NOW[table]} "
            "WHERE tbl=?",
            (table,),
        ).fetchone()
        nsids = [
            r[0]
            for r in con.execute(
                f"SELECT id FROM {NOW[table]} WHERE tbl=? AND entries > 0", (table,)
            ).fetchall()
        ]
    else:
        nsids = [nsid]
        entries, size = con.execute(
            f"SELECT entries, bytes FROM {NOW[table]} WHERE id=?", (nsid,)
        ).fetchone()
    budget = Budget(entries, size, limit)
    victims: list[Row] = []
    if budget.over:
        for row in lru_order(con, table, nsids):
            victims.append(row)
            budget.drop(row[3])
            if not budget.over:
                break
    return remove_rows(con, table, victims, "evict")
