"""SQLite reads in parts (``SQLiteStore.get_many_parts``): each part read on the store's
reader thread or by the caller, on two connections; the batch is what ``get_many``
gives, never half of a write made meanwhile, and the reader ends with the store."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from nearcache import EmbeddingCache, SQLiteStore
from nearcache.codecs.joined import JoinedValues
from nearcache.errors import CacheClosedError, InvalidTypeError
from nearcache.keys import key_batch
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite import parts as parts_module
from nearcache.stores.sqlite.layout import hid

KEYS = [hashlib.sha256(b"p%d" % i).hexdigest() for i in range(400)]


def _cut(keys: Sequence[str], size: int) -> list[Sequence[str]]:
    return [keys[i : i + size] for i in range(0, len(keys), size)]


@pytest.fixture(autouse=True)
def _patient_hand_over(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a loaded machine the caller reads every part itself (other processes leave no
    core idle, or the reader is late to take a part); these tests read in parts: the
    machine is not looked at and the caller waits longer for the reader."""
    monkeypatch.setattr(parts_module, "HAND_OVER_WAIT", 0.5)
    monkeypatch.setattr(parts_module, "TAKE_WAIT", 0.5)
    monkeypatch.setattr(parts_module.CoreWatch, "busy", lambda self: False)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "parts.db")
    yield s
    s.close()


def _fill(store: SQLiteStore) -> None:
    stored_key = "00" * 8 + "11" * 24
    items = [Item(k, b"v" + k[:6].encode()) for k in KEYS[:300]]
    items += [Item(KEYS[300], b""), Item(stored_key, b"A"), Item(KEYS[301], b"x", expires_at=5)]
    store.put_many("kv", "ns", items, now=1)
    store.put_many("kv", "other", [Item(KEYS[302], b"elsewhere")], now=1)


def test_a_read_in_parts_gives_what_get_many_gives(store: SQLiteStore) -> None:
    """Hits, an empty value, a lookup-id collision, an expired record, another
    namespace's key and absent keys, in parts of several sizes and as key batches."""
    _fill(store)
    collider = "00" * 8 + "22" * 24
    asked = [*KEYS[:310][::-1], collider, "00" * 8 + "11" * 24]
    want = store.get_many("kv", "ns", asked, now=10)
    assert want.count(None) == 10 and b"" in want and b"A" in want
    for size in (1, 7, 100, 500):
        got = store.get_many_parts("kv", "ns", _cut(asked, size), now=10)
        assert isinstance(got, JoinedValues)
        assert list(got) == want
    texts = [f"text {i}" for i in range(120)]
    batch = key_batch(texts)
    store.put_many("kv", "ns", [Item(k, k.encode()) for k in batch[::3]], now=1)
    parts = [key_batch(texts[i : i + 50]) for i in range(0, 120, 50)]
    assert list(store.get_many_parts("kv", "ns", parts, now=10)) == store.get_many(
        "kv", "ns", batch, now=10
    )
    assert store.get_many_parts("kv", "ns", [], now=10) == []


def test_the_reader_starts_on_the_connection_the_last_write_used(store: SQLiteStore) -> None:
    """The reader thread takes the pool's last connection (the one the fill wrote on:
    its map is warm, its page cache holds what the fill left in the WAL) for good; the
    caller's parts and later writes run on other connections."""
    _fill(store)
    db = store._db
    last = db._pool[-1]
    reader = db.part_reader()
    assert reader._con is last and last not in db._pool
    want = store.get_many("kv", "ns", KEYS[:310], now=10)
    assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:310], 50), now=10)) == want
    store.put_many("kv", "ns", [Item(KEYS[0], b"new")], now=11)
    assert db.part_reader() is reader and last not in db._pool
    assert store.get_many_parts("kv", "ns", _cut(KEYS[:100], 50), now=12)[0] == b"new"


