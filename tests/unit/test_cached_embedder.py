"""CachedEmbedder / AsyncCachedEmbedder (SPEC §1): only misses reach the embedder."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from helpers import AsyncHashEmbedder, HashEmbedder, hash_vector, run_threads, store_fingerprint
from nearcache import (
    AsyncCachedEmbedder,
    CacheClosedError,
    CachedEmbedder,
    DimensionMismatchError,
    EmbeddingCache,
    FunctionEmbedder,
    InvalidInputError,
    InvalidTypeError,
    NonFiniteVectorError,
    SparseVector,
    SQLiteStore,
)
from nearcache.embedders.protocol import AsyncFunctionEmbedder, default_namespace


def test_only_misses_are_embedded_in_input_order() -> None:
    emb = HashEmbedder()
    ce = CachedEmbedder(emb)
    out = ce.embed(["a", "b", "a", "c"])
    assert out.shape == (4, 32)
    assert sorted(emb.seen) == ["a", "b", "c"]
    assert np.array_equal(out[0], out[2]) and np.allclose(out[1], hash_vector("b", 32))
    out2 = ce.embed(["c", "d", "a"])
    assert emb.seen[-1:] == ["d"]
    assert np.allclose(out2[0], out[3]) and np.allclose(out2[2], out[0])
    st = ce.stats()
    assert (st.texts, st.unique, st.hits, st.embedded, st.embedder_calls) == (7, 6, 2, 4, 2)
    assert st.hit_rate == pytest.approx(2 / 6)
    assert st.cache is not None and st.cache.entries == 4


def test_whitespace_variants_share_one_embedding() -> None:
    emb = HashEmbedder()
    ce = CachedEmbedder(emb)
    ce.embed(["hello  world", "hello world", " hello world\n"])
    assert emb.seen == ["hello  world"]


def test_empty_input_makes_no_call() -> None:
    emb = HashEmbedder()
    out = CachedEmbedder(emb).embed([])
    assert out.shape == (0, 32) and emb.calls == []


def test_batch_size_bounds_each_call() -> None:
    emb = HashEmbedder()
    CachedEmbedder(emb, batch_size=3).embed([str(i) for i in range(10)])
    assert [len(c) for c in emb.calls] == [3, 3, 3, 1]


def test_progress_callback() -> None:
    seen: list[tuple[int, int]] = []
    CachedEmbedder(HashEmbedder(), batch_size=4, progress=lambda d, t: seen.append((d, t))).embed(
        [str(i) for i in range(10)]
    )
    assert seen == [(4, 10), (8, 10), (10, 10)]


def test_shared_across_processes_through_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    first = HashEmbedder()
    CachedEmbedder(first, EmbeddingCache(path=str(db))).embed(["x", "y"])
    second = HashEmbedder()
    out = CachedEmbedder(second, EmbeddingCache(path=str(db))).embed(["y", "x", "z"])
    assert second.seen == ["z"]
    assert np.allclose(out[0], hash_vector("y", 32))


def test_different_fingerprints_never_share_vectors() -> None:
    cache = EmbeddingCache()
    a = HashEmbedder(name="same")
    b = HashEmbedder(name="same")
    b.fingerprint = "test/same@2;dim=32"  # a new revision of the model
    CachedEmbedder(a, cache).embed(["t"])
    CachedEmbedder(b, cache).embed(["t"])
    assert b.seen == ["t"]


def test_default_namespace() -> None:
    emb = HashEmbedder(name="tiny")
    assert default_namespace(emb) == "test.tiny.dense"
    assert CachedEmbedder(emb).namespace == "test.tiny.dense"
    fe = FunctionEmbedder(lambda t: np.ones((len(t), 2)), dim=2, name="ones", revision="r1")
    assert default_namespace(fe) == "function.ones.dense"
    assert "ones@r1" in fe.fingerprint
    assert CachedEmbedder(emb, namespace="custom.ns.dense").namespace == "custom.ns.dense"


@pytest.mark.parametrize("name", ["", "   ", None])
@pytest.mark.parametrize("cls", [FunctionEmbedder, AsyncFunctionEmbedder])
def test_a_function_embedder_needs_a_model_name(cls: type, name: str | None) -> None:
    """``FunctionEmbedder(fn, 3, name="")`` made the fingerprint "function/@unversioned"
    and the namespace "function.<fingerprint>.dense": two unnamed functions of one
    dimension shared each other's cached vectors, and CachedEmbeddings(model="") did too."""

    async def afn(t: list[str]) -> object:
        return np.ones((len(t), 3))

    fn = afn if cls is AsyncFunctionEmbedder else (lambda t: np.ones((len(t), 3)))
    error = InvalidTypeError if name is None else InvalidInputError
    with pytest.raises(error, match=r"^name must (not be blank|be str, not NoneType)"):
        cls(fn, 3, name=name)


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"ttl": 60}, "ttl (did you mean cache=EmbeddingCache(default_ttl=...)?)"),
        ({"store": "x"}, "store (did you mean cache=EmbeddingCache(store)?)"),
        ({"namespce": "n"}, "namespce (did you mean namespace?)"),
        ({"colour": 1}, "argument: colour"),
    ],
)
@pytest.mark.parametrize("cls", [CachedEmbedder, AsyncCachedEmbedder])
def test_an_unknown_option_is_named_with_the_one_meant(
    cls: type, kwargs: dict[str, object], hint: str
) -> None:
    """``CachedEmbedder(emb, ttl=60)`` said "_Base.__init__() got an unexpected keyword
    argument 'ttl'", naming a class of the insides, and not where a TTL goes."""
    with pytest.raises(InvalidTypeError) as info:
        cls(HashEmbedder(), **kwargs)
    message = str(info.value)
    assert message.startswith(f"{cls.__name__}() got an unexpected keyword argument: "), message
    assert hint in message, message


