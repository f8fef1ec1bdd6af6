"""A closed cache says so in its repr: a user asking "why does this raise
CacheClosedError?" prints the object, and the repr of a closed cache was the same as an
open one's. Every cache shows it the same way, as its ``closed`` attribute."""

from __future__ import annotations

import asyncio
from pathlib import Path

from helpers import HashEmbedder
from nearcache import AsyncSemanticCache, EmbeddingCache, SemanticCache
from nearcache.kv import CacheManager


def test_semantic_cache(tmp_path: Path) -> None:
    cache = SemanticCache(tmp_path / "s.db", embedder=HashEmbedder())
    opened = repr(cache)
    assert "closed" not in opened
    cache.close()
    assert cache.closed
    assert repr(cache) == opened[:-1] + ", closed=True)"


def test_async_semantic_cache(tmp_path: Path) -> None:
    async def main() -> tuple[str, str]:
        cache = await AsyncSemanticCache.create(tmp_path / "a.db", embedder=HashEmbedder())
        opened = repr(cache)
        await cache.close()
        return opened, repr(cache)

    opened, closed = asyncio.run(main())
    assert "closed" not in opened and opened.startswith("AsyncSemanticCache(")
    assert closed == opened[:-1] + ", closed=True)"


def test_embedding_cache(tmp_path: Path) -> None:
    cache = EmbeddingCache(path=tmp_path / "e.db")
    opened = repr(cache)
    assert "closed" not in opened and not cache.closed
    cache.close()
    assert cache.closed
    assert repr(cache) == opened[:-1] + ", closed=True)"


def test_kv_cache(tmp_path: Path) -> None:
    with CacheManager() as caches:
        cache = caches.get_cache("k", "file_based", path=str(tmp_path / "k.db"))
        opened = repr(cache)
        assert "closed" not in opened
        cache.close()
        assert repr(cache) == opened[:-1] + ", closed=True)"
