"""Threads, processes and SIGKILL against the embedding cache (issue: foundation)."""

from __future__ import annotations

import multiprocessing as mp
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import workers
from helpers import run_threads
from nearcache import EmbeddingCache, MemoryStore, SQLiteStore

NS = "conc.test.dense"
CTX = mp.get_context("spawn")
TRIALS = int(os.environ.get("NEARCACHE_KILL_TRIALS", "10"))


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_eight_threads_mixed_get_put(kind: str, tmp_path: Path) -> None:
    store = MemoryStore() if kind == "memory" else SQLiteStore(tmp_path / "t.db")
    cache = EmbeddingCache(store)
    acked: dict[str, np.ndarray] = {}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(w: int) -> None:
        rng = random.Random(w)
        try:
            for i in range(150):
                if rng.random() < 0.5:
                    texts = [f"w{w}-{i}-{j}" for j in range(rng.randint(1, 6))]
                    vecs = np.stack([workers.vector_for(t) for t in texts])
                    cache.put_many(texts, vecs, NS)
                    with lock:
                        acked.update(zip(texts, vecs))
                else:
                    with lock:
                        sample = rng.sample(sorted(acked), min(5, len(acked)))
                    got, mask = cache.get_many(sample, NS)
                    assert mask.all()
                    for t, v in zip(sample, got):  # type: ignore[arg-type]
                        assert np.array_equal(v, workers.vector_for(t))
        except BaseException as exc:
            errors.append(exc)

    run_threads(worker, 8)
    assert errors == []
    texts = sorted(acked)
    got, mask = cache.get_many(texts, NS)
    assert mask.all()
    assert np.array_equal(got, np.stack([acked[t] for t in texts]))
    assert cache.stats(NS).entries == len(acked)
    assert cache.check() == []


def test_four_processes_write_one_sqlite_file(tmp_path: Path) -> None:
    path = str(tmp_path / "p.db")
    pipes, procs = [], []
    for w in range(4):
        parent, child = CTX.Pipe(duplex=False)
        p = CTX.Process(target=workers.sqlite_writer, args=(path, w, 200, child))
        p.start()
        child.close()
        pipes.append(parent)
        procs.append(p)
    acked: list[str] = []
    for conn in pipes:
        while (msg := conn.recv()) is not None:
            acked.extend(msg)
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = EmbeddingCache(path=path)
    got, mask = cache.get_many(acked, "proc.test.dense")
    assert len(acked) == 800 and mask.all()
    assert np.array_equal(got, np.stack([workers.vector_for(t) for t in acked]))
    assert cache.stats("proc.test.dense").entries == 800
    assert cache.check() == []


def test_shared_sqlite_file_embeds_each_text_once_across_processes(tmp_path: Path) -> None:
    path = str(tmp_path / "s.db")
    texts = [f"doc {i}" for i in range(50)]
    parent, child = CTX.Pipe(duplex=False)
    p = CTX.Process(target=workers.shared_embedder_worker, args=(path, texts[:30], child))
    p.start()
    child.close()  # a child that dies makes recv() fail, not hang
    first = parent.recv()
    p.join(60)
    parent2, child2 = CTX.Pipe(duplex=False)
    p2 = CTX.Process(target=workers.shared_embedder_worker, args=(path, texts, child2))
    p2.start()
    child2.close()
    second = parent2.recv()
    p2.join(60)
    assert sorted(first) == sorted(texts[:30]) and sorted(second) == sorted(texts[30:])


@pytest.mark.parametrize("trial", range(TRIALS))
def test_sigkill_mid_batch_loses_no_acknowledged_batch(trial: int, tmp_path: Path) -> None:
    """RELIABILITY test 1: acked batches complete, no partial batch, integrity ok."""
    path = str(tmp_path / "k.db")
    EmbeddingCache(path=path).close()  # create the schema before the child races it
    parent, child = CTX.Pipe(duplex=False)
    proc = CTX.Process(target=workers.crash_writer, args=(path, 64, child))
    proc.start()
    child.close()
    while not parent.poll(10):  # wait for the first ack so the kill lands mid-run
        pass
    time.sleep(random.Random(trial).uniform(0.0, 0.5))
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    acked: list[int] = []
    while parent.poll():
        try:
            acked.append(parent.recv())
        except EOFError:
            break
    assert acked, "the writer acknowledged nothing"

    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    cache = EmbeddingCache(path=path)
    ns = "crash.test.dense"
    last = acked[-1]
    for b in range(last + 2):  # every acked batch, plus the one in flight
        texts = [f"p{proc.pid}-b{b}-i{i}" for i in range(64)]
        got, mask = cache.get_many(texts, ns)
        if b <= last:
            assert mask.all(), f"acknowledged batch {b} lost entries"
        assert mask.all() or not mask.any(), f"batch {b} is partially visible"
        if mask.all():
            assert np.array_equal(got, np.stack([workers.vector_for(t) for t in texts]))
    assert cache.check() == []
    cache.close()
