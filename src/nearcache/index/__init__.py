"""Vector indexes behind the semantic cache's second layer.

* :class:`~nearcache.index.protocol.VectorIndex` — the protocol (add, remove, search, get).
* :class:`~nearcache.index.exact.ExactIndex` — NumPy brute force, always available.
* :class:`~nearcache.index.usearch.HnswIndex` — usearch HNSW (extra ``[ann]``).
* :class:`~nearcache.index.hnswlib.HnswlibIndex` — hnswlib HNSW (``pip install hnswlib``).
* :class:`~nearcache.index.faiss.FaissIndex` — faiss HNSW (extra ``[faiss]``).
* :mod:`~nearcache.index.factory` — which backend and engine a partition uses.
* :class:`~nearcache.index.keymap.KeyMap` — compact content key -> position map.
"""

from __future__ import annotations

from .exact import ExactIndex
from .factory import AUTO_ANN_THRESHOLD, BACKENDS, new_index
from .keymap import KeyMap
from .protocol import VectorIndex

__all__ = ["AUTO_ANN_THRESHOLD", "BACKENDS", "ExactIndex", "KeyMap", "VectorIndex", "new_index"]
