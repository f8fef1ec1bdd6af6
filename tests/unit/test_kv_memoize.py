"""What cachetools / diskcache / functools users try first on a named cache: the mapping
forms (``cache[key]``, ``cache[key] = v``, ``del cache[key]``) and a decorator
(``@cache.memoize()``). Both were missing: ``TypeError: 'Cache' object is not
subscriptable`` and ``AttributeError: ... no attribute 'memoize'``."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from nearcache.clock import ManualClock
from nearcache.errors import CacheError
from nearcache.kv import CacheManager


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_000.0)


@pytest.fixture
def manager(clock: ManualClock) -> Iterator[CacheManager]:
    with CacheManager(clock=clock) as m:
        yield m


def test_the_mapping_forms(manager: CacheManager) -> None:
    c = manager.get_cache("map")
    with pytest.raises(KeyError):
        c["ada"]
    c["ada"] = {"id": 1}
    assert c["ada"] == {"id": 1} and c.get("ada") == {"id": 1} and "ada" in c
    c["none"] = None
    assert c["none"] is None  # a stored None is a hit, not a KeyError
    del c["ada"]
    assert "ada" not in c
    with pytest.raises(KeyError):
        del c["ada"]
    with pytest.raises(TypeError, match="not iterable"):
        list(c)


def test_mapping_set_takes_the_default_ttl(manager: CacheManager, clock: ManualClock) -> None:
    c = manager.get_cache("map-ttl", default_ttl=10)
    c["k"] = 1
    clock.advance(11)
    with pytest.raises(KeyError):
        c["k"]


def test_memoize_runs_each_distinct_call_once(manager: CacheManager) -> None:
    c = manager.get_cache("memo")
    calls: list[tuple[object, ...]] = []

    @c.memoize()
    def price(item: str, qty: int = 1, *, currency: str = "EUR") -> float | None:
        calls.append((item, qty, currency))
        return None if item == "nothing" else 2.5 * qty

    assert price("tea", 2) == 5.0 and price("tea", 2) == 5.0
    assert price("tea", 3) == 7.5 and price("tea", 2, currency="USD") == 5.0
    assert price("nothing") is None and price("nothing") is None  # None is kept too
    assert calls == [("tea", 2, "EUR"), ("tea", 3, "EUR"), ("tea", 2, "USD"), ("nothing", 1, "EUR")]
    assert price.__name__ == "price" and price.cache is c  # type: ignore[attr-defined]
    assert c.delete(price.cache_key("tea", 2))  # type: ignore[attr-defined]
    price("tea", 2)
    assert len(calls) == 5
    assert c.stats().hits == 2


def test_memoize_without_parentheses(manager: CacheManager) -> None:
    """``@cache.memoize`` (as ``@functools.lru_cache`` is written) made ``price`` the
    decorator: ``price("tea")`` returned a function, silently, and nothing was cached."""
    c = manager.get_cache("memo-bare")
    calls: list[str] = []

    @c.memoize
    def price(item: str) -> float:
        calls.append(item)
        return 2.5

    @c.memoize
    async def fetch(url: str) -> str:
        calls.append(url)
        return url.upper()

    assert price("tea") == 2.5 and price("tea") == 2.5 and calls == ["tea"]
    assert price.__name__ == "price" and price.cache is c  # type: ignore[attr-defined]
    assert asyncio.run(fetch("a")) == "A" and asyncio.run(fetch("a")) == "A"
    assert calls == ["tea", "a"] and c.stats().hits == 2
    named = c.memoize(name="shared")(lambda x: x)
    assert named.cache_key(1) != price.cache_key(1)  # type: ignore[attr-defined]


def test_memoize_ttl_and_name(manager: CacheManager, clock: ManualClock) -> None:
    c = manager.get_cache("memo-ttl")
    runs = []

    @c.memoize(ttl=5, name="rate")
    def rate(pair: str) -> float:
        runs.append(pair)
        return 1.09

    rate("EURUSD")
    clock.advance(3)
    rate("EURUSD")
    clock.advance(3)
    rate("EURUSD")  # expired after 5 s: runs again
    assert runs == ["EURUSD", "EURUSD"]
    assert rate.cache_key("EURUSD") != c.memoize()(lambda p: p).cache_key("EURUSD")  # type: ignore[attr-defined]


def test_memoize_refuses_what_is_not_plain_data(manager: CacheManager) -> None:
    c = manager.get_cache("memo-bad")
    ran = []

    @c.memoize()
    def echo(x: object) -> object:
        ran.append(x)
        return x

    with pytest.raises(CacheError, match=r"arguments of memoized .*echo must be plain data"):
        echo(object())
    assert ran == []  # refused before the function ran
    with pytest.raises(CacheError, match="result of memoized obj cannot be cached"):
        c.memoize(name="obj")(lambda: object())()


def test_memoize_a_coroutine_function(manager: CacheManager) -> None:
    c = manager.get_cache("memo-async")
    runs = []

    @c.memoize()
    async def fetch(url: str) -> str:
        runs.append(url)
        await asyncio.sleep(0)
        return url.upper()

    async def twice() -> list[str]:
        return [await fetch("a"), await fetch("a")]

    assert asyncio.run(twice()) == ["A", "A"] and runs == ["a"]


def test_memoize_survives_a_store_outage(tmp_path: Path) -> None:
    pytest.importorskip("redis")
    with socket.socket() as sock:  # bound, never listening: connections are refused
        sock.bind(("127.0.0.1", 0))
        url = f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
        with CacheManager() as m:
            c = m.get_cache("memo-down", url)

            @c.memoize()
            def double(n: int) -> int:
                return 2 * n

            assert double(21) == 42 and double(21) == 42  # computed, never raised
