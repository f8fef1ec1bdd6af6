"""Background checkpoints while large batches are written (a fill): a round after each
batch until the writers' own checkpoint, a pause judged by the gaps between commits,
writes that stop copied at the pause, and sustained batches keep the WAL bounded."""

from __future__ import annotations

import os
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
    ck = checkpointer(store)
    assert wait_for(lambda: ck.restarts >= 1 and ck.parked)
    got = store.get_many("kv", "ns", [key(b * 1000 + 399) for b in range(30)], now=1)
    assert all(v is not None and len(v) == 3000 for v in got)
    assert store.check() == []
    store.close()
