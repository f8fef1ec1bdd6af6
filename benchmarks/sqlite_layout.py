"""SQLite record layout: what a batch read and a batch write of 1,000 records cost, per layout.

The embedding cache's SQLite read of 1,000 keys pays two B-tree seeks per key: the
lookup-id (``hid``) index, then the table by its insertion-order rowid. Keying the table
by the lookup id itself would make a read one seek, but new records would then land on
random pages. This measures both layouts on raw statements, in one process, alternating:

* ``hid index`` (schema 4, shipped): ``id INTEGER PRIMARY KEY`` in insertion order, a
  unique index on ``hid``, the ``(ns, atime)`` index;
* ``hid rowid``: ``hid INTEGER PRIMARY KEY``, the ``(ns, atime)`` index.

Per layout: the CPU time of the shipped read statement (``json_each`` joined to the
records, namespace and expiry checked in SQL) for 1,000 random stored keys, and of one
``BEGIN IMMEDIATE`` upsert transaction of 1,000 new records (the shipped ``INSERT ... ON
CONFLICT`` statement), with the WAL bytes each transaction wrote and the wall time of
checkpointing them into the file (done after every transaction here; the store does it
on a background thread or inside a later commit).

``--after-commit`` also times the shipped layout's read right after another connection
committed (any write to the file): SQLite then drops the reader's page cache and unmaps
its memory map, so the pages a read touches fault in again.

    python benchmarks/sqlite_layout.py                 # 100,000 records, 3 rounds
    python benchmarks/sqlite_layout.py -n 20000 --rounds 1 --after-commit

Records are random bytes of an encoded 384-d float32 vector's length (1,630 bytes).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

VALUE_BYTES = 1630
BATCH = 1000
LAYOUTS = {
    "hid index": (
        "CREATE TABLE rec (id INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL, "
        "value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL, size INTEGER NOT NULL, "
        "hid INTEGER NOT NULL)",
        "CREATE UNIQUE INDEX rec_hid ON rec (hid)",
        "CREATE INDEX rec_ns_atime ON rec (ns, atime)",
    ),
    "hid rowid": (
        "CREATE TABLE rec (hid INTEGER PRIMARY KEY, ns INTEGER NOT NULL, key BLOB NOT NULL, "
        "value BLOB NOT NULL, expires_at REAL, atime REAL NOT NULL, size INTEGER NOT NULL)",
        "CREATE INDEX rec_ns_atime ON rec (ns, atime)",
    ),
}
READ = (
    "SELECT j.key, r.key, r.value FROM json_each(?) j CROSS JOIN rec r ON r.hid = j.value "
    "WHERE +r.ns = ? AND (r.expires_at IS NULL OR r.expires_at > ?)"
)
UPSERT = (
    "INSERT INTO rec (hid, ns, key, value, expires_at, atime, size) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(hid) DO UPDATE SET value=excluded.value, expires_at=excluded.expires_at, "
    "atime=excluded.atime, size=excluded.size"
)
PRAGMAS = (
    "PRAGMA mmap_size = 268435456",
    "PRAGMA cache_size = -65536",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA wal_autocheckpoint = 8192",
)
Row = tuple[int, int, bytes, bytes, None, float, int]


def records(n: int, rng: random.Random, now: float) -> list[Row]:
    """``n`` records: a random 32-byte key, its lookup id (first 8 bytes, signed), a value."""
    value = os.urandom(VALUE_BYTES)
    out = []
    for _ in range(n):
        key = rng.randbytes(32)
        out.append(
            (int.from_bytes(key[:8], "big", signed=True), 1, key, value, None, now, VALUE_BYTES)
        )
    return out


def build(path: Path, layout: str, rows: list[Row]) -> sqlite3.Connection:
    """A WAL file holding ``rows`` (10,000 per transaction), checkpointed, then opened as the
    store opens its connections."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = WAL")
    for stmt in LAYOUTS[layout]:
        con.execute(stmt)
    for i in range(0, len(rows), 10_000):
        con.execute("BEGIN IMMEDIATE")
        con.executemany(UPSERT, rows[i : i + 10_000])
        con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    con = sqlite3.connect(path, isolation_level=None)
    for pragma in PRAGMAS:
        con.execute(pragma)
    return con


def cpu_ms(fn: Callable[[], Any]) -> float:
    t = time.process_time_ns()
    fn()
    return (time.process_time_ns() - t) / 1e6


def read_batches(con: sqlite3.Connection, hids: list[int], batches: int, seed: int) -> list[float]:
    """CPU ms of the shipped read for ``batches`` random batches of stored keys."""
    rng = random.Random(seed)
    now = time.time()
    out = []
    for _ in range(batches):
        arg = json.dumps(rng.sample(hids, BATCH))

        def read(arg: str = arg) -> None:
            got = con.execute(READ, (arg, 1, now)).fetchall()
            assert len(got) == BATCH

        out.append(cpu_ms(read))
    return out


