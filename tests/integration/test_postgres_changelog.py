"""PostgreSQL change-log retention drops whole versions (a reader never gets part of a
batch without seeing a gap), on a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nearcache.keys import content_hash
from nearcache.stores.postgres import PostgresStore, drop_schema
from nearcache.stores.protocol import Item
from servers import PostgresServer, unique_name

pytestmark = pytest.mark.postgres


def key(i: int) -> str:
    return content_hash(f"k{i}")


@pytest.fixture
def store(postgres_server: PostgresServer) -> Iterator[PostgresStore]:
    prefix = unique_name("chg")
    st = PostgresStore(postgres_server.dsn, prefix=prefix, changelog_retention=10)
    try:
        yield st
    finally:
        st.close()
        drop_schema(postgres_server.dsn, prefix)


def puts(store: PostgresStore, ns: str, keys: range) -> None:
    store.put_many("semantic", ns, [Item(key(i), b"v") for i in keys], now=1)


def test_pruning_never_hands_a_reader_part_of_a_batch(store: PostgresStore) -> None:
    # 16 rows over two versions, 10 kept: a cut by row number alone would leave 2 of
    # version 1's 8 keys, and a reader from version 0 would miss 6 puts without knowing it
    puts(store, "ns", range(8))
    puts(store, "ns", range(8, 16))
    store._prune()
    want = [("put", key(i)) for i in range(16)]
    assert store.changes("semantic", "ns", 0).events == want
    puts(store, "ns", range(16, 17))
    store._prune()  # the 7 rows over the limit are part of version 1: kept whole
    assert store.changes("semantic", "ns", 0).events == [*want, ("put", key(16))]
    puts(store, "ns", range(17, 18))
    store._prune()  # version 1 lies wholly below the cut: it goes, and a reader sees a gap
    assert store.changes("semantic", "ns", 0).events is None
    assert store.changes("semantic", "ns", 1).events == [("put", key(i)) for i in range(8, 18)]


def test_pruning_keeps_other_namespaces_versions_whole(store: PostgresStore) -> None:
    puts(store, "a", range(6))  # version 1 of a: rows 1-6
    puts(store, "b", range(6))  # version 1 of b: rows 7-12
    puts(store, "a", range(6, 12))  # version 2 of a: rows 13-18
    store._prune()  # the cut (row 8) falls inside b's version 1: a's version 1 goes
    assert store.changes("semantic", "a", 0).events is None
    assert store.changes("semantic", "a", 1).events == [("put", key(i)) for i in range(6, 12)]
    assert store.changes("semantic", "b", 0).events == [("put", key(i)) for i in range(6)]
