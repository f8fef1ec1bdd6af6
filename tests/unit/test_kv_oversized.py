"""A value larger than the cache's ``max_bytes`` on its own: ``set`` said True, then the
write's eviction removed every other entry of the cache and the value itself. Now it is
refused (False, nothing written, nothing evicted), as cachetools refuses it ("value too
large"); ``cache[key] = value`` raises that ``ValueError``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from nearcache import CacheManager, PayloadTooLargeError
from nearcache.kv.cache import Cache


@pytest.fixture(params=["in_memory", "file_based"])
def cache(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cache]:
    options = {"path": str(tmp_path / "kv.db")} if request.param == "file_based" else {}
    with CacheManager() as caches:
        c = caches.get_cache("small", request.param, max_bytes=1000, **options)
        for i in range(3):
            c.set(i, "v" * 50)
        yield c


def test_a_value_over_max_bytes_is_refused_and_evicts_nothing(
    cache: Cache, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="nearcache.kv.cache"):
        assert cache.set("big", "b" * 2000) is False
    assert "over max_bytes=1000" in caplog.text
    assert cache.get("big") is None
    assert [cache.get(i) for i in range(3)] == ["v" * 50] * 3
    assert cache.stats().evictions == 0
    assert cache.add("big", "b" * 2000) is False
    assert cache.set_many({"ok": "small", "big": "b" * 2000}) is False  # all or none
    assert cache.get("ok") is None and cache.stats().entries == 3
    assert cache.set(0, "b" * 2000) is False and cache.get(0) == "v" * 50  # kept, as cachetools


def test_the_mapping_form_raises_value_error_as_cachetools_does(cache: Cache) -> None:
    with pytest.raises(ValueError, match="value too large") as info:
        cache["big"] = "b" * 2000
    assert isinstance(info.value, PayloadTooLargeError) and info.value.limit == 1000
    cache["fits"] = "f" * 100
    assert cache["fits"] == "f" * 100 and cache.stats().entries == 4


def test_values_that_fit_still_evict_the_least_recently_used(cache: Cache) -> None:
    for i in range(3, 12):
        assert cache.set(i, "v" * 50) is True
    stats = cache.stats()
    assert stats.bytes <= 1000 and stats.evictions > 0 and cache.get(11) == "v" * 50


def test_a_value_over_the_shared_memory_budget_wipes_no_cache() -> None:
    """``CacheManager(memory_max_bytes=...)``: one value over the budget of the in-memory
    store that every cache of the manager shares emptied all of them."""
    with CacheManager(memory_max_bytes=1000) as caches:
        a, b = caches.get_cache("a"), caches.get_cache("b")
        for i in range(3):
            a.set(i, "v" * 50)
            b.set(i, "w" * 50)
        assert b.set("big", "x" * 2000) is False
        assert [a.get(i) for i in range(3)] == ["v" * 50] * 3
        assert [b.get(i) for i in range(3)] == ["w" * 50] * 3
        with pytest.raises(PayloadTooLargeError, match="max_bytes=1,000"):
            b["big"] = "x" * 2000


def test_a_cache_of_no_entries_says_it_kept_nothing() -> None:
    """``max_entries=0`` (a cache switched off): ``set`` said True and the entry was
    evicted at once."""
    with CacheManager() as caches:
        off = caches.get_cache("off", max_entries=0)
        assert off.set("k", 1) is False and off.add("k", 1) is False and off.get("k") is None
        assert off.stats().evictions == 0
