"""Record writes: insert or replace records of one namespace inside the caller's transaction.

A put inserts each record unless its lookup id is taken, and only then reads what holds
it: a record of the same key is rewritten (the namespace's byte count changes by the
difference), a new one adds an entry, and a record of another key under the same 64-bit
id (a collision) is kept and the new one not stored. So a batch or a single put of new
keys (the commonest write, a fill) is one insert statement, with no read of the lookup
ids before it. The namespace's counters, version and change log follow in the same
transaction (:func:`~.layout.bump`; a single put's go in its change-log row,
:func:`~.layout.bump_one`). A single put (``put_row``) runs point statements with no lists
built, at the rowid guessed from this process's last single put there. A new record
takes the next rowid of its namespace's run (its LRU place); a rewritten one keeps its
row and place, and its write time goes to its ``seen`` row (its LRU time, as a read's
would). A batch's write times are one per place (:func:`~..lru.batch_times`), so a
record rewritten after a new one in the batch ranks after it, as separate puts would.
``add_rows`` stores only keys with no live record.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from ..bookkeeping import Delta
from ..lru import batch_times
from ..protocol import TABLES, Item
from .layout import RUN_LAST, NamespaceIds, bump, bump_one, hid, next_ids, run, stored
from .reads import hids
from .recency import see, unsee

__all__ = ["add_rows", "put_row", "put_rows"]

log = logging.getLogger("nearcache.stores.sqlite.store")

#: Bound in place of None for a record that never expires: SQLite stores a NaN as NULL.
#: CPython 3.11's sqlite3 looks for an adapter for every bound value that is not exactly
#: an int, float, str or bytearray -- bytes and None included -- raising and clearing two
#: AttributeErrors each time (~0.3-0.7 us a value), so the writes bind keys and values as
#: bytearray and a missing expiry as a float: 1.88 -> 1.07 us per row of three.
NEVER = float("nan")

_ROW = "(id, hid, ns, key, value, expires_at, atime, size) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
#: Insert records at the rowids given (the next ones of their namespace's run); a record
#: whose lookup id is taken is left out (``put_rows`` then looks at what holds it).
_INSERT_NEW = {t: f"INSERT OR IGNORE INTO rec_{t} {_ROW}" for t in TABLES}
#: Insert a new record at rowid ?8 (the next of its namespace's run, or the one guessed by
#: ``NamespaceIds.next``): no row changed if its lookup id (or a guessed rowid) is taken.
_INSERT_AT = {
    t: f"INSERT OR IGNORE INTO rec_{t} (id, hid, ns, key, value, expires_at, atime, size) "
    "VALUES (?8, ?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    for t in TABLES
}
#: Whether namespace ?2's run has records after rowid ?1.
_AFTER = {
    t: f"SELECT 1 FROM rec_{t} WHERE id > ?1 AND id BETWEEN {run('?2')} LIMIT 1" for t in TABLES
}
#: Move record ?2 to rowid ?1.
_MOVE = {t: f"UPDATE rec_{t} SET id = ?1 WHERE id = ?2" for t in TABLES}
#: Rewrite the record with rowid ``id`` (its key, found stored).
_REWRITE = {t: f"UPDATE rec_{t} SET value=?, expires_at=?, size=? WHERE id=?" for t in TABLES}
#: What a put must know of the record stored under one lookup id.
_STORED = {t: f"SELECT ns, key, size, id FROM rec_{t} WHERE hid=?" for t in TABLES}


def put_rows(
    con: sqlite3.Connection,
    ids: NamespaceIds,
    table: str,
    namespace: str,
    unique: list[Item],
    now: float,
) -> int:
    """Insert or replace ``unique`` (distinct keys); the namespace's new version.

    Every record is inserted first, unless its lookup id is taken (``_INSERT_NEW``), at
    the next rowids of the run in the order given: a batch of new keys (a fill) is one
    statement, with no read of the lookup ids before it. Only when some were not inserted
    is what their lookup ids hold read: a record of the same key is rewritten in its row
    (the rowid kept for it stays unused), another key's is a collision."""
    if len(unique) == 1:
        return put_row(con, ids, table, namespace, unique[0], now)[0]
    ns = ids.get(con, table, namespace, create=True)
    assert ns is not None
    nsid, salt = ns
    first = next_ids(con, table, nsid, len(unique))
    times = batch_times(now, len(unique))
    rows = [
        (
            first + i,
            rid,
            nsid,
            key,
            bytearray(it.value),
            NEVER if it.expires_at is None else it.expires_at,
            times[i],
            len(it.value),
        )
        for i, (it, rid, key) in enumerate(zip(unique, *_lookup(unique, salt), strict=True))
    ]
    inserted = con.executemany(_INSERT_NEW[table], rows).rowcount
    if inserted == len(rows):  # every key new
        delta = Delta(len(rows), sum(r[7] for r in rows))
        return bump(con, table, nsid, "put", [r[3] for r in rows], delta)
    return _put_rest(con, table, namespace, nsid, rows)


def _lookup(items: Sequence[Item], salt: int) -> tuple[list[int], list[bytearray]]:
    """The items' lookup ids and raw keys (bound as ``bytearray``, see ``NEVER``): from
    one ``bytes.fromhex`` of all the keys and one NumPy pass (``reads.hids``), not
    ``hid`` and ``fromhex`` key by key; key by key if any key is not a content hash."""
    keys = [it.key for it in items]
    found = hids(keys, salt)
    if found is None:  # not reached after ``check_items``; kept for a direct caller
        return [hid(k, salt) for k in keys], [bytearray.fromhex(k) for k in keys]
    rids, raw = found
    buf = bytearray(raw)
    return rids, [buf[i : i + 32] for i in range(0, len(buf), 32)]


