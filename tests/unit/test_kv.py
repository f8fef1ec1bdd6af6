"""Named key/value caches (SPEC §3): Cache, CacheManager, get_cache."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_threads
from nearcache import get_cache as top_level_get_cache
from nearcache.clock import ManualClock
from nearcache.codecs import KIND_KV, pack_payload, pack_record
from nearcache.errors import CacheClosedError, CacheError, InvalidInputError, InvalidTypeError
from nearcache.kv import CacheManager, get_cache
from nearcache.stats import CacheStats
from nearcache.stores.memory import MemoryStore
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite import SQLiteStore


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_000.0)


@pytest.fixture
def manager(clock: ManualClock) -> CacheManager:
    m = CacheManager(clock=clock)
    yield m
    m.close()


def test_set_get_delete_has_clear(manager: CacheManager) -> None:
    c = manager.get_cache("users")
    assert c.get("ada") is None and c.get("ada", "dflt") == "dflt"
    assert c.set("ada", {"id": 1, "tags": ["x"]}) is True
    assert c.get("ada") == {"id": 1, "tags": ["x"]}
    assert c.has("ada") and "ada" in c and not c.has("bob")
    assert c.delete("ada") is True and c.delete("ada") is False
    c.set("a", 1)
    c.set("b", 2)
    assert c.clear() == 2
    assert c.get("a") is None
    assert c.check() == []


def test_values_round_trip_including_bytes(manager: CacheManager) -> None:
    c = manager.get_cache("vals")
    values = [
        None,
        True,
        0,
        -(2**63),
        2**64 - 1,
        1.5,
        "",
        "\u00e9\U0001f600",
        b"",
        b"\x00\xff" * 100,
        [1, "two", b"3", None],
        {"nested": {"deep": [1, 2, {"x": b"y"}]}},
        {1: "int keys survive msgpack"},
    ]
    for i, v in enumerate(values):
        c.set(f"k{i}", v)
    assert [c.get(f"k{i}") for i in range(len(values))] == values
    c.set("tuple", (1, 2))
    assert c.get("tuple") == [1, 2]  # documented: tuples come back as lists


@pytest.mark.parametrize(
    "bad", [object(), {1, 2}, datetime.date(2024, 1, 1), complex(1, 2), [1, object()]]
)
def test_unserializable_values_raise_naming_the_type(manager: CacheManager, bad: object) -> None:
    c = manager.get_cache("bad")
    with pytest.raises(CacheError) as info:
        c.set("k", bad)
    bad_type = type(bad if not isinstance(bad, list) else bad[1])
    assert bad_type.__qualname__ in str(info.value)
    assert c.stats().entries == 0 and c.stats().sets == 0


def test_keys_of_different_types_are_different(manager: CacheManager) -> None:
    c = manager.get_cache("keys")
    c.set(1, "int")
    c.set("1", "str")
    c.set(b"1", "bytes")
    assert (c.get(1), c.get("1"), c.get(b"1")) == ("int", "str", "bytes")
    with pytest.raises(TypeError):
        c.set(1.5, "float keys are refused")  # type: ignore[arg-type]


def test_names_isolate_caches(manager: CacheManager) -> None:
    names = ["a", "bc", "ab", "c", "a:bc", "ab:c", "", "caf\u00e9", "cafe\u0301"]
    for name in names:
        manager.get_cache(name).set("shared-key", name)
    for name in names:
        assert manager.get_cache(name).get("shared-key") == name
    assert manager.get_cache("a").clear() == 1
    assert manager.get_cache("bc").get("shared-key") == "bc"
    assert manager.list_caches() == sorted(names)


@pytest.mark.parametrize("name", [None, 5, b"users"])
def test_a_name_that_is_not_a_str_is_called_a_name(manager: CacheManager, name: object) -> None:
    """``get_cache(None)`` said "namespace must be str", a word the caller never used."""
    with pytest.raises(
        InvalidTypeError, match=f"a cache name must be str, not {type(name).__name__}"
    ):
        manager.get_cache(name)  # type: ignore[arg-type]
    assert manager.list_caches() == []


def test_ttl_follows_the_clock(manager: CacheManager, clock: ManualClock) -> None:
    c = manager.get_cache("ttl", default_ttl=60)
    c.set("default", 1)
    c.set("short", 2, ttl=5)
    clock.advance(5)
    assert c.get("short") is None and c.get("default") == 1
    clock.advance(55)
    assert c.get("default") is None
    assert c.cleanup_expired() == 2
    assert c.stats().expirations == 2
    with pytest.raises(InvalidInputError):
        c.set("x", 1, ttl=0)


def test_add_is_put_if_absent(manager: CacheManager, clock: ManualClock) -> None:
    c = manager.get_cache("add")
    assert c.add("k", "first", ttl=10)
    assert not c.add("k", "second")
    assert c.get("k") == "first"
    clock.advance(10)
    assert c.add("k", "third")
    assert c.get("k") == "third"


def test_add_exactly_once_under_16_threads(tmp_path: Path) -> None:
    with CacheManager() as m:
        c = m.get_cache("race", "file_based", path=tmp_path / "kv.db")
        wins = [0] * 16

        def run(t: int) -> None:
            for i in range(200):
                if c.add(f"job-{i}", t):
                    wins[t] += 1

        run_threads(run, 16)
        assert sum(wins) == 200
        assert c.stats().entries == 200
        assert c.check() == []


def test_stats_count_hits_misses_sets_deletes(manager: CacheManager) -> None:
    c = manager.get_cache("stats")
    c.set("a", 1)
    c.get("a")
    c.get("a")
    c.get("zz")
    c.delete("a")
    st = c.stats()
    assert isinstance(st, CacheStats)
    assert (st.hits, st.misses, st.sets, st.deletes, st.size) == (2, 1, 1, 1, 0)
    assert st.hit_rate == pytest.approx(2 / 3)


def test_lru_limit_evicts_oldest(manager: CacheManager, clock: ManualClock) -> None:
    c = manager.get_cache("lru", max_entries=3)
    for i in range(3):
        c.set(i, i)
        clock.advance(1)
    c.get(0)  # 0 is now recent
    clock.advance(1)
    c.set(3, 3)
    assert [c.has(i) for i in range(4)] == [True, False, True, True]
    assert c.stats().evictions == 1


def test_corrupt_and_forged_entries_are_misses(manager: CacheManager) -> None:
    store = MemoryStore()
    c = manager.get_cache("victim", store=store)
    c.set("k", "real")
    h = c._hash("k")
    # A raw blob (e.g. a pickle) written straight into the store.
    store.put_many("kv", "victim", [Item(h, b"\x80\x04junk.")], now=0)
    assert c.get("k", "miss") == "miss"
    assert c.stats().errors == 1
    assert store.get_many("kv", "victim", [h], now=0) == [None]  # deleted
    # A well-formed record whose stored key is another key: refused too.
    forged = pack_record(KIND_KV, "victim", h, pack_payload(["other", "stolen"]))
    store.put_many("kv", "victim", [Item(h, forged)], now=0)
    assert c.get("k") is None
    assert c.check() == []


def test_manager_returns_same_cache_and_clears_all(manager: CacheManager) -> None:
    a = manager.get_cache("a")
    assert manager.get_cache("a") is a
    manager.get_cache("b").set("x", 1)
    a.set("x", 1)
    total = manager.stats()
    assert total.sets == 2 and set(total.namespaces) == {"a", "b"}
    assert manager.clear_all() == 2
    with pytest.raises(ValueError, match="unknown backend"):
        manager.get_cache("c", backend="floppy")
    with pytest.raises(TypeError, match="unknown get_cache option: colour"):
        manager.get_cache("c", colour="blue")


def test_closed_manager_refuses(manager: CacheManager) -> None:
    c = manager.get_cache("x")
    manager.close()
    with pytest.raises(CacheClosedError):
        c.get("k")
    with pytest.raises(CacheClosedError):
        manager.get_cache("y")


def test_module_level_get_cache_is_shared() -> None:
    assert get_cache("module-level") is top_level_get_cache("module-level")


def test_file_based_survives_a_process_restart(tmp_path: Path) -> None:
    db = tmp_path / "kv.sqlite"
    code = (
        "from nearcache.kv import CacheManager\n"
        "with CacheManager() as m:\n"
        f"    m.get_cache('persist', 'file_based', path={str(db)!r}).set('k', [1, b'2'])\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    with CacheManager() as m:
        assert m.get_cache("persist", "file_based", path=db).get("k") == [1, b"2"]
        assert m.get_cache("other", "file_based", path=db).get("k") is None
    assert SQLiteStore(db).check() == []


def test_cache_stats_total_sums_every_counter_and_keeps_the_parts() -> None:
    a = CacheStats(hits=3, misses=1, sets=2, entries=5, bytes=100, time_saved=0.5)
    b = CacheStats(hits=1, misses=3, deletes=1, evictions=2, entries=1, bytes_saved=7)
    total = CacheStats.total({"a": a, "b": b})
    assert (total.hits, total.misses, total.sets, total.deletes) == (4, 4, 2, 1)
    assert (total.entries, total.bytes, total.evictions, total.bytes_saved) == (6, 100, 2, 7)
    assert total.time_saved == 0.5 and total.hit_rate == 0.5
    assert dict(total.namespaces) == {"a": a, "b": b}
    assert CacheStats.total({}) == CacheStats()
