"""Named key/value caches: ``get_cache(name, backend)``, ``Cache``, ``CacheManager``."""

from .cache import Cache
from .manager import CacheManager, get_cache

__all__ = ["Cache", "CacheManager", "get_cache"]
