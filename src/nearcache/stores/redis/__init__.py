"""``RedisStore``: records in Redis, shared by many processes and machines.

* :mod:`~nearcache.stores.redis.store` — the store (batches, LRU, outages).
* :mod:`~nearcache.stores.redis.removals` — delete, clear, purge and LRU eviction (a
  mixin of the store: one Lua script per namespace each).
* :mod:`~nearcache.stores.redis.scripts` — its Lua scripts (``lua/*.lua``, with the
  functions they share in ``lua/common.lua``).
* :mod:`~nearcache.stores.redis.records` — the 9-byte record header.
* :mod:`~nearcache.stores.redis.changelog` — reading the change log (a stream).
* :mod:`~nearcache.stores.redis.check` — ``check()`` and sweeping cleared generations.
* :mod:`~nearcache.stores.redis.packing` — packing a batch ``MGET`` without a Python
  step per key (the store's own client; the bytes are redis-py's).
* :mod:`~nearcache.stores.redis.reads` — a batch read in parts (``get_many_parts``):
  part ``k + 1`` is sent before part ``k``'s reply is read.

Key layout (``P`` = ``prefix``, ``NS`` = ``encode_parts(table, namespace)``, which is
length-prefixed and therefore injective: ``("a", "bc")`` and ``("ab", "c")`` never meet)::

    P:NS:r<gen>:<key>   STRING  record: 1-byte format, f64 expires_at (inf = never), value
    P:NS:m              HASH    counters: entries bytes version base evictions expirations gen
    P:NS:s              HASH    key -> value size (the index of live records)
    P:NS:l              ZSET    key scored by last access time (LRU order for ``evict``)
    P:NS:x              ZSET    key scored by expires_at (records with a TTL only)
    P:NS:c              STREAM  change log (tables with ``log=True``): id ``<version>-0``
    P:ns:<table>        SET     namespace names of a table
    P:meta              HASH    store-wide settings (``get_meta``/``set_meta``)

Why this shape:

* **One round trip per batch.** ``get_many`` is ``MULTI; HGET gen; MGET ...; EXEC``
  (``get_many_parts`` sends that read once per part on one connection, each part as
  soon as the caller has its keys, so the caller keys part ``k + 1`` while the server
  reads part ``k``: ``EmbeddingCache.get_many`` of 1,000 texts or more); writes are
  one Lua script each (``EVALSHA``, see :mod:`.scripts`), which Redis runs
  atomically, so a batch and its counters, LRU entries and change-log event are all or
  nothing (I2). Scripts do all their reads before their first write, because Redis does
  not roll a failed script back.
* **Vectors stay raw bytes** — the value is the caller's encoded record behind a 9-byte
  header (:mod:`.records`), never JSON and never pickle.
* **TTL twice.** The logical ``expires_at`` (from the cache's injectable clock) is in the
  header and checked on every read; the key also gets a Redis expiry of the same TTL
  (relative to the cache's clock, plus ``expiry_grace``) so memory is reclaimed even if
  nobody sweeps. The index entries of such a key stay until ``purge_expired`` counts them.
* **O(1) clear.** ``clear`` bumps the namespace generation ``gen`` (part of every record
  key) inside a script, so the old records vanish for readers at once; they are then
  unlinked in batches found with ``SCAN`` (never ``KEYS``), without blocking the server.
* **Versions never go back.** A new (or wiped) namespace starts its version at the
  server's clock in milliseconds, so a reader that remembers a version from before a
  server restart sees ``changes(...) -> events=None`` (reload) instead of silently
  missing writes.
* **LRU touches are buffered** and sent with the next write (``ZADD XX GT``) or with a
  read once a second, so reads stay a single ``MGET``.
* **Outages** raise ``StoreUnavailableError`` through a circuit breaker (fail fast while
  down; the same object recovers within ~0.5 s of the server returning). A server still
  loading its data (``BusyLoadingError``) counts as unavailable.

Redis Cluster is not supported: scripts touch keys they compute (record keys of the
current generation) and the namespace registry. Use a single primary (with replicas or
Sentinel). Use ``maxmemory-policy noeviction`` (or a ``volatile-*`` policy) and let
``evict``/``max_bytes`` bound memory; an ``allkeys-*`` policy would drop records behind
the counters' back (``check(fix=True)`` repairs that).
"""

from .store import RedisStore

__all__ = ["RedisStore"]
