"""The ``Store`` contract, run unchanged against every store (cachetools' CacheTestMixin
idea, parametrized like aiocache's backend fixture): memory, sqlite, redis, postgres and
dynamodb. Server stores run against real servers started by ``tests/servers.py``.

Every test that writes ends with ``store.check() == []`` (the ``store`` fixture).
"""

from __future__ import annotations

import multiprocessing
import threading
import unicodedata
from collections.abc import Sequence

import pytest

from contract.kits import Kit
from contract.workers import add_race, key, writer
from nearcache.stores.protocol import TABLES, Item, Store, add_many

NOW = 1_000.0
T = "kv"  # an unlogged table
LOGGED = "semantic"

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


def items(keys: Sequence[int], tag: bytes = b"v", exp: float | None = None) -> list[Item]:
    return [Item(key(i), tag + b"%d" % i, exp) for i in keys]


def values(store: Store, ns: str, keys: Sequence[int], now: float = NOW, table: str = T) -> list:
    return store.get_many(table, ns, [key(i) for i in keys], now=now, touch=False)


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

    # -- change log ---------------------------------------------------------------------------

    def test_change_log_records_every_version(self, store: Store) -> None:
        v0 = store.info(LOGGED, "ns").version
        v1 = store.put_many(LOGGED, "ns", items([1, 2]), now=NOW)
        store.delete_many(LOGGED, "ns", [key(1)])
        v2 = store.info(LOGGED, "ns").version
        store.clear(LOGGED, "ns")
        v3 = store.info(LOGGED, "ns").version
        assert v0 < v1 < v2 < v3
        ch = store.changes(LOGGED, "ns", v0)
        assert ch.version == v3
        assert ch.events == [("put", key(1)), ("put", key(2)), ("delete", key(1)), ("clear", "")]
        assert store.changes(LOGGED, "ns", v1).events == [("delete", key(1)), ("clear", "")]
        assert store.changes(LOGGED, "ns", v3) == type(ch)(v3, [])
        for since in (v1, v2):  # every bump left an event, so no gap is reported
            assert store.changes(LOGGED, "ns", since).events

    def test_empty_writes_change_nothing_and_keep_the_log_whole(self, store: Store) -> None:
        store.put_many(LOGGED, "e", items([1]), now=NOW)
        before = store.info(LOGGED, "e").version
        store.put_many(LOGGED, "e", [], now=NOW)
        assert store.delete_many(LOGGED, "e", []) == 0
        assert store.delete_many(LOGGED, "e", [key(99)]) == 0
        after = store.info(LOGGED, "e").version
        changes = store.changes(LOGGED, "e", before)
        assert changes.events is not None  # no version without its event
        assert after == before or changes.events
        with pytest.raises(ValueError):
            store.changes(T, "e", 0)

    def test_change_log_covers_add_purge_evict(self, store: Store) -> None:
        v0 = store.info(LOGGED, "ns").version
        store.add(LOGGED, "ns", Item(key(1), b"a", NOW + 1), now=NOW)
        store.put_many(LOGGED, "ns", items([2]), now=NOW + 2)
        store.put_many(LOGGED, "ns", items([3]), now=NOW + 3)
        store.purge_expired(LOGGED, "ns", now=NOW + 5)
        store.evict(LOGGED, "ns", max_entries=1)
        events = store.changes(LOGGED, "ns", v0).events
        assert events == [
            ("put", key(1)),
            ("put", key(2)),
            ("put", key(3)),
            ("delete", key(1)),
            ("delete", key(2)),
        ]

    # -- atomicity and concurrency -----------------------------------------------------------

    def test_batches_are_seen_whole(self, kit: Kit, store: Store) -> None:
        """A reader never observes half of a batch (I2)."""
        if kit.kind == "dynamodb":
            # BatchGetItem may observe part of a transaction (docs/stores.md), so only
            # the write side is checked: a transaction the server refuses leaves nothing.
            from nearcache.errors import CacheError

            store.put_many(T, "ns", items(range(3)), now=NOW)
            before = store.info(T, "ns")
            batch = [*items(range(10, 40)), Item(key(40), b"x" * 500_000)]  # > 400 KB item
            with pytest.raises(CacheError):
                store.put_many(T, "ns", batch, now=NOW)
            assert values(store, "ns", range(10, 41)) == [None] * 31
            assert store.info(T, "ns") == before
            return
        keys = list(range(40))
        store.put_many(T, "ns", items(keys, b"A"), now=NOW)
        stop = threading.Event()
        torn: list[set[bytes]] = []

        def read() -> None:
            reader = kit.open()
            while not stop.is_set():
                got = {v[:1] for v in values(reader, "ns", keys) if v is not None}
                if len(got) != 1:
                    torn.append(got)

        thread = threading.Thread(target=read)
        thread.start()
        try:
            for n in range(30):
                store.put_many(T, "ns", items(keys, b"AB"[n % 2 : n % 2 + 1]), now=NOW)
        finally:
            stop.set()
            thread.join()
        assert torn == []

    def test_add_exactly_once_across_16_threads(self, kit: Kit, store: Store) -> None:
        n = kit.race_keys
        sentinel = Item(key(10**6), b"s")  # create the namespace (and its version base)
        store.put_many(T, "race", [sentinel], now=NOW)
        v0 = store.info(T, "race").version
        wins = [0] * 16
        barrier = threading.Barrier(16)

        def run(t: int) -> None:
            client = kit.open()
            barrier.wait()
            for i in range(n):
                j = (i + t * 7) % n  # threads start at different keys, then collide
                if client.add(T, "race", Item(key(j), b"t%d" % t), now=NOW):
                    wins[t] += 1

        threads = [threading.Thread(target=run, args=(t,)) for t in range(16)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert sum(wins) == n
        info = store.info(T, "race")
        assert info.entries == n + 1
        assert info.version - v0 == n  # one bump per successful add, none for refusals

    def test_versions_monotonic_under_concurrent_writers(self, kit: Kit, store: Store) -> None:
        got: list[list[int]] = [[] for _ in range(4)]

        def run(t: int) -> None:
            client = kit.open()
            for i in range(15):
                got[t].append(client.put_many(T, "ns", items([t * 100 + i]), now=NOW))

        threads = [threading.Thread(target=run, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for seq in got:
            assert seq == sorted(seq) and len(set(seq)) == len(seq)
        every = [v for seq in got for v in seq]
        assert len(set(every)) == len(every), "two writes returned the same version"
        assert store.info(T, "ns").version == max(every)

    # -- persistence and processes ------------------------------------------------------------

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


def _spawn(target: object, *args: object) -> tuple[multiprocessing.Process, object]:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=target, args=(*args, child))
    proc.start()
    child.close()
    return proc, parent


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def test_add_exactly_once_across_4_processes(
    kind: str, request: pytest.FixtureRequest, tmp_path: object
) -> None:
    from pathlib import Path

    from contract.kits import kit_for

    with kit_for(kind, request, Path(str(tmp_path))) as kit:
        store = kit.open()
        n = 400
        procs = [_spawn(add_race, kit.url, T, "race", n) for _ in range(4)]
        wins = [conn.recv() for _, conn in procs]  # type: ignore[attr-defined]
        for proc, _ in procs:
            proc.join(60)
            assert proc.exitcode == 0
        assert sum(wins) == n
        assert store.info(T, "race").entries == n
        assert store.check() == []


@pytest.mark.parametrize(
    "kind",
    [
        "sqlite",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("dynamodb", marks=pytest.mark.dynamodb),
    ],
)
def test_shared_mode_reader_sees_writer_process(
    kind: str, request: pytest.FixtureRequest, tmp_path: object
) -> None:
    """One process writes; another follows ``changes()`` and sees every acked write."""
    from pathlib import Path

    from contract.kits import kit_for

    with kit_for(kind, request, Path(str(tmp_path))) as kit:
        reader = kit.open()
        since = reader.info(LOGGED, "shared").version
        proc, conn = _spawn(writer, kit.url, LOGGED, "shared", 20)
        acked = conn.recv()  # type: ignore[attr-defined]
        proc.join(60)
        assert proc.exitcode == 0
        ch = reader.changes(LOGGED, "shared", since)
        assert ch.events is not None
        puts = [k for op, k in ch.events if op == "put"]
        assert puts == [k for _, k in acked]
        assert ch.events[-1] == ("delete", key(0))
        assert ch.version > max(v for v, _ in acked)
        live = reader.get_many(LOGGED, "shared", [k for _, k in acked], now=2000.0)
        assert live[0] is None and all(v is not None for v in live[1:])
        assert reader.check() == []
