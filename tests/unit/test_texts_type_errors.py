"""A batch of texts given as a generator (``(d.page_content for d in docs)``) was told
"texts must be a sequence of str (a list, not a single str)", which names the wrong
mistake; the message now names the type given and what to pass."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from nearcache import CachedEmbedder, EmbeddingCache, FunctionEmbedder
from nearcache.embedders.openai import OpenAIEmbedder
from nearcache.errors import InvalidTypeError


def _cached() -> Callable[[Any], Any]:
    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    return CachedEmbedder(emb, EmbeddingCache()).embed


def _api() -> Callable[[Any], Any]:
    return OpenAIEmbedder("text-embedding-3-small", api_key="k").embed


def _cache_read() -> Callable[[Any], Any]:
    return lambda texts: EmbeddingCache().get_many(texts, namespace="n")


@pytest.mark.parametrize("entry", [_cached, _api, _cache_read])
def test_a_generator_of_texts_is_told_to_pass_a_list(entry: Callable[[], Any]) -> None:
    call = entry()
    with pytest.raises(InvalidTypeError, match=r"not generator: pass list\(texts\)"):
        call(t for t in ["a", "b"])
    with pytest.raises(InvalidTypeError, match="not a single str"):
        call("a")


def _batch_calls() -> dict[str, Callable[[Any], Any]]:
    """Every public call that takes a batch, as ``name -> call(batch)``."""
    from nearcache import AsyncFunctionEmbedder, MemoryStore, SemanticCache, get_cache

    def ones(ts: list[str]) -> Any:
        return np.ones((len(ts), 4))

    async def aones(ts: list[str]) -> Any:
        return ones(ts)

    emb = FunctionEmbedder(ones, dim=4, name="ones")
    aemb = AsyncFunctionEmbedder(aones, dim=4, name="ones")
    sem = SemanticCache(store=MemoryStore(), embedder=emb, judge=None)
    ec = EmbeddingCache()
    kv = get_cache("one-str", store=MemoryStore())
    vec = np.ones((2, 4), dtype=np.float32)
    return {
        "semantic put_many queries": lambda b: sem.put_many(b, ["x", "y"]),
        "semantic put_many responses": lambda b: sem.put_many(["a", "b"], b),
        "kv get_many": kv.get_many,
        "kv set_many": kv.set_many,
        "embedding get_many": lambda b: ec.get_many(b, "n"),
        "embedding put_many": lambda b: ec.put_many(b, vec, "n"),
        "embedding get_many_by_hash": lambda b: ec.get_many_by_hash(b, "n"),
        "embedding put_many_by_hash": lambda b: ec.put_many_by_hash(b, vec, "n"),
        "embedding deduplicate": lambda b: ec.deduplicate(b, "n"),
        "embedding store_batch": lambda b: ec.store_batch("job", b, "n"),
        "cached embedder": CachedEmbedder(emb, EmbeddingCache()).embed,
        "function embedder": emb.embed,
        "async function embedder": lambda b: asyncio.run(aemb.embed(b)),
        "api embedder": _api(),
    }


BATCH_CALLS = (
    "semantic put_many queries",
    "semantic put_many responses",
    "kv get_many",
    "kv set_many",
    "embedding get_many",
    "embedding put_many",
    "embedding get_many_by_hash",
    "embedding put_many_by_hash",
    "embedding deduplicate",
    "embedding store_batch",
    "cached embedder",
    "function embedder",
    "async function embedder",
    "api embedder",
)


def test_every_batch_call_is_checked() -> None:
    assert sorted(_batch_calls()) == sorted(BATCH_CALLS)


@pytest.mark.parametrize("name", BATCH_CALLS)
@pytest.mark.parametrize("one", ["ab", b"ab"])
def test_one_str_where_a_batch_goes_is_refused_in_the_same_words(name: str, one: Any) -> None:
    """A str is a sequence of str: ``put_many("ab", "cd")`` stored "c" for the question
    "a" and "d" for "b", ``deduplicate("ab", ns)`` returned the characters, kv
    ``get_many("ab")`` read the keys "a" and "b", ``FunctionEmbedder.embed("ab")``
    embedded two texts, ``get_many_by_hash(one_hash)`` said "not a content hash: '1'";
    six paths said it in six ways. Each refuses it in one shape of words, before
    anything is read or written."""
    call = _batch_calls()[name]
    kind = type(one).__name__
    with pytest.raises(
        InvalidTypeError, match=rf"^\w+ must be .*, not a single {kind} \(read as one item a "
    ):
        call(one)


def test_one_str_refused_reads_and_writes_nothing() -> None:
    from nearcache import MemoryStore, SemanticCache, get_cache

    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    cache = SemanticCache(store=MemoryStore(), embedder=emb, judge=None)
    with pytest.raises(InvalidTypeError, match="queries must be a list, not a single str"):
        cache.put_many("ab", "cd")
    assert cache.get("a") is None and cache.stats().entries == 0
    kv = get_cache("one-str")
    with pytest.raises(InvalidTypeError, match="keys must be a list, not a single str"):
        kv.get_many("ab")
    with pytest.raises(
        InvalidTypeError, match=r"^mapping must be a dict or .*not a single str"
    ) as info:
        kv.set_many("ab")  # type: ignore[arg-type]
    # not "wrap one in a list": set_many(["ab"]) would store "b" under the key "a"
    assert str(info.value).endswith(": set(key, value) stores one"), str(info.value)
    assert kv.stats().misses == 0 and kv.stats().entries == 0


def test_a_generator_where_a_batch_is_read_twice_is_told_to_pass_a_list() -> None:
    """``deduplicate(gen)`` returned no items but every hash (the generator was read up
    by the hashing), kv ``get_many(gen)`` and ``put_many(gen, gen)`` raised a bare
    "object of type 'generator' has no len()"."""
    from nearcache import MemoryStore, SemanticCache, get_cache

    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    sem = SemanticCache(store=MemoryStore(), embedder=emb, judge=None)
    with pytest.raises(InvalidTypeError, match=r"^items must be a list, not generator: pass"):
        EmbeddingCache().deduplicate((t for t in ["a"]), "n")
    with pytest.raises(InvalidTypeError, match=r"^keys must be a list, not generator: pass"):
        get_cache("gen", store=MemoryStore()).get_many(k for k in ["a"])
    with pytest.raises(InvalidTypeError, match=r"^queries must be a list, not generator: pass"):
        sem.put_many((q for q in ["a"]), ["x"])
    # read once: still taken
    assert get_cache("gen2", store=MemoryStore()).set_many((k, 1) for k in ["a"])
    assert emb.embed(t for t in ["a", "b"]).shape == (2, 4)


def test_metadata_given_as_one_dict_for_a_batch_is_refused() -> None:
    """``put_many(["a"], ["x"], metadata={"k": "v"})`` was read a key an entry and said
    "metadata must be a dict (JSON object), not str" of a dict."""
    from nearcache import MemoryStore, SemanticCache

    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    sem = SemanticCache(store=MemoryStore(), embedder=emb, judge=None)
    with pytest.raises(
        InvalidTypeError, match="metadata must be a list of dicts, not a single dict"
    ):
        sem.put_many(["a"], ["x"], metadata={"k": "v"})


@pytest.mark.parametrize("cache", ["embeddings.db", "memory"])
def test_a_cached_embedder_refuses_what_is_not_an_embedding_cache(cache: str) -> None:
    """``CachedEmbedder(embedder, MemoryStore())`` or ``(embedder, "embeddings.db")`` was
    kept, and the first ``embed`` failed: "'MemoryStore' object has no attribute 'store'"."""
    from nearcache import MemoryStore

    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    given: Any = MemoryStore() if cache == "memory" else cache
    with pytest.raises(InvalidTypeError, match=r"cache must be an EmbeddingCache, not .*: wrap"):
        CachedEmbedder(emb, given)


@pytest.mark.parametrize("name", [n for n in BATCH_CALLS if n != "kv set_many"])
def test_a_set_where_results_come_back_by_position_is_refused(name: str) -> None:
    """``put_many({"q1", "q2"}, ["a1", "a2"])`` passed the batch check and failed late
    ("'set' object is not subscriptable"); a set of texts given to an embedder or the
    embedding cache came back in an order the caller cannot know. Each call that answers
    by position refuses a set, naming what to pass."""
    call = _batch_calls()[name]
    with pytest.raises(
        InvalidTypeError, match=r"^\w+ must be .*, not (frozen)?set: a set has no order"
    ):
        call({"a", "b"})
    with pytest.raises(InvalidTypeError, match=r"not frozenset: a set has no order"):
        call(frozenset({"a", "b"}))


def test_pairs_given_as_a_set_are_stored() -> None:
    """kv ``set_many`` answers with one bool, not by position: a set of (key, value)
    pairs is as good as a list of them."""
    from nearcache import MemoryStore, get_cache

    kv = get_cache("pairs-set", store=MemoryStore())
    assert kv.set_many({("a", 1), ("b", 2)})
    assert kv.get_many(["a", "b"]) == [1, 2]


def test_a_function_embedder_refuses_a_dict_of_texts() -> None:
    """``FunctionEmbedder.embed({"a": ..., "b": ...})`` embedded the dict's keys, where
    the other embedders refuse it."""
    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    with pytest.raises(InvalidTypeError, match=r"^texts must be a list, not a single dict"):
        emb.embed({"a": 1, "b": 2})  # type: ignore[arg-type]