def write_batches(
    con: sqlite3.Connection, batches: int, seed: int
) -> tuple[list[float], float, float]:
    """CPU ms per upsert transaction of 1,000 new records; the WAL MB each wrote and the
    wall ms of copying it into the file (a checkpoint after every transaction)."""
    rng = random.Random(seed)
    now = time.time()
    out = []
    frames = 0
    ckpt = 0.0
    for _ in range(batches):
        rows = records(BATCH, rng, now)

        def write(rows: list[Row] = rows) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.executemany(UPSERT, rows)
            con.execute("COMMIT")

        out.append(cpu_ms(write))
        t = time.perf_counter()
        frames += con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        ckpt += time.perf_counter() - t
    return out, frames * 4096 / batches / 1e6, ckpt * 1e3 / batches


def after_commit(con: sqlite3.Connection, path: Path, hids: list[int], batches: int) -> None:
    """The shipped layout's read with every page already mapped (no commit in between),
    then the same read right after another connection's commit."""
    import resource

    def timed_read(arg: str) -> tuple[float, int]:
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        ms = cpu_ms(lambda: con.execute(READ, (arg, 1, now)).fetchall())
        return ms, resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults

    other = sqlite3.connect(path, isolation_level=None)
    other.execute("CREATE TABLE IF NOT EXISTS probe (k INTEGER PRIMARY KEY, v INTEGER)")
    rng = random.Random(9)
    now = time.time()
    con.execute("SELECT sum(length(value)) FROM rec").fetchall()  # map every page
    quiet = [timed_read(json.dumps(rng.sample(hids, BATCH))) for _ in range(batches)]
    after = []
    for i in range(batches):
        arg = json.dumps(rng.sample(hids, BATCH))
        other.execute("INSERT OR REPLACE INTO probe VALUES (1, ?)", (i,))
        after.append(timed_read(arg))
    other.close()
    print("\n| read of 1,000 (hid index) | CPU min | CPU median | page faults (median) |")
    print("|---|---|---|---|")
    for kind, xs in (("no commit in between", quiet), ("after another connection's commit", after)):
        ms = [x[0] for x in xs]
        flt = statistics.median(x[1] for x in xs)
        print(f"| {kind} | {min(ms):.2f} ms | {statistics.median(ms):.2f} ms | {flt:.0f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=100_000, help="records held")
    ap.add_argument("--batches", type=int, default=20, help="batches per round and operation")
    ap.add_argument("--rounds", type=int, default=3, help="rounds, layouts alternating")
    ap.add_argument("--after-commit", action="store_true", help="also time reads after a commit")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="nearcache-layout-"))
    rows = records(args.n, random.Random(1), time.time())
    hids = [r[0] for r in rows]
    reads: dict[str, list[float]] = {k: [] for k in LAYOUTS}
    writes: dict[str, list[float]] = {k: [] for k in LAYOUTS}
    wal: dict[str, list[float]] = {k: [] for k in LAYOUTS}
    ckpt: dict[str, list[float]] = {k: [] for k in LAYOUTS}
    try:
        for rnd in range(args.rounds):
            order = list(LAYOUTS) if rnd % 2 == 0 else list(LAYOUTS)[::-1]
            for layout in order:
                path = tmp / f"{layout.replace(' ', '-')}-{rnd}.db"
                con = build(path, layout, rows)
                read_batches(con, hids, 3, 0)  # warm the mapping
                reads[layout] += read_batches(con, hids, args.batches, rnd + 1)
                ms, mb, ck = write_batches(con, args.batches, 100 + rnd)
                writes[layout] += ms
                wal[layout].append(mb)
                ckpt[layout].append(ck)
                if args.after_commit and layout == "hid index" and rnd == 0:
                    after_commit(con, path, hids, args.batches)
                con.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
    finally:
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
    print(f"\n# command: python {' '.join(sys.argv)}; load average {os.getloadavg()[0]:.1f}")
    print(f"{args.n:,} records held, batches of {BATCH:,}, CPU ms (fastest / median)\n")
    print("| layout | read 1,000 | upsert 1,000 new | WAL MB per upsert | checkpoint ms (wall) |")
    print("|---|---|---|---|---|")
    for layout in LAYOUTS:
        r, w = reads[layout], writes[layout]
        print(
            f"| {layout} | {min(r):.2f} / {statistics.median(r):.2f} | "
            f"{min(w):.1f} / {statistics.median(w):.1f} | {statistics.mean(wal[layout]):.1f} | "
            f"{statistics.mean(ckpt[layout]):.1f} |"
        )


if __name__ == "__main__":
    main()
