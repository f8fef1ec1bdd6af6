"""A single put tries the version after its store's last committed single put as its own
(``NamespaceIds.next``, checked by ``layout._LOG_GUESSED``) before reading the versions.
The guess may be stale (another store, connection or process wrote since); whatever it
is, the put must take the namespace's next version, with no gap and no repeat."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest

from nearcache import SQLiteStore
from nearcache.keys import content_hash
from nearcache.stores.protocol import Item
from nearcache.stores.sqlite.counts import FOLD_AFTER
from nearcache.stores.sqlite.layout import bump_one
from nearcache.stores.sqlite.writes import put_row


def key(i: int) -> str:
    return content_hash(f"g{i}")


def test_two_stores_writing_by_turns_take_every_version_once(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    stores = [SQLiteStore(path), SQLiteStore(path)]
    rng = random.Random(7)
    version = 0
    expected: list[tuple[str, str]] = []
    stored: dict[str, int] = {}
    for step in range(600):
        store = stores[rng.random() < 0.5]
        kind = rng.random()
        if kind < 0.8 or not stored:  # a single put (new key or rewrite), maybe a stale guess
            k = key(rng.randrange(150))
            size = rng.randrange(1, 9)
            got = store.put_one("semantic", "ns", Item(k, b"v" * size), now=1.0)
            expected.append(("put", k))
            stored[k] = size
        elif kind < 0.9:  # a batch: folds, and its log rows sit at its version
            ks = [key(1000 + step), key(2000 + step)]
            got = store.put_many("semantic", "ns", [Item(k, b"bb") for k in ks], now=1.0)
            expected += [("put", k) for k in ks]
            stored.update(dict.fromkeys(ks, 2))
        else:  # a delete of one stored key
            k = rng.choice(sorted(stored))
            assert store.delete_many("semantic", "ns", [k]) == 1
            got = store.info("semantic", "ns").version
            expected.append(("delete", k))
            del stored[k]
        version += 1
        assert got == version
    for store in stores:
        info = store.info("semantic", "ns")
        assert (info.entries, info.bytes, info.version) == (
            len(stored),
            sum(stored.values()),
            version,
        )
        assert store.changes("semantic", "ns", 0).events == expected
        assert store.check() == []
        store.close()


def test_a_rolled_back_put_leaves_no_guess_behind(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "r.db")
    assert store.put_one("semantic", "ns", Item(key(0), b"a"), now=1.0) == 1

    def put_then_fail(con: sqlite3.Connection) -> None:
        assert put_row(con, store._ns, "semantic", "ns", Item(key(1), b"b"), 1.0)[0] == 2
        raise ZeroDivisionError  # the transaction rolls back, version 2 with it

    with pytest.raises(ZeroDivisionError):
        store._write(put_then_fail)
    assert store.put_one("semantic", "ns", Item(key(2), b"c"), now=1.0) == 2
    assert store.changes("semantic", "ns", 0).events == [("put", key(0)), ("put", key(2))]
    store.close()


def _pending(con: sqlite3.Connection) -> list[tuple[int, int, int]]:
    return con.execute("SELECT version, de, db FROM chg_semantic ORDER BY version").fetchall()


def _bump_one(con: sqlite3.Connection, guess: int) -> int:
    con.execute("BEGIN IMMEDIATE")
    version = bump_one(con, "semantic", 1, b"k" * 32, 1, 3, guess)
    con.execute("COMMIT")
    return version


def test_a_guess_is_taken_only_as_the_next_version(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    SQLiteStore(path).close()  # the schema
    con = sqlite3.connect(path, isolation_level=None)
    # version 10 with no log rows above it: pruned rows, or a write that logged no key
    con.execute("INSERT INTO namespaces (id, tbl, name, version) VALUES (1, 'semantic', 'ns', 10)")
    assert _bump_one(con, 5) == 11  # below the row's version: not taken
    assert _bump_one(con, 11) == 12  # logged already: not taken
    assert _bump_one(con, 13) == 13  # the next one
    assert _bump_one(con, 0) == 14  # no guess
    assert _pending(con) == [(11, 1, 3), (12, 1, 3), (13, 1, 3), (14, 1, 3)]
    # a guess that would leave more than FOLD_AFTER versions pending is not taken: it folds
    con.execute("DELETE FROM chg_semantic")
    con.execute("UPDATE namespaces SET version = 0")
    for v in range(1, FOLD_AFTER + 1):
        assert _bump_one(con, v) == v
    assert _bump_one(con, FOLD_AFTER + 1) == FOLD_AFTER + 1
    assert con.execute("SELECT version, entries FROM namespaces").fetchall() == [
        (FOLD_AFTER + 1, FOLD_AFTER + 1)
    ]
    con.close()
