"""Functions run in spawned child processes by the fault tests (must be importable)."""

from __future__ import annotations

import os
from multiprocessing.connection import Connection
from typing import Any

import numpy as np


def vector_for(text: str, dim: int = 16) -> np.ndarray:
    seed = int.from_bytes(text.encode()[:8].ljust(8, b"\0"), "little") ^ len(text)
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return v


def sqlite_writer(path: str, worker: int, count: int, conn: Connection) -> None:
    """Put ``count`` texts one batch of 8 at a time; report each acked batch."""
    from nearcache import EmbeddingCache

    cache = EmbeddingCache(path=path)
    for b in range(count // 8):
        texts = [f"w{worker}-{b}-{i}" for i in range(8)]
        cache.put_many(texts, np.stack([vector_for(t) for t in texts]), "proc.test.dense")
        conn.send(texts)
        _, mask = cache.get_many(texts[:2], "proc.test.dense")
        assert mask.all()
    conn.send(None)
    cache.close()


def open_together(path: str, n: int, barrier: Any, queue: Any) -> None:
    """Open one new file at the same moment as the others, put ``text {n}``, report."""
    from nearcache import EmbeddingCache

    barrier.wait()
    try:
        cache = EmbeddingCache(path=path)
        cache.put(f"text {n}", vector_for(f"text {n}", 4), "p.m.dense")
        cache.close()
        queue.put(None)
    except Exception as exc:  # reported to the test, which asserts there was none
        queue.put(repr(exc))


def crash_writer(path: str, batch: int, conn: Connection) -> None:
    """Loop put_many batches forever, acknowledging each after it returns."""
    from nearcache import EmbeddingCache

    cache = EmbeddingCache(path=path)
    pid = os.getpid()
    b = 0
    while True:
        texts = [f"p{pid}-b{b}-i{i}" for i in range(batch)]
        cache.put_many(texts, np.stack([vector_for(t) for t in texts]), "crash.test.dense")
        conn.send(b)
        b += 1


def shared_embedder_worker(path: str, texts: list[str], conn: Connection) -> None:
    """Embed ``texts`` through a cache on a shared SQLite file; report what we embedded."""
    import sys

    sys.path.insert(0, os.path.dirname(__file__))
    from helpers import HashEmbedder
    from nearcache import CachedEmbedder, EmbeddingCache

    emb = HashEmbedder()
    CachedEmbedder(emb, EmbeddingCache(path=path)).embed(texts)
    conn.send(emb.seen)


def single_flight_worker(
    path: str,
    texts: list[str],
    start: object,
    conn: Connection,
    delay: float,
    fail: bool,
    lease_ttl: float = 30.0,
    threads: int = 1,
) -> None:
    """Wait for ``start``, then embed ``texts`` from ``threads`` threads at once."""
    import sys
    import threading

    sys.path.insert(0, os.path.dirname(__file__))
    from helpers import HashEmbedder
    from nearcache import CachedEmbedder, EmbeddingCache

    class Failing(HashEmbedder):
        def embed(self, batch):  # type: ignore[no-untyped-def]
            super().embed(batch)
            raise RuntimeError("leader failed")

    emb = (Failing if fail else HashEmbedder)(delay=delay)
    cached = CachedEmbedder(emb, EmbeddingCache(path=path), lease_ttl=lease_ttl)
    outcome: list[str] = []

    def run() -> None:
        try:
            cached.embed(texts)
            outcome.append("ok")
        except RuntimeError as exc:
            outcome.append(f"error: {exc}")

    start.wait()  # type: ignore[attr-defined]
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    conn.send((emb.seen, outcome))


def stress_worker(path: str, worker: int, seconds: float, conn: Connection) -> None:
    """RELIABILITY test 4: 2 threads of random put/get/delete/touch on one SQLite file.

    Shared keys are written by everyone; each put's acknowledged namespace version (taken
    inside the write transaction) orders the writes. Private keys belong to one thread,
    which also deletes them, so their final state is known exactly.
    """
    import random
    import threading
    import time

    from nearcache import SQLiteStore, StoreTimeoutError
    from nearcache.stores.protocol import Item

    store = SQLiteStore(path, timeout=20)
    from nearcache import content_hash

    shared = [content_hash(f"shared {i}") for i in range(40)]
    log: list[tuple[str, str, str, int, bytes | None]] = []  # (kind, ns, key, version, value)
    errors: list[str] = []
    timeouts = [0]
    lock = threading.Lock()

    def run(thread: int) -> None:
        rng = random.Random(worker * 100 + thread)
        mine = [f"{worker:02x}{thread:02x}{i:04x}" + "e" * 56 for i in range(20)]
        state: dict[tuple[str, str], bytes | None] = {}
        seq = 0
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            ns = rng.choice(["alpha", "beta"])
            op = rng.random()
            try:
                if op < 0.4:
                    keys = rng.sample(shared, rng.randint(1, 4))
                    seq += 1
                    vals = [f"w{worker}.{thread}.{seq}.{k[-4:]}".encode() for k in keys]
                    version = store.put_many(
                        "kv", ns, [Item(k, v) for k, v in zip(keys, vals)], now=1.0
                    )
                    with lock:
                        log.extend(("shared", ns, k, version, v) for k, v in zip(keys, vals))
                elif op < 0.6:
                    key = rng.choice(mine)
                    seq += 1
                    value = f"p{worker}.{thread}.{seq}".encode()
                    store.put_many("kv", ns, [Item(key, value)], now=1.0)
                    state[(ns, key)] = value
                elif op < 0.7:
                    key = rng.choice(mine)
                    store.delete_many("kv", ns, [key])
                    state[(ns, key)] = None
                else:  # read (and touch) a mix of shared and private keys
                    keys = rng.sample(shared, 3) + rng.sample(mine, 2)
                    got = store.get_many("kv", ns, keys, now=1.0, touch=True)
                    for k, v in zip(keys[3:], got[3:]):
                        if (ns, k) in state and state[(ns, k)] != v:
                            errors.append(
                                f"private key {k[-6:]} read {v!r}, wrote {state[(ns, k)]!r}"
                            )
            except StoreTimeoutError:
                timeouts[0] += 1
            except Exception as exc:  # anything else is a bug the parent reports
                errors.append(f"{type(exc).__name__}: {exc}")
        with lock:
            log.extend(("private", ns_, k, 0, v) for (ns_, k), v in state.items())

    threads = [threading.Thread(target=run, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    conn.send((log, errors, timeouts[0]))


def quota_writer(path: str, worker: int, seconds: float, quota: int, conn: Connection) -> None:
    """Put into semantic namespace "A" (with a quota) until time is up; report the count."""
    import time

    from helpers import HashEmbedder
    from nearcache import SemanticCache

    cache = SemanticCache(
        path=path,
        embedder=HashEmbedder(dim=16),
        namespace_quotas={"A": quota},
        multi_process_mode="shared",
        judge=None,
    )
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        size = 1 + n % 8
        queries = [f"w{worker} q{n + i}" for i in range(size)]
        cache.put_many(queries, [f"answer to {q}" for q in queries], namespace="A")
        n += size
    conn.send(n)
    cache.close()


def budget_writer(path: str, worker: int, seconds: float, budget: int, conn: Connection) -> None:
    """put_many into an EmbeddingCache with a byte budget until time is up."""
    import time

    from nearcache import EmbeddingCache

    cache = EmbeddingCache(path=path, max_bytes=budget)
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        texts = [f"w{worker}-{n}-{i}" for i in range(16)]
        cache.put_many(texts, np.stack([vector_for(t, 64) for t in texts]), "A.test.dense")
        n += 16
    conn.send(n)
    cache.close()


def semantic_putter(url: str, dim: int, items: list[tuple[str, list[float], str]]) -> None:
    """Open the semantic cache on ``url`` with default settings and put ``items``."""
    from nearcache import FunctionEmbedder, SemanticCache
    from nearcache.stores.url import open_store

    def unused(texts: list[str]) -> np.ndarray:
        raise AssertionError("the writer passes embeddings")

    cache = SemanticCache(
        store=open_store(url), embedder=FunctionEmbedder(unused, dim, "fresh"), judge=None
    )
    for query, vec, answer in items:
        cache.put(query, answer, embedding=np.array(vec, dtype=np.float32))
    cache.close()


def semantic_changer(url: str, dim: int, op: str, query: str, answer: str) -> None:
    """Open the semantic cache on ``url`` and ``put`` (answer at e0), ``delete`` or
    ``clear`` -- another process's write for the freshness tests."""
    from nearcache import FunctionEmbedder, SemanticCache
    from nearcache.stores.url import open_store

    def unused(texts: list[str]) -> np.ndarray:
        raise AssertionError("the writer passes embeddings")

    cache = SemanticCache(
        store=open_store(url), embedder=FunctionEmbedder(unused, dim, "fresh"), judge=None
    )
    if op == "put":
        vec = np.zeros(dim, dtype=np.float32)
        vec[0] = 1.0
        cache.put(query, answer, embedding=vec)
    elif op == "delete":
        assert cache.delete(query)
    else:
        cache.clear()
    cache.close()
