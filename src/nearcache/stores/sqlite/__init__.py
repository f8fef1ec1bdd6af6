"""``SQLiteStore``, the default store: one file, many processes, crash safe.

* :mod:`~nearcache.stores.sqlite.store` — the store (row layout, batches, LRU, check).
* :mod:`~nearcache.stores.sqlite.connection` — the connection pool, transactions, errors
  (what SQLite's errors mean: :mod:`~nearcache.stores.sqlite.rules`).
* :mod:`~nearcache.stores.sqlite.wal` — how large the WAL may grow, and the TRUNCATE
  checkpoint that bounds it.
* :mod:`~nearcache.stores.sqlite.reads` — batch reads (one statement per batch).
* :mod:`~nearcache.stores.sqlite.parts` — a batch read in parts (``get_many_parts``): a
  reader thread with its own connection reads a part while the caller keys the next.
* :mod:`~nearcache.stores.sqlite.removals` — deletes, clears and expiry purges.
* :mod:`~nearcache.stores.sqlite.changelog` — what changed after a version.
* :mod:`~nearcache.stores.sqlite.schema` — creating and checking the schema
  (``schema.sql``).
"""

from .store import SQLiteStore

__all__ = ["SQLiteStore"]
