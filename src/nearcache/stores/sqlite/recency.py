"""Recency: the LRU order of a table's records, read times, and removals booked.

* **LRU order** is write order within a namespace (its run of rowids, see
  :mod:`.layout`) for records neither read nor written again since their first write;
  a record read or rewritten since has a row in ``seen_{table}`` with that later time
  (deleted with the record). ``atime`` is a record's first write, in the run's order.
  The scan merges the run, read in rowid order (no ``(ns, atime)`` index: one b-tree
  fewer written by every put, ~1.1 of its ~5.6 WAL frames), with the ``seen`` rows from
  their ``(ns, atime)`` index; a table-wide order merges the namespaces' scans.
* **Removals** (evictions, expirations) delete the rows, their read times, and book
  them in the namespaces' counters and change logs (:func:`~.layout.bump`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Sequence
from typing import Any

from ..bookkeeping import Delta
from ..lru import Budget
from ..protocol import TABLES, Limit
from .counts import NOW
from .layout import Row, bump, chunks, marks, run

__all__ = ["evict_lru", "lru_order", "note_reads", "remove_rows", "see", "unsee"]

_LRU_PAGE = 1024  # rows read per step of an LRU scan


#: A namespace's records in write order (its run of rowids), unless read or written again
#: later; and those, by the time of their ``seen`` row. The later time counts (a seen row
#: goes with its record; ``>`` keeps the two scans apart).
_UNSEEN = (
    "SELECT r.atime, r.id, r.ns, r.key, r.size FROM rec_{t} r WHERE r.id BETWEEN "
    + run("?1")
    + " AND NOT EXISTS (SELECT 1 FROM seen_{t} s WHERE s.id = r.id AND s.atime > r.atime) "
    "ORDER BY r.id LIMIT ?2 OFFSET ?3"
)
_SEEN_ROWS = (
    "SELECT s.atime, r.id, r.ns, r.key, r.size FROM seen_{t} s JOIN rec_{t} r ON r.id = s.id "
    "WHERE s.ns=?1 AND s.atime > r.atime ORDER BY s.atime, s.id LIMIT ?2 OFFSET ?3"
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


#: ``(time, id, ns, key, size)`` of a record in an LRU scan
_Scanned = tuple[float, int, int, bytes, int]


def _pages(con: Any, sql: str, nsid: int) -> Iterator[_Scanned]:
    offset = 0
    while True:
        page = con.execute(sql, (nsid, _LRU_PAGE, offset)).fetchall()
        yield from page
        if len(page) < _LRU_PAGE:
            return
        offset += len(page)


def _in_run(rows: Iterator[_Scanned]) -> Iterator[_Scanned]:
    """The run's rows with their times made ascending: a record's time is no earlier
    than that of one written before it (a caller's clock may go back), so the run is
    one ordered stream to merge."""
    top = -math.inf
    for row in rows:
        if row[0] < top:
            row = (top, *row[1:])
        else:
            top = row[0]
        yield row


def _lru_scan(con: Any, table: str, nsid: int) -> Iterator[_Scanned]:
    """``(time, id, ns, key, size)`` of one namespace's records, least recently used
    first: the run of records neither read nor written since their first write merged
    with those that were (``seen``)."""
    return heapq.merge(
        _in_run(_pages(con, _UNSEEN.replace("{t}", table), nsid)),
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
    """Drop the read times of records ``ids`` (gone, or replaced by a new record)."""
    for chunk in chunks(ids):
        con.execute(f"DELETE FROM seen_{table} WHERE id IN ({marks(len(chunk))})", chunk)


#: A record written again at ?3 (rowid ?1, namespace ?2): its LRU time is that write's
#: (the write came last, even if a caller's clock went back), kept in its ``seen`` row
#: (its place in the run is its first write's).
_SEE = {
    t: f"INSERT INTO seen_{t} (id, ns, atime) VALUES (?, ?, ?) ON CONFLICT (id) "
    "DO UPDATE SET atime = excluded.atime"
    for t in TABLES
}


def see(con: Any, table: str, nsid: int, ids: Sequence[int], times: Sequence[float]) -> None:
    """Records ``ids`` of namespace ``nsid`` written again at ``times`` (their LRU times,
    one per record: a batch's places, :func:`~..lru.batch_times`)."""
    if len(ids) == 1:
        con.execute(_SEE[table], (ids[0], nsid, times[0]))
    elif ids:
        con.executemany(_SEE[table], [(i, nsid, at) for i, at in zip(ids, times, strict=True)])


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