def test_an_async_embedder_needs_the_async_class() -> None:
    """``CachedEmbedder(AsyncFunctionEmbedder(...))`` was kept, and each ``embed`` failed
    with "embedder output cannot be read as a numeric matrix ... not 'coroutine'"; the
    semantic cache refuses the same embedder naming ``AsyncSemanticCache``."""

    async def vectors(texts: list[str]) -> object:
        return np.ones((len(texts), 4))

    emb = AsyncFunctionEmbedder(vectors, 4, "async-ones")
    with pytest.raises(InvalidTypeError, match=r"embedder is async .*; use AsyncCachedEmbedder$"):
        CachedEmbedder(emb, EmbeddingCache())
    assert asyncio.run(AsyncCachedEmbedder(emb, EmbeddingCache()).embed(["a"])).shape == (1, 4)


def test_embed_one_names_its_own_argument() -> None:
    """``embed_one(["a"])`` said "texts[0] must be str, not list": no texts was given."""
    cached = CachedEmbedder(HashEmbedder(), EmbeddingCache())
    with pytest.raises(InvalidTypeError, match=r"^text must be str, not list: embed\(\) takes"):
        cached.embed_one(["a"])  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^text must be str, not NoneType$"):
        cached.embed_one(None)  # type: ignore[arg-type]
    acached = AsyncCachedEmbedder(HashEmbedder(), EmbeddingCache())
    with pytest.raises(InvalidTypeError, match=r"^text must be str, not list: embed\(\) takes"):
        asyncio.run(acached.embed_one(["a"]))  # type: ignore[arg-type]
    assert cached.embed_one("a").shape == (HashEmbedder().dim,)


# ------------------------------------------------------------------ bad embedders


