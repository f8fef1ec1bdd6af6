"""``MemoryStore`` read paths beyond the shared contract: the all-hit fast path (one
tick per batch, C-level loops) must keep the same LRU order and expiry as the per-key
path, and the count of entries with an expiry must stay exact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nearcache import MemoryStore, content_hash
from nearcache.stores.memory.store import HASH_FIRST
from nearcache.stores.protocol import Item

T = "kv"
NOW = 1_000.0


def key(i: int) -> str:
    return content_hash(f"k{i}")


def put(store: MemoryStore, ns: str, keys: list[int], now: float, exp: float | None = None) -> None:
    store.put_many(T, ns, [Item(key(i), b"v%d" % i, exp) for i in keys], now=now)


def test_batch_reads_order_lru_like_single_reads() -> None:
    store = MemoryStore()
    for i in range(6):
        put(store, "ab"[i % 2], [i], NOW + i)
    # An all-hit batch (fast path) in "a", then a batch with a miss (per-key path) in "b".
    assert store.get_many(T, "a", [key(2), key(0)], now=NOW + 10) == [b"v2", b"v0"]
    assert store.get_many(T, "b", [key(9), key(1)], now=NOW + 11) == [None, b"v1"]
    gone = store.evict(T, None, max_entries=2)
    # Oldest first: 3, 4, 5 (never read), then 2 and 0 (read in that order), then 1.
    assert gone == [("b", key(3)), ("a", key(4)), ("b", key(5)), ("a", key(2))]
    assert store.check() == []


def test_untouched_reads_leave_the_order_alone() -> None:
    store = MemoryStore()
    put(store, "a", [0, 1, 2], NOW)
    assert store.get_many(T, "a", [key(0)], now=NOW, touch=False) == [b"v0"]
    assert store.evict(T, "a", max_entries=2) == [("a", key(0))]


def test_expiry_is_checked_once_any_entry_can_expire() -> None:
    store = MemoryStore()
    put(store, "a", [0, 1], NOW)
    put(store, "a", [2], NOW, exp=NOW + 5)
    assert store.get_many(T, "a", [key(0), key(2)], now=NOW + 1) == [b"v0", b"v2"]
    assert store.get_many(T, "a", [key(0), key(2)], now=NOW + 5) == [b"v0", None]
    put(store, "a", [2], NOW + 6)  # replaced without an expiry: all-hit fast path again
    assert store.get_many(T, "a", [key(0), key(2)], now=NOW + 100) == [b"v0", b"v2"]
    assert store.check() == []


def test_expiring_count_follows_every_removal() -> None:
    store = MemoryStore(max_bytes=30)
    put(store, "a", [0, 1, 2], NOW, exp=NOW + 5)
    put(store, "a", [3], NOW)
    assert store.check() == []
    store.delete_many(T, "a", [key(0)])
    store.purge_expired(T, "a", now=NOW + 5)
    assert store.check() == []
    put(store, "a", list(range(10, 20)), NOW, exp=NOW + 50)  # evicts past the byte budget
    assert store.check() == []
    store.clear(T, "a")
    assert store.check() == []
    put(store, "a", [4], NOW)
    assert store.get_many(T, "a", [key(4)], now=NOW + 10**6) == [b"v4"]


memory_ops = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "evict", "get"]),
        st.lists(st.integers(0, 15), min_size=1, max_size=10, unique=True),
        st.one_of(st.none(), st.floats(1, 10)),
        st.integers(1, 40),
    ),
    max_size=30,
)


@given(memory_ops)
def test_batch_writes_keep_values_counters_and_order_like_a_model(
    steps: list[tuple[str, list[int], float | None, int]],
) -> None:
    """Batch writes (replacing, expiring, evicting) and reads leave exactly the model's
    live values, counters that a recount agrees with, and the LRU order of last writes
    and reads (a read moves each live key it hits to the end, in the order asked: a key
    asked twice ends where it was asked last)."""
    store = MemoryStore()
    model: dict[str, tuple[bytes, float | None]] = {}
    for n, (op, which, expires, size) in enumerate(steps):
        keys = [f"{i:064x}" for i in which]
        if op == "put":
            items = [Item(k, bytes([n % 256]) * size, expires) for k in keys]
            store.put_many("kv", "ns", items, now=0)
            for k in keys:
                model.pop(k, None)
                model[k] = (bytes([n % 256]) * size, expires)
        elif op == "delete":
            store.delete_many("kv", "ns", keys)
            for k in keys:
                model.pop(k, None)
        elif op == "get":  # all asked once / one asked again / with an absent key
            asked = [keys, [*keys, keys[0]], [f"{99:064x}", *keys]][size % 3]
            alive = {k for k, (_, exp) in model.items() if exp is None or exp > 5.0}
            got = store.get_many("kv", "ns", asked, now=5.0)
            assert got == [model[k][0] if k in alive else None for k in asked]
            for k in asked:
                if k in alive:
                    model[k] = model.pop(k)
        else:
            evicted = store.evict("kv", max_entries=len(which))
            oldest = list(model)[: max(0, len(model) - len(which))]
            assert [k for _, k in evicted] == oldest
            for k in oldest:
                del model[k]
        assert store.check() == []
        info = store.info("kv", "ns")
        assert (info.entries, info.bytes) == (len(model), sum(len(v) for v, _ in model.values()))
        everything = [f"{i:064x}" for i in range(16)]
        live = {k: v for k, (v, exp) in model.items() if exp is None or exp > 5.0}
        want = [live.get(k) for k in everything]
        assert store.get_many("kv", "ns", everything, now=5.0, touch=False) == want


def test_reads_leave_the_stored_keys_alone() -> None:
    """A read moves entries to the end under the store's own key objects, not the
    reader's (a str subclass asked with stays out of the store)."""

    class Key(str):
        pass

    store = MemoryStore()
    put(store, "a", [0, 1, 2], NOW)
    assert store.get_many(T, "a", [Key(key(0)), Key(key(1))], now=NOW) == [b"v0", b"v1"]
    assert store.get_many(T, "a", [Key(key(2)), Key(key(9))], now=NOW) == [b"v2", None]
    gone = store.evict(T, "a", max_entries=0)
    assert [k for _, k in gone] == [key(0), key(1), key(2)]
    assert {type(k) for _, k in gone} == {str}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["put", "delete", "evict", "clear", "budget"]),
            st.lists(st.integers(0, 9), max_size=5),
        ),
        max_size=25,
    )
)
def test_reads_that_record_nothing_see_every_write_delete_and_eviction(
    steps: list[tuple[str, list[int]]],
) -> None:
    """Reads with ``touch=False`` and nothing that can expire take the values straight
    from their own map: after any mix of puts, replacements, deletes, evictions (asked
    for, or by the byte budget) and clears they give what a recording read gives."""
    store = MemoryStore(max_bytes=40)
    every = [key(i) for i in range(HASH_FIRST + 4)]  # 0-9 written, the rest absent: hashed first
    for n, (op, ids) in enumerate(steps):
        if op == "put":
            store.put_many(T, "a", [Item(key(i), b"v%d.%d" % (i, n), None) for i in ids], now=NOW)
        elif op == "delete":
            store.delete_many(T, "a", [key(i) for i in ids])
        elif op == "evict":
            store.evict(T, "a", max_entries=len(ids))
        elif op == "clear":
            store.clear(T, "a")
        else:
            store.put_many(T, "b", [Item(key(i), b"x" * 9, None) for i in ids], now=NOW)
        plain = store.get_many(T, "a", every, now=NOW, touch=False)
        assert plain == store.get_many(T, "a", every, now=NOW, touch=True)
    assert store.check() == []


def test_check_finds_and_mends_values_that_differ_from_the_entries() -> None:
    store = MemoryStore()
    put(store, "a", [0, 1], NOW)
    store._tables[T]["a"].values[key(0)] = b"stale"
    assert store.check() == [f"{T}/a: values differ from the entries"]
    assert store.check(fix=True) != [] and store.check() == []
    assert store.get_many(T, "a", [key(0)], now=NOW, touch=False) == [b"v0"]