def test_a_namespace_not_read_yet_and_an_unknown_one(store: SQLiteStore, tmp_path: Path) -> None:
    _fill(store)
    other = SQLiteStore(tmp_path / "parts.db")  # knows no namespace yet: the usual read
    try:
        want = store.get_many("kv", "ns", KEYS[:20], now=2)
        assert list(other.get_many_parts("kv", "ns", _cut(KEYS[:20], 8), now=2)) == want
        assert list(other.get_many_parts("kv", "ns", _cut(KEYS[:20], 8), now=2)) == want
        assert list(store.get_many_parts("kv", "nope", _cut(KEYS[:4], 2), now=2)) == [None] * 4
    finally:
        other.close()


def test_hits_read_in_parts_are_noted_for_the_lru_order(store: SQLiteStore) -> None:
    _fill(store)
    store._touches.take()
    asked = [KEYS[0], KEYS[350], KEYS[1], KEYS[301]]  # a hit, absent, a hit, expired
    store.get_many_parts("kv", "ns", _cut(asked, 2), now=10)
    ns = store._ns.known("kv", "ns")
    assert ns is not None
    assert sorted(store._touches.take()["kv"]) == sorted(hid(k, ns[1]) for k in KEYS[:2])
    store.get_many_parts("kv", "ns", _cut(asked, 2), now=10, touch=False)
    assert not store._touches


def test_parts_that_saw_different_versions_are_read_again(store: SQLiteStore) -> None:
    """A write committed after the reader read the first part and before the second is
    read: the parts saw two versions of the namespace, so the batch is read again and
    every key comes back as written last, never the first part old and the second new."""
    _fill(store)
    store.get_many("kv", "ns", KEYS[:1], now=2)  # the namespace is known
    first_read = threading.Event()
    real = parts_module.run_joined

    def run_joined(con: object, table: str, read: object) -> object:
        row = real(con, table, read)  # type: ignore[arg-type]
        first_read.set()
        return row

    def parts() -> Iterator[Sequence[str]]:
        yield KEYS[:10]
        assert first_read.wait(10)
        store.put_many("kv", "ns", [Item(k, b"new") for k in KEYS[:20]], now=3)
        yield KEYS[10:20]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parts_module, "run_joined", run_joined)
        got = store.get_many_parts("kv", "ns", parts(), now=4)
    assert list(got) == [b"new"] * 20


def test_concurrent_reads_in_parts_never_see_half_a_write(store: SQLiteStore) -> None:
    """Readers in parts while a writer rewrites every key in one batch per round: each
    read finds one round's stamp on every key."""
    keys = KEYS[:200]
    store.put_many("kv", "ns", [Item(k, b"0") for k in keys], now=1)
    store.get_many("kv", "ns", keys[:1], now=2)
    stop = threading.Event()
    errors: list[str] = []

    def write() -> None:
        for n in range(1, 400):
            if stop.is_set():
                return
            store.put_many("kv", "ns", [Item(k, b"%d" % n) for k in keys], now=1)

    def read() -> None:
        while not stop.is_set():
            got = list(store.get_many_parts("kv", "ns", _cut(keys, 50), now=2))
            if len(set(got)) != 1:
                errors.append(f"torn read: {sorted(set(got))[:4]}")
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    writer = threading.Thread(target=write)
    for t in (*readers, writer):
        t.start()
    writer.join()
    stop.set()
    for t in readers:
        t.join()
    assert errors == []


def test_an_error_while_making_a_part_leaves_the_reader_usable(store: SQLiteStore) -> None:
    _fill(store)
    store.get_many("kv", "ns", KEYS[:1], now=2)

    def parts() -> Iterator[Sequence[str]]:
        yield KEYS[:10]
        yield KEYS[10:20]
        raise ValueError("the caller's own error")

    with pytest.raises(ValueError, match="own error"):
        store.get_many_parts("kv", "ns", parts(), now=2)
    want = store.get_many("kv", "ns", KEYS[:30], now=2)
    assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:30], 10), now=2)) == want


