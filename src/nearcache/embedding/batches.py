"""Batches and deduplication: which items of a job still need embedding, and which hashes
a batch held (so a failed job can be reprocessed)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..batchargs import check_batch
from ..codecs import KIND_BATCH, pack_payload, pack_record, unpack_payload, unpack_record
from ..errors import (
    CorruptEntryError,
    InvalidInputError,
    InvalidTypeError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import check_content_hashes, content_hash
from ..stores.breaker import outage_level
from ..stores.protocol import Item
from .writes import write_failed

if TYPE_CHECKING:
    from .cache import EmbeddingCache

__all__ = ["deduplicate", "get_batch", "store_batch"]

log = logging.getLogger(__name__)

BATCH_TABLE = "batch"


def item_text(item: Any, index: int) -> str:
    """The text of an item: a str, or an object's ``content``/``text``/``page_content``."""
    if isinstance(item, str):
        return item
    for attr in ("content", "text", "page_content"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return value
    raise InvalidTypeError(
        f"items[{index}] is {type(item).__name__}; expected str or an object with a "
        "str .content or .text attribute"
    )


def deduplicate(
    cache: EmbeddingCache, items: Sequence[Any], namespace: str
) -> tuple[list[Any], list[str]]:
    """(items not yet cached in ``namespace``, each distinct once; every item's hash)."""
    check_batch(items, "items")  # a str was one item a character; an iterator read twice
    keys = cache.keys_for([item_text(x, i) for i, x in enumerate(items)])
    unique = list(dict.fromkeys(keys))
    found = cache._lookup(namespace, unique, None, count=False).vectors if unique else []
    cached = {k for k, v in zip(unique, found) if v is not None}
    seen: set[str] = set()
    fresh: list[Any] = []
    for item, key in zip(items, keys):
        if key not in cached and key not in seen:
            seen.add(key)
            fresh.append(item)
    return fresh, keys


def _batch_key(batch_id: str) -> str:
    """The record key of a batch id; the same check on read as on write."""
    if not isinstance(batch_id, str) or not batch_id:
        raise InvalidInputError("batch_id must be a non-empty str")
    return content_hash(batch_id)


def store_batch(
    cache: EmbeddingCache,
    batch_id: str,
    hashes: Sequence[str],
    namespace: str,
    ttl: float | None,
) -> None:
    """Record the item hashes of batch ``batch_id`` (expiring like a vector would); a
    store that is down or full raises, or with ``fail_open`` drops it, as a vector write."""
    key = _batch_key(batch_id)
    check_batch(hashes, "hashes", iterators=True)
    hashes = list(hashes)
    check_content_hashes(hashes)
    now = cache._clock()
    body = pack_payload({"id": batch_id, "hashes": hashes, "created_at": now})
    item = Item(key, pack_record(KIND_BATCH, namespace, key, body), cache._expiry(ttl, now))
    try:
        cache.store.put_many(BATCH_TABLE, namespace, [item], now=now)
    except (StoreUnavailableError, StoreWriteError) as exc:
        write_failed(cache, namespace, exc, f"batch record {batch_id!r}")


def get_batch(cache: EmbeddingCache, batch_id: str, namespace: str) -> list[str] | None:
    """The hashes stored for ``batch_id``, or None (a corrupt record, or a store that is
    down, is a miss: SPEC §0's reads never raise for an outage)."""
    key = _batch_key(batch_id)
    try:
        blob = cache.store.get_many(BATCH_TABLE, namespace, [key], now=cache._clock())[0]
    except StoreUnavailableError as exc:
        cache._counters.add(namespace, errors=1)
        level = outage_level(cache.store)
        log.log(level, "store unavailable, batch record %r read as a miss: %s", batch_id, exc)
        return None
    if blob is None:
        return None
    try:
        data = unpack_payload(unpack_record(blob, KIND_BATCH, namespace, key))
        hashes = data["hashes"]
        if data.get("id") != batch_id or not isinstance(hashes, list):
            raise CorruptEntryError("batch record does not match its id")
    except (CorruptEntryError, KeyError, TypeError, AttributeError):
        log.warning("corrupt batch record %r in %s", batch_id, namespace)
        return None
    return [str(h) for h in hashes]
