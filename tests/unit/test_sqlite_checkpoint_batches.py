"""Background checkpoints while large batches are written (a fill): a round after each
batch until the writers' own checkpoint, a pause judged by the gaps between commits,
writes that stop copied at the pause, and sustained batches keep the WAL bounded."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.stores.sqlite import checkpoint, pacing
from nearcache.stores.sqlite.checkpoint import Checkpointer
from nearcache.stores.sqlite.pacing import IDLE_WAIT, PAUSE_MAX, next_rhythm, next_step, pause_after
from sqlite_wal_support import batch, checkpointer, frames, key, wait_for, wal_file

WRITER = 12_216  # the writers' checkpoint at the default wal_limit (frames)
BATCH = 5_500  # frames of a batch of 10k chunks


def test_large_batches_get_a_round_each_until_the_writers_checkpoint() -> None:
    # a round that ended before the next commit: the next one follows the next batch
    assert next_step(BATCH, BATCH, 1, 0, WRITER) == (1, False)
    # ... unless the commit after that one crosses the writers' threshold: wait for it
    assert next_step(2 * BATCH, BATCH, 1, 0, WRITER) == (1, True)
    # rounds that overlap a commit stay out of the stretch before the writers' checkpoint
    assert next_step(BATCH, BATCH, 1, 1, WRITER) == (2, True)
    # past the threshold already (its checkpoint failed): a round after the next commit
    assert next_step(3 * BATCH, BATCH, 1, 0, WRITER) == (1, True)
    # right after the writers' checkpoint (the WAL restarted, the last round's rhythm):
    # a round after the next batch, not two (the timed period would let two in)
    assert next_step(0, 2 * BATCH, 2, 0, WRITER) == (1, False)
    # a restarted WAL far from the threshold: a round after each batch, overlapping or not
    assert next_step(BATCH, BATCH, 1, 0, 100_000) == (1, False)
    assert next_step(BATCH, BATCH, 1, 1, 100_000) == (1, False)


def test_batches_get_a_round_each_near_the_writers_checkpoint() -> None:
    """Batches of 1,000 entries (~1,000 frames): timed rounds while far from the writers'
    threshold; when the next timed round would run into their checkpoint, a round after
    each batch while it ends before it, so their checkpoint (in a ``COMMIT``) copies the
    last batch or two, not every frame since the last timed round (4-8k)."""
    mid = 1_009
    assert next_step(mid, mid, 1, 0, WRITER) == (1 << 62, False)  # far: timed rounds
    # the timed round after 4 batches: the next one would overlap their checkpoint
    assert next_step(5 * mid, 4 * mid, 4, 0, WRITER) == (1, False)
    assert next_step(6_000, 4 * mid, 4, 1, WRITER) == (1, False)  # overlapping a commit too
    # the last stretch: a round after the next batch could still run when the one after
    # crosses the threshold (it would make their checkpoint fail): wait for it
    assert next_step(10 * mid, 2 * mid, 2, 0, WRITER) == (1, False)
    assert next_step(10 * mid, 2 * mid, 2, 1, WRITER) == (2 + 1, True)
    assert next_step(11 * mid, 2 * mid, 2, 0, WRITER) == (1 + 1, True)
    assert next_step(12 * mid, mid, 1, 0, WRITER) == (0 + 1, True)
    # past the threshold already (their checkpoint failed): a round after the next commit
    assert next_step(13 * mid, mid, 1, 0, WRITER) == (1, True)


def test_the_rhythm_of_batches_outlives_the_writers_checkpoint() -> None:
    # the same WAL grew by two batches over two writes
    assert next_rhythm((1, 1), 2 * BATCH, 0, 2, True) == (2 * BATCH, 2)
    # the writers' checkpoint restarted it and no write came since (0 frames), or one
    # did (a new WAL, fewer frames or more): the batches' rhythm, not a few frames a write
    assert next_rhythm((2 * BATCH, 2), 0, 2 * BATCH, 2, True) == (2 * BATCH, 2)
    assert next_rhythm((2 * BATCH, 2), BATCH, 2 * BATCH, 1, False) == (BATCH, 1)
    assert next_rhythm((2 * BATCH, 2), 2 * BATCH + 40, 2 * BATCH, 3, False) == (3 * BATCH, 3)
    # single puts after batches: a WAL that only grew tells the new rhythm at once
    assert next_rhythm((BATCH, 1), BATCH + 800, BATCH, 100, True) == (800, 100)


def test_a_pause_is_counted_in_gaps_between_commits() -> None:
    assert pause_after(0.0) == IDLE_WAIT  # single puts: the fixed minimum
    assert pause_after(0.1) == pytest.approx(0.4)  # batches committed 0.1 s apart
    assert pause_after(60.0) == PAUSE_MAX  # rare writes: at most PAUSE_MAX


def test_writes_that_stop_before_the_writers_checkpoint_are_copied_at_the_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thread waits for the writers' coming checkpoint; when the writes stop first,
    a pause ends the wait (it slept ``_PARKED_CHECK``, 5 s, before)."""
    monkeypatch.setattr(checkpoint, "_PARKED_CHECK", 600.0)  # out of reach
    # a long pause, so the commit below reliably lands inside the first one
    monkeypatch.setattr(pacing, "IDLE_WAIT", 2.0)
    monkeypatch.setattr(pacing, "PAUSE_MAX", 2.0)
    path = tmp_path / "w.db"
    # ~80 frames by 40 writes, the writers' checkpoint at 1,000: the first round waits
    writer, connect = wal_file(path, autocheckpoint=1_000)
    count = [40]
    ck = Checkpointer(connect, lambda: count[0], every=0.01)
    try:
        # the first round is done and the thread looks for a pause (the next commit)
        assert wait_for(lambda: ck.due == 41)
        count[0] = 41  # one more commit, then none: the writers' checkpoint never comes
        ck.wake()
        assert wait_for(lambda: ck.restarts >= 1, timeout=60.0)
    finally:
        ck.stop()
    writer.execute("INSERT INTO t VALUES (?)", (os.urandom(3000),))
    assert frames(path) < 5  # the next write started the WAL from its beginning
    writer.close()