def _put_rest(
    con: sqlite3.Connection,
    table: str,
    namespace: str,
    nsid: int,
    rows: list[tuple[Any, ...]],
) -> int:
    """``put_rows`` after its insert left some ``rows`` out (their lookup ids were
    taken): rewrite the records of the same keys (each row's write time goes to its
    ``seen`` row), skip collisions, count and log."""
    found = stored(con, table, [r[1] for r in rows], "ns, key, size, id")
    rewrites = []
    times = []
    keys = []  # logged in the order given
    added = delta = 0
    for rid, hid_, _, key, value, expires, at, size in rows:
        prev = found.get(hid_)  # the row inserted, or what held the lookup id before
        if prev is None:  # left out for another reason (its rowid taken): as INSERT raised
            raise sqlite3.IntegrityError(f"rec_{table}: no record inserted at rowid {rid}")
        if prev[3] == rid:
            added += 1
            delta += size
        elif prev[0] == nsid and prev[1] == key:
            delta += size - prev[2]
            rewrites.append((value, expires, size, prev[3]))
            times.append(at)
        else:  # 64-bit hid collision with another key (stored, or earlier in the batch)
            _collision(table, namespace)
            continue
        keys.append(key)
    if rewrites:
        con.executemany(_REWRITE[table], rewrites)
        see(con, table, nsid, [r[3] for r in rewrites], times)
    return bump(con, table, nsid, "put", keys, Delta(added, delta))


def add_rows(
    con: sqlite3.Connection,
    ids: NamespaceIds,
    table: str,
    namespace: str,
    items: Sequence[Item],
    now: float,
) -> list[bool]:
    """Store each item whose key holds no live record (an expired one is replaced);
    whether each was stored. A later duplicate of a key stored in the batch loses."""
    ns = ids.get(con, table, namespace, create=True)
    assert ns is not None
    nsid, salt = ns
    rids = [hid(it.key, salt) for it in items]
    old = stored(con, table, rids, "ns, key, expires_at, size, id")
    won: list[bool] = []
    rows = []
    replaced: list[int] = []
    added = delta = 0
    for rid, it in zip(rids, items):
        prev = old.get(rid)
        key = bytes.fromhex(it.key)
        if prev is not None and (
            prev[0] != nsid or prev[1] != key or prev[2] is None or prev[2] > now
        ):
            won.append(False)
            continue
        won.append(True)
        if prev is not None and prev[4] is not None:
            replaced.append(prev[4])  # an expired record, deleted by the REPLACE
        old[rid] = (nsid, key, it.expires_at, len(it.value), None)  # a duplicate loses
        rows.append((rid, nsid, key, it.value, it.expires_at, now, len(it.value)))
        added += prev is None
        delta += len(it.value) - (0 if prev is None else prev[3])
    if rows:
        unsee(con, table, replaced)
        first = next_ids(con, table, nsid, len(rows))
        con.executemany(  # an expired record under the lookup id goes
            f"INSERT OR REPLACE INTO rec_{table} {_ROW}",
            [(first + i, *r) for i, r in enumerate(rows)],
        )
        bump(con, table, nsid, "put", [r[2] for r in rows], Delta(added, delta))
    return won


def put_row(
    con: sqlite3.Connection, ids: NamespaceIds, table: str, namespace: str, item: Item, now: float
) -> tuple[int, int]:
    """``put_rows`` of one item: point statements, no lists; a new key is inserted by
    one statement, a stored one read and then rewritten by its rowid. The namespace's
    new version, and the rowid after the one inserted (0: none).

    The insert takes the rowid guessed by this process's last single put there when
    there is one, else the run's end is read first. If another write came in between
    (the version guessed with it was not the next one), a record that then sits before
    others of the run is moved to its end."""
    ns = ids.get(con, table, namespace, create=True)
    assert ns is not None
    nsid, salt = ns
    rid = hid(item.key, salt)
    key = bytearray.fromhex(item.key)
    size = len(item.value)
    expires = NEVER if item.expires_at is None else item.expires_at
    row = (rid, nsid, key, bytearray(item.value), expires, now, size)
    version, guess = ids.next.get((table, namespace), (0, 0))
    at = guess or next_ids(con, table, nsid, 1)
    if con.execute(_INSERT_AT[table], (*row, at)).rowcount == 1:
        done = bump_one(con, table, nsid, key, 1, size, version)
        if guess and done != version and con.execute(_AFTER[table], (at, nsid)).fetchone():
            at = next_ids(con, table, nsid, 1)  # rare: overtaken by another write
            con.execute(_MOVE[table], (at, guess))
        return done, _after(at)
    prev = con.execute(_STORED[table], (rid,)).fetchone()
    if prev is None:  # the guessed rowid was taken
        at = next_ids(con, table, nsid, 1)
        con.execute(_INSERT_AT[table], (*row, at))
        return bump_one(con, table, nsid, key, 1, size, version), _after(at)
    if prev[0] != nsid or prev[1] != key:  # 64-bit hid collision: keep the stored one
        _collision(table, namespace)
        return bump(con, table, nsid, "put", []), 0
    con.execute(_REWRITE[table], (row[3], expires, size, prev[3]))
    see(con, table, nsid, (prev[3],), (now,))
    return bump_one(con, table, nsid, key, 0, size - prev[2], version), 0


def _after(rowid: int) -> int:
    """The rowid after ``rowid`` in its namespace's run; 0 at the run's end."""
    return 0 if rowid & RUN_LAST == RUN_LAST else rowid + 1


def _collision(table: str, namespace: str) -> None:
    log.warning("key id collision in %s/%s; entry not stored", table, namespace)