class Broken:
    dim = 4
    fingerprint = "broken@1"

    def __init__(self, fn):  # type: ignore[no-untyped-def]
        self.fn = fn

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.fn(texts)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("fn", "error"),
    [
        (lambda t: np.ones((len(t) + 1, 4)), DimensionMismatchError),
        (lambda t: np.ones((len(t), 5)), DimensionMismatchError),
        (lambda t: np.full((len(t), 4), np.nan), NonFiniteVectorError),
        (lambda t: np.ones(4), Exception),
    ],
)
def test_bad_embedder_output_caches_nothing(fn, error) -> None:  # type: ignore[no-untyped-def]
    cache = EmbeddingCache()
    ce = CachedEmbedder(Broken(fn), cache, batch_size=2)
    before = store_fingerprint(cache.store)
    with pytest.raises(error):
        ce.embed(["a", "b"])
    assert store_fingerprint(cache.store) == before
    assert len(cache.flights) == 0


def test_failing_batch_keeps_earlier_batches() -> None:
    calls = {"n": 0}

    def fn(texts: Sequence[str]) -> np.ndarray:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("rate limited")
        return np.ones((len(texts), 4))

    cache = EmbeddingCache()
    ce = CachedEmbedder(Broken(fn), cache, batch_size=2)
    with pytest.raises(RuntimeError):
        ce.embed(["a", "b", "c", "d"])
    assert cache.stats().entries == 2  # the first batch was complete and is kept
    assert len(cache.flights) == 0


def test_non_embedder_is_rejected() -> None:
    with pytest.raises(InvalidTypeError, match="embed"):
        CachedEmbedder(object())
    with pytest.raises(TypeError):
        CachedEmbedder(HashEmbedder()).embed("a single string")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        CachedEmbedder(HashEmbedder(), batch_size=0)


def test_sparse_embedder() -> None:
    class Sparse:
        dim = 1000
        fingerprint = "splade@1"
        kind = "sparse"
        provider = "test"
        model = "splade"

        def __init__(self) -> None:
            self.seen: list[str] = []

        def embed(self, texts: Sequence[str]) -> list[SparseVector]:
            self.seen += texts
            return [SparseVector([len(t)], [1.0]) for t in texts]

    emb = Sparse()
    ce = CachedEmbedder(emb)
    out = ce.embed(["ab", "abc", "ab"])
    assert out == [SparseVector([2], [1.0]), SparseVector([3], [1.0]), SparseVector([2], [1.0])]
    assert ce.namespace == "test.splade.sparse"
    ce.embed(["abc"])
    assert emb.seen == ["ab", "abc"]


# ------------------------------------------------------------------ single flight


def test_single_flight_across_threads() -> None:
    emb = HashEmbedder(delay=0.2)
    ce = CachedEmbedder(emb)
    texts = [f"t{i}" for i in range(20)]
    results: list[np.ndarray] = []
    barrier = threading.Barrier(8)

    def worker(_: int) -> None:
        barrier.wait()
        results.append(ce.embed(texts))

    run_threads(worker, 8)
    assert sorted(emb.seen) == sorted(texts)  # each text embedded exactly once
    assert all(np.array_equal(r, results[0]) for r in results)
    assert len(ce.cache.flights) == 0


def test_leader_failure_reaches_followers_without_hanging() -> None:
    gate = threading.Event()
    calls = {"n": 0}
    lock = threading.Lock()

    def fn(texts: Sequence[str]) -> np.ndarray:
        with lock:
            calls["n"] += 1
            first = calls["n"] == 1
        if first:
            gate.wait(5)
            raise RuntimeError("leader failed")
        return np.ones((len(texts), 4))

    ce = CachedEmbedder(Broken(fn))
    errors: list[BaseException] = []
    outs: list[np.ndarray] = []

    def run() -> None:
        try:
            outs.append(ce.embed(["same"]))
        except BaseException as exc:
            errors.append(exc)

    leader = threading.Thread(target=run)
    leader.start()
    while len(ce.cache.flights) == 0:
        pass
    follower = threading.Thread(target=run)
    follower.start()
    gate.set()
    leader.join(10)
    follower.join(10)
    assert not leader.is_alive() and not follower.is_alive()
    assert len(errors) == 1 and "leader failed" in str(errors[0])
    assert len(outs) == 1  # the follower retried once and succeeded
    assert calls["n"] == 2


