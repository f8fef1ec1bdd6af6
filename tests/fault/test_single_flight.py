"""RELIABILITY test 6: single-flight across threads and processes, failing and killed leaders."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import numpy as np

import workers
from helpers import HashEmbedder, hash_vector
from nearcache import CachedEmbedder, EmbeddingCache

CTX = mp.get_context("spawn")
NS = "test.hash.dense"


def start_workers(path: str, texts: list[str], n: int, **kw: object) -> tuple[list, object, list]:
    start = CTX.Event()
    procs, pipes = [], []
    for _ in range(n):
        parent, child = CTX.Pipe(duplex=False)
        p = CTX.Process(
            target=workers.single_flight_worker,
            args=(path, texts, start, child),
            kwargs=kw,
        )
        p.start()
        child.close()  # the child's end: a child that dies makes recv() fail, not hang
        procs.append(p)
        pipes.append(parent)
    return procs, start, pipes


def wait_for_leases(cache: EmbeddingCache, n: int) -> None:
    deadline = time.monotonic() + 30
    while cache.store.info("lease", NS).entries < n:  # the leader holds its leases
        assert time.monotonic() < deadline, "the leader never took its leases"
        time.sleep(0.02)


def test_processes_and_threads_embed_each_text_once(tmp_path: Path) -> None:
    path = str(tmp_path / "sf.db")
    EmbeddingCache(path=path).close()
    texts = [f"shared text {i}" for i in range(30)]
    procs, start, pipes = start_workers(path, texts, 8, delay=0.3, fail=False, threads=4)
    time.sleep(1.0)  # let every child import and open the store
    start.set()  # type: ignore[attr-defined]
    seen: list[str] = []
    for conn, p in zip(pipes, procs):
        embedded, outcome = conn.recv()
        seen.extend(embedded)
        assert outcome == ["ok"] * 4
        p.join(30)
    assert sorted(seen) == sorted(texts), "a text was embedded more than once (or never)"
    cache = EmbeddingCache(path=path)
    got, mask = cache.get_many(texts, NS)
    assert mask.all()
    assert np.allclose(got, np.stack([hash_vector(t, 32) for t in texts]))
    assert cache.check() == []


def test_failing_leader_never_hangs_followers(tmp_path: Path) -> None:
    path = str(tmp_path / "fail.db")
    EmbeddingCache(path=path).close()
    texts = [f"t{i}" for i in range(5)]
    leader, start, pipes = start_workers(path, texts, 1, delay=0.5, fail=True)
    start.set()  # type: ignore[attr-defined]
    cache = EmbeddingCache(path=path)
    wait_for_leases(cache, len(texts))
    follower = HashEmbedder()
    t0 = time.monotonic()
    # a follower that did not see the leader fail would wait out its wait_timeout (an hour
    # here) before embedding itself; 120 s tells the two apart on any loaded machine
    out = CachedEmbedder(follower, cache, wait_timeout=3600.0).embed(texts)
    assert time.monotonic() - t0 < 120
    _, outcome = pipes[0].recv()
    leader[0].join(10)
    assert outcome == ["error: leader failed"]
    assert sorted(follower.seen) == sorted(texts)  # one retry after the leader failed
    assert np.allclose(out, np.stack([hash_vector(t, 32) for t in texts]))


def test_killed_leaders_lease_expires_and_next_caller_proceeds(tmp_path: Path) -> None:
    path = str(tmp_path / "kill.db")
    EmbeddingCache(path=path).close()
    texts = [f"k{i}" for i in range(5)]
    leader, start, _pipes = start_workers(path, texts, 1, delay=60.0, fail=False, lease_ttl=1.0)
    start.set()  # type: ignore[attr-defined]
    cache = EmbeddingCache(path=path)
    wait_for_leases(cache, len(texts))
    os.kill(leader[0].pid, signal.SIGKILL)
    leader[0].join(10)
    follower = HashEmbedder()
    t0 = time.monotonic()
    out = CachedEmbedder(follower, cache, lease_ttl=1.0, wait_timeout=3600.0).embed(texts)
    waited = time.monotonic() - t0
    assert sorted(follower.seen) == sorted(texts)
    # the dead leader's leases expired (ttl 1 s) and we took over, rather than waiting out
    # the hour-long wait_timeout; 120 s tells the two apart on any loaded machine
    assert waited < 120
    assert np.allclose(out, np.stack([hash_vector(t, 32) for t in texts]))
    assert cache.store.info("lease", NS).entries == 0
    assert cache.check() == []
