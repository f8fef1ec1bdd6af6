"""A store emptied of every semantic entry is bound to no embedder any more: the
embedder a cache records on its first write is a promise about the entries, and with
none left another embedder may start the store over (a model change, ``nearcache clear``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nearcache import FunctionEmbedder, SemanticCache, open_store
from nearcache.errors import DimensionMismatchError


def _embedder(dim: int) -> Any:
    return FunctionEmbedder(
        lambda texts: np.ones((len(texts), dim), np.float32), dim=dim, name=f"d{dim}", revision="1"
    )


def _fill(url: str) -> None:
    with open_store(url) as store, SemanticCache(embedder=_embedder(8), store=store) as cache:
        cache.put("what is the capital of France", "Paris")
        cache.put("what is the capital of Spain", "Madrid", namespace="other")


def _put_16(url: str) -> None:
    with open_store(url) as store, SemanticCache(embedder=_embedder(16), store=store) as cache:
        cache.put("what is the capital of Italy", "Rome")
        assert cache.get("what is the capital of Italy") is not None


def test_clear_unbinds_the_store_from_its_embedder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    _fill(url)
    with pytest.raises(DimensionMismatchError):
        _put_16(url)
    with open_store(url) as store, SemanticCache(embedder=_embedder(8), store=store) as cache:
        assert cache.clear() == 2
    _put_16(url)
    store = open_store(url)  # bound again, to the new embedder
    with store, pytest.raises(DimensionMismatchError):
        SemanticCache(embedder=_embedder(8), store=store)


def test_clearing_the_last_namespace_unbinds_and_an_earlier_one_does_not(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    _fill(url)
    with open_store(url) as store, SemanticCache(embedder=None, store=store) as cache:
        assert cache.clear_namespace("other") == 1
    with pytest.raises(DimensionMismatchError):  # "default" still holds an 8-d entry
        _put_16(url)
    with open_store(url) as store, SemanticCache(embedder=None, store=store) as cache:
        assert cache.clear_namespace("default") == 1
    _put_16(url)


def test_the_clearing_cache_records_its_own_embedder_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with open_store(url) as store, SemanticCache(embedder=_embedder(8), store=store) as cache:
        cache.put("a question", "an answer")
        cache.clear()
        cache.put("another question", "another answer")
    with pytest.raises(DimensionMismatchError):
        _put_16(url)


def test_deleting_the_last_entry_one_by_one_unbinds_and_an_earlier_one_does_not(
    tmp_path: Path,
) -> None:
    # `clear()` unbound the store, deleting its last entry with `delete()` did not: the
    # store stayed bound to the 8-d embedder with nothing left in it
    url = f"sqlite:///{tmp_path / 's.db'}"
    _fill(url)
    with open_store(url) as store, SemanticCache(embedder=_embedder(8), store=store) as cache:
        assert cache.delete("what is the capital of Spain", namespace="other")
    with pytest.raises(DimensionMismatchError):  # "default" still holds an 8-d entry
        _put_16(url)
    with open_store(url) as store, SemanticCache(embedder=_embedder(8), store=store) as cache:
        assert not cache.delete("what is the capital of Spain", namespace="other")
        assert cache.delete("what is the capital of France")
        cache.put("a question put after", "by the cache that deleted")  # binds it again
        assert cache.delete("a question put after")
    _put_16(url)
    store = open_store(url)  # bound again, to the new embedder
    with store, pytest.raises(DimensionMismatchError):
        SemanticCache(embedder=_embedder(8), store=store)
