"""A batch of texts given as a generator (``(d.page_content for d in docs)``) was told
"texts must be a sequence of str (a list, not a single str)", which names the wrong
mistake; the message now names the type given and what to pass."""

from __future__ import annotations

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


def test_one_str_where_a_batch_goes_is_refused() -> None:
    """A str is a sequence of str: ``put_many("ab", "cd")`` stored "c" for the question
    "a" and "d" for "b", ``deduplicate("ab", ns)`` returned the characters, kv
    ``get_many("ab")`` read the keys "a" and "b" and ``set_many("ab")`` failed on
    unpacking. Each is refused before anything is read or written."""
    from nearcache import MemoryStore, SemanticCache, get_cache

    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    cache = SemanticCache(store=MemoryStore(), embedder=emb, judge=None)
    with pytest.raises(InvalidTypeError, match=r"queries must be a sequence.*not a single str"):
        cache.put_many("ab", "cd")
    with pytest.raises(InvalidTypeError, match="responses must be a sequence"):
        cache.put_many(["a", "b"], "cd")
    assert cache.get("a") is None and cache.stats().entries == 0
    with pytest.raises(InvalidTypeError, match="not a single str"):
        EmbeddingCache().deduplicate("ab", "n")
    kv = get_cache("one-str")
    with pytest.raises(InvalidTypeError, match="not one str"):
        kv.get_many("ab")
    with pytest.raises(InvalidTypeError, match="not str"):
        kv.set_many("ab")  # type: ignore[arg-type]
    assert kv.stats().misses == 0 and kv.stats().entries == 0


@pytest.mark.parametrize("cache", ["embeddings.db", "memory"])
def test_a_cached_embedder_refuses_what_is_not_an_embedding_cache(cache: str) -> None:
    """``CachedEmbedder(embedder, MemoryStore())`` or ``(embedder, "embeddings.db")`` was
    kept, and the first ``embed`` failed: "'MemoryStore' object has no attribute 'store'"."""
    from nearcache import MemoryStore

    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    given: Any = MemoryStore() if cache == "memory" else cache
    with pytest.raises(InvalidTypeError, match=r"cache must be an EmbeddingCache, not .*: wrap"):
        CachedEmbedder(emb, given)