def test_closing_the_store_during_a_read_stops_the_reader(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    _fill(store)
    store.get_many("kv", "ns", KEYS[:1], now=2)
    reader = store._db.part_reader()

    def parts() -> Iterator[Sequence[str]]:
        yield KEYS[:10]
        store.close()
        yield KEYS[10:20]

    with pytest.raises(CacheClosedError):
        store.get_many_parts("kv", "ns", parts(), now=2)
    assert not reader._thread.is_alive() and reader.closed
    with pytest.raises(CacheClosedError):
        store.get_many_parts("kv", "ns", _cut(KEYS[:4], 2), now=2)


def test_closing_while_threads_read_in_parts_ends_every_read(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "t.db")
    _fill(store)
    store.get_many("kv", "ns", KEYS[:1], now=2)
    want = store.get_many("kv", "ns", KEYS[:300], now=2)
    outcomes: list[str] = []
    started = threading.Barrier(5)

    def read() -> None:
        started.wait()
        try:
            while True:
                got = store.get_many_parts("kv", "ns", _cut(KEYS[:300], 60), now=2)
                assert list(got) == want
        except CacheClosedError:
            outcomes.append("closed")

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    started.wait()
    store.close()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert outcomes == ["closed"] * 4


def test_embedding_cache_reads_large_batches_in_parts(tmp_path: Path) -> None:
    """1,000+ texts: the SQLite store is read in parts, each text gets its own vector,
    misses stay misses, and a bad text far into the batch is named by its place."""
    cache = EmbeddingCache(SQLiteStore(tmp_path / "e.db"), max_bytes=None)
    try:
        texts = [f"document number {i}" for i in range(1200)]
        vecs = np.random.default_rng(0).standard_normal((1200, 8)).astype(np.float32)
        cache.put_many(texts[:1100], vecs[:1100], "ns")
        cache.get_many(texts[:3], "ns")  # the namespace is known
        calls: list[int] = []
        real = cache.store.get_many_parts  # type: ignore[attr-defined]

        def counted(*args: object, **kwargs: object) -> object:
            calls.append(1)
            return real(*args, **kwargs)

        cache.store.get_many_parts = counted  # type: ignore[attr-defined]
        got, mask = cache.get_many(texts, "ns")
        assert calls == [1]
        assert mask.tolist() == [True] * 1100 + [False] * 100
        assert np.array_equal(got[:1100], vecs[:1100])
        bad: list[object] = [*texts[:1007], 5, *texts[1008:]]
        with pytest.raises(InvalidTypeError, match=r"texts\[1007\]"):
            cache.get_many(bad, "ns")  # type: ignore[arg-type]
    finally:
        cache.close()


def test_a_row_not_in_the_order_asked_is_read_again(store: SQLiteStore) -> None:
    """The places read come back with the values: a row whose places are not 0..n-1 in
    order (or whose lengths do not add up) is never cut into values; the batch is read
    the usual way."""
    from nearcache.stores.sqlite import reads

    _fill(store)
    want = store.get_many("kv", "ns", KEYS[:12], now=2)
    real = parts_module.run_joined

    def shuffled(con: object, table: str, read: reads.JoinedRead) -> object:
        joined, sizes, places, version = real(con, table, read)  # type: ignore[arg-type]
        return joined, sizes, ",".join(reversed(places.split(","))), version

    def short(con: object, table: str, read: reads.JoinedRead) -> object:
        joined, sizes, places, version = real(con, table, read)  # type: ignore[arg-type]
        return joined[1:], sizes, places, version

    seen: list[object] = []

    def usual(parts: list[Sequence[str]]) -> list[str]:
        seen.append(parts)
        return [k for keys in parts for k in keys]

    for broken in (shuffled, short):
        seen.clear()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(parts_module, "run_joined", broken)
            mp.setattr(parts_module, "joined_keys", usual)
            assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:12], 5), now=2)) == want
        assert seen  # read again the usual way


def test_a_sqlite_without_json_support_reads_parts_the_usual_way(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nearcache.stores.sqlite import reads

    _fill(store)
    want = store.get_many("kv", "ns", KEYS[:30], now=2)
    missing = {t: q.replace("json_each", "json_each_missing") for t, q in reads._JOINED.items()}
    monkeypatch.setattr(reads, "_JOINED", missing)
    monkeypatch.setitem(reads._json, "ok", True)
    assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:30], 10), now=2)) == want
    assert reads._json["ok"] is False
    assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:30], 10), now=2)) == want


