"""RELIABILITY test 3: the index lags the store after a crash, and must catch up.

Writers run in spawn children and acknowledge each put over a pipe after it returns;
the parent SIGKILLs them at a random moment, so the index they would save on close is
never written (or is older than the store). On reopen every acknowledged entry must be
found by the semantic layer exactly as exact search would find it (recall@1 = 1.0).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pytest

from nearcache import SemanticCache
from semantic_support import (
    TableEmbedder,
    crash_writer,
    dumping_child,
    maintenance_child,
    saving_writer,
    text_vector,
)

DIM = 16
CTX = mp.get_context("spawn")
TRIALS = int(os.environ.get("NEARCACHE_KILL_TRIALS", "3"))


def run_and_kill(target: object, args: tuple[object, ...], min_acks: int, seed: int) -> list[str]:
    parent, child = CTX.Pipe(duplex=False)
    proc = CTX.Process(target=target, args=(*args, child))
    proc.start()
    child.close()
    acked: list[str] = []
    deadline = time.monotonic() + 60
    kill_after = random.Random(seed).uniform(0.05, 0.4)
    started: float | None = None
    try:
        while time.monotonic() < deadline:
            if parent.poll(0.01):
                msg = parent.recv()
                if msg != "saved":
                    acked.append(msg)
                if started is None and len(acked) >= min_acks:
                    started = time.monotonic()
            if started is not None and time.monotonic() - started >= kill_after:
                break
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        _drain(parent, acked)
    finally:
        if proc.is_alive():
            proc.kill()
    assert proc.exitcode == -signal.SIGKILL
    assert len(acked) >= min_acks
    return acked


def _drain(conn: Connection, acked: list[str]) -> None:
    try:
        while conn.poll(0.05):
            msg = conn.recv()
            if msg != "saved":
                acked.append(msg)
    except (EOFError, OSError):
        pass


def recall_at_1(cache: SemanticCache, texts: list[str]) -> float:
    found = 0
    for text in texts:
        hit = cache.get("paraphrase", embedding=text_vector(text, DIM) * 0.999)
        found += hit is not None and hit.matched_query == text and hit.layer == "semantic"
    return found / len(texts)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_before_the_index_was_saved(tmp_path: Path, trial: int) -> None:
    db = tmp_path / "crash.db"
    acked = run_and_kill(crash_writer, (str(db), DIM), 20, trial)
    assert not (tmp_path / "crash.db.index" / "CURRENT").exists()  # never saved
    emb = TableEmbedder(DIM)
    cache = SemanticCache(db, emb, similarity_threshold=0.99, judge=None)
    assert recall_at_1(cache, acked) == 1.0
    assert emb.calls == []  # rebuilt from stored vectors, never re-embedded
    assert cache.check() == []
    assert cache.health()["index"]["in_sync"]
    cache.close()


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_after_an_older_index_was_saved(tmp_path: Path, trial: int) -> None:
    db = tmp_path / "lag.db"
    acked = run_and_kill(saving_writer, (str(db), DIM, 15), 25, 100 + trial)
    assert (tmp_path / "lag.db.index" / "CURRENT").exists()
    cache = SemanticCache(db, TableEmbedder(DIM), similarity_threshold=0.99, judge=None)
    assert cache.stats().index_entries >= len(acked)  # caught up past the saved index
    assert recall_at_1(cache, acked) == 1.0
    assert cache.check() == []
    cache.close()
    # Acked entries are byte-identical in the store (I1): the exact layer returns them.
    again = SemanticCache(db, TableEmbedder(DIM), judge=None)
    for text in acked[:: max(1, len(acked) // 20)]:
        hit = again.get(text)
        assert hit is not None and hit.layer == "exact"
        assert np.allclose(hit.embedding, text_vector(text, DIM))  # type: ignore[arg-type]
    again.close()


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_during_an_export_leaves_a_whole_file_or_none(tmp_path: Path, trial: int) -> None:
    db = tmp_path / "src.db"
    cache = SemanticCache(db, TableEmbedder(DIM), judge=None)
    for i in range(3000):
        cache.put(f"entry {i}", "x" * 200, embedding=text_vector(f"entry {i}", DIM))
    cache.close()
    dest = tmp_path / "out.tar.gz"
    parent, child = CTX.Pipe(duplex=False)
    proc = CTX.Process(target=dumping_child, args=(str(db), DIM, str(dest), child))
    proc.start()
    child.close()
    assert parent.poll(60) and parent.recv() == "ready"
    time.sleep(random.Random(trial).uniform(0.0, 0.5))
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    if dest.exists():
        restored = SemanticCache.loads(dest, tmp_path / "restored.db", TableEmbedder(DIM))
        assert restored.stats().entries == 3000 and restored.check() == []
        restored.close()
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.tar.gz.tmp-")]
    assert len(leftovers) <= 1  # the killed writer's temp file, never taken for the real one


@pytest.mark.parametrize("trial", range(TRIALS))
def test_killed_during_vacuum_or_compact(tmp_path: Path, trial: int) -> None:
    """RELIABILITY test 2: a killed vacuum/compact/index save leaves pre- or post-op state."""
    db = tmp_path / "maint.db"
    cache = SemanticCache(db, TableEmbedder(DIM), judge=None)
    keep = [f"kept {i}" for i in range(3000)]
    brief = [f"brief {i}" for i in range(6000)]
    gone = keep[:500]
    cache.put_many(keep, keep, embeddings=np.stack([text_vector(t, DIM) for t in keep]))
    cache.put_many(brief, brief, embeddings=np.stack([text_vector(t, DIM) for t in brief]), ttl=0.5)
    for text in gone:
        cache.delete(text)  # tombstones for compact() to reclaim
    cache.save_index()
    cache.close()
    time.sleep(0.6)  # the brief entries expire; only vacuum would remove them
    parent, child = CTX.Pipe(duplex=False)
    proc = CTX.Process(target=maintenance_child, args=(str(db), DIM, child))
    proc.start()
    child.close()
    assert parent.poll(60) and parent.recv() == "ready"
    time.sleep(random.Random(trial).uniform(0.0, 0.6))
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL

    emb = TableEmbedder(DIM)
    cache = SemanticCache(db, emb, similarity_threshold=0.99, judge=None)
    assert cache.check() == []
    assert cache.health()["index"]["in_sync"]
    live = keep[500:]
    assert recall_at_1(cache, live[::25]) == 1.0
    for text in live[::50]:
        hit = cache.get(text)
        assert hit is not None and hit.layer == "exact" and hit.response == text
    assert emb.calls == []  # the index was caught up from stored vectors, not re-embedded
    for text in gone[::50] + brief[::300]:  # deleted or expired: never served
        assert cache.get(text) is None
    assert cache.stats().entries >= len(live)
    cache.vacuum()
    assert cache.stats().entries == len(live) and cache.check() == []
    cache.close()
