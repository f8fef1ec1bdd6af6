"""``query in cache`` on a semantic cache is refused with what to call instead."""

from __future__ import annotations

import asyncio

import pytest

from nearcache import AsyncSemanticCache, InvalidTypeError, MemoryStore, SemanticCache
from semantic_support import TableEmbedder


def test_in_names_get_and_lookup() -> None:
    """``"q" in cache`` said "argument of type 'SemanticCache' is not iterable". A
    diskcache or cachetools user means the stored key; a semantic one may mean any near
    question the judge would serve: neither is guessed, the message says what to call."""
    cache = SemanticCache(store=MemoryStore(), embedder=TableEmbedder(16), judge=None)
    cache.put("q", "r")
    with pytest.raises(InvalidTypeError) as info:
        assert "q" in cache
    said = str(info.value)
    assert said.startswith("SemanticCache does not answer `in`"), said
    assert "cache.get(query) is not None" in said and "cache.lookup(query)" in said
    cache.close()


def test_in_on_the_async_cache_names_await() -> None:
    async def run() -> str:
        cache = await AsyncSemanticCache.create(
            store=MemoryStore(), embedder=TableEmbedder(16), judge=None
        )
        try:
            with pytest.raises(InvalidTypeError) as info:
                assert "q" in cache
            return str(info.value)
        finally:
            await cache.close()

    said = asyncio.run(run())
    assert said.startswith("AsyncSemanticCache does not answer `in`"), said
    assert "await cache.get(query) is not None" in said
