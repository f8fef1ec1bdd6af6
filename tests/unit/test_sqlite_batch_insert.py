"""A SQLite batch put inserts first and reads lookup ids only for the records it could not
insert: a batch of new keys is one statement; rewrites and collisions come out as before."""

from __future__ import annotations

import hashlib
from pathlib import Path
from unittest import mock

import pytest

from nearcache import SQLiteStore
from nearcache.errors import CacheError
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite import writes


def key(i: int) -> str:
    return hashlib.sha256(str(i).encode()).hexdigest()


def test_a_batch_of_new_keys_reads_no_lookup_id(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "n.db")
    store.put_many("semantic", "ns", [Item(key(i), b"old") for i in range(3)], now=1)
    with mock.patch.object(writes, "stored", side_effect=AssertionError("read before insert")):
        version = store.put_many(
            "semantic", "ns", [Item(key(i), b"x" * i) for i in range(3, 8)], now=2
        )
    info = store.info("semantic", "ns")
    assert (info.entries, info.bytes, info.version) == (8, 9 + 3 + 4 + 5 + 6 + 7, version)
    assert store.changes("semantic", "ns", 1).events == [("put", key(i)) for i in range(3, 8)]
    assert store.get_many("semantic", "ns", [key(7), key(0)], now=3) == [b"x" * 7, b"old"]
    assert store.check() == []
    store.close()


def test_a_batchs_lookup_ids_come_from_one_pass_and_match_a_point_reads(tmp_path: Path) -> None:
    """``put_rows`` takes the lookup ids and key bytes of the whole batch at once
    (``reads.hids``), not ``hid`` key by key; they are the ids a point read looks up,
    for keys whose id is negative as an int64 too."""
    store = SQLiteStore(tmp_path / "h.db")
    keys = [key(i) for i in range(6)] + ["f" * 64, "8" + "0" * 63, "7" + "f" * 63]
    items = [Item(k, k.encode()) for k in keys]
    with mock.patch.object(writes, "hid", side_effect=AssertionError("hid key by key")):
        store.put_many("semantic", "ns", items, now=1)
    assert [store.get_one("semantic", "ns", k, now=2) for k in keys] == [k.encode() for k in keys]
    assert store.get_many("semantic", "ns", keys, now=2) == [k.encode() for k in keys]
    store.put_many("semantic", "ns", [Item(k, b"again") for k in keys[:2]], now=3)
    assert store.get_many("semantic", "ns", keys[:3], now=4) == [
        b"again",
        b"again",
        keys[2].encode(),
    ]
    assert store.check() == []
    store.close()


def test_a_batch_mixing_new_rewritten_and_colliding_keys(tmp_path: Path) -> None:
    """New keys, a rewrite of a stored key, a key colliding with a stored record's
    lookup id and one colliding with a new key earlier in the batch: the rewrite keeps
    its row, collisions are neither stored nor counted nor logged, the log keeps the
    order given."""
    store = SQLiteStore(tmp_path / "m.db")
    stored_clash = key(0)[:16] + "1" * 48  # key 0's lookup id, another key
    batch_clash = key(3)[:16] + "2" * 48  # key 3's lookup id, another key
    store.put_many("semantic", "ns", [Item(key(0), b"a"), Item(key(1), b"bb")], now=1)
    items = [
        Item(key(2), b"new"),
        Item(key(1), b"rewritten"),
        Item(stored_clash, b"lost"),
        Item(key(3), b"won"),
        Item(batch_clash, b"lost too"),
        Item(key(4), b"last"),
    ]
    store.put_many("semantic", "ns", items, now=2)
    got = store.get_many("semantic", "ns", [i.key for i in items] + [key(0)], now=3)
    assert got == [b"new", b"rewritten", None, b"won", None, b"last", b"a"]
    info = store.info("semantic", "ns")
    assert (info.entries, info.bytes) == (5, 1 + 9 + 3 + 3 + 4)
    events = store.changes("semantic", "ns", 1).events
    assert events == [("put", k) for k in (key(2), key(1), key(3), key(4))]
    # LRU order: key 0 (written at 1), then the records written at 2 in their run's
    # order: the rewrite in its old row, then the new keys in the order given
    gone = [k for _, k in store.evict("semantic", "ns", max_entries=0)]
    assert gone == [key(0), key(1), key(2), key(3), key(4)]
    assert store.check() == []
    store.close()


def test_a_record_left_out_for_its_rowid_is_an_error_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    """A record the insert leaves out while its lookup id is free (its rowid taken: only a
    fault in the run's numbering could do that) fails the batch, as a plain INSERT did,
    instead of a KeyError deep in the write, and the batch is rolled back whole."""
    store = SQLiteStore(tmp_path / "r.db")
    store.put_many("semantic", "ns", [Item(key(i), b"old") for i in range(3)], now=1)
    taken = writes.next_ids  # a numbering that hands out rowids already used

    def stale(con: object, table: str, nsid: int, n: int) -> int:
        return taken(con, table, nsid, n) - 2

    with mock.patch.object(writes, "next_ids", side_effect=stale), pytest.raises(CacheError):
        store.put_many("semantic", "ns", [Item(key(i), b"new") for i in range(3, 6)], now=2)
    info = store.info("semantic", "ns")
    assert (info.entries, info.bytes) == (3, 9)
    assert store.get_many("semantic", "ns", [key(3), key(0)], now=3) == [None, b"old"]
    assert store.check() == []
    store.close()
