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

from .codecs import SparseVector as SparseVector
from .errors import CacheClosedError as CacheClosedError
from .errors import CacheError as CacheError
from .errors import CheckpointError as CheckpointError
from .errors import CorruptEntryError as CorruptEntryError
from .errors import CorruptStoreError as CorruptStoreError
from .errors import DimensionMismatchError as DimensionMismatchError
from .errors import DTypeError as DTypeError
from .errors import EmbeddingAPIError as EmbeddingAPIError
from .errors import FingerprintMismatchError as FingerprintMismatchError
from .errors import InvalidInputError as InvalidInputError
from .errors import InvalidTypeError as InvalidTypeError
from .errors import InvalidVectorError as InvalidVectorError
from .errors import MissingExtraError as MissingExtraError
from .errors import MissingServerExtensionError as MissingServerExtensionError
from .errors import NamespaceQuotaError as NamespaceQuotaError
from .errors import NearcacheError as NearcacheError
from .errors import NonFiniteVectorError as NonFiniteVectorError
from .errors import PayloadTooLargeError as PayloadTooLargeError
from .errors import StoreTimeoutError as StoreTimeoutError
from .errors import StoreUnavailableError as StoreUnavailableError
from .errors import StoreWriteError as StoreWriteError
from .errors import TooLargeError as TooLargeError
from .errors import UnsafeArchiveError as UnsafeArchiveError
from .errors import ZeroNormError as ZeroNormError
from .keys import content_hash as content_hash
from .keys import normalize_text as normalize_text

__version__ = "0.1.0"

#: Public names imported on first use: name -> module. Every one is also imported under
#: ``TYPE_CHECKING`` below (``X as X``), so type checkers see the real types;
#: tests/unit/test_public_api.py keeps the two lists, and ``__all__``, equal.
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
    "EmbedStats": "nearcache.embedding.embedstats",
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
    "AsyncCachedEmbedder",
    "AsyncEmbedder",
    "AsyncFunctionEmbedder",
    "AsyncSemanticCache",
    "Cache",
    "CacheClosedError",
    "CacheError",
    "CacheManager",
    "CacheStats",
    "CachedEmbedder",
    "CheckpointError",
    "CorruptEntryError",
    "CorruptStoreError",
    "DTypeError",
    "DimensionMismatchError",
    "DynamoDBStore",
    "EmbedStats",
    "Embedder",
    "EmbeddingAPIError",
    "EmbeddingCache",
    "FingerprintMismatchError",
    "FunctionEmbedder",
    "Hit",
    "InvalidInputError",
    "InvalidTypeError",
    "InvalidVectorError",
    "Item",
    "ManualClock",
    "MemoryStore",
    "MetricEvent",
    "Miss",
    "MissingExtraError",
    "MissingServerExtensionError",
    "NamespaceQuotaError",
    "NearcacheError",
    "NonFiniteVectorError",
    "PayloadTooLargeError",
    "PostgresStore",
    "RedisStore",
    "SQLiteStore",
    "SemanticCache",
    "SparseVector",
    "Store",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "StoreWriteError",
    "TooLargeError",
    "UnsafeArchiveError",
    "ZeroNormError",
    "__version__",
    "calibrate",
    "content_hash",
    "default_embedder",
    "get_cache",
    "normalize_text",
    "open_store",
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


if TYPE_CHECKING:  # pragma: no cover - what type checkers see of the lazy names
    from .clock import ManualClock as ManualClock
    from .embedders.default import default_embedder as default_embedder
    from .embedders.protocol import AsyncEmbedder as AsyncEmbedder
    from .embedders.protocol import AsyncFunctionEmbedder as AsyncFunctionEmbedder
    from .embedders.protocol import Embedder as Embedder
    from .embedders.protocol import FunctionEmbedder as FunctionEmbedder
    from .embedding.cache import EmbeddingCache as EmbeddingCache
    from .embedding.cached_embedder import AsyncCachedEmbedder as AsyncCachedEmbedder
    from .embedding.cached_embedder import CachedEmbedder as CachedEmbedder
    from .embedding.embedstats import EmbedStats as EmbedStats
    from .kv.cache import Cache as Cache
    from .kv.manager import CacheManager as CacheManager
    from .kv.manager import get_cache as get_cache
    from .semantic.aio import AsyncSemanticCache as AsyncSemanticCache
    from .semantic.cache import SemanticCache as SemanticCache
    from .semantic.calibrate import calibrate as calibrate
    from .semantic.types import Hit as Hit
    from .semantic.types import MetricEvent as MetricEvent
    from .semantic.types import Miss as Miss
    from .stats import CacheStats as CacheStats
    from .stores.dynamodb import DynamoDBStore as DynamoDBStore
    from .stores.memory import MemoryStore as MemoryStore
    from .stores.postgres import PostgresStore as PostgresStore
    from .stores.protocol import Item as Item
    from .stores.protocol import Store as Store
    from .stores.redis import RedisStore as RedisStore
    from .stores.sqlite import SQLiteStore as SQLiteStore
    from .stores.url import open_store as open_store
