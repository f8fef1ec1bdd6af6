"""SQLite batch reads (ids passed as one JSON array, rows back in the order asked):
every read equals what a plain dictionary of the live records says."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearcache import SQLiteStore
from nearcache.keys import key_batch
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.layout import hid

KEYS = [hashlib.sha256(b"%d" % i).hexdigest() for i in range(64)]


def test_lookup_ids_survive_the_json_array_exactly() -> None:
    """Lookup ids are any int64; SQLite's JSON reader must give each back unchanged."""
    ids = [-(2**63), 2**63 - 1, -1, 0, 2**53 + 1, -(2**53) - 1]
    con = sqlite3.connect(":memory:")
    rows = con.execute("SELECT key, value, type FROM json_each(?)", (json.dumps(ids),)).fetchall()
    assert rows == [(i, v, "integer") for i, v in enumerate(ids)]


def test_moved_reused_expired_and_foreign_rows(tmp_path: Path) -> None:
    """Rows deleted and written again move; rowids of deleted rows are reused by other
    keys; other namespaces hold rows too. The batch read gives each key its own live
    value, in the order asked."""
    store = SQLiteStore(tmp_path / "s.db")
    v1 = [b"v1" + k[:4].encode() for k in KEYS[:32]]
    store.put_many("kv", "ns", [Item(k, v) for k, v in zip(KEYS[:32], v1)], now=1)
    store.put_many("kv", "other", [Item(KEYS[40], b"elsewhere")], now=1)
    assert store.get_many("kv", "ns", KEYS[:32], now=2) == v1
    store.delete_many("kv", "ns", KEYS[24:32])  # the newest rows: their rowids come back
    store.put_many("kv", "ns", [Item(k, b"new" + k[:4].encode()) for k in KEYS[32:40]], now=1)
    store.put_many("kv", "ns", [Item(k, b"v2" + k[:4].encode()) for k in KEYS[:4]], now=1)
    store.put_many("kv", "ns", [Item(KEYS[4], b"brief", expires_at=3)], now=1)
    want = (
        [b"v2" + k[:4].encode() for k in KEYS[:4]]
        + [b"brief"]
        + v1[5:24]
        + [None] * 8
        + [b"new" + k[:4].encode() for k in KEYS[32:40]]
        + [None]
    )
    asked = KEYS[:41]
    assert store.get_many("kv", "ns", asked, now=2) == want
    assert store.get_many("kv", "ns", asked[::-1], now=2) == want[::-1]
    assert store.get_many("kv", "ns", asked, now=3) == [*want[:4], None, *want[5:]]
    assert store.check() == []


ops = st.lists(
    st.tuples(
        st.sampled_from(["put", "delete", "get"]),
        st.lists(st.integers(0, 23), min_size=1, max_size=12),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_reads_equal_a_model(tmp_path: Path, steps: list[tuple[str, list[int]]]) -> None:
    path = tmp_path / f"m{abs(hash(str(steps)))}.db"
    store = SQLiteStore(path)
    model: dict[str, bytes] = {}
    try:
        for n, (op, which) in enumerate(steps):
            keys = [KEYS[i] for i in which]  # repeats included
            if op == "put":
                items = {k: Item(k, b"%d:%d" % (n, i)) for i, k in zip(which, keys)}
                store.put_many("kv", "ns", list(items.values()), now=1)
                model.update({k: it.value for k, it in items.items()})
            elif op == "delete":
                store.delete_many("kv", "ns", keys)
                for k in keys:
                    model.pop(k, None)
            assert store.get_many("kv", "ns", keys, now=2) == [model.get(k) for k in keys]
        everything = KEYS[:24]
        assert store.get_many("kv", "ns", everything, now=2) == [model.get(k) for k in everything]
    finally:
        store.close()


def test_a_key_batch_reads_like_its_keys(tmp_path: Path) -> None:
    """The embedding cache hands the store a KeyBatch: its raw digests stand in for the
    keys' hex, so a batch of texts must read exactly what a list of its keys reads."""
    store = SQLiteStore(tmp_path / "k.db")
    texts = [f"text {i}" for i in range(40)]
    batch = key_batch(texts)
    store.put_many("kv", "ns", [Item(k, k.encode()) for k in batch[::2]], now=1)
    expect = [k.encode() if i % 2 == 0 else None for i, k in enumerate(batch)]
    assert store.get_many("kv", "ns", batch, now=2) == expect
    assert store.get_many("kv", "ns", list(batch), now=2) == expect
    store.close()


@pytest.mark.parametrize("n", [2, 9, 1000])
def test_batches_of_any_size_keep_their_order(tmp_path: Path, n: int) -> None:
    store = SQLiteStore(tmp_path / "o.db")
    keys = [hashlib.sha256(b"o%d" % i).hexdigest() for i in range(n)]
    store.put_many("kv", "ns", [Item(k, k.encode()) for k in keys], now=1)
    shuffled = keys[::-1]
    assert store.get_many("kv", "ns", shuffled, now=2) == [k.encode() for k in shuffled]
    half = [*shuffled[::2], "f" * 64]
    assert store.get_many("kv", "ns", half, now=2) == [*(k.encode() for k in shuffled[::2]), None]


def test_a_sqlite_without_json_support_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where json_each is missing (SQLite before 3.38 built without JSON), the batch read
    falls back to the plain read and gives the same values, not misses or an error."""
    from nearcache.stores.sqlite import reads

    store = SQLiteStore(tmp_path / "s.db")
    values = [b"v" + k[:6].encode() for k in KEYS[:20]]
    store.put_many("kv", "ns", [Item(k, v) for k, v in zip(KEYS[:20], values)], now=1)
    asked = KEYS[:24][::-1]
    want = store.get_many("kv", "ns", asked, now=2)
    assert want == [None] * 4 + values[::-1]
    missing = {t: q.replace("json_each", "json_each_missing") for t, q in reads._BY_HID.items()}
    monkeypatch.setattr(reads, "_BY_HID", missing)
    monkeypatch.setitem(reads._json, "ok", True)
    assert store.get_many("kv", "ns", asked, now=2) == want
    assert reads._json["ok"] is False  # decided once: later batches skip the JSON read
    assert store.get_many("kv", "ns", asked, now=2) == want


def test_every_kind_of_miss_in_one_batch_is_none_and_not_touched(tmp_path: Path) -> None:
    """One batch holding a hit with an empty value, a lookup-id collision (same first 8
    bytes, other key), an expired record, another namespace's key and an absent key:
    SQLite's checks make each miss None, the empty value stays b"", and only the hits'
    access times are noted for the LRU order."""
    store = SQLiteStore(tmp_path / "m.db")
    stored_key = "00" * 8 + "11" * 24
    collider = "00" * 8 + "22" * 24  # same lookup id in this namespace, other key
    store.put_many("kv", "ns", [Item(stored_key, b"A"), Item(KEYS[0], b"")], now=1)
    store.put_many("kv", "ns", [Item(KEYS[1], b"old", expires_at=2)], now=1)
    store.put_many("kv", "other", [Item(KEYS[2], b"elsewhere")], now=1)
    asked = [KEYS[0], collider, KEYS[1], KEYS[2], KEYS[3], stored_key]
    assert store.get_many("kv", "ns", asked, now=5) == [b"", None, None, None, None, b"A"]
    touched = store._touches.take()["kv"]
    ns = store._ns.known("kv", "ns")
    assert ns is not None
    assert sorted(touched) == sorted(hid(k, ns[1]) for k in (KEYS[0], stored_key))
    assert store.get_many("kv", "ns", asked, now=1.5)[2] == b"old"  # not yet expired
    store.close()
