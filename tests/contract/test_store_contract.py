"""The ``Store`` contract, run unchanged against every store (cachetools' CacheTestMixin
idea, parametrized like aiocache's backend fixture): memory, sqlite, redis, postgres and
dynamodb. Server stores run against real servers started by ``tests/servers.py``.

Every test that writes ends with ``store.check() == []`` (the ``store`` fixture). Expiry and
eviction, the change log, and threads and processes have modules of their own beside this
one: ``test_store_expiry.py``, ``test_store_changes.py``, ``test_store_concurrency.py``.
"""

from __future__ import annotations

import unicodedata

import pytest

from contract.kits import Kit
from contract.records import LOGGED, NOW, T, items, values
from contract.workers import key
from nearcache.stores.protocol import TABLES, Item, Store

#: Namespace names that a naive ``f"{a}{b}"`` or separator-based encoding would alias.
TRICKY_NAMESPACES = [
    "",
    "a",
    "ab",
    "a:b",
    "a:",
    ":a",
    "1:a",
    "5:hello",
    "a\x00b",
    "a*b?[c]",
    "{tag}",
    "x:m",
    ":m",
    ":r0:",
    "ns:kv",
    "a b",
    unicodedata.normalize("NFC", "caf\u00e9"),
    unicodedata.normalize("NFD", "caf\u00e9"),
    "\U0001f600",
    "n" * 300,
]


