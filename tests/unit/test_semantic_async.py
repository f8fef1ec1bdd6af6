"""AsyncSemanticCache: the same flows as SemanticCache, driven from asyncio."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nearcache import (
    AsyncSemanticCache,
    CacheClosedError,
    Hit,
    InvalidTypeError,
    MemoryStore,
    Miss,
    SemanticCache,
)
from semantic_support import AsyncTableEmbedder, TableEmbedder, angled

DIM = 16


async def test_same_behaviour_as_the_sync_class(tmp_path: Path) -> None:
    table = {"a": angled(0), "b": angled(10), "c": angled(60)}
    script = [("put", "a", 1), ("get", "a"), ("get", "b"), ("get", "c"), ("get", "zzz")]
    sync = SemanticCache(embedder=TableEmbedder(DIM, table), similarity_threshold=0.9, judge=None)
    aemb = AsyncTableEmbedder(DIM, table)
    acache = AsyncSemanticCache(embedder=aemb, similarity_threshold=0.9, judge=None)
    for step in script:
        if step[0] == "put":
            sync.put(step[1], step[2])
            await acache.put(step[1], step[2])
            continue
        expected = sync.lookup(step[1])
        got = await acache.lookup(step[1])
        assert type(got) is type(expected)
        if isinstance(expected, Hit):
            assert isinstance(got, Hit)
            assert (got.response, got.layer, got.matched_query) == (
                expected.response,
                expected.layer,
                expected.matched_query,
            )
            assert got.similarity == pytest.approx(expected.similarity)
        else:
            assert isinstance(got, Miss) and got.reason == expected.reason
    assert aemb.seen == ["a", "b", "c", "zzz"]  # awaited; the exact hit on "a" did not embed
    assert (await acache.get("a")).response == 1  # type: ignore[union-attr]
    assert await acache.get("c") is None
    assert await acache.check() == []
    sync.close()
    await acache.close()


async def test_store_work_never_runs_on_the_event_loop() -> None:
    loop_thread = threading.current_thread()
    seen: list[threading.Thread] = []
    store = MemoryStore()
    real = store.get_many

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread())
        return real(*args, **kwargs)

    store.get_many = spy  # type: ignore[method-assign]
    cache = AsyncSemanticCache(store=store, embedder=AsyncTableEmbedder(DIM), judge=None)
    await cache.put("question", "answer")
    await cache.get("question")
    await cache.get("another question")
    assert seen and all(t is not loop_thread for t in seen)
    await cache.close()


async def test_a_sync_embedder_runs_in_a_thread() -> None:
    loop_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    class Recording(TableEmbedder):
        def embed(self, texts: Any) -> np.ndarray:
            threads.append(threading.current_thread())
            return super().embed(texts)

    async with AsyncSemanticCache(embedder=Recording(DIM), judge=None) as cache:
        await cache.put("x", 1)
        assert (await cache.get("x")).response == 1  # type: ignore[union-attr]
    assert threads and all(t is not loop_thread for t in threads)


async def test_slow_embedder_does_not_block_others() -> None:
    gate = asyncio.Event()

    class Gated(AsyncTableEmbedder):
        async def embed(self, texts: Any) -> np.ndarray:  # type: ignore[override]
            if texts == ["slow"]:
                await gate.wait()
            return await super().embed(texts)

    cache = AsyncSemanticCache(embedder=Gated(DIM), judge=None)
    await cache.put("seed", "s")
    slow = asyncio.create_task(cache.get("slow"))
    await asyncio.sleep(0.05)
    assert not slow.done()
    await cache.put("fast", "f", embedding=np.ones(DIM, dtype=np.float32))
    assert (await cache.get("fast")).response == "f"  # type: ignore[union-attr]
    gate.set()
    await slow
    assert await cache.check() == []
    await cache.close()


async def test_cancelled_lookup_leaves_the_cache_usable() -> None:
    started = asyncio.Event()

    class Hanging(AsyncTableEmbedder):
        async def embed(self, texts: Any) -> np.ndarray:  # type: ignore[override]
            if texts == ["hang"]:
                started.set()
                await asyncio.sleep(3600)
            return await super().embed(texts)

    cache = AsyncSemanticCache(embedder=Hanging(DIM), judge=None)
    await cache.put("seed", "s")
    task = asyncio.create_task(cache.get("hang"))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await cache.put("after", "a")
    assert (await cache.get("after")).response == "a"  # type: ignore[union-attr]
    assert await cache.check() == []
    await cache.close()


async def test_embedder_error_is_a_miss() -> None:
    emb = AsyncTableEmbedder(DIM)
    cache = AsyncSemanticCache(embedder=emb, judge=None)
    await cache.put("seed", "s")
    emb.fail = True
    miss = await cache.lookup("other")
    assert isinstance(miss, Miss) and miss.reason == "embedder_error"
    with pytest.raises(RuntimeError):
        await cache.put("other", "o")
    await cache.close()


async def test_many_concurrent_tasks(tmp_path: Path) -> None:
    cache = AsyncSemanticCache(
        tmp_path / "c.db", AsyncTableEmbedder(DIM), similarity_threshold=-1, judge=None
    )

    async def tenant(i: int) -> None:
        ns = f"t{i % 5}"
        await cache.put(f"prompt {i}", f"{ns}|{i}", namespace=ns)
        hit = await cache.get(f"prompt {i} again", namespace=ns)
        assert hit is not None and hit.response.startswith(ns + "|")

    await asyncio.gather(*(tenant(i) for i in range(50)))
    assert sorted(await cache.list_namespaces()) == [f"t{i}" for i in range(5)]
    assert await cache.check() == []
    await cache.close()


async def test_every_offloaded_method(tmp_path: Path) -> None:
    cache = AsyncSemanticCache(tmp_path / "m.db", AsyncTableEmbedder(DIM), judge=None)
    assert cache.dim == DIM and cache.store is not None and "AsyncSemanticCache" in repr(cache)
    for i in range(6):
        await cache.put(f"q{i}", i, namespace="a" if i % 2 else "b", ttl=None if i else 0.001)
    assert await cache.delete("q1", namespace="a")
    assert not await cache.delete("q1", namespace="a")
    await asyncio.sleep(0.01)
    assert await cache.vacuum(compact=False) == 1
    assert await cache.compact() >= 1
    assert (await cache.stats("a")).entries == 2
    assert (await cache.health())["ok"]
    await cache.requantize("float16")
    assert (await cache.get("q3", namespace="a")).response == 3  # type: ignore[union-attr]
    cache.set_similarity_threshold(0.5)
    assert cache.similarity_threshold == 0.5
    assert await cache.save_index()
    manifest = await cache.dumps(tmp_path / "m.tar.gz")
    assert manifest["counts"]["entries"] == 4
    restored = await AsyncSemanticCache.loads(
        tmp_path / "m.tar.gz", tmp_path / "r.db", AsyncTableEmbedder(DIM)
    )
    assert (await restored.get("q4", namespace="b")).response == 4  # type: ignore[union-attr]
    await restored.close()
    assert await cache.clear_namespace("a") == 2
    assert await cache.clear() == 2
    assert await cache.check() == []
    await cache.close()
    with pytest.raises(CacheClosedError):
        await cache.get("q2")


async def test_put_many_in_async() -> None:
    emb = AsyncTableEmbedder(DIM)
    async with AsyncSemanticCache(embedder=emb, judge=None) as cache:
        await cache.put_many(["a", "b", "a"], [1, 2, 3])
        assert emb.calls == [["a", "b"]]
        assert (await cache.get("a")).response == 3  # type: ignore[union-attr]
        assert await cache.check() == []


async def test_sync_with_is_refused_naming_async_with(tmp_path: Path) -> None:
    # It was Python's "'AsyncSemanticCache' object does not support the context manager
    # protocol", which does not say that `async with` is the one it supports.
    cache = AsyncSemanticCache(tmp_path / "w.db", AsyncTableEmbedder(DIM), judge=None)
    with pytest.raises(InvalidTypeError, match=r"use `async with AsyncSemanticCache") as err, cache:
        pytest.fail("the body of a refused `with` ran")
    assert isinstance(err.value, TypeError) and "\n" not in str(err.value)
    with pytest.raises(InvalidTypeError, match="async with"):
        contextlib.ExitStack().enter_context(cache)
    assert not cache.closed  # nothing was entered, so nothing was closed
    async with cache:
        await cache.put("kept", 1)
        assert (await cache.get("kept")).response == 1  # type: ignore[union-attr]
    assert cache.closed
