"""SQLiteStore specifics: refusing bad files untouched, schema versions, WAL, close."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache import CacheClosedError, CacheError, CorruptStoreError, EmbeddingCache, SQLiteStore
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite import recency
from nearcache.stores.sqlite.layout import hid
from nearcache.stores.sqlite.reads import hids

KEY = "ab" * 32


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_garbage_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    with pytest.raises(CorruptStoreError, match="not a SQLite database"):
        SQLiteStore(path)
    with pytest.raises(CacheError):
        EmbeddingCache(path=str(path))
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.db"]


def test_other_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE users (id INTEGER)")
    con.commit()
    con.close()
    before = digest(path)
    with pytest.raises(CorruptStoreError, match="another application"):
        SQLiteStore(path)
    assert digest(path) == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SQLiteStore(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE nearcache_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(CorruptStoreError, match="newer"):
        SQLiteStore(path)


def test_corrupted_pages_give_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = SQLiteStore(path)
    store.put_many("embedding", "ns", [Item(f"{i:064x}", b"x" * 3000) for i in range(200)], now=1)
    store.close()
    data = bytearray(path.read_bytes())
    for off in range(8192, len(data), 4096):  # smash every page after the second
        data[off : off + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(CacheError):
        s = SQLiteStore(path)
        s.get_many("embedding", "ns", [f"{i:064x}" for i in range(200)], now=1)
        assert s.check() == []


def test_wal_mode_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    store = SQLiteStore(path)
    store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT value FROM nearcache_meta WHERE key='schema_version'").fetchone()
    con.close()
    assert store.check() == []
    store.close()


@pytest.mark.parametrize(
    ("wal_limit", "background", "pages"),
    [
        (64 << 20, False, 8192),
        (2 << 20, False, 256),
        (1, False, 100),
        # the background thread copies the WAL as it grows: a writer checkpoints itself
        # (which lets the WAL restart) at three quarters of the limit, at most 64 MB
        (64 << 20, True, 12216),
        (2 << 20, True, 381),
        (1 << 30, True, 16384),
        (1, True, 100),
    ],
)
def test_auto_checkpoint_interval_follows_the_wal_limit(
    tmp_path: Path, wal_limit: int, background: bool, pages: int
) -> None:
    store = SQLiteStore(tmp_path / "c.db", wal_limit=wal_limit, background_checkpoints=background)
    store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)
    with store._db.connection() as con:
        assert con.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == pages
        # a WAL restart leaves the file as it is: wal_limit bounds it, not SQLite
        assert con.execute("PRAGMA journal_size_limit").fetchone()[0] == -1
    assert store.get_many("kv", "ns", [KEY], now=1) == [b"v"]
    store.close()


def test_wal_past_its_limit_is_truncated_by_a_later_write(tmp_path: Path) -> None:
    """The WAL bound holds although its size is looked at only every WAL_CHECK_EVERY
    seconds: the first write past the limit after that interval truncates it."""
    path = tmp_path / "c.db"
    wal = Path(f"{path}-wal")
    store = SQLiteStore(path, wal_limit=1 << 20)  # auto-checkpoints every 100 pages
    keys = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(400)]
    big = [Item(k, os.urandom(3000)) for k in keys]  # ~1.6 MB of pages
    store.put_many("kv", "ns", big, now=1)  # the first commit is checked: truncated
    assert wal.stat().st_size == 0
    store.wal_limit = 1 << 30  # a new limit is checked at the next commit
    big = [Item(k, os.urandom(3000)) for k in keys]  # new values: every page rewritten
    store.put_many("kv", "ns", big, now=2)
    assert wal.stat().st_size > 1 << 20
    store.wal_limit = 1 << 20
    store.put_many("kv", "ns", [Item(KEY, b"v")], now=3)
    assert wal.stat().st_size == 0
    assert store.get_many("kv", "ns", [big[0].key, KEY], now=3) == [big[0].value, b"v"]
    store.close()


def test_lookup_id_collision_is_a_miss_not_a_wrong_value(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    a = "00" * 8 + "11" * 24
    b = "00" * 8 + "22" * 24  # same first 8 bytes → same lookup id in one namespace
    store.put_many("kv", "ns", [Item(a, b"A")], now=1)
    store.put_many("kv", "ns", [Item(b, b"B")], now=1)  # refused, logged
    assert store.get_many("kv", "ns", [a, b], now=1) == [b"A", None]
    assert [store.get_one("kv", "ns", k, now=1) for k in (a, b)] == [b"A", None]
    store.put_one("kv", "ns", Item(b, b"B"), now=1)  # a single put: refused the same way
    assert store.get_many("kv", "ns", [a, b], now=1) == [b"A", None]
    assert store.info("kv", "ns").entries == 1
    assert store.check() == []


def test_point_reads_leave_no_read_transaction_open(tmp_path: Path) -> None:
    """A pooled connection idle between reads must not hold a WAL snapshot: a TRUNCATE
    checkpoint by another connection completes and empties the WAL."""
    path = tmp_path / "c.db"
    store = SQLiteStore(path)
    store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)
    for _ in range(3):
        assert store.get_one("kv", "ns", KEY, now=1) == b"v"
        assert store.get_one("kv", "ns", "cd" * 32, now=1) is None
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("INSERT INTO nearcache_meta VALUES ('probe', 'x')")
        busy, _, _ = other.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        other.close()
    assert Path(f"{path}-wal").stat().st_size == 0
    assert store.get_one("kv", "ns", KEY, now=1) == b"v"
    store.close()


def test_closed_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "c.db")
    store.close()
    store.close()
    with pytest.raises(CacheClosedError):
        store.get_many("kv", "ns", [KEY], now=1)
    with pytest.raises(CacheClosedError):
        store.get_one("kv", "ns", KEY, now=1)
    with pytest.raises(CacheClosedError):
        store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)


def test_locked_database_becomes_a_typed_timeout(tmp_path: Path) -> None:
    from nearcache import StoreTimeoutError

    path = tmp_path / "c.db"
    store = SQLiteStore(path, timeout=0.2)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreTimeoutError):
            store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    store.put_many("kv", "ns", [Item(KEY, b"v")], now=1)
    assert store.get_many("kv", "ns", [KEY], now=1) == [b"v"]
    store.close()


def test_invalid_options(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        SQLiteStore(tmp_path / "c.db", synchronous="sometimes")
    with pytest.raises(ValueError, match="unknown table"):
        SQLiteStore(tmp_path / "c.db").get_many("nope", "ns", [KEY], now=1)


@given(st.lists(st.binary(min_size=32, max_size=32), max_size=20), st.integers(0, 2**64 - 1))
def test_batch_lookup_ids_equal_the_single_definition(raws: list[bytes], salt: int) -> None:
    keys = [r.hex() for r in raws]
    found = hids(keys, salt)
    assert found is not None
    assert found == ([hid(k, salt) for k in keys], b"".join(raws))
    assert hids([*keys, "AB" * 32], salt) is None  # not a content hash: the plain path
    assert hids([*keys, "ab" * 31], salt) is None


def test_batch_reads_check_namespace_expiry_and_full_key(tmp_path: Path) -> None:
    """Every way a stored row can fail to be a hit, in batches that take the all-hit
    path and the key-by-key path, and keys that are not content hashes."""
    store = SQLiteStore(tmp_path / "r.db")
    keys = [hashlib.sha256(b"%d" % i).hexdigest() for i in range(40)]
    store.put_many("kv", "ns", [Item(k, k[:4].encode()) for k in keys[:30]], now=1)
    store.put_many("kv", "ns", [Item(keys[30], b"soon", expires_at=5)], now=1)
    store.put_many("kv", "other", [Item(keys[31], b"elsewhere")], now=1)
    want = [k[:4].encode() for k in keys[:30]]
    assert store.get_many("kv", "ns", keys[:30], now=2) == want  # all hit
    collide = keys[0][:16] + "0" * 48  # the lookup id of keys[0], another key
    got = store.get_many("kv", "ns", [*keys[:30], keys[30], keys[31], collide], now=2)
    assert got == [*want, b"soon", None, None]
    assert store.get_many("kv", "ns", [keys[30], keys[0]], now=5) == [None, want[0]]
    assert store.get_many("kv", "ns", [keys[0].upper()], now=2) == [want[0]]  # plain path
    assert store.get_many("kv", "ns", [keys[1], keys[1]], now=2) == [want[1]] * 2
    assert store.check() == []


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 6)), min_size=1, max_size=14),
    st.integers(0, 14),
)
def test_table_wide_eviction_is_lru_order_across_namespaces(
    writes: list[tuple[str, int]], keep: int
) -> None:
    """Table-wide eviction merges the namespaces' runs (write order), page by page: the
    victims are the oldest records of the whole table. A record's time is no earlier
    than that of one its namespace wrote before it (a caller's clock may go back); ties
    go by namespace (its rowids), then write order."""
    with tempfile.TemporaryDirectory() as d, mock.patch.object(recency, "_LRU_PAGE", 2):
        store = SQLiteStore(Path(d) / "e.db")
        keys = [hashlib.sha256(b"%d" % i).hexdigest() for i in range(len(writes))]
        for i, (ns, t) in enumerate(writes):
            store.put_many("kv", ns, [Item(keys[i], b"v")], now=float(t))
        gone = store.evict("kv", None, max_entries=keep)
        nsids = {ns: n for n, ns in enumerate(dict.fromkeys(ns for ns, _ in writes))}
        time = [
            max(t for ns, t in writes[: i + 1] if ns == writes[i][0]) for i in range(len(writes))
        ]
        order = sorted(range(len(writes)), key=lambda i: (time[i], nsids[writes[i][0]], i))
        oldest = [(writes[i][0], keys[i]) for i in order[: max(0, len(writes) - keep)]]
        assert sorted(gone) == sorted(oldest)  # reported grouped by namespace
        assert store.info("kv").entries == min(keep, len(writes))
        assert store.check() == []
        store.close()


def test_writes_store_keys_values_and_no_expiry_as_sqlite_types(tmp_path: Path) -> None:
    """Writes bind keys and values as bytearray and a missing expiry as NaN (cheaper to
    bind): the file must still hold BLOBs and NULL, through the single and batch puts."""
    path = tmp_path / "t.db"
    store = SQLiteStore(path)
    keys = [hashlib.sha256(b"t%d" % i).hexdigest() for i in range(4)]
    store.put_one("semantic", "ns", Item(keys[0], b"one"), now=1)
    store.put_one("semantic", "ns", Item(keys[1], b"two", expires_at=9), now=1)
    store.put_many(
        "semantic", "ns", [Item(keys[2], b"x"), Item(keys[3], b"y", expires_at=9)], now=1
    )
    assert store.get_many("semantic", "ns", keys, now=5) == [b"one", b"two", b"x", b"y"]
    assert store.get_many("semantic", "ns", keys, now=10) == [b"one", None, b"x", None]
    store.close()
    con = sqlite3.connect(path)
    rows = con.execute(
        "SELECT typeof(key), typeof(value), typeof(expires_at) FROM rec_semantic ORDER BY id"
    ).fetchall()
    logged = con.execute("SELECT DISTINCT typeof(key) FROM chg_semantic").fetchall()
    con.close()
    assert rows == [("blob", "blob", t) for t in ("null", "real", "null", "real")]
    assert logged == [("blob",)]


def test_single_put_books_a_new_key_and_a_rewrite(tmp_path: Path) -> None:
    """``put_one`` inserts a new key with one statement and reads a stored one before
    replacing it: counters, versions, change log and the rewritten record's read time
    must come out as for ``put_many``."""
    path = tmp_path / "p.db"
    store = SQLiteStore(path)
    a, b = (hashlib.sha256(s).hexdigest() for s in (b"a", b"b"))
    assert store.put_one("semantic", "ns", Item(a, b"one"), now=1) == 1
    assert store.put_one("semantic", "ns", Item(b, b"two", expires_at=2), now=1) == 2
    assert store.get_one("semantic", "ns", a, now=3) == b"one"  # a read time for a
    store.put_one("semantic", "ns", Item(b, b"b"), now=1)  # a rewrite flushes it
    times = "SELECT r.key, s.atime FROM rec_semantic r JOIN seen_semantic s ON s.id = r.id"
    times += " ORDER BY s.atime"
    with sqlite3.connect(path) as con:  # the rewrite's time is b's LRU time
        assert con.execute(times).fetchall() == [(bytes.fromhex(b), 1), (bytes.fromhex(a), 3)]
    assert store.put_one("semantic", "ns", Item(a, b"eleven"), now=4) == 4  # rewrite
    assert store.put_one("semantic", "ns", Item(b, b"b2"), now=5) == 5  # rewrite
    info = store.info("semantic", "ns")
    assert (info.entries, info.bytes, info.version) == (2, len(b"eleven") + 2, 5)
    assert store.get_many("semantic", "ns", [a, b], now=6, touch=False) == [b"eleven", b"b2"]
    assert store.changes("semantic", "ns", 0).events == [("put", k) for k in (a, b, b, a, b)]
    with sqlite3.connect(path) as con:
        assert con.execute(times).fetchall() == [(bytes.fromhex(a), 4), (bytes.fromhex(b), 5)]
    assert store.check() == []
    store.close()
