"""The in-process copy of exact hits (semantic/hot.py): bounded, thread-safe, current.

Every test reads a key three times so it is in the copy (a key earns its place on its
second read and is served from the copy from the third), then checks that a write made
through this cache, another cache object (another connection) or a second store object
is seen by the very next lookup.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import numpy as np
import pytest

from nearcache import InvalidInputError, ManualClock, MemoryStore, SemanticCache, SQLiteStore
from nearcache.semantic.encoding import encode_entry
from nearcache.semantic.hot import OVERHEAD, HotEntries
from nearcache.semantic.indexing import TABLE
from nearcache.semantic.record import decode_record, entry_key, new_write_id
from semantic_support import TableEmbedder, angled

DIM = 16


def make(path: Path, clock: ManualClock, **kw: Any) -> SemanticCache:
    return SemanticCache(path, TableEmbedder(DIM), clock=clock, judge=None, **kw)


@pytest.fixture
def cache(tmp_path: Path, clock: ManualClock) -> Iterator[SemanticCache]:
    c = make(tmp_path / "c.db", clock)
    yield c
    if not c.closed:
        assert c.check() == []
        c.close()


def hot(cache: SemanticCache) -> HotEntries:
    copy = cache._core.hot
    assert copy is not None
    return copy


def warm(cache: SemanticCache, query: str, namespace: str = "default", **kw: Any) -> Any:
    """Read ``query`` three times (the last one from the copy); return the last hit."""
    hits = [cache.get(query, namespace=namespace, **kw) for _ in range(3)]
    assert all(h is not None for h in hits)
    return hits[-1]


class ReadCounter:
    """Counts the semantic table reads of a real store (wraps its get_many and get_one)."""

    def __init__(self, store: Any) -> None:
        self.reads = 0
        for name in ("get_many", "get_one"):
            setattr(store, name, self._counted(getattr(store, name)))

    def _counted(self, inner: Any) -> Any:
        def read(table: str, *args: Any, **kw: Any) -> Any:
            if table == TABLE:
                self.reads += 1
            return inner(table, *args, **kw)

        return read


def test_a_key_read_twice_is_then_served_without_a_store_read(cache: SemanticCache) -> None:
    cache.put("q", {"answer": [1, 2]}, embedding=angled(0), metadata={"m": 1})
    counter = ReadCounter(cache.store)
    cache.get("q")
    assert len(hot(cache)) == 0  # one read: noted, not kept
    cache.get("q")
    assert len(hot(cache)) == 1
    reads = counter.reads
    hit = cache.get("q")
    assert counter.reads == reads  # the third read came from the copy
    assert hit is not None and hit.layer == "exact" and hit.response == {"answer": [1, 2]}
    assert hit.metadata == {"m": 1} and hit.matched_query == "q"
    assert np.allclose(hit.embedding, angled(0))


def test_what_a_caller_changes_in_a_hit_never_reaches_the_next_one(
    cache: SemanticCache,
) -> None:
    cache.put("q", {"answer": [1, 2]}, embedding=angled(0), metadata={"m": [1]})
    for _ in range(4):
        hit = cache.get("q")
        assert hit is not None
        assert hit.response == {"answer": [1, 2]} and hit.metadata == {"m": [1]}
        assert np.allclose(hit.embedding, angled(0))
        hit.response["answer"].append(3)
        hit.metadata["m"].append(2)  # type: ignore[index]
        hit.embedding[:] = 7.0


def test_a_put_delete_or_clear_in_this_process_is_seen_at_once(cache: SemanticCache) -> None:
    cache.put("q", "one", embedding=angled(0))
    warm(cache, "q")
    cache.put("q", "two", embedding=angled(0))
    assert cache.get("q").response == "two"  # type: ignore[union-attr]
    warm(cache, "q")
    assert cache.delete("q") is True
    assert cache.get("q") is None
    cache.put("q", "three", embedding=angled(0))
    warm(cache, "q")
    assert cache.clear_namespace("default") == 1
    assert cache.get("q") is None
    cache.put("q", "four", embedding=angled(0))
    warm(cache, "q")
    cache.clear()
    assert cache.get("q") is None


def test_writes_through_another_connection_are_seen_at_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    reader = make(tmp_path / "c.db", clock)
    writer = make(tmp_path / "c.db", clock)  # its own store: its own connections
    writer.put("q", "one", embedding=angled(0))
    writer.put("other", "x", embedding=angled(30), namespace="b")
    assert warm(reader, "q").response == "one"
    warm(reader, "other", namespace="b")
    writer.put("q", "two", embedding=angled(0))
    assert reader.get("q").response == "two"  # type: ignore[union-attr]
    assert reader.get("other", namespace="b").response == "x"  # type: ignore[union-attr]
    warm(reader, "q")
    writer.delete("q")
    assert reader.get("q") is None
    writer.put("q", "three", embedding=angled(0))
    warm(reader, "q")
    writer.clear()
    assert reader.get("q") is None
    assert reader.get("other", namespace="b") is None
    writer.close()
    reader.close()


def test_a_rewritten_change_log_drops_the_namespace(tmp_path: Path, clock: ManualClock) -> None:
    reader = make(tmp_path / "c.db", clock, multi_process_mode="single")
    writer = make(tmp_path / "c.db", clock)
    writer.put("q", "one", embedding=angled(0))
    warm(reader, "q")
    for i in range(3):
        writer.put(f"filler {i}", "x", embedding=angled(10 + i))
    con = sqlite3.connect(tmp_path / "c.db")
    # one version later (single puts logged theirs: the newest logged one is current),
    # and the log no longer reaches back
    con.execute(
        "UPDATE namespaces SET version = 1 + (SELECT max(version) FROM chg_semantic "
        "WHERE ns = namespaces.id) WHERE tbl='semantic' AND name='default'"
    )
    con.execute("DELETE FROM chg_semantic")
    con.commit()
    con.close()
    assert len(hot(reader)) == 1
    counter = ReadCounter(reader.store)
    assert reader.get("q") is not None
    assert counter.reads == 1  # the namespace was dropped: read again from the store
    writer.close()
    reader.close()


def test_an_entry_is_never_served_at_or_after_its_expiry(
    cache: SemanticCache, clock: ManualClock
) -> None:
    cache.put("q", "one", embedding=angled(0), ttl=10)
    warm(cache, "q")
    clock.advance(9.9)
    assert cache.get("q") is not None
    clock.advance(0.1)
    result = cache.lookup("q")
    assert not hasattr(result, "response") and result.reason == "expired"  # type: ignore[union-attr]
    assert len(hot(cache)) == 0


def test_namespaces_and_contexts_never_share_an_entry(cache: SemanticCache) -> None:
    for ns in ("a", "b"):
        cache.put("q", f"{ns}!", embedding=angled(0), namespace=ns)
        cache.put("q", f"{ns} ctx", embedding=angled(0), namespace=ns, context={"m": 1})
    for _ in range(4):
        for ns in ("a", "b"):
            assert cache.get("q", namespace=ns).response == f"{ns}!"  # type: ignore[union-attr]
            hit = cache.get("q", namespace=ns, context={"m": 1})
            assert hit.response == f"{ns} ctx"  # type: ignore[union-attr]
    cache.clear_namespace("a")
    assert cache.get("q", namespace="a") is None
    assert cache.get("q", namespace="b").response == "b!"  # type: ignore[union-attr]


def test_the_validator_still_judges_every_hit_from_the_copy(
    tmp_path: Path, clock: ManualClock
) -> None:
    allowed = [True]
    cache = make(tmp_path / "c.db", clock, validator=lambda q, h: allowed[0])
    cache.put("q", "one", embedding=angled(0))
    warm(cache, "q")
    allowed[0] = False
    assert cache.lookup("q", embedding=angled(0)).reason == "validator"  # type: ignore[union-attr]
    cache.close()


def test_the_copy_is_off_where_it_cannot_be_kept_cheap_or_exact(
    tmp_path: Path, clock: ManualClock
) -> None:
    assert make(tmp_path / "a.db", clock, hot_entries=0)._core.hot is None
    assert make(tmp_path / "b.db", clock, hot_bytes=0)._core.hot is None
    assert make(tmp_path / "c.db", clock, max_entries=10)._core.hot is None  # LRU order
    assert make(tmp_path / "d.db", clock, namespace_quotas={"a": 3})._core.hot is None
    memory = SemanticCache(store=MemoryStore(), embedder=TableEmbedder(DIM), judge=None)
    assert memory._core.hot is None
    for bad in (-1, 1.5, None, True):
        with pytest.raises(InvalidInputError):
            make(tmp_path / "e.db", clock, hot_entries=bad)
        with pytest.raises(InvalidInputError):
            make(tmp_path / "e.db", clock, hot_bytes=bad)


def test_the_copy_is_dropped_on_close_and_after_a_repair(cache: SemanticCache) -> None:
    cache.put("q", "one", embedding=angled(0))
    warm(cache, "q")
    assert cache.check(fix=True) == []
    assert len(hot(cache)) == 0
    warm(cache, "q")
    copy = hot(cache)
    cache.close()
    assert len(copy) == 0


# -- the copy itself ----------------------------------------------------------------------


def _blob(ns: str, key: str, response: bytes) -> bytes:
    """A well-formed semantic record holding ``response`` (packed bytes)."""
    return encode_entry(
        ns,
        key,
        query="q",
        response=response,
        metadata=None,
        created_at=0.0,
        expires_at=None,
        scope="",
        write_id=new_write_id(),
        vector=angled(0),
        dtype="float32",
    )


def record(ns: str, key: str, response: Any = "r", size: int = 0) -> tuple[Any, ...]:
    blob = _blob(ns, key, msgpack.packb(response if not size else "x" * size))
    entry, meta = decode_record(blob, ns, key)
    return entry, meta, len(blob)


def admit(copy: HotEntries, ns: str, key: str, **kw: Any) -> None:
    copy.lookup(ns, key, 0.0)  # noted
    _, ticket = copy.lookup(ns, key, 0.0)
    copy.add(ticket, ns, key, *record(ns, key, **kw))


def test_the_copy_is_bounded_by_entries_least_recent_first(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    copy = HotEntries(store, max_entries=3, max_bytes=1 << 30)
    keys = [entry_key("", f"q{i}") for i in range(5)]
    for key in keys[:3]:
        admit(copy, "n", key)
    assert copy.lookup("n", keys[0], 0.0)[0] is not None  # now the most recent
    admit(copy, "n", keys[3])
    assert len(copy) == 3
    assert copy.lookup("n", keys[1], 0.0)[0] is None  # the least recent went
    assert copy.lookup("n", keys[0], 0.0)[0] is not None
    store.close()


def test_the_copy_is_bounded_by_bytes(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    one = record("n", entry_key("", "x"), size=1000)[2] + OVERHEAD
    copy = HotEntries(store, max_entries=100, max_bytes=3 * one)
    keys = [entry_key("", f"q{i}") for i in range(6)]
    for key in keys:
        admit(copy, "n", key, size=1000)
        assert copy.bytes <= 3 * one
    assert len(copy) == 3
    admit(copy, "n", entry_key("", "huge"), size=10 * one)  # larger than the whole copy
    assert len(copy) == 3 and copy.lookup("n", entry_key("", "huge"), 0.0)[0] is None
    store.close()


def _planted(ns: str, key: str, response: bytes) -> Any:
    from nearcache.stores.protocol import Item

    return Item(key, _blob(ns, key, response))


def test_a_value_read_before_a_sync_is_not_added_after_it(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    copy = HotEntries(store, max_entries=10, max_bytes=1 << 30)
    key, held = entry_key("", "q"), entry_key("", "held")
    admit(copy, "n", held)
    copy.lookup("n", key, 0.0)
    _, ticket = copy.lookup("n", key, 0.0)
    other = SQLiteStore(tmp_path / "s.db")
    # a write after the ticket...
    other.put_many(TABLE, "n", [_planted("n", key, b"\xa1r")], now=0.0)
    assert copy.lookup("n", held, 0.0)[0] is not None  # ...that a later lookup synced
    copy.add(ticket, "n", key, *record("n", key))
    assert len(copy) == 1  # held alone
    other.close()
    store.close()


class TokenCounter:
    """Counts a store's ``change_token`` calls (the copy binds the method when built)."""

    def __init__(self, store: SQLiteStore) -> None:
        self.calls = 0
        inner = store.change_token

        def change_token() -> object:
            self.calls += 1
            return inner()

        store.change_token = change_token  # type: ignore[method-assign]


