"""What a value that cannot be stored is told. An int past 64 bits said "values of type
builtins.int cannot be stored; use JSON/msgpack types (str, bytes, int, ...)", naming the
type it refused among those it takes; a NumPy scalar (a model's score) said nothing of
the one call that makes it plain."""

from __future__ import annotations

import numpy as np
import pytest

from nearcache import CacheError
from nearcache.kv.cache import Cache
from nearcache.stores.memory import MemoryStore


@pytest.fixture
def cache() -> Cache:
    return Cache("values", MemoryStore())


@pytest.mark.parametrize("big", [2**64, -(2**63) - 1, 10**30])
def test_an_int_past_64_bits_is_named_with_the_range(cache: Cache, big: int) -> None:
    with pytest.raises(CacheError, match=r"msgpack's integers hold -2\*\*63 to 2\*\*64-1") as info:
        cache.set("n", big)
    assert "type builtins.int" not in str(info.value) and str(big) in str(info.value)
    assert cache.set("n", 2**64 - 1) and cache.get("n") == 2**64 - 1  # the edge still fits


@pytest.mark.parametrize("value", [np.float32(0.5), np.arange(3)])
def test_numpy_values_say_how_to_make_them_plain(cache: Cache, value: object) -> None:
    with pytest.raises(CacheError, match=r"\.item\(\) for a scalar, \.tolist\(\) for an array"):
        cache.set("v", value)
    assert cache.get("v") is None
