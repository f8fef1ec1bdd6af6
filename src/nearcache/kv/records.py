"""A kv record: msgpack of ``[key, value]`` in a checksummed record of its cache's name.

Why the key is stored with its value: every read checks the namespace, the key's digest
and the original key, so a mixed-up reply or a planted blob is a miss, never another
key's value; ``check`` finds the records that fail those checks.
"""

from __future__ import annotations

from typing import Any

from ..codecs import KIND_KV, pack_payload, pack_record, unpack_payload, unpack_record
from ..errors import CorruptEntryError, InvalidTypeError
from ..keys import content_hash
from ..stores.protocol import Item, Store
from .keys import Key, key_material

__all__ = ["TABLE", "bad_records", "decode", "encode", "record_key"]

TABLE = "kv"


def record_key(key: Key) -> str:
    """The store key of ``key``'s record: the content hash of its type-tagged text."""
    return content_hash(key_material(key))


def encode(name: str, key: Key, value: Any, expires_at: float | None) -> Item:
    """The record of ``key`` = ``value`` in cache ``name`` (``CacheError`` naming a value
    type msgpack cannot hold, before anything is written)."""
    h = record_key(key)
    return Item(h, pack_record(KIND_KV, name, h, pack_payload([key, value])), expires_at)


def decode(name: str, key: Key, h: str, blob: bytes) -> Any:
    """The value in ``blob``, read for ``key`` (hash ``h``); ``CorruptEntryError`` if the
    record is damaged, of another cache, or holds another key."""
    data = unpack_payload(unpack_record(blob, KIND_KV, name, h))
    if not isinstance(data, list) or len(data) != 2 or data[0] != key:
        raise CorruptEntryError("stored key does not match the requested key")
    return data[1]


def bad_records(store: Store, name: str, problems: list[str]) -> list[str]:
    """The record keys of cache ``name`` that fail their checks, each also described in
    ``problems``."""
    bad: list[str] = []
    for batch in store.scan(TABLE, name):
        for item in batch:
            try:
                data = unpack_payload(unpack_record(item.value, KIND_KV, name, item.key))
                if not isinstance(data, list) or len(data) != 2:
                    raise CorruptEntryError("not a key/value record")
                if record_key(data[0]) != item.key:
                    raise CorruptEntryError("stored key does not hash to its record key")
            except (CorruptEntryError, InvalidTypeError) as exc:
                bad.append(item.key)
                problems.append(f"kv/{name}/{item.key[:12]}: {exc}")
    return bad
