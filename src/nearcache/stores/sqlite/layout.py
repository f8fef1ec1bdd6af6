"""How records sit in the SQLite file: row ids, namespace rows, counters, the change log.

Every function runs inside the caller's transaction (``con``) and keeps the namespace's
counters and change log in step with the rows it touches, so a batch and its
bookkeeping commit together.

* **Lookup ids** (``hid``) are the first 8 bytes of the key hash XOR a per-namespace
  salt, in a unique index: ``WHERE hid IN (...)`` on an integer is ~3x faster than on a
  32-byte blob key. The full key and the namespace id are stored beside it and compared
  on read.
* **Rowids** (``id``) are runs, one per namespace: ``(nsid << RUN_BITS) + n``, ``n``
  counting up in write order (:func:`next_ids`), so a namespace's new records fill fresh
  pages at the end of its run. Hashed rowids scattered a batch of 1,000 over ~1,000
  random pages (and their splits), which the commit then wrote: ~3x the write cost.
* **LRU order** is each namespace's run, merged with the records read or rewritten
  since: :mod:`.recency`.
* **Namespace rows** (``namespaces``) hold entries, bytes, version, evictions and
  expirations; every write bumps the version (``bump``), a single put into a logged table
  by logging its deltas instead (``bump_one``; readers add them in: :mod:`.counts`).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

from ...errors import CacheError
from ...keys import digest_bytes
from ..bookkeeping import NO_CHANGE, Delta
from ..protocol import TABLES
from .counts import FOLD_AFTER, fold, fold_table

__all__ = [
    "RUN_BITS",
    "NamespaceIds",
    "Row",
    "bump",
    "bump_one",
    "chunks",
    "hid",
    "marks",
    "prune_log",
    "next_ids",
    "run",
    "stored",
]

#: A namespace's rowids: ``(nsid << RUN_BITS) + 1`` up to its run's last,
#: ``(nsid << RUN_BITS) + RUN_LAST`` (a run whose end is reached is numbered again from
#: its start: :func:`next_ids`); namespace ids stay below ``1 << (63 - RUN_BITS)`` so every
#: rowid is a positive int64.
RUN_BITS = 40
RUN_LAST = (1 << RUN_BITS) - 1
MAX_NAMESPACES = 1 << (63 - RUN_BITS)


def run(ns: str) -> str:
    """SQL: the run of rowids of namespace ``ns`` (a parameter, e.g. ``?2``), as the
    operand of ``BETWEEN``: a rowid range SQLite seeks to."""
    return f"({ns} << {RUN_BITS}) AND ({ns} << {RUN_BITS}) + {RUN_LAST}"


def next_ids(con: Any, table: str, nsid: int, n: int) -> int:
    """The first of ``n`` new rowids at the end of namespace ``nsid``'s run, one after
    another (one b-tree descent: SQLite reads ``max(id)`` over a rowid range from its
    end). A run whose end is reached is numbered again from its start first."""
    last = (nsid << RUN_BITS) + RUN_LAST
    first = _top(con, table, nsid) + 1
    if first + n - 1 > last:
        _renumber(con, table, nsid)
        first = _top(con, table, nsid) + 1
        if first + n - 1 > last:
            raise CacheError(f"{table}: namespace id {nsid} holds {RUN_LAST:,} records")
    return first


def _top(con: Any, table: str, nsid: int) -> int:
    """The last rowid used in namespace ``nsid``'s run (its start if none)."""
    row = con.execute(f"SELECT max(id) FROM rec_{table} WHERE id BETWEEN {run('?1')}", (nsid,))
    top = row.fetchone()[0]
    return int(nsid << RUN_BITS if top is None else top)


def _renumber(con: Any, table: str, nsid: int) -> None:
    """Number namespace ``nsid``'s records from the start of its run again, in their
    order, their read times following (rowids of the run go negative on the way: no other
    rowid is)."""
    con.execute("CREATE TEMP TABLE runmap (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
    con.execute(
        f"INSERT INTO temp.runmap SELECT id, (?1 << {RUN_BITS}) + row_number() OVER (ORDER BY id) "
        f"FROM rec_{table} WHERE id BETWEEN {run('?1')}",
        (nsid,),
    )
    for t in (f"rec_{table}", f"seen_{table}"):
        con.execute(f"UPDATE {t} SET id = -id WHERE id IN (SELECT old FROM temp.runmap)")
        con.execute(
            f"UPDATE {t} SET id = (SELECT new FROM temp.runmap WHERE old = -id) WHERE id < 0"
        )
    con.execute("DROP TABLE temp.runmap")


_CHUNK = 30_000  # below SQLITE_MAX_VARIABLE_NUMBER (32766)
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
    ``next``, the version after the last one this process's single put committed there
    (the guess ``bump_one`` tries: never too high, versions only grow) with the rowid
    after the one it inserted (0: none known). The rowid is right when the version is:
    every write to a namespace bumps its version (``writes.put_row`` checks)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], tuple[int, int]] = {}
        self._lock = threading.Lock()
        self.next: dict[tuple[str, str], tuple[int, int]] = {}

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
            if row[0] >= MAX_NAMESPACES:
                raise CacheError(f"{table}: too many namespaces ({MAX_NAMESPACES:,} at most)")
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
