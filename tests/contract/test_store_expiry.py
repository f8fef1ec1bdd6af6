"""The ``Store`` contract: expiry by the given clock, and least-recently-used eviction.

Run against every store by the ``kit`` and ``store`` fixtures (``tests/contract/conftest.py``).
"""

from __future__ import annotations

from contract.records import NOW, T, items, values
from contract.workers import key
from nearcache.stores.protocol import Item, Store, add_many


class TestStoreExpiry:
    """TTL and LRU, the same on every store."""

    # -- TTL ---------------------------------------------------------------------------------

    def test_expiry_follows_the_given_clock(self, store: Store) -> None:
        store.put_many(T, "ns", items([1], exp=NOW + 10), now=NOW)
        store.put_many(T, "ns", items([2]), now=NOW)
        assert values(store, "ns", [1, 2], now=NOW + 9.5) == [b"v1", b"v2"]
        assert values(store, "ns", [1, 2], now=NOW + 10) == [None, b"v2"]
        # Going back in time makes it visible again until it is purged.
        assert values(store, "ns", [1], now=NOW + 1) == [b"v1"]
        assert store.info(T, "ns").entries == 2  # expired records count until swept
        assert store.purge_expired(T, "ns", now=NOW + 5) == []
        assert store.purge_expired(T, now=NOW + 10) == [("ns", key(1))]
        info = store.info(T, "ns")
        assert (info.entries, info.expirations) == (1, 1)
        assert values(store, "ns", [1], now=NOW + 1) == [None]

    def test_purge_limit_and_namespace(self, store: Store) -> None:
        store.put_many(T, "a", items(range(5), exp=NOW + 1), now=NOW)
        store.put_many(T, "b", items(range(5), exp=NOW + 1), now=NOW)
        assert len(store.purge_expired(T, "a", now=NOW + 2, limit=3)) == 3
        assert store.info(T, "a").entries == 2 and store.info(T, "b").entries == 5
        rest = store.purge_expired(T, now=NOW + 2)
        assert sorted(ns for ns, _ in rest) == ["a"] * 2 + ["b"] * 5
        assert store.info(T).expirations == 10

    def test_replacing_with_and_without_ttl(self, store: Store) -> None:
        store.put_many(T, "ns", items([1], exp=NOW + 1), now=NOW)
        store.put_many(T, "ns", items([1], b"forever"), now=NOW)
        assert store.purge_expired(T, now=NOW + 100) == []
        assert values(store, "ns", [1], now=NOW + 100) == [b"forever1"]
        store.put_many(T, "ns", items([1], b"short", exp=NOW + 2), now=NOW)
        assert values(store, "ns", [1], now=NOW + 3) == [None]

    def test_add_inserts_only_if_absent_or_expired(self, store: Store) -> None:
        assert store.add(T, "ns", Item(key(1), b"first", NOW + 10), now=NOW)
        assert not store.add(T, "ns", Item(key(1), b"second"), now=NOW + 5)
        assert values(store, "ns", [1], now=NOW + 5) == [b"first"]
        assert store.add(T, "ns", Item(key(1), b"third"), now=NOW + 10)
        assert values(store, "ns", [1], now=NOW + 20) == [b"third"]
        info = store.info(T, "ns")
        assert (info.entries, info.bytes) == (1, len(b"third"))
        assert store.add(T, "other", Item(key(1), b"x"), now=NOW)  # per namespace

    def test_add_many_first_duplicate_wins_and_live_keys_lose(self, store: Store) -> None:
        store.put_many(T, "ns", [Item(key(1), b"live"), Item(key(2), b"old", NOW + 1)], now=NOW)
        v0 = store.info(T, "ns").version
        batch = [Item(key(1), b"a"), Item(key(2), b"b"), Item(key(3), b"c"), Item(key(3), b"d")]
        assert add_many(store, T, "ns", batch, now=NOW + 5) == [False, True, True, False]
        assert values(store, "ns", [1, 2, 3], now=NOW + 5) == [b"live", b"b", b"c"]
        info = store.info(T, "ns")
        assert (info.entries, info.bytes) == (3, 4 + 1 + 1)
        assert info.version > v0
        assert add_many(store, T, "ns", [Item(key(1), b"z")], now=NOW + 5) == [False]
        assert add_many(store, T, "ns", [], now=NOW) == []

    # -- LRU ---------------------------------------------------------------------------------

    def test_evict_removes_least_recently_used(self, store: Store) -> None:
        for i in range(10):
            store.put_many(T, "ns", items([i]), now=NOW + i)
        store.put_many(T, "other", items([0]), now=NOW)
        # Reading 0 and 3 makes them recent.
        store.get_many(T, "ns", [key(0), key(3)], now=NOW + 20, touch=True)
        gone = store.evict(T, "ns", max_entries=6)
        assert gone == [("ns", key(i)) for i in (1, 2, 4, 5)]
        assert values(store, "ns", [0, 3, 6, 7, 8, 9]) == [b"v%d" % i for i in (0, 3, 6, 7, 8, 9)]
        info = store.info(T, "ns")
        assert (info.entries, info.evictions) == (6, 4)
        assert store.info(T, "other").entries == 1  # another namespace is untouched
        assert store.evict(T, "ns", max_entries=6) == []

    def test_evict_by_bytes(self, store: Store) -> None:
        for i in range(5):
            store.put_many(T, "ns", [Item(key(i), b"x" * 100)], now=NOW + i)
        gone = store.evict(T, "ns", max_bytes=250)
        assert gone == [("ns", key(i)) for i in (0, 1, 2)]
        assert store.info(T, "ns").bytes == 200

    def test_evict_across_namespaces(self, store: Store) -> None:
        for i in range(6):
            store.put_many(T, "ab"[i % 2], items([i]), now=NOW + i)
        gone = store.evict(T, None, max_entries=3)
        assert gone and sorted(gone) == sorted([("a", key(0)), ("b", key(1)), ("a", key(2))])
        assert store.info(T).entries == 3
        assert store.info(T).evictions == 3
