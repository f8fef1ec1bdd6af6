"""RELIABILITY tests 21 and 25 for the embedding cache: hostile text, clock jumps."""

from __future__ import annotations

import numpy as np
import pytest

from nearcache import EmbeddingCache, InvalidInputError, ManualClock, content_hash, normalize_text

NS = "hostile.test.dense"


def vec(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(8).astype(np.float32)


@pytest.mark.parametrize(
    "text",
    [
        "nul\x00inside",
        "\ufeffbom first",
        "",
        "x" * 1_000_000,  # one 1 MB "word"
        "mixed e\u0301 and \u00e9",
        "emoji \U0001f600 and CJK 日本",
        "\u200bzero width",
    ],
)
def test_hostile_text_round_trips_with_a_stable_key(text: str) -> None:
    cache = EmbeddingCache()
    v = vec()
    key = cache.put(text, v, NS)
    assert key == content_hash(normalize_text(text)) == cache.key_for(text)
    out = cache.get(text, NS)
    assert out is not None and np.array_equal(out, v)
    assert cache.check() == []


@pytest.mark.parametrize("text", ["lone \ud800 high", "lone \udfff low", "\udc80"])
def test_lone_surrogates_get_a_typed_error_and_store_nothing(text: str) -> None:
    cache = EmbeddingCache()
    with pytest.raises(InvalidInputError, match="surrogate"):
        cache.put(text, vec(), NS)
    with pytest.raises(InvalidInputError):
        cache.get(text, NS)
    with pytest.raises(InvalidInputError):
        cache.put_many(["fine", text], np.stack([vec(), vec(1)]), NS)
    assert cache.stats().entries == 0


def test_equivalent_normal_forms_share_a_key() -> None:
    cache = EmbeddingCache()
    cache.put("caf\u00e9", vec(), NS)  # NFC
    assert cache.get("cafe\u0301", NS) is not None  # NFD
    assert cache.get("ｃａｆé", NS) is not None  # fullwidth (NFKC)


def test_clock_jumps_never_give_negative_ages_or_expired_entries() -> None:
    clock = ManualClock(10_000.0)
    cache = EmbeddingCache(clock=clock)
    cache.put("a", vec(), NS, ttl=60)
    cache.put("b", vec(1), NS)
    clock.advance(-3600)  # the wall clock jumps back an hour
    report = cache.inspect(NS)
    assert all(item["age_seconds"] >= 0 for item in report["items"])
    assert cache.get("a", NS) is not None  # still before its absolute expiry
    clock.advance(3600 + 61)  # ... and forward past the expiry
    assert cache.get("a", NS) is None and cache.get("b", NS) is not None
    clock.advance(3600)
    assert cache.cleanup_expired() == 1
    assert cache.check() == []


def test_a_lone_surrogate_in_a_semantic_query_is_named_at_its_place_in_the_query() -> None:
    from nearcache import SemanticCache
    from semantic_support import TableEmbedder

    cache = SemanticCache(embedder=TableEmbedder(8), judge=None)
    for call in (lambda: cache.get("ab\ud800"), lambda: cache.put("ab\ud800", "x")):
        with pytest.raises(InvalidInputError, match="at position 2;"):
            call()
    assert cache.stats().entries == 0
