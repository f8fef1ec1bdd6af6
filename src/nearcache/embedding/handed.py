"""Arrays an ``EmbeddingCache`` handed out, found again after their record was evicted.

On a ``MemoryStore`` that can evict (a cache with ``max_entries`` / ``max_bytes``, or a
store with ``max_bytes``), a vector a caller still holds is recalled from that array
(weakly referenced by the store) instead of being a miss. Elsewhere a held record cannot
be evicted without a write the cache sees, so nothing is remembered (it would only cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..stores.memory import MemoryStore
from ..stores.protocol import Store

__all__ = ["HandedOut"]

TABLE = "embedding"


class HandedOut:
    """The weak record of handed-out arrays; ``store`` is None where it never pays."""

    __slots__ = ("store",)

    def __init__(self, store: Store, max_entries: int | None, max_bytes: int | None) -> None:
        weak = store if isinstance(store, MemoryStore) else None
        lossy = weak is not None and (max_entries, max_bytes, weak.max_bytes) != (None,) * 3
        self.store: MemoryStore | None = weak if lossy else None

    def recall(
        self, namespace: str, key: str, want_fp: int | None, now: float
    ) -> tuple[npt.NDArray[np.float32], int] | None:
        """(a copy of the held vector, its fingerprint id) for ``key``, or None."""
        if self.store is None:
            return None
        found = self.store.recall(TABLE, namespace, key, now=now)
        if found is None:
            return None
        vec, fp = found
        if want_fp is not None and fp != want_fp:
            return None
        return np.array(vec, dtype=np.float32), int(fp)

    def remember(
        self,
        namespace: str,
        keys: Sequence[str],
        obj: Any,
        fps: Sequence[int],
        rows: Sequence[int] | None = None,
    ) -> None:
        """Note that row ``rows[i]`` (default ``i``) of the array ``obj`` is ``keys[i]``."""
        if self.store is not None and isinstance(obj, np.ndarray):
            self.store.remember(TABLE, namespace, keys, obj, fps, rows)
