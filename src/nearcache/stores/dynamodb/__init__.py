"""``DynamoDBStore``: records in one DynamoDB table — serverless, pay per request.

* :mod:`~nearcache.stores.dynamodb.store` — the store (transactions, retries, LRU).
* :mod:`~nearcache.stores.dynamodb.layout` — the item layout, indexes and the items
  every write builds.
* :mod:`~nearcache.stores.dynamodb.check` — ``check()``.
* :mod:`~nearcache.stores.dynamodb.changelog` — ``changes()``.

Atomicity, honestly:

* Every write is a ``TransactWriteItems`` holding the records, the namespace's counter
  item and its change-log item, conditioned on the counter's version (optimistic
  concurrency: a concurrent writer makes the transaction fail and it is retried with the
  fresh state). So counters stay exact, versions are unique and gapless, and a batch of
  up to ``max_transaction_items - 2`` records (98 by default) within DynamoDB's 4 MB a
  transaction is all or nothing.
* **Larger batches are split into several transactions** (by count and by bytes): each
  chunk is atomic, the batch as a whole is not (a crash can leave the first chunks
  written). ``clear`` of a namespace larger than one transaction is likewise done in
  chunks.
* **Reads are not isolated from transactions**: ``BatchGetItem`` reads items one by one,
  so a reader racing a writer may see part of a batch. Readers that need more can
  re-read; caches verify each record's own checksum, so a mix is never a corrupt value.
* ``BatchGetItem`` takes 100 keys per request; larger reads are split into concurrent
  requests, with ``UnprocessedKeys`` retried with backoff (so "one round trip per batch"
  holds only up to 100 keys).
* DynamoDB's TTL sweeper deletes expired records without telling the counters; records
  get ``ttl = expires_at + expiry_grace`` so ``purge_expired`` normally sees them first,
  and ``check(fix=True)`` recounts otherwise.
* LRU touches cost one ``UpdateItem`` per key; they are buffered, deduplicated and sent
  only before ``evict`` or when many have piled up (``close`` drops them), so the LRU
  order across processes is approximate.
"""

from .store import DynamoDBStore

__all__ = ["DynamoDBStore"]
