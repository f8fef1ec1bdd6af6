"""``PostgresStore``: records in PostgreSQL — many machines, durable, transactional.

* :mod:`~nearcache.stores.postgres.store` — the store (pool, outages, batches).
* :mod:`~nearcache.stores.postgres.schema` — versioned migrations (``sql/NNN_*.sql``).
* :mod:`~nearcache.stores.postgres.check` — ``check()``.
* :mod:`~nearcache.stores.postgres.changelog` — ``changes()`` and the log's pruning.

Schema (``P`` = ``prefix``; ``sql/001_schema.sql`` and the migrations after it, run on
first use under an advisory lock, with a ``schema_version`` row in ``P_meta``, see
:mod:`.schema`; ``002`` gives each record of a batch its own ``atime``, later places
more recent)::

    P_meta (key text PK, value text)                       store-wide settings
    P_ns   (id bigserial PK, tbl text, name bytea, entries, bytes, version,
            evictions, expirations; UNIQUE (tbl, name))     one row per namespace
    P_rec  (ns bigint, key bytea, value bytea, expires_at float8, atime float8,
            size int; PK (ns, key))                         the records
           + index (ns, atime) for LRU, (atime) for table-wide LRU,
             partial index (expires_at) WHERE expires_at IS NOT NULL for the TTL sweep
    P_chg  (seq bigserial PK, ns, version, op, key)        change log (logged tables)

Why this shape:

* **One statement per operation.** Writes call PL/pgSQL functions (``P_put``,
  ``P_add``, ``P_remove``, ``P_purge``, ``P_evict``, ``P_clear``) with whole batches as
  arrays (``unnest``/``ANY``), so a batch, its counters and its change-log rows commit
  together in one transaction and one network round trip (I2). Reads are a single
  ``SELECT ... WHERE key = ANY(%s)`` in binary mode.
* **Writers of a namespace serialize on its ``P_ns`` row** (``SELECT ... FOR UPDATE``), so
  counters stay exact and version numbers are handed out in commit order, which is what
  shared-mode readers of the change log need. Different namespaces never wait for each
  other; table-wide operations lock namespace rows in id order (no deadlocks).
* **Namespace names are ``bytea``** (their UTF-8), so any name — NUL bytes, NFC vs NFD —
  maps to its own row; ``(tbl, name)`` is compared exactly.
* **Values are ``bytea`` with ``STORAGE EXTERNAL``**: vectors do not compress, so
  PostgreSQL is told not to try.
* **LRU touches** are buffered and written with the next write (``SKIP LOCKED``, so a
  touch never waits for or deadlocks with a writer).
* **Outages**: a circuit breaker fails calls fast while the server is down; its probe
  connects directly (not through the pool, whose own reconnect backoff grows to
  minutes) and, once the server answers, replaces the pool, so the same store object
  recovers within about half a second. Reads are retried once on a fresh connection
  (a connection killed by ``pg_terminate_backend`` or a restart), writes are not (the
  server may have committed them).

pgvector is not used yet: similarity search stays in the caches' in-memory index, which
is rebuilt from ``scan``/``changes``. A server-side search path belongs in a module of
its own here (its tables and functions in a new ``sql/002_*.sql`` migration).
"""

from __future__ import annotations

from ...errors import MissingExtraError
from .schema import check_prefix, drop_statements
from .store import PostgresStore

__all__ = ["PostgresStore", "drop_schema"]


def drop_schema(dsn: str, prefix: str = "nearcache") -> None:
    """Drop every table and function of a store (tests and ``nearcache`` maintenance)."""
    try:
        import psycopg
    except ImportError as exc:
        raise MissingExtraError("postgres", "psycopg", "drop_schema") from exc
    with psycopg.connect(dsn, autocommit=True) as con:
        for stmt in drop_statements(con, check_prefix(prefix)):
            con.execute(stmt)
