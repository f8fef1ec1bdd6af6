"""``open_store(url)``: build a store from a URL.

Minimal version for the CLI: ``memory://`` and ``sqlite:///path`` (``sqlite:////abs``
for an absolute path, as SQLAlchemy spells it). Server stores (``redis://``,
``postgresql://``, ``dynamodb://``) are opened through their modules when those exist.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import InvalidInputError
from .protocol import Store

__all__ = ["open_store"]

_SERVER_STORES = {
    "redis": ("nearcache.stores.redis", "RedisStore"),
    "rediss": ("nearcache.stores.redis", "RedisStore"),
    "postgresql": ("nearcache.stores.postgres", "PostgresStore"),
    "postgres": ("nearcache.stores.postgres", "PostgresStore"),
    "dynamodb": ("nearcache.stores.dynamodb", "DynamoDBStore"),
}


def open_store(url: str, **options: Any) -> Store:
    """Open the store ``url`` names.

    Raises:
        InvalidInputError: the URL is malformed or its scheme is not supported.
    """
    if not isinstance(url, str) or "://" not in url:
        raise InvalidInputError(f"not a store URL: {url!r} (expected e.g. sqlite:///cache.db)")
    scheme = url.split("://", 1)[0].lower()
    if scheme == "memory":
        from .memory import MemoryStore

        return MemoryStore(**options)
    if scheme == "sqlite":
        from .sqlite import SQLiteStore

        if not url.lower().startswith("sqlite:///") or len(url) <= len("sqlite:///"):
            raise InvalidInputError(
                f"not a SQLite URL: {url!r} (expected sqlite:///relative.db or sqlite:////abs.db)"
            )
        return SQLiteStore(url[len("sqlite:///") :], **options)
    found = _SERVER_STORES.get(scheme)
    if found is None:
        raise InvalidInputError(
            f"unsupported store URL scheme {scheme!r}; use memory://, sqlite:///PATH, "
            "redis://, postgresql:// or dynamodb://"
        )
    module_name, cls_name = found
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise InvalidInputError(
                f"{scheme}:// stores are not available in this version of nearcache"
            ) from None
        raise
    store: Store = getattr(module, cls_name)(url, **options)
    return store
