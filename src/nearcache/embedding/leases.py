"""Cross-process single-flight through short leases kept in the shared store.

Before embedding a text, a caller ``add``s a lease record for its key (insert-if-absent
with an expiry). Whoever inserts it embeds; the others poll the store for the vector. A
leader that dies simply lets its lease expire, after which the next caller takes over.
Leases live in the store's ``lease`` table, namespaced like the vectors they guard.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence

from ..clock import Clock
from ..codecs import KIND_LEASE, pack_record
from ..errors import InvalidInputError, StoreUnavailableError, StoreWriteError
from ..stores.protocol import Item, Store, add_many

__all__ = ["Leases"]

TABLE = "lease"


class Leases:
    def __init__(self, store: Store, clock: Clock, ttl: float) -> None:
        if not ttl > 0:
            raise InvalidInputError("lease_ttl must be positive")
        self.store = store
        self.clock = clock
        self.ttl = float(ttl)
        self.owner = f"{os.getpid()}-{secrets.token_hex(8)}".encode()

    def acquire(self, namespace: str, keys: Sequence[str]) -> list[str]:
        """The subset of ``keys`` this caller now holds a lease on.

        If the store cannot be reached, or refuses writes (full), the caller proceeds
        without leases: embedding a text twice is better than not at all.
        """
        now = self.clock()
        items = [
            Item(k, pack_record(KIND_LEASE, namespace, k, self.owner), now + self.ttl) for k in keys
        ]
        try:
            won = add_many(self.store, TABLE, namespace, items, now=now)
        except (StoreUnavailableError, StoreWriteError):
            return list(keys)
        return [k for k, ok in zip(keys, won) if ok]

    def release(self, namespace: str, keys: Sequence[str]) -> None:
        try:
            self.store.delete_many(TABLE, namespace, keys)
        except (StoreUnavailableError, StoreWriteError):
            pass  # the leases expire by themselves
