"""Functions run in spawned child processes by the fault tests (must be importable)."""

from __future__ import annotations

import os
from multiprocessing.connection import Connection

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