def test_a_second_read_reuses_the_last_ticket_and_never_serves_what_changed_since(
    tmp_path: Path,
) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    tokens = TokenCounter(store)
    copy = HotEntries(store, max_entries=10, max_bytes=1 << 30)
    held, key = entry_key("", "held"), entry_key("", "q")
    admit(copy, "n", held)  # the namespace's first ticket asks the token
    assert tokens.calls == 1
    assert copy.lookup("n", key, 0.0) == (None, None)  # a first read: noted
    got, ticket = copy.lookup("n", key, 0.0)  # a second read: nothing held to serve...
    assert got is None and ticket is not None and tokens.calls == 1  # ...so no token asked
    other = SQLiteStore(tmp_path / "s.db")
    # The value this lookup read from the store is overwritten before it is added.
    other.put_many(TABLE, "n", [_planted("n", key, b"\xa3new")], now=0.0)
    copy.add(ticket, "n", key, *record("n", key, response="old"))
    assert len(copy) == 2  # kept, but it can never be served:
    got, _ = copy.lookup("n", key, 0.0)  # serving asks the token, which moved: a sync
    assert got is None and tokens.calls == 2
    assert copy.lookup("n", held, 0.0)[0] is not None  # the unchanged entry stays
    other.close()
    store.close()


def test_the_copy_holds_its_bounds_and_books_under_threads(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    copy = HotEntries(store, max_entries=20, max_bytes=1 << 30)
    keys = [entry_key("", f"q{i}") for i in range(60)]
    made = {k: record("n", k, response=k) for k in keys}
    errors: list[str] = []

    def run(seed: int) -> None:
        rng = np.random.default_rng(seed)
        for _ in range(600):
            key = keys[int(rng.integers(0, len(keys)))]
            got, ticket = copy.lookup("n", key, 0.0)
            if got is not None and got.response != key:
                errors.append(f"{key} answered {got.response}")
            elif got is None:
                copy.add(ticket, "n", key, *made[key])
            if len(copy) > 20:
                errors.append(f"{len(copy)} entries")

    threads = [threading.Thread(target=run, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert copy.bytes == sum(made[k][2] + OVERHEAD for ns, k in copy._items)
    store.close()


def test_an_add_to_a_full_copy_makes_room_before_it_inserts(tmp_path: Path) -> None:
    """Readers see ``len`` and ``bytes`` without the lock: never past a bound, even briefly."""
    store = SQLiteStore(tmp_path / "s.db")
    keys = [entry_key("", f"q{i}") for i in range(8)]
    made = {k: record("n", k, response=k) for k in keys}
    size = made[keys[0]][2] + OVERHEAD
    copy = HotEntries(store, max_entries=3, max_bytes=1 << 30)
    by_bytes = HotEntries(store, max_entries=100, max_bytes=2 * size)
    seen: list[tuple[int, int]] = []

    class Watched(OrderedDict[tuple[str, str], Any]):
        def __init__(self, owner: HotEntries) -> None:
            super().__init__()
            self.owner = owner

        def __setitem__(self, key: tuple[str, str], value: Any) -> None:
            super().__setitem__(key, value)
            seen.append((len(self), self.owner.bytes + value.size))

    for c in (copy, by_bytes):
        c._items = Watched(c)
        for key in keys:
            c.lookup("n", key, 0.0)  # a key read twice lately earns a place
            _, ticket = c.lookup("n", key, 0.0)
            c.add(ticket, "n", key, *made[key])
    assert len(copy) == 3 and len(by_bytes) == 2
    entries_seen = seen[: len(keys)]
    bytes_seen = seen[len(keys) :]
    assert max(n for n, _ in entries_seen) == 3
    assert max(b for _, b in bytes_seen) <= 2 * size
    store.close()


def test_the_token_moves_with_any_connections_commit(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    other = SQLiteStore(tmp_path / "s.db")
    from nearcache.stores.protocol import Item

    key = entry_key("", "q")
    first = store.change_token()
    assert store.change_token() == first  # nothing committed
    store.get_many("kv", "n", [key], now=0.0)
    assert store.change_token() == first  # reads are not commits
    store.put_many("kv", "n", [Item(key, b"v")], now=0.0)  # this store's own pool
    second = store.change_token()
    assert second != first
    other.delete_many("kv", "n", [key])  # another store object
    assert store.change_token() != second
    other.close()
    store.close()


def _forked_reader(cache: SemanticCache, go: Any, out: Any) -> None:
    try:
        go.recv()  # the parent has overwritten the key since the fork
        hit = cache.get("q")
        out.send(None if hit is None else hit.response)
    except BaseException as exc:  # report, do not hang the parent
        out.send(repr(exc))


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork()")
def test_a_forked_child_never_trusts_the_copy_it_inherited(cache: SemanticCache) -> None:
    import multiprocessing

    cache.put("q", "one", embedding=angled(0))
    warm(cache, "q")
    ctx = multiprocessing.get_context("fork")
    go_recv, go_send = ctx.Pipe(duplex=False)
    out_recv, out_send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_forked_reader, args=(cache, go_recv, out_send))
    proc.start()
    cache.put("q", "two", embedding=angled(0))
    go_send.send(True)
    assert out_recv.poll(60), "the forked child hung"
    assert out_recv.recv() == "two"
    proc.join(30)
    assert proc.exitcode == 0
