"""A store outage, as SPEC §0 says: reads degrade to misses, counted and *readable* in
``stats()``, and writes raise ``StoreUnavailableError`` unless ``fail_open``.

Found by a review: ``EmbeddingCache.get_batch`` (a read) raised, ``store_batch`` (a write)
raised under ``fail_open``, and the embedding and semantic caches' ``stats()`` raised while
the store was down -- so the ``store_error`` misses they had counted could not be seen
until it was back (the kv cache's ``stats()`` already kept its own counters readable).
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from nearcache import (
    AsyncSemanticCache,
    CachedEmbedder,
    EmbeddingCache,
    FunctionEmbedder,
    InvalidInputError,
    SemanticCache,
    StoreUnavailableError,
    content_hash,
    open_store,
)

pytest.importorskip("redis")

NS = "test.model.dense"


def _ones() -> FunctionEmbedder:
    """An 8-d embedder that needs no model."""
    return FunctionEmbedder(lambda t: np.ones((len(t), 8), np.float32), dim=8, name="e")


class _AsyncOnes:
    """The same embedder, awaited."""

    dim = 8
    fingerprint = _ones().fingerprint

    async def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 8), np.float32)


def test_a_batch_record_read_in_an_outage_is_a_counted_miss(refused_url: str) -> None:
    with open_store(refused_url) as store:
        cache = EmbeddingCache(store)
        assert cache.get_batch("job-1", NS) is None
        assert cache.stats(NS).errors == 1


def test_a_batch_id_is_checked_on_read_as_on_write() -> None:
    cache = EmbeddingCache()
    for bad in ("", 3):
        with pytest.raises(InvalidInputError, match="batch_id must be a non-empty str"):
            cache.get_batch(bad, NS)  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="batch_id must be a non-empty str"):
            cache.store_batch(bad, [], NS)  # type: ignore[arg-type]


def test_a_batch_record_write_in_an_outage_raises_unless_fail_open(refused_url: str) -> None:
    hashes = [content_hash("a")]
    with open_store(refused_url) as store:
        with pytest.raises(StoreUnavailableError):
            EmbeddingCache(store).store_batch("job-1", hashes, NS)
        lenient = EmbeddingCache(store, fail_open=True)
        assert lenient.store_batch("job-1", hashes, NS) is None  # dropped, logged
        assert lenient.stats(NS).errors == 1


def test_embedding_stats_stay_readable_in_an_outage(refused_url: str) -> None:
    with open_store(refused_url) as store:
        cache = EmbeddingCache(store, fail_open=True)
        assert cache.get("a", NS) is None
        one = cache.stats(NS)
        assert (one.misses, one.errors, one.entries) == (1, 1, 0)
        total = cache.stats()
        assert (total.misses, total.errors) == (1, 1) and list(total.namespaces) == [NS]
        embedder = CachedEmbedder(_ones(), cache)
        assert embedder.embed(["b", "c"]).shape == (2, 8)
        seen = embedder.stats()
        assert (seen.texts, seen.embedded, seen.cache.misses) == (2, 2, 2)


def test_semantic_stats_stay_readable_in_an_outage(refused_url: str) -> None:
    with open_store(refused_url) as store:
        cache = SemanticCache(store=store, embedder=_ones(), judge=None)
        assert cache.lookup("a question").reason == "store_error"
        for s in (cache.stats(), cache.stats("default")):
            assert (s.misses, s.errors, s.entries) == (1, 1, 0)
            assert s.miss_reasons == {"store_error": 1}


def test_async_semantic_stats_stay_readable_in_an_outage(refused_url: str) -> None:
    async def main() -> None:
        with open_store(refused_url) as store:
            cache = AsyncSemanticCache(store=store, embedder=_AsyncOnes(), judge=None)
            assert (await cache.lookup("a question")).reason == "store_error"
            s = await cache.stats()
            assert (s.misses, s.errors, s.miss_reasons) == (1, 1, {"store_error": 1})
            await cache.close()

    asyncio.run(main())
