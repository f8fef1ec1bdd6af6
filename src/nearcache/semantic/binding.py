"""Which embedder a store's semantic entries belong to.

The first write records the vector dimension and the embedder's fingerprint in the
store's metadata; every later opening (by any process) is checked against them, so one
store never mixes vectors of two models (they would be compared as if they were alike).
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from ..errors import DimensionMismatchError, FingerprintMismatchError, StoreWriteError
from ..keys import HASH_ALGORITHM, encode_parts, open_hash_algorithm
from ..stores.protocol import Store

__all__ = ["StoreBinding", "unbind"]

_CONFIG_KEY = encode_parts("semantic", "config")
_STORE_ID_KEY = encode_parts("semantic", "store_id")


def unbind(store: Store) -> bool:
    """Forget the embedder a store whose semantic table is empty is bound to (``nearcache
    clear`` of a store whose last entry was deleted); True if one was recorded."""
    if not store.get_meta(_CONFIG_KEY):
        return False
    store.set_meta(_CONFIG_KEY, "")
    return True


class StoreBinding:
    """The store's recorded dimension and fingerprint, and this process's view of them."""

    def __init__(self, store: Store, embedder: Any) -> None:
        """What is known before the store is read (``load`` reads it): the embedder's."""
        self.store = store
        self.dim: int | None = int(embedder.dim) or None if embedder is not None else None
        self.fingerprint = str(embedder.fingerprint) if embedder is not None else ""
        self.saved = False
        self.store_id = ""
        self.hashed = False  # the store records this process's key hash algorithm

    def load(self, embedder: Any) -> None:
        """Read the store's recorded dimension, fingerprint and id (recording the key hash
        algorithm and an id on a new store) and check ``embedder`` against them.

        A full store (a Redis past ``maxmemory``) that refuses to record the key hash
        algorithm or an id opens all the same: it holds no entry yet, so lookups miss,
        and the algorithm is recorded before the first write (``ensure``).

        Raises:
            StoreUnavailableError: the store cannot be reached (``load`` may be retried).
            FingerprintMismatchError / DimensionMismatchError: another embedder filled it.
        """
        store = self.store
        try:
            open_hash_algorithm(store)
            self.hashed = True
        except StoreWriteError:  # a full store, so far empty: recorded before a write
            self.hashed = False
        raw = store.get_meta(_CONFIG_KEY)
        config = json.loads(raw) if raw else {}
        dim = config.get("dim")
        fingerprint = str(config.get("fingerprint") or "")
        if embedder is not None:
            self._check(embedder, dim, fingerprint, "store")
            if dim is None and int(embedder.dim):
                dim = int(embedder.dim)
        store_id = store.get_meta(_STORE_ID_KEY)
        if not store_id:
            store_id = secrets.token_hex(16)
            try:
                store.set_meta(_STORE_ID_KEY, store_id)
            except StoreWriteError:  # full: this process's own id (an index saved with
                pass  # it is rebuilt by the next opening, as one of another store is)
        self.dim = int(dim) if dim is not None else None
        self.fingerprint = fingerprint or (str(embedder.fingerprint) if embedder else "")
        self.saved = bool(raw) and config.get("fingerprint", "") == self.fingerprint
        self.store_id = store_id

    @staticmethod
    def _check(embedder: Any, dim: int | None, fingerprint: str, where: str) -> None:
        edim, efp = int(embedder.dim), str(embedder.fingerprint)
        if dim is not None and edim and edim != dim:
            raise DimensionMismatchError(
                f"the {where} holds {dim}-d entries, the embedder makes {edim}-d vectors",
                expected=dim,
                got=edim,
            )
        if fingerprint and efp and efp != fingerprint:
            raise FingerprintMismatchError(
                f"the {where}'s entries were embedded by {fingerprint!r}, not {efp!r}; "
                "open it with that embedder, or clear it"
            )

    def adopt(self, embedder: Any) -> None:
        """Accept an embedder loaded later (the default model), if it fits the store."""
        self._check(embedder, self.dim, self.fingerprint, "cache")
        if not self.fingerprint:
            self.fingerprint = str(embedder.fingerprint)
            self.saved = False

    def adopt_fingerprint(self, fingerprint: str) -> None:
        """A checkpoint import tells the fingerprint of the vectors it brings."""
        if not self.fingerprint and fingerprint:
            self.fingerprint = fingerprint
            self.saved = False

    def forget(self, embedder: Any) -> None:
        """The store holds no entry any more: it is bound to no embedder until the next
        write records one (this cache's, or another embedder a later opening brings).
        A full store that refuses to forget stays bound to the embedder it records."""
        try:
            unbind(self.store)
        except StoreWriteError:  # a Redis past maxmemory: the entries were removed all the same
            return
        self.dim = int(embedder.dim) or None if embedder is not None else None
        self.fingerprint = str(embedder.fingerprint) if embedder is not None else ""
        self.saved = False

    def ensure(self, dim: int) -> bool:
        """Record ``dim`` (and the fingerprint) before the first write; True if dim is new."""
        new = self.dim is None
        if new:
            self.dim = dim
        elif dim != self.dim:
            made = f" of {self.fingerprint!r}" if self.fingerprint else ""
            raise DimensionMismatchError(
                f"embedding has dimension {dim}, expected {self.dim}: the store is bound to "
                f"the {self.dim}-d embedder{made}; write with that embedder, into another "
                "store, or clear this one (clearing every entry unbinds it)",
                expected=self.dim,
                got=dim,
            )
        if not self.hashed:  # the store refused to record it when the cache opened
            open_hash_algorithm(self.store)
            self.hashed = True
        if not self.saved:
            self.store.set_meta(
                _CONFIG_KEY, json.dumps({"dim": self.dim, "fingerprint": self.fingerprint})
            )
            self.saved = True
        return new

    def persist_meta(self, dtype: str) -> dict[str, Any]:
        """What a saved index must match to be loaded for this store."""
        return {
            "store_id": self.store_id,
            "hash_algorithm": HASH_ALGORITHM,
            "fingerprint": self.fingerprint,
            "dim": self.dim,
            "dtype": dtype,
        }