def _read_in_child(store: SQLiteStore, conn: object) -> None:
    try:
        got = store.get_many_parts("kv", "ns", _cut(KEYS[:40], 15), now=2)
        reader = store._db._reader
        conn.send((list(got), reader is not None and reader._thread.is_alive()))  # type: ignore[attr-defined]
    except BaseException as exc:  # report, do not hang the parent
        conn.send(repr(exc))  # type: ignore[attr-defined]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_reads_in_parts_with_a_reader_of_its_own(store: SQLiteStore) -> None:
    _fill(store)
    want = store.get_many("kv", "ns", KEYS[:40], now=2)
    parent_reader = store._db.part_reader()
    assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:40], 15), now=2)) == want
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_read_in_child, args=(store, child))
    proc.start()
    assert parent.poll(60), "the forked child hung"
    assert parent.recv() == (want, True)
    proc.join(30)
    assert proc.exitcode == 0
    assert store._db.part_reader() is parent_reader and parent_reader._thread.is_alive()
    assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:40], 15), now=2)) == want


def test_parts_of_share_keys_or_more_are_shared(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store)
    store.get_many("kv", "ns", KEYS[:1], now=2)
    shares: list[list[bool]] = []
    real = parts_module.PartReader.read

    def read(self: object, jobs: object, here: object) -> object:
        pairs = list(jobs)  # type: ignore[call-overload]
        shares.append([share for _, share in pairs])
        return real(self, pairs, here)  # type: ignore[arg-type]

    monkeypatch.setattr(parts_module.PartReader, "read", read)
    monkeypatch.setattr(parts_module, "SHARE_KEYS", 100)
    want = store.get_many("kv", "ns", KEYS[:300], now=2)
    for size in (100, 60, 120):
        assert list(store.get_many_parts("kv", "ns", _cut(KEYS[:300], size), now=2)) == want
    assert shares == [[True] * 3, [False] * 5, [True, True, False]]


def test_on_a_busy_machine_the_parts_are_read_in_one_statement(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other processes leave no core idle: the caller keys every part, then reads every
    key in ONE joined statement (not one per part, joined again in Python); the result
    is what ``get_many`` gives, a row that does not come back whole is read the usual
    way, and so is a batch with a key that is not a content hash."""
    from nearcache.stores.sqlite import reads

    _fill(store)
    monkeypatch.setattr(parts_module.CoreWatch, "busy", lambda self: True)
    collider = "00" * 8 + "22" * 24
    asked = [*KEYS[:310][::-1], collider, "00" * 8 + "11" * 24]
    want = store.get_many("kv", "ns", asked, now=10)
    real = parts_module.run_joined
    reads_run: list[int] = []

    def counted(con: object, table: str, read: reads.JoinedRead) -> object:
        reads_run.append(len(read.rids))
        return real(con, table, read)  # type: ignore[arg-type]

    monkeypatch.setattr(parts_module, "run_joined", counted)
    for size in (7, 100, 500):
        reads_run.clear()
        got = store.get_many_parts("kv", "ns", _cut(asked, size), now=10)
        assert isinstance(got, JoinedValues) and list(got) == want
        assert reads_run == [len(asked)]

    def short(con: object, table: str, read: reads.JoinedRead) -> object:
        joined, sizes, places, version = real(con, table, read)  # type: ignore[arg-type]
        return joined[1:], sizes, places, version

    monkeypatch.setattr(parts_module, "run_joined", short)
    got = store.get_many_parts("kv", "ns", _cut(asked, 100), now=10)
    assert not isinstance(got, JoinedValues) and list(got) == want
    monkeypatch.setattr(parts_module, "run_joined", counted)
    reads_run.clear()
    plain = [KEYS[0].upper(), *KEYS[:5]]  # not a content hash: read key by key
    got = store.get_many_parts("kv", "ns", _cut(plain, 3), now=10)
    assert list(got) == store.get_many("kv", "ns", plain, now=10) and reads_run == []