def test_sustained_large_batches_keep_the_wal_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches back to back, each one "large" (a round after each while it fits): the
    WAL stays within ``wal_limit`` and a few batches (the writers' threshold crossed by
    one, one more if a round made their checkpoint fail, one check period's commits),
    every record reads back, and the pause after the last batch restarts the WAL."""
    monkeypatch.setattr(pacing, "LARGE_COMMIT", 256)  # batch(): ~400 frames
    path = tmp_path / "c.db"
    limit = 4 << 20  # the writers' checkpoint at ~760 frames: every second batch
    store = SQLiteStore(path, wal_limit=limit)
    wal = Path(f"{path}-wal")
    largest = 0
    for b in range(30):
        store.put_many("kv", "ns", batch(b), now=1)
        largest = max(largest, wal.stat().st_size)
    assert largest <= limit + 3 * 1_900_000  # a batch: ~440 frames of 4,120 bytes
    _restarts_and_reads_back(store, 30)


@pytest.mark.parametrize("slow", [0.0, 0.05])
def test_batches_near_the_writers_checkpoint_keep_the_wal_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow: float
) -> None:
    """Batches (~440 frames: a round after each near the writers' threshold, ~13
    batches), the thread's rounds fast or slow (a starved thread: rounds overlap commits,
    and one holding the checkpoint lock when a commit crosses the threshold makes the
    writers' checkpoint fail): the WAL stays within ``wal_limit`` and a few batches,
    every record reads back, and the pause after the last batch restarts the WAL."""
    real = Checkpointer._passive

    def passive(self: Checkpointer, con: sqlite3.Connection) -> int | None:
        time.sleep(slow)
        return real(self, con)

    monkeypatch.setattr(Checkpointer, "_passive", passive)
    monkeypatch.setattr(Checkpointer.__init__, "__kwdefaults__", {"every": 0.01})
    path = tmp_path / "c.db"
    limit = 32 << 20  # the writers' checkpoint at ~6,100 frames
    store = SQLiteStore(path, wal_limit=limit)
    wal = Path(f"{path}-wal")
    largest = 0
    for b in range(60):
        store.put_many("kv", "ns", batch(b), now=1)
        largest = max(largest, wal.stat().st_size)
        time.sleep(0.01)  # the writes' own work between commits
    assert largest <= limit + 3 * 1_900_000  # a batch: ~440 frames of 4,120 bytes
    _restarts_and_reads_back(store, 60)


def _restarts_and_reads_back(store: SQLiteStore, batches: int) -> None:
    """After a fill of ``batches``: the pause restarts the WAL, every batch reads back,
    the store checks clean; the store is closed."""
    ck = checkpointer(store)
    assert wait_for(lambda: ck.restarts >= 1 and ck.parked)
    got = store.get_many("kv", "ns", [key(b * 1000 + 399) for b in range(batches)], now=1)
    assert all(v is not None and len(v) == 3000 for v in got)
    assert store.check() == []
    store.close()
