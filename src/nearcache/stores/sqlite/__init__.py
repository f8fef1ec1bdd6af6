"""``SQLiteStore``, the default store: one file, many processes, crash safe.

* :mod:`~nearcache.stores.sqlite.store` — the store (row layout, batches, LRU, check).
* :mod:`~nearcache.stores.sqlite.connection` — the connection pool, transactions, errors.
* :mod:`~nearcache.stores.sqlite.schema` — creating and checking the schema
  (``schema.sql``).
"""

from .store import SQLiteStore

__all__ = ["SQLiteStore"]
