"""``MemoryStore`` read paths beyond the shared contract: the all-hit fast path (one
tick per batch, C-level loops) must keep the same LRU order and expiry as the per-key
path, and the count of entries with an expiry must stay exact."""

from __future__ import annotations

from nearcache import MemoryStore, content_hash
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
