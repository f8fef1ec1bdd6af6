"""What the proxy opens at start: its store, and the stand-in model of an exact-only proxy.

Why apart from ``ProxyState``: both run once, before any request, and neither reads the
state's locks, caches or upstream client.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..embedders.protocol import FunctionEmbedder
from ..stores.protocol import Store

__all__ = ["exact_only_embedder", "open_store"]


def exact_only_embedder() -> FunctionEmbedder:
    """Stands in for a model when the semantic layer is off: never called, since
    exact-only answers live in key/value caches."""

    def embed(texts: Any) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), 8), np.float32)
        out[:, 0] = 1.0
        return out

    return FunctionEmbedder(embed, dim=8, name="nearcache-proxy-exact-only")


def open_store(store: Any) -> tuple[Store, bool]:
    """The proxy's store and whether the proxy owns it (closes it): a memory store when
    none is given, a path as a SQLite file, a URL opened, a store object used as given."""
    if store is None:
        from ..stores.memory import MemoryStore

        return MemoryStore(), True
    if isinstance(store, str):
        from ..stores.url import is_url
        from ..stores.url import open_store as open_url

        url = store if is_url(store) else f"sqlite:///{store}"
        return open_url(url), True
    return store, False
