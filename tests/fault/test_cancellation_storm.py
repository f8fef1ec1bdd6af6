"""RELIABILITY test 10: an async cancellation storm on every store.

1,000 concurrent ``get`` / ``put_many`` calls of ``AsyncSemanticCache``, each wrapped in
``asyncio.wait_for`` with a random tiny timeout, so cancellations land at every point of
the flow (before, during and after store I/O in worker threads). Afterwards:

* every completed read returned its own key's entry (I6),
* every cancelled ``put_many`` group is all there or all absent (I2),
* threads and open descriptors (sockets, files) are back at their baseline: cancelled
  calls leak no connections,
* the cache and the store pass ``check()``.
"""

from __future__ import annotations

import asyncio
import os
import random
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from contract.kits import Kit, kind_params, kit_for
from helpers import HashEmbedder
from nearcache import AsyncSemanticCache, SemanticCache
from nearcache.stores.sqlite import SQLiteStore

DIM = 64
GROUPS = 250  # x 4 entries = 1,000 keys
CALLS = 1000


@pytest.fixture(params=kind_params(["memory", "sqlite", "redis", "postgres"]))
def kit(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Kit]:
    with kit_for(request.param, request, tmp_path) as k:
        yield k


def _vectors() -> np.ndarray:
    v = np.random.default_rng(10).standard_normal((GROUPS * 4, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _pooled(store: object) -> int:
    """Descriptors a store's connection pool holds: an SQLite store's idle connections
    (2 each: the file and its WAL), a PostgreSQL or Redis pool's connections (1 socket
    each).

    Both pools grow to the peak number of threads using them at once, which a second storm
    may push past the warm-up's; a connection that was not given back would not be here.
    """
    if isinstance(store, SQLiteStore):
        return 2 * store._db.idle
    client = getattr(store, "_client", None)
    redis_pool = getattr(client, "connection_pool", None)
    if redis_pool is not None and hasattr(redis_pool, "_available_connections"):
        # redis-py's pool: one socket per connection, idle or lent out
        return len(redis_pool._available_connections) + len(redis_pool._in_use_connections)
    pool = getattr(store, "_pool", None)
    if pool is not None and hasattr(pool, "get_stats"):
        return int(pool.get_stats().get("pool_size", 0))
    return 0


async def _storm(
    cache: AsyncSemanticCache,
    vecs: np.ndarray,
    seed: int,
    span: tuple[float, float] = (-5, 0.5),
    calls: int = CALLS,
) -> tuple[int, int, list[str]]:
    """One storm of ``calls`` calls; each call's timeout is ``10 ** uniform(*span)`` s."""
    rng = random.Random(seed)
    crossed: list[str] = []
    done = cancelled = 0

    async def put_group(g: int) -> None:
        qs = [f"group {g} item {j}" for j in range(4)]
        await cache.put_many(
            qs, [{"q": q} for q in qs], embeddings=vecs[g * 4 : g * 4 + 4], namespace="storm"
        )

    async def get_one(i: int) -> None:
        q = f"group {i // 4} item {i % 4}"
        hit = await cache.get(q, embedding=vecs[i], namespace="storm")
        if hit is not None and (hit.response != {"q": q} or hit.matched_query != q):
            crossed.append(f"{q} -> {hit.matched_query}")

    async def one(k: int) -> None:
        nonlocal done, cancelled
        call = put_group(rng.randrange(GROUPS)) if k % 2 else get_one(rng.randrange(GROUPS * 4))
        try:
            await asyncio.wait_for(call, 10 ** rng.uniform(*span))
            done += 1
        except asyncio.TimeoutError:
            cancelled += 1

    await asyncio.gather(*(one(k) for k in range(calls)))
    return done, cancelled, crossed


async def test_cancellation_storm_crosses_nothing_and_leaks_nothing(kit: Kit) -> None:
    vecs = _vectors()
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(8)  # our own, so we can wait for every queued step below
    loop.set_default_executor(pool)
    store = kit.open()
    cache = AsyncSemanticCache(
        store=store, embedder=HashEmbedder(dim=DIM), similarity_threshold=0.9
    )
    await _storm(cache, vecs, seed=1)  # warm-up: server pools and the thread pool fill up
    await asyncio.sleep(0.5)
    threads, fds, pooled = threading.active_count(), _fds(), _pooled(store)

    # Both paths must be exercised, whatever the machine's speed: storms (new seeds)
    # repeat until each side counts more than 50 calls, and a storm that followed a
    # shortage of one side draws timeouts that favour it (10 us .. 3 s by default; 3 .. 300
    # us when too few were cancelled). When too few calls finished, the calls queue for
    # the worker threads longer than their timeouts (a slow store on a loaded machine:
    # 1,000 calls of a PostgreSQL storm took over 5 s at load 14, and none finished), so
    # the next storm has half the calls (down to 125) and draws 3 ms .. 10 s.
    done = cancelled = 0
    span, calls = (-5.0, 0.5), CALLS
    for seed in range(2, 12):
        finished, timed_out, crossed = await _storm(cache, vecs, seed, span, calls)
        assert crossed == []
        done, cancelled = done + finished, cancelled + timed_out
        if done > 50 and cancelled > 50:
            break
        if done <= 50:
            span, calls = (-2.5, 1.0), max(calls // 2, CALLS // 8)
        elif cancelled <= 50:
            span = (-5.5, -3.5)
    assert cancelled > 50 and done > 50, (done, cancelled)
    # Cancelled calls' steps may still be queued or running in worker threads: wait for
    # all of them (shutting the default executor down waits), then nothing may be left.
    pool.shutdown(wait=True)
    await asyncio.sleep(0.2)  # let the finished steps' callbacks close their flows
    assert threading.active_count() <= threads
    # Every descriptor is accounted for: a server pool may have replaced a connection
    # (+2), and a pool may hold more connections than after the warm-up.
    assert _fds() <= fds + 2 + (_pooled(store) - pooled)
    loop.set_default_executor(ThreadPoolExecutor(8))

    # All or nothing per put_many group, read back through a fresh synchronous client.
    sync = SemanticCache(store=kit.open(), embedder=HashEmbedder(dim=DIM))
    for g in range(GROUPS):
        present = [
            sync.get(f"group {g} item {j}", embedding=vecs[g * 4 + j], namespace="storm")
            is not None
            for j in range(4)
        ]
        assert len(set(present)) == 1, (g, present)
    assert await cache.check() == []
    assert sync.check() == []
    sync.close()
    await cache.close()
