"""Issue 10: with default settings a process finds another process's acknowledged put.

Two processes share one store; the reader has already searched (so its index replica is
warm), then a spawned writer puts an entry and exits. The reader's very next semantic
lookup must find it -- by default, on every store that other processes can write.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from contract.kits import Kit, kind_params, kit_for
from nearcache import FunctionEmbedder, SemanticCache
from workers import semantic_changer, semantic_putter

DIM = 8
CTX = mp.get_context("spawn")


@pytest.fixture(params=kind_params(["sqlite", "redis", "postgres", "pgvector", "dynamodb"]))
def kit(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Kit]:
    with kit_for(request.param, request, tmp_path) as k:
        yield k


def unit(i: int) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[i] = 1.0
    return v


def unused(texts: list[str]) -> np.ndarray:
    raise AssertionError("lookups pass embeddings")


def test_a_put_by_another_process_is_found_on_the_next_lookup(kit: Kit) -> None:
    reader = SemanticCache(
        store=kit.open(), embedder=FunctionEmbedder(unused, DIM, "fresh"), judge=None
    )
    assert reader.multi_process_mode == "shared"  # the default for a store others can write
    reader.put("first question", "one", embedding=unit(0))
    near1 = unit(1) + 0.01 * unit(2)
    assert reader.get("a paraphrase", embedding=near1) is None  # warm replica, a miss
    child = CTX.Process(
        target=semantic_putter, args=(kit.url, DIM, [("second question", unit(1).tolist(), "two")])
    )
    child.start()
    child.join(60)
    assert child.exitcode == 0
    hit = reader.get("a paraphrase", embedding=near1)
    assert hit is not None and hit.layer == "semantic" and hit.response == "two"
    assert reader.check() == []
    reader.close()


def test_single_mode_is_an_explicit_opt_out(kit: Kit) -> None:
    reader = SemanticCache(
        store=kit.open(),
        embedder=FunctionEmbedder(unused, DIM, "fresh"),
        multi_process_mode="single",
        judge=None,
    )
    reader.put("first question", "one", embedding=unit(0))
    other = SemanticCache(
        store=kit.open(), embedder=FunctionEmbedder(unused, DIM, "fresh"), judge=None
    )
    other.put("second question", "two", embedding=unit(1))
    # The exact layer always reads the store; the semantic layer of a "single" process
    # only knows its own writes (it owns the store by contract) -- unless the store
    # searches itself (index_backend="pgvector"), which has no replica to keep.
    assert reader.get("second question").response == "two"  # type: ignore[union-attr]
    found = reader.get("a paraphrase", embedding=unit(1) + 0.01 * unit(2))
    assert (found is not None) == (kit.kind == "pgvector")
    other.close()
    reader.close()


def test_a_memory_store_resolves_to_single() -> None:
    cache = SemanticCache(embedder=FunctionEmbedder(unused, DIM, "fresh"), judge=None)
    assert cache.multi_process_mode == "single"
    cache.close()


def in_child(url: str, op: str, query: str = "", answer: str = "") -> None:
    child = CTX.Process(target=semantic_changer, args=(url, DIM, op, query, answer))
    child.start()
    child.join(60)
    assert child.exitcode == 0


def test_another_process_overwrite_delete_or_clear_reaches_the_exact_layers_copy(
    tmp_path: Path,
) -> None:
    """The reader's in-process copy of exact hits (warm: the key read three times) never
    answers with what another process replaced, deleted or cleared."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    from nearcache.stores.url import open_store

    reader = SemanticCache(
        store=open_store(url), embedder=FunctionEmbedder(unused, DIM, "fresh"), judge=None
    )
    copy = reader._core.hot
    assert copy is not None  # on by default on SQLite

    def warm(answer: str) -> None:
        for _ in range(3):
            hit = reader.get("the question")
            assert hit is not None and hit.response == answer
        assert len(copy) == 1

    reader.put("the question", "one", embedding=unit(0))
    warm("one")
    in_child(url, "put", "the question", "two")
    assert reader.get("the question").response == "two"  # type: ignore[union-attr]
    warm("two")
    in_child(url, "delete", "the question")
    assert reader.get("the question") is None
    reader.put("the question", "three", embedding=unit(0))
    warm("three")
    in_child(url, "clear")
    assert reader.get("the question") is None
    assert reader.check() == []
    reader.close()