class TestStoreContract:
    # -- reads and writes ---------------------------------------------------------------

    def test_missing_namespace_reads_as_absent(self, store: Store) -> None:
        assert values(store, "nope", [1, 2]) == [None, None]
        assert store.get_many(T, "nope", [], now=NOW) == []
        assert store.info(T, "nope").entries == 0
        assert store.delete_many(T, "nope", [key(1)]) == 0
        assert store.clear(T, "nope") == 0
        assert list(store.scan(T, "nope")) == []
        assert "nope" not in store.namespaces(T)

    def test_put_then_get_in_order(self, store: Store) -> None:
        store.put_many(T, "ns", items(range(5)), now=NOW)
        got = values(store, "ns", [4, 9, 0, 4, 2])
        assert got == [b"v4", None, b"v0", b"v4", b"v2"]

    def test_get_one_is_get_many_of_one_key(self, store: Store) -> None:
        assert store.get_one(T, "nope", key(1), now=NOW) is None
        store.put_many(T, "ns", [*items([1]), Item(key(2), b"soon", NOW + 5)], now=NOW)
        store.put_many(T, "other", items([3]), now=NOW)
        for i, now in [(1, NOW), (2, NOW), (2, NOW + 5), (3, NOW), (9, NOW)]:
            one = store.get_one(T, "ns", key(i), now=now, touch=False)
            assert one == values(store, "ns", [i], now=now)[0], (i, now)
        assert store.get_one(T, "ns", key(2), now=NOW + 4) == b"soon"
        assert store.get_one(T, "ns", key(2), now=NOW + 5) is None  # expired
        assert store.get_one(T, "ns", key(3), now=NOW) is None  # another namespace's
        with pytest.raises(ValueError):
            store.get_one("no_such_table", "ns", key(1), now=NOW)

    def test_put_one_is_put_many_of_one_item(self, store: Store) -> None:
        v0 = store.info(LOGGED, "ns").version
        v1 = store.put_one(LOGGED, "ns", Item(key(1), b"first"), now=NOW)
        v2 = store.put_one(LOGGED, "ns", Item(key(1), b"2nd", NOW + 5), now=NOW)  # replaces
        v3 = store.put_one(LOGGED, "ns", Item(key(2), b"two"), now=NOW)
        assert v0 < v1 < v2 < v3 == store.info(LOGGED, "ns").version
        got = store.get_many(LOGGED, "ns", [key(1), key(2)], now=NOW, touch=False)
        assert got == [b"2nd", b"two"]
        assert store.get_one(LOGGED, "ns", key(1), now=NOW + 5) is None  # its new expiry
        info = store.info(LOGGED, "ns")
        assert (info.entries, info.bytes) == (2, len(b"2nd") + len(b"two"))
        events = store.changes(LOGGED, "ns", v0).events
        assert events == [("put", key(1)), ("put", key(1)), ("put", key(2))]
        assert store.get_one(LOGGED, "other", key(1), now=NOW) is None
        with pytest.raises(ValueError):
            store.put_one(LOGGED, "ns", Item("not a hash", b"x"), now=NOW)
        with pytest.raises(TypeError):
            store.put_one(LOGGED, "ns", Item(key(3), "text"), now=NOW)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            store.put_one("no_such_table", "ns", Item(key(1), b"x"), now=NOW)
        assert store.info(LOGGED, "ns") == info  # rejected puts changed nothing

    def test_put_replaces_and_last_duplicate_wins(self, store: Store) -> None:
        store.put_many(T, "ns", items([1, 2]), now=NOW)
        store.put_many(T, "ns", [Item(key(1), b"old"), Item(key(1), b"newer")], now=NOW)
        assert values(store, "ns", [1, 2]) == [b"newer", b"v2"]
        info = store.info(T, "ns")
        assert (info.entries, info.bytes) == (2, len(b"newer") + len(b"v2"))

    def test_values_are_opaque_bytes(self, store: Store) -> None:
        blobs = [b"", b"\x00" * 10, bytes(range(256)) * 40, b"\xff\xfe"]
        store.put_many(T, "ns", [Item(key(i), b) for i, b in enumerate(blobs)], now=NOW)
        assert values(store, "ns", range(4)) == blobs

    def test_empty_value_then_delete(self, store: Store) -> None:
        """Regression found by the state machine: removing zero bytes (Lua's -0)."""
        assert store.add(T, "ns", Item(key(1), b""), now=NOW)
        assert store.delete_many(T, "ns", [key(1)]) == 1
        store.put_many(T, "ns", [Item(key(2), b"", NOW + 1)], now=NOW)
        assert store.purge_expired(T, "ns", now=NOW + 2) == [("ns", key(2))]
        info = store.info(T, "ns")
        assert (info.entries, info.bytes) == (0, 0)

    def test_versions_increase_with_every_write(self, store: Store) -> None:
        seen = [store.info(T, "ns").version]
        seen.append(store.put_many(T, "ns", items([1]), now=NOW))
        assert store.info(T, "ns").version == seen[-1]
        assert store.add(T, "ns", Item(key(2), b"x"), now=NOW)
        seen.append(store.info(T, "ns").version)
        store.delete_many(T, "ns", [key(1)])
        seen.append(store.info(T, "ns").version)
        store.clear(T, "ns")
        seen.append(store.info(T, "ns").version)
        seen.append(store.put_many(T, "ns", items([3]), now=NOW))
        assert seen == sorted(set(seen)), f"versions not strictly increasing: {seen}"
        # A write that changes nothing does not have to bump, but must never go back.
        before = store.info(T, "ns").version
        store.delete_many(T, "ns", [key(99)])
        assert store.info(T, "ns").version >= before

    # -- namespaces and tables ---------------------------------------------------------------

    def test_tricky_namespace_names_never_alias(self, store: Store) -> None:
        for i, ns in enumerate(TRICKY_NAMESPACES):
            store.put_many(T, ns, [Item(key(0), b"ns%d" % i)], now=NOW)
        for i, ns in enumerate(TRICKY_NAMESPACES):
            assert values(store, ns, [0]) == [b"ns%d" % i], repr(ns)
            assert store.info(T, ns).entries == 1
        assert sorted(store.namespaces(T)) == sorted(TRICKY_NAMESPACES)
        assert store.clear(T, "a") == 1
        for i, ns in enumerate(TRICKY_NAMESPACES):
            assert values(store, ns, [0]) == ([None] if ns == "a" else [b"ns%d" % i]), repr(ns)

    def test_tables_are_separate(self, store: Store) -> None:
        for t in TABLES:
            store.put_many(t, "same", [Item(key(0), t.encode())], now=NOW)
        for t in TABLES:
            assert store.get_many(t, "same", [key(0)], now=NOW) == [t.encode()]
        assert store.clear("kv") == 1
        assert store.get_many("batch", "same", [key(0)], now=NOW) == [b"batch"]
        with pytest.raises(ValueError):
            store.get_many("nope", "same", [key(0)], now=NOW)

    def test_info_totals_over_namespaces(self, store: Store) -> None:
        store.put_many(T, "a", items(range(3)), now=NOW)
        store.put_many(T, "b", items(range(2), b"long-"), now=NOW)
        a, b, total = store.info(T, "a"), store.info(T, "b"), store.info(T)
        assert (a.entries, b.entries, total.entries) == (3, 2, 5)
        assert total.bytes == a.bytes + b.bytes == 3 * 2 + 2 * 6
        assert sorted(store.namespaces(T)) == ["a", "b"]

    # -- delete and clear ---------------------------------------------------------------------

    def test_delete_many_counts_existing_once(self, store: Store) -> None:
        store.put_many(T, "ns", items(range(4)), now=NOW)
        assert store.delete_many(T, "ns", [key(1), key(1), key(3), key(9)]) == 2
        assert values(store, "ns", range(4)) == [b"v0", None, b"v2", None]
        assert store.info(T, "ns").entries == 2

    def test_clear_namespace_and_table(self, store: Store) -> None:
        store.put_many(T, "a", items(range(3)), now=NOW)
        store.put_many(T, "b", items(range(2)), now=NOW)
        assert store.clear(T, "a") == 3
        assert values(store, "a", range(3)) == [None] * 3
        assert values(store, "b", range(2)) == [b"v0", b"v1"]
        store.put_many(T, "a", items([7]), now=NOW)  # usable again after a clear
        assert values(store, "a", [7]) == [b"v7"]
        assert store.clear(T) == 3
        assert store.info(T).entries == 0
        assert store.namespaces(T) == []

    # -- scan, meta ---------------------------------------------------------------------------

    def test_scan_yields_every_record_in_batches(self, store: Store) -> None:
        store.put_many(T, "ns", items(range(25), exp=NOW + 50), now=NOW)
        store.put_many(T, "ns", items(range(25, 30)), now=NOW)
        store.put_many(T, "other", items(range(3)), now=NOW)
        batches = list(store.scan(T, "ns", batch_size=7))
        assert all(0 < len(b) <= 7 for b in batches) or store.__class__.__name__ in (
            "RedisStore",
            "DynamoDBStore",
        )
        got = {it.key: (it.value, it.expires_at) for b in batches for it in b}
        want = {key(i): (b"v%d" % i, NOW + 50 if i < 25 else None) for i in range(30)}
        assert got == want

    def test_meta_round_trip(self, store: Store) -> None:
        assert store.get_meta("nearcache-test-missing") is None
        store.set_meta("k", "v1")
        store.set_meta("k", "v2")
        store.set_meta("unicode \u00e9", "\u2603")
        assert store.get_meta("k") == "v2"
        assert store.get_meta("unicode \u00e9") == "\u2603"

    # -- persistence ------------------------------------------------------------------------

    def test_reopen_keeps_everything(self, kit: Kit, store: Store) -> None:
        if not kit.persistent:
            pytest.skip("memory:// data lives only as long as its object")
        store.put_many(LOGGED, "ns", items(range(3), exp=NOW + 60), now=NOW)
        store.set_meta("m", "1")
        version = store.info(LOGGED, "ns").version
        again = kit.open()
        assert again.get_many(LOGGED, "ns", [key(i) for i in range(3)], now=NOW) == [
            b"v0",
            b"v1",
            b"v2",
        ]
        assert again.info(LOGGED, "ns").version == version
        assert again.get_meta("m") == "1"
        assert [it.expires_at for b in again.scan(LOGGED, "ns") for it in b] == [NOW + 60] * 3
        assert again.check() == []
