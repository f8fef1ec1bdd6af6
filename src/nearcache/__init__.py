"""nearcache: stop paying twice for the same LLM work.

* :class:`EmbeddingCache` / :class:`CachedEmbedder` — content-addressed embedding cache.
* :class:`SemanticCache` / :class:`AsyncSemanticCache` — exact + semantic response cache.
* :func:`get_cache` / :class:`CacheManager` — named key/value caches.
* Stores: :class:`MemoryStore`, :class:`SQLiteStore` (default), ``RedisStore``,
  ``PostgresStore``, ``DynamoDBStore``; :func:`open_store` builds one from a URL.

Names are imported lazily so ``import nearcache`` stays fast and optional dependencies are
only needed by the features that use them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .codecs import SparseVector
from .errors import (
    CacheClosedError,
    CacheError,
    CheckpointError,
    CorruptEntryError,
    CorruptStoreError,
    DimensionMismatchError,
    DTypeError,
    FingerprintMismatchError,
    InvalidInputError,
    InvalidTypeError,
    InvalidVectorError,
    MissingExtraError,
    NamespaceQuotaError,
    NearcacheError,
    NonFiniteVectorError,
    PayloadTooLargeError,
    StoreTimeoutError,
    StoreUnavailableError,
    StoreWriteError,
    TooLargeError,
    UnsafeArchiveError,
    ZeroNormError,
)
from .keys import content_hash, normalize_text

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "ManualClock": "nearcache.clock",
    "CacheStats": "nearcache.stats",
    "Store": "nearcache.stores.protocol",
    "Item": "nearcache.stores.protocol",
    "MemoryStore": "nearcache.stores.memory",
    "SQLiteStore": "nearcache.stores.sqlite",
    "RedisStore": "nearcache.stores.redis",
    "PostgresStore": "nearcache.stores.postgres",
    "DynamoDBStore": "nearcache.stores.dynamodb",
    "open_store": "nearcache.stores.url",
    "Embedder": "nearcache.embedders.protocol",
    "AsyncEmbedder": "nearcache.embedders.protocol",
    "FunctionEmbedder": "nearcache.embedders.protocol",
    "AsyncFunctionEmbedder": "nearcache.embedders.protocol",
    "EmbeddingCache": "nearcache.embedding.cache",
    "CachedEmbedder": "nearcache.embedding.cached_embedder",
    "AsyncCachedEmbedder": "nearcache.embedding.cached_embedder",
    "EmbedStats": "nearcache.embedding.cached_embedder",
    "default_embedder": "nearcache.embedders.default",
    "SemanticCache": "nearcache.semantic.cache",
    "AsyncSemanticCache": "nearcache.semantic.aio",
    "Hit": "nearcache.semantic.types",
    "Miss": "nearcache.semantic.types",
    "MetricEvent": "nearcache.semantic.types",
    "calibrate": "nearcache.semantic.calibrate",
    "get_cache": "nearcache.kv.manager",
    "Cache": "nearcache.kv.cache",
    "CacheManager": "nearcache.kv.manager",
}

__all__ = [
    "CacheClosedError",
    "CacheError",
    "CheckpointError",
    "CorruptEntryError",
    "CorruptStoreError",
    "DTypeError",
    "DimensionMismatchError",
    "FingerprintMismatchError",
    "InvalidInputError",
    "InvalidTypeError",
    "InvalidVectorError",
    "MissingExtraError",
    "NamespaceQuotaError",
    "NearcacheError",
    "NonFiniteVectorError",
    "PayloadTooLargeError",
    "SparseVector",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "StoreWriteError",
    "TooLargeError",
    "UnsafeArchiveError",
    "ZeroNormError",
    "__version__",
    "content_hash",
    "normalize_text",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nearcache' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from .clock import ManualClock
    from .embedders.default import default_embedder
    from .embedders.protocol import (
        AsyncEmbedder,
        AsyncFunctionEmbedder,
        Embedder,
        FunctionEmbedder,
    )
    from .embedding.cache import EmbeddingCache
    from .embedding.cached_embedder import AsyncCachedEmbedder, CachedEmbedder, EmbedStats
    from .stats import CacheStats
    from .stores.memory import MemoryStore
    from .stores.protocol import Item, Store
    from .stores.sqlite import SQLiteStore
