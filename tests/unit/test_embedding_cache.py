"""EmbeddingCache (SPEC §1): every public method and every bad-input path."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from helpers import store_fingerprint
from nearcache import (
    CacheClosedError,
    DimensionMismatchError,
    EmbeddingCache,
    FingerprintMismatchError,
    InvalidInputError,
    InvalidTypeError,
    InvalidVectorError,
    ManualClock,
    MemoryStore,
    NonFiniteVectorError,
    PayloadTooLargeError,
    SparseVector,
    content_hash,
    normalize_text,
)
from nearcache.embedding import cache as cache_module
from nearcache.stores.protocol import Item

NS = "test.model.dense"
SPARSE = "test.splade.sparse"


def rand(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


@pytest.fixture
def cache(store: object, clock: ManualClock) -> Iterator[EmbeddingCache]:
    c = EmbeddingCache(store, clock=clock)  # type: ignore[arg-type]
    yield c
    if not c._closed:
        assert c.check() == []


def test_put_get_round_trip(cache: EmbeddingCache) -> None:
    v = rand(1)[0]
    key = cache.put("hello   world", v, NS)
    assert key == content_hash(normalize_text("hello world"))
    out = cache.get("hello world", NS)
    assert out is not None and np.array_equal(out, v) and out.dtype == np.float32
    assert cache.get_by_hash(key, NS) is not None
    assert cache.get("other", NS) is None
    assert cache.get("hello world", "other.ns.dense") is None


def test_normalize_false_keys_raw_text(store: object) -> None:
    c = EmbeddingCache(store, normalize=False)  # type: ignore[arg-type]
    c.put("a  b", rand(1)[0], NS)
    assert c.get("a b", NS) is None and c.get("a  b", NS) is not None


def test_get_many_mixed_hits_and_duplicates(cache: EmbeddingCache) -> None:
    m = rand(3)
    cache.put_many(["a", "b", "c"], m, NS)
    out, mask = cache.get_many(["c", "x", "a", "c"], NS)
    assert isinstance(out, np.ndarray) and out.shape == (4, 8)
    assert mask.tolist() == [True, False, True, True]
    assert np.array_equal(out[0], m[2]) and np.array_equal(out[2], m[0])
    assert not out[1].any()


def test_get_many_empty_and_unknown_namespace(cache: EmbeddingCache) -> None:
    out, mask = cache.get_many([], NS)
    assert out.shape[0] == 0 and mask.shape == (0,)  # type: ignore[union-attr]
    out, mask = cache.get_many(["a"], "nobody.here.dense")
    assert out.shape == (1, 0) and not mask.any()  # type: ignore[union-attr]


@pytest.mark.parametrize("dtype", ["float16", "int8"])
def test_compact_dtypes_round_trip(store: object, dtype: str) -> None:
    c = EmbeddingCache(store, vector_dtype=dtype)  # type: ignore[arg-type]
    m = rand(20, 64)
    c.put_many([str(i) for i in range(20)], m, NS)
    out, mask = c.get_many([str(i) for i in range(20)], NS)
    assert mask.all()
    cos = (out * m).sum(1) / (np.linalg.norm(out, axis=1) * np.linalg.norm(m, axis=1))  # type: ignore[operator]
    assert cos.min() > 0.999
    assert c.stats(NS).bytes < 20 * 64 * 4  # smaller than float32 storage
    assert c.check() == []


def test_unknown_vector_dtype() -> None:
    with pytest.raises(ValueError, match="float32, float16, int8"):
        EmbeddingCache(vector_dtype="bfloat16")


def test_sparse_vectors(cache: EmbeddingCache) -> None:
    a = SparseVector([5, 1], [0.5, 1.5])
    b = SparseVector([2], [3.0])
    cache.put_many(["a", "b"], [a, b], SPARSE)
    assert cache.get("a", SPARSE) == a
    out, mask = cache.get_many(["b", "zz", "a"], SPARSE)
    assert out == [b, None, a] and mask.tolist() == [True, False, True]
    with pytest.raises(InvalidVectorError, match="sparse"):
        cache.put("c", rand(1)[0], SPARSE)
    cache.put("d", rand(1)[0], NS)
    with pytest.raises(InvalidVectorError, match="dense"):
        cache.put_many(["e"], [a], NS)


def test_ttl_default_and_per_put(store: object, clock: ManualClock) -> None:
    c = EmbeddingCache(store, default_ttl=10, clock=clock)  # type: ignore[arg-type]
    c.put("short", rand(1)[0], NS, ttl=1)
    c.put("default", rand(1)[0], NS)
    c.put_many(["long"], rand(1), NS, ttl=100)
    clock.advance(2)
    assert c.get("short", NS) is None and c.get("default", NS) is not None
    clock.advance(10)
    assert c.get("default", NS) is None and c.get("long", NS) is not None
    assert c.cleanup_expired() == 2
    st = c.stats(NS)
    assert st.expirations == 2 and st.entries == 1
    for bad in (0, -1, "5", float("nan"), True):
        with pytest.raises(InvalidInputError):
            c.put("x", rand(1)[0], NS, ttl=bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        EmbeddingCache(store, default_ttl=0)  # type: ignore[arg-type]
    assert c.check() == []


def test_invalidate_by_text_and_hash(cache: EmbeddingCache) -> None:
    k1 = cache.put("one", rand(1)[0], NS)
    cache.put("two", rand(1, seed=1)[0], NS)
    assert cache.invalidate("one", NS) is True
    assert cache.invalidate("one", NS) is False
    assert cache.get_by_hash(k1, NS) is None
    k2 = content_hash(normalize_text("two"))
    assert cache.invalidate(k2, NS) is True
    assert cache.get("two", NS) is None
    with pytest.raises(InvalidTypeError):
        cache.invalidate(3, NS)  # type: ignore[arg-type]


def test_clear_namespace_and_clear(cache: EmbeddingCache) -> None:
    cache.put_many(["a", "b"], rand(2), NS)
    cache.put_many(["a"], rand(1), "test.other.dense")
    cache.store_batch("b1", [content_hash("a")], NS)
    assert cache.clear_namespace(NS) == 2
    assert cache.get("a", NS) is None and cache.get_batch("b1", NS) is None
    assert cache.get("a", "test.other.dense") is not None
    cache.put("a", rand(1, 16)[0], NS)  # a cleared namespace may take a new dim
    assert cache.clear() == 2
    assert cache.stats().entries == 0


def test_invalidate_model(cache: EmbeddingCache) -> None:
    cache.put_many(["a", "b"], rand(2), "openai.text-embedding-3-small.dense")
    cache.put("a", rand(1)[0], "hf.BAAI/bge-small-en-v1.5.dense", fingerprint="hf/bge@1")
    cache.put("a", rand(1)[0], "openai.other.dense")
    assert cache.invalidate_model("text-embedding-3-small") == 2
    assert cache.invalidate_model("BAAI/bge-small-en-v1.5") == 1
    assert cache.get("a", "openai.other.dense") is not None
    assert cache.invalidate_model("nothing") == 0


def test_deduplicate(cache: EmbeddingCache) -> None:
    cache.put("cached", rand(1)[0], NS)
    items = [
        "new",
        SimpleNamespace(content="cached"),
        SimpleNamespace(text="other"),
        "new ",
        "cached",
    ]
    fresh, hashes = cache.deduplicate(items, NS)
    assert fresh == [items[0], items[2]]
    assert hashes == [
        content_hash(normalize_text(x)) for x in ["new", "cached", "other", "new", "cached"]
    ]
    with pytest.raises(InvalidTypeError, match=r"items\[0\]"):
        cache.deduplicate([42], NS)


def test_batches(cache: EmbeddingCache, clock: ManualClock) -> None:
    hashes = cache.put_many(["a", "b"], rand(2), NS)
    cache.store_batch("job-1", hashes, NS, ttl=5)
    assert cache.get_batch("job-1", NS) == hashes
    assert cache.get_batch("job-1", "test.other.dense") is None
    assert cache.get_batch("job-2", NS) is None
    clock.advance(6)
    assert cache.get_batch("job-1", NS) is None
    with pytest.raises(InvalidInputError):
        cache.store_batch("", hashes, NS)
    with pytest.raises(InvalidInputError):
        cache.store_batch("x", ["not-a-hash"], NS)


def test_models_and_validate_models(cache: EmbeddingCache) -> None:
    cache.put("a", rand(1)[0], NS, fingerprint="m@1")
    cache.put("b", rand(1)[0], NS, fingerprint="m@1")
    assert cache.models() == {NS: ["m@1"]}
    cache.validate_models(NS)
    cache.put("c", rand(1)[0], NS, fingerprint="m@2")
    assert cache.models(NS) == {NS: ["m@1", "m@2"]}
    with pytest.raises(FingerprintMismatchError, match="2 embedders"):
        cache.validate_models(NS)
    # the namespace is checked as every other method checks it (a number said "object of
    # type 'int' has no len()", an over-long name was looked up)
    with pytest.raises(InvalidTypeError, match="namespace must be str"):
        cache.models(3)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        cache.models("x" * 600)


def test_record_cost_counts_time_saved_and_refuses_bad_costs(cache: EmbeddingCache) -> None:
    cache.put_many(["a", "b"], rand(2), NS)
    cache.record_cost(NS, 0.5)
    cache.record_cost(NS, 1)  # an int is a number of seconds too: 0.8 * 0.5 + 0.2 * 1
    cache.get_many(["a", "b"], NS)
    assert cache.stats(NS).time_saved == pytest.approx(2 * 0.6)
    # A bad cost was kept and made every later hit fail when counted (a str: TypeError).
    for bad in ["0.1", None, True, -0.1, float("nan"), float("inf"), [0.1]]:
        with pytest.raises(InvalidInputError, match="seconds_per_text must be a finite"):
            cache.record_cost(NS, bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match="namespace must be str"):
        cache.record_cost(3, 0.1)  # type: ignore[arg-type]
    assert cache.get("a", NS) is not None
    assert cache.stats(NS).time_saved == pytest.approx(3 * 0.6)


def test_fingerprint_filter_never_shares_vectors(cache: EmbeddingCache) -> None:
    cache.put("a", rand(1)[0], NS, fingerprint="model-a@1")
    assert cache.get("a", NS, fingerprint="model-a@1") is not None
    assert cache.get("a", NS, fingerprint="model-b@1") is None
    assert cache.get("a", NS) is not None  # no fingerprint given: any


def test_stats_per_namespace_and_total(cache: EmbeddingCache) -> None:
    cache.put_many(["a", "b"], rand(2), NS)
    cache.put("a", rand(1, 4)[0], "test.small.dense")
    cache.get_many(["a", "b", "c"], NS)
    cache.get("a", "test.small.dense")
    cache.get("zzz", "test.small.dense")
    st = cache.stats(NS)
    assert (st.hits, st.misses, st.sets, st.entries) == (2, 1, 2, 2)
    assert st.hit_rate == pytest.approx(2 / 3)
    assert st.bytes_saved == 2 * 8 * 4
    assert st.bytes > 2 * 8 * 4
    total = cache.stats()
    assert (total.hits, total.misses, total.entries) == (3, 2, 3)
    assert set(total.namespaces) == {NS, "test.small.dense"}
    d = total.as_dict()
    assert d["hit_rate"] == pytest.approx(0.6) and NS in d["namespaces"]


def test_lru_by_entries(store: object) -> None:
    c = EmbeddingCache(store, max_entries=2, clock=ManualClock())  # type: ignore[arg-type]
    c.put("a", rand(1)[0], NS)
    c._clock.advance(1)  # type: ignore[attr-defined]
    c.put("b", rand(1)[0], NS)
    c._clock.advance(1)  # type: ignore[attr-defined]
    assert c.get("a", NS) is not None  # a is now more recent than b
    c._clock.advance(1)  # type: ignore[attr-defined]
    c.put("c", rand(1)[0], NS)
    assert c.get("b", NS) is None
    assert c.get("a", NS) is not None and c.get("c", NS) is not None
    assert c.stats(NS).evictions == 1 and c.stats(NS).entries == 2
    assert c.check() == []


def test_lru_by_bytes(store: object) -> None:
    c = EmbeddingCache(store, clock=ManualClock())  # type: ignore[arg-type]
    c.put("probe", rand(1, 64)[0], NS)
    size = c.stats(NS).bytes
    c.clear()
    c = EmbeddingCache(store, max_bytes=size * 3, clock=ManualClock())  # type: ignore[arg-type]
    for i in range(5):
        c._clock.advance(1)  # type: ignore[attr-defined]
        c.put(f"t{i}", rand(1, 64, seed=i)[0], NS)
    st = c.stats(NS)
    assert st.entries == 3 and st.bytes <= size * 3 and st.evictions == 2
    assert c.get("t0", NS) is None and c.get("t4", NS) is not None


def test_memory_default_budget_is_100_mb() -> None:
    c = EmbeddingCache()
    assert isinstance(c.store, MemoryStore) and c.store.max_bytes == 100 * 1024 * 1024


def test_evicted_but_referenced_vectors_stay_reachable() -> None:
    store = MemoryStore()
    c = EmbeddingCache(store, max_entries=1, clock=ManualClock())
    c.put("a", rand(1)[0], NS)
    held = c.get("a", NS)  # the program keeps a reference
    c._clock.advance(1)  # type: ignore[attr-defined]
    c.put("b", rand(1, seed=2)[0], NS)  # evicts "a" from the store
    assert store.get_many("embedding", NS, [content_hash("a")], now=2e9) == [None]
    again = c.get("a", NS)
    assert again is not None and np.array_equal(again, held)
    del held, again
    gc.collect()
    assert c.get("a", NS) is None


def test_weak_references_never_outlive_a_delete() -> None:
    c = EmbeddingCache(MemoryStore())
    c.put("a", rand(1)[0], NS)
    held = c.get("a", NS)
    c.invalidate("a", NS)
    assert c.get("a", NS) is None
    assert held is not None


def test_arrays_are_remembered_only_where_a_record_can_be_evicted() -> None:
    for store, limit, remembered in [
        (MemoryStore(), None, False),
        (MemoryStore(), 10, True),
        (MemoryStore(max_bytes=10**6), None, True),
    ]:
        c = EmbeddingCache(store, max_entries=limit)
        c.put_many(["a", "b"], rand(2), NS)
        got, mask = c.get_many(["a", "b"], NS)
        assert mask.all()
        assert bool(store._refs) is remembered
        del got
        gc.collect()
        assert not store._refs


def test_inspect_reports_ages_and_oldest(cache: EmbeddingCache, clock: ManualClock) -> None:
    for i, text in enumerate(["first", "second", "third"]):
        cache.put(text, rand(1, seed=i)[0], NS, fingerprint="m@1")
        clock.advance(10)
    report = cache.inspect(NS)
    assert report["entries"] == 3 and report["dim"] == 8 and report["kind"] == "dense"
    assert report["fingerprints"] == ["m@1"]
    oldest = report["oldest"]
    assert oldest["hash"] == content_hash("first")
    assert oldest["age_insertions"] == 2 and oldest["age_seconds"] == 30
    assert [i["age_insertions"] for i in report["items"]] == [2, 1, 0]
    json.dumps(report)
    assert [i["age_insertions"] for i in cache.inspect(NS, limit=2)["items"]] == [2, 1]
    assert cache.inspect(NS, limit=0)["items"] == []
    for bad in (-1, 1.5, "2"):  # -1 sliced the newest item off; the others: a TypeError
        with pytest.raises(InvalidInputError, match="limit must be a non-negative int"):
            cache.inspect(NS, limit=bad)  # type: ignore[arg-type]


def test_corrupt_entries_are_misses_and_check_repairs(cache: EmbeddingCache) -> None:
    keys = cache.put_many(["a", "b"], rand(2), NS)
    [blob] = cache.store.get_many("embedding", NS, [keys[0]], now=cache._clock())
    assert blob is not None
    bad = bytearray(blob)
    bad[-3] ^= 0x55
    cache.store.put_many("embedding", NS, [Item(keys[0], bytes(bad))], now=0)
    assert cache.get("a", NS) is None
    assert cache.stats(NS).errors == 1
    problems = cache.check()
    assert len(problems) == 1 and "checksum" in problems[0]
    cache.check(fix=True)
    assert cache.check() == []
    assert cache.get("b", NS) is not None


def test_hash_algorithm_mismatch_is_refused(store: object) -> None:
    store.set_meta("hash_algorithm", "md5")  # type: ignore[attr-defined]
    with pytest.raises(FingerprintMismatchError, match="md5"):
        EmbeddingCache(store)  # type: ignore[arg-type]


# --------------------------------------------------------------------- bad input


def test_nan_and_inf_are_rejected_and_nothing_changes(cache: EmbeddingCache) -> None:
    cache.put_many(["keep"], rand(1), NS)
    before = store_fingerprint(cache.store)
    for bad in (np.nan, np.inf, -np.inf):
        v = rand(1)[0]
        v[3] = bad
        with pytest.raises(NonFiniteVectorError):
            cache.put("x", v, NS)
        m = rand(4)
        m[2, 1] = bad
        with pytest.raises(NonFiniteVectorError):
            cache.put_many(["p", "q", "r", "s"], m, NS)
    assert store_fingerprint(cache.store) == before


def test_wrong_dimension_for_existing_namespace(cache: EmbeddingCache) -> None:
    cache.put("a", rand(1, 8)[0], NS)
    before = store_fingerprint(cache.store)
    with pytest.raises(DimensionMismatchError) as info:
        cache.put("b", rand(1, 7)[0], NS)
    assert (info.value.expected, info.value.got) == (8, 7)
    with pytest.raises(DimensionMismatchError):
        cache.put_many(["b", "c"], rand(2, 9), NS)
    assert store_fingerprint(cache.store) == before


def test_shape_errors(cache: EmbeddingCache) -> None:
    with pytest.raises(InvalidVectorError, match="1-D"):
        cache.put("a", rand(2), NS)
    with pytest.raises(InvalidVectorError, match="2-D"):
        cache.put_many(["a"], rand(1)[0], NS)
    with pytest.raises(DimensionMismatchError):
        cache.put_many(["a", "b"], rand(3), NS)
    assert cache.stats().entries == 0


def test_text_type_errors(cache: EmbeddingCache) -> None:
    with pytest.raises(InvalidTypeError):
        cache.get(3, NS)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError):
        cache.get_many("not a list", NS)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"texts\[1\]"):
        cache.put_many(["a", None], rand(2), NS)  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError):
        cache.get("a", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        cache.get_by_hash("xyz", NS)
    assert cache.stats().entries == 0


def test_batch_size_cap(cache: EmbeddingCache, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_BATCH", 10)
    cache.get_many([str(i) for i in range(10)], NS)  # at the cap
    with pytest.raises(PayloadTooLargeError):
        cache.get_many([str(i) for i in range(11)], NS)


def test_closed_cache_refuses_everything(store: object) -> None:
    c = EmbeddingCache(store)  # type: ignore[arg-type]
    c.put("a", rand(1)[0], NS)
    c.close()
    c.close()  # idempotent
    for call in (
        lambda: c.get("a", NS),
        lambda: c.put("a", rand(1)[0], NS),
        lambda: c.get_many(["a"], NS),
        lambda: c.stats(),
        lambda: c.clear(),
        lambda: c.inspect(NS),
    ):
        with pytest.raises(CacheClosedError):
            call()


def test_owned_store_is_closed_with_the_cache(tmp_path: Path) -> None:
    with EmbeddingCache(path=str(tmp_path / "x.db")) as c:
        c.put("a", rand(1)[0], NS)
    with pytest.raises(CacheClosedError):
        c.store.info("embedding")
    reopened = EmbeddingCache(path=str(tmp_path / "x.db"))
    assert reopened.get("a", NS) is not None
    reopened.close()


def test_constructor_validation(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="either"):
        EmbeddingCache(MemoryStore(), path=str(tmp_path / "x.db"))
    with pytest.raises(TypeError):
        EmbeddingCache(store=object())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        EmbeddingCache(max_entries=-1)


@pytest.mark.parametrize("budget", [None, 10**6])
def test_memory_store_reads_are_recorded_for_lru_only_where_they_can_evict(
    budget: int | None,
) -> None:
    """An unlimited cache on an unbounded MemoryStore does no LRU bookkeeping on reads
    (as on a disk store): a cache with a limit sharing the store then evicts in write
    order. With a byte budget on the store, the read counts."""
    store = MemoryStore(max_bytes=budget)
    reader = EmbeddingCache(store, clock=ManualClock())
    for i in range(3):
        reader.put(f"t{i}", rand(1, seed=i)[0], NS)
    got, found = reader.get_many(["t0"], NS)
    assert found.all() and np.array_equal(got[0], rand(1, seed=0)[0])
    EmbeddingCache(store, max_entries=3, clock=ManualClock()).put("t3", rand(1)[0], NS)
    gone = "t0" if budget is None else "t1"
    assert reader.get(gone, NS) is None
    assert all(reader.get(t, NS) is not None for t in {"t0", "t1", "t2", "t3"} - {gone})


def test_memory_store_byte_budget_evicts_least_recently_used() -> None:
    probe = EmbeddingCache(MemoryStore())
    probe.put("probe", rand(1, 64)[0], NS)
    one = probe.stats(NS).bytes  # bytes of one stored 64-d record
    store = MemoryStore(max_bytes=3 * one)
    c = EmbeddingCache(store, clock=ManualClock())
    for i in range(3):
        c.put(f"t{i}", rand(1, 64, seed=i)[0], NS)
    assert c.stats(NS).entries == 3
    c.get("t0", NS)  # t0 becomes the most recently used
    c.put("t3", rand(1, 64, seed=3)[0], NS)  # over budget: t1 goes
    assert c.get("t1", NS) is None
    assert all(c.get(t, NS) is not None for t in ("t0", "t2", "t3"))
    st = c.stats(NS)
    assert st.evictions == 1 and st.bytes == 3 * one
    assert store.check() == []


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"ttl": 60}, "ttl (did you mean default_ttl?)"),
        ({"directory": "cache"}, "directory (did you mean path?)"),
        ({"size_limit": 10}, "size_limit (did you mean max_bytes?)"),
        ({"max_entires": 10}, "max_entires (did you mean max_entries?)"),
        ({"colour": 1}, "argument: colour"),
    ],
)
def test_an_unknown_option_is_named_with_the_one_meant(kwargs: dict[str, Any], hint: str) -> None:
    """``EmbeddingCache(ttl=60)`` (cachetools' and diskcache's names) said
    "EmbeddingCache.__init__() got an unexpected keyword argument 'ttl'", with no hint,
    where ``get_cache(ttl=...)`` named ``default_ttl``."""
    with pytest.raises(InvalidTypeError) as info:
        EmbeddingCache(**kwargs)
    message = str(info.value)
    assert message.startswith("EmbeddingCache() got an unexpected keyword argument: "), message
    assert hint in message, message


def test_two_unknown_options_are_named_in_one_error() -> None:
    with pytest.raises(InvalidTypeError) as info:
        EmbeddingCache(ttl=60, colour=1)  # type: ignore[call-arg]
    assert str(info.value) == (
        "EmbeddingCache() got unexpected keyword arguments: colour, ttl (did you mean default_ttl?)"
    )