async def test_async_single_flight_across_tasks() -> None:
    emb = AsyncHashEmbedder(delay=0.05)
    ce = AsyncCachedEmbedder(emb)
    results = await asyncio.gather(*(ce.embed(["a", "b", "c"]) for _ in range(10)))
    assert sorted(emb.seen) == ["a", "b", "c"]
    assert all(np.array_equal(r, results[0]) for r in results)
    st = ce.stats()
    assert st.embedded == 3 and st.waited > 0


async def test_async_with_sync_embedder_and_function_embedder() -> None:
    emb = HashEmbedder()
    ce = AsyncCachedEmbedder(emb)
    out = await ce.embed(["x", "y"])
    assert out.shape == (2, 32) and (await ce.embed_one("x")).shape == (32,)
    assert emb.seen == ["x", "y"]

    async def fn(texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 3))

    afe = AsyncFunctionEmbedder(fn, dim=3, name="aones")
    assert (await AsyncCachedEmbedder(afe).embed(["q"])).shape == (1, 3)


async def test_cancelled_leader_lets_followers_finish() -> None:
    # The leader's embed hangs until it is cancelled; each step waits for the state it
    # needs (the leader's flight, the follower counted as waiting), never for a time.
    emb = AsyncHashEmbedder()
    hang = asyncio.Event()

    class FirstHangs(AsyncHashEmbedder):
        async def embed(self, texts: Sequence[str]) -> np.ndarray:  # type: ignore[override]
            if not self.calls:
                self.calls.append(list(texts))
                await hang.wait()  # never set: only the cancellation ends it
            return await emb.embed(texts)

    ce = AsyncCachedEmbedder(FirstHangs())

    async def until(cond: Callable[[], bool]) -> None:
        for _ in range(3000):
            if cond():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the state never came")

    leader = asyncio.create_task(ce.embed(["slow"]))
    await until(lambda: len(ce.cache.flights) == 1)
    follower = asyncio.create_task(ce.embed(["slow"]))
    await until(lambda: ce.stats().waited == 1)
    leader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leader
    out = await asyncio.wait_for(follower, 30)
    assert np.allclose(out[0], hash_vector("slow", 32))
    assert emb.seen == ["slow"]  # the follower embedded it once, after the leader was gone
    await until(lambda: len(ce.cache.flights) == 0)
    assert ce.cache.check() == []


def test_a_closed_cache_is_reported_as_the_cache_reports_it(tmp_path: Path) -> None:
    # The embedder said "store sqlite:///... is closed" (its store's words) where the
    # cache's own calls say "EmbeddingCache is closed"; over a store the cache does not
    # own (still open), it went on reading and writing through the closed cache.
    owned = EmbeddingCache(path=tmp_path / "owned.db")
    shared = SQLiteStore(tmp_path / "shared.db")
    borrowed = EmbeddingCache(shared)
    for cache in (owned, borrowed):
        sync, aio = (
            CachedEmbedder(HashEmbedder(), cache),
            AsyncCachedEmbedder(HashEmbedder(), cache),
        )
        sync.embed(["seen"])
        cache.close()
        with pytest.raises(CacheClosedError) as own:
            cache.get_many(["seen"], sync.namespace)
        assert str(own.value) == "EmbeddingCache is closed"
        for texts in (["seen"], ["never seen"]):
            with pytest.raises(CacheClosedError, match=r"^EmbeddingCache is closed$"):
                sync.embed(texts)
            with pytest.raises(CacheClosedError, match=r"^EmbeddingCache is closed$"):
                asyncio.run(aio.embed(texts))
    _, found = EmbeddingCache(shared).get_many(["seen", "never seen"], sync.namespace)
    assert found.tolist() == [True, False]  # nothing was written through the closed cache
    shared.close()
