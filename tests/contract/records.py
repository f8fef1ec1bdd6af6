"""Records, clock and tables shared by the store contract modules."""

from __future__ import annotations

from collections.abc import Sequence

from contract.workers import key
from nearcache.stores.protocol import Item, Store

NOW = 1_000.0
T = "kv"  # an unlogged table
LOGGED = "semantic"


def items(keys: Sequence[int], tag: bytes = b"v", exp: float | None = None) -> list[Item]:
    return [Item(key(i), tag + b"%d" % i, exp) for i in keys]


def values(store: Store, ns: str, keys: Sequence[int], now: float = NOW, table: str = T) -> list:
    return store.get_many(table, ns, [key(i) for i in keys], now=now, touch=False)
