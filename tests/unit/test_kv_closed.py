"""``with get_cache("x") as c:`` — how diskcache users open a cache — closed the one
object the manager hands out for "x": every later ``get_cache("x")`` in the process
raised ``CacheClosedError``, and so did the manager's ``stats()`` and ``clear_all()``."""

from __future__ import annotations

import pytest

from nearcache.errors import CacheClosedError
from nearcache.kv import CacheManager, get_cache


def test_a_closed_cache_is_forgotten_and_asked_for_again() -> None:
    with CacheManager() as caches:
        with caches.get_cache("x") as first:
            first.set("a", 1)
        assert first.closed
        with pytest.raises(CacheClosedError):
            first.get("a")  # the closed object stays closed
        caches.get_cache("y").set("b", 2)
        assert caches.list_caches() == ["y"]
        assert set(caches.stats().namespaces) == {"y"}
        again = caches.get_cache("x")
        assert again is not first and not again.closed
        assert again.get("a") == 1  # the same store: the entry is there
        assert caches.clear_all() == 2


def test_module_level_get_cache_after_a_with_block() -> None:
    with get_cache("kv-closed-module") as c:
        c.set("k", "v")
    assert get_cache("kv-closed-module").get("k") == "v"
