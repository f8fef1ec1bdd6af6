"""SemanticCache writes: a single put equals a batch of one, a put replaces an entry,
put_many, and a store that has only the ``Store`` protocol's batch paths."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import hash_vector
from nearcache import InvalidInputError, ManualClock, SemanticCache, SQLiteStore
from semantic_support import DIM, TableEmbedder, make_cache


def test_single_put_stores_what_a_batch_of_one_stores(
    store: Any, emb: TableEmbedder, clock: ManualClock
) -> None:
    """``put`` has its own one-entry path; its record and index row equal ``put_many``'s."""
    from nearcache.semantic.record import decode_entry

    c = make_cache(store, emb, clock, default_ttl=60)
    meta, ctx = {"a": [1, 2]}, {"model": "m"}
    c.put("Hello  World", {"r": 1}, metadata=meta, context=ctx, namespace="one")
    c.put_many(["Hello  World"], [{"r": 1}], metadata=[meta], context=ctx, namespace="many")
    c.put("v", "x", embedding=np.arange(1.0, DIM + 1), ttl=5, namespace="one")
    c.put_many(["v"], ["x"], embeddings=np.arange(1.0, DIM + 1)[None], ttl=5, namespace="many")
    for name in ("one", "many"):  # a store of its own per namespace: same keys in both
        assert c.stats(namespace=name).entries == 2
    core = c._core
    for q, scope_ctx in (("Hello  World", ctx), ("v", None)):
        entries = []
        for name in ("one", "many"):
            hit = c.get(q, namespace=name, context=scope_ctx)
            assert hit is not None and hit.layer == "exact"
            blob = store.get_one("semantic", name, hit.key, now=clock(), touch=False)
            (row,) = [(sp, r) for k, sp, r in core.index.spaces.entries(name) if k == hit.key]
            entries.append((decode_entry(blob, name, hit.key), row[0].index.get([row[1]])))
        (one, one_row), (many, many_row) = entries
        assert np.array_equal(one.vector, many.vector) and np.array_equal(one_row, many_row)
        assert one._replace(write_id=0, vector=None) == many._replace(write_id=0, vector=None)
    assert c.check() == []
    c.close()


def test_put_replaces_entry_with_fresh_created_at(cache: SemanticCache, clock: ManualClock) -> None:
    cache.put("q", "old", ttl=10)
    clock.advance(5)
    cache.put("q", "new", ttl=10)
    hit = cache.get("q")
    assert hit is not None and hit.response == "new"
    assert hit.created_at == clock() and hit.expires_at == clock() + 10
    assert cache.stats().entries == 1
    assert cache.stats().index_entries == 1


# -- put_many --------------------------------------------------------------------------------


def test_put_many_embeds_once_and_writes_one_batch(
    cache: SemanticCache, emb: TableEmbedder, store: Any
) -> None:
    version = store.info("semantic", "ns").version
    cache.put_many(
        ["alpha", "beta", "alpha", "gamma"],
        ["a1", "b", "a2", "g"],
        namespace="ns",
        metadata=[{"i": 0}, None, {"i": 2}, None],
        ttl=60,
    )
    assert emb.calls == [["alpha", "beta", "gamma"]]  # each distinct text once, one call
    assert store.info("semantic", "ns").version == version + 1  # one transaction
    hit = cache.get("alpha", namespace="ns")
    assert hit is not None and hit.response == "a2" and hit.metadata == {"i": 2}  # last wins
    assert cache.stats("ns").entries == 3 and cache.stats("ns").index_entries == 3
    cache.put_many(["beta", "delta"], ["b2", "d"], namespace="ns")  # beta is remembered
    assert emb.calls[-1] == ["delta"]
    cache.put_many([], [], namespace="ns")


def test_put_many_with_embeddings_and_bad_batches(cache: SemanticCache, emb: TableEmbedder) -> None:
    mat = np.stack([hash_vector(f"v{i}", DIM) for i in range(3)])
    cache.put_many(["x", "y", "z"], [1, 2, 3], embeddings=mat)
    assert emb.calls == [] and cache.get("y").response == 2  # type: ignore[union-attr]
    before = cache.stats().entries
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1])
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1, 2], embeddings=mat)  # 3 rows for 2 entries
    bad = np.array(mat[:2])
    bad[1, 0] = np.nan
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1, 2], embeddings=bad)
    with pytest.raises(ValueError):
        cache.put_many(["p", "q"], [1, {"x": object()}])
    assert cache.stats().entries == before and emb.calls == []  # refused before embedding


@pytest.mark.parametrize(
    ("queries", "responses", "metadata", "message"),
    [
        (
            ["p", "q"],
            [1],
            None,
            "queries has 2 items but responses has 1 item: put_many needs one response per query",
        ),
        (
            ["p"],
            [1, 2],
            None,
            "queries has 1 item but responses has 2 items: put_many needs one response per query",
        ),
        (
            ["p", "q"],
            [1, 2],
            [{}],
            "queries has 2 items but metadata has 1 item: "
            "put_many needs one response and one metadata dict per query",
        ),
        (
            ["p", "q", "r"],
            [1],
            [{}, {}],
            "queries has 3 items but responses has 1 item and metadata has 2 items: "
            "put_many needs one response and one metadata dict per query",
        ),
    ],
)
def test_put_many_of_unequal_lengths_names_them(
    cache: SemanticCache,
    emb: TableEmbedder,
    queries: list[str],
    responses: list[Any],
    metadata: list[dict[str, Any]] | None,
    message: str,
) -> None:
    # It said "queries, responses and metadata must have the same length": no lengths,
    # and metadata named when none was given.
    with pytest.raises(InvalidInputError) as err:
        cache.put_many(queries, responses, metadata=metadata)
    assert str(err.value) == message
    assert cache.stats().entries == 0 and emb.calls == []


# -- a store with the protocol's batch paths only ---------------------------------------


class _ProtocolOnly:
    """A store written to the ``Store`` protocol alone: every call goes to a real SQLite
    store, but it has no ``get_one`` / ``put_one`` (the point paths ``BaseStore`` adds)."""

    def __init__(self, inner: SQLiteStore) -> None:
        self._inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in ("get_one", "put_one"):
            raise AttributeError(name)
        self.calls.append(name)
        return getattr(self._inner, name)


def test_a_store_without_point_paths_serves_single_puts_and_gets(tmp_path: Path) -> None:
    from nearcache.stores.protocol import Store

    inner = SQLiteStore(tmp_path / "s.db")
    store = _ProtocolOnly(inner)
    assert isinstance(store, Store) and not hasattr(store, "put_one")
    c = SemanticCache(store=store, embedder=TableEmbedder(DIM))  # type: ignore[arg-type]
    c.put("What is the boiling point of water?", "100 C")
    hit = c.get("What is the boiling point of water?")
    assert hit is not None and hit.response == "100 C" and hit.layer == "exact"
    assert c.get("An unrelated question about the moon?") is None
    assert "put_many" in store.calls and "get_many" in store.calls
    c.close()
    inner.close()
