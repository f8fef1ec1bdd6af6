"""Every store is a context manager (``with SQLiteStore(path) as store:``, as diskcache
users write): it hands back the store itself and closes it on the way out, also when the
block raises, without swallowing the exception."""

from __future__ import annotations

import pytest

from contract.kits import Kit
from contract.records import NOW, T, items, values
from nearcache import CacheClosedError
from nearcache.stores.memory import MemoryStore
from nearcache.stores.protocol import Store
from nearcache.stores.url import open_store


def _fresh(kit: Kit) -> Store:
    """A client of its own (the memory kit hands out one shared object)."""
    return MemoryStore() if kit.kind == "memory" else open_store(kit.url)


def test_with_a_store_closes_it(kit: Kit) -> None:
    store = _fresh(kit)
    with store as opened:
        assert opened is store
        store.put_many(T, "with", items([1]), now=NOW)
        assert values(store, "with", [1]) == [b"v1"]
    with pytest.raises(CacheClosedError):
        store.get_many(T, "with", [items([1])[0].key], now=NOW)


def test_with_a_store_closes_it_when_the_block_raises(kit: Kit) -> None:
    store = _fresh(kit)
    with pytest.raises(KeyError, match="boom"), store:
        raise KeyError("boom")
    with pytest.raises(CacheClosedError):
        store.get_many(T, "with", [items([1])[0].key], now=NOW)
