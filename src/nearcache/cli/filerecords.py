"""The corpus's records in the store, written by ``nearcache embed`` and read by
``search``, ``ls``, ``archive`` and ``restore`` (the layout is in :mod:`.corpus`):

* a *file record* per file in the ``kv`` table, namespace ``nearcache.corpus:{embedding
  namespace}``, keyed by the hash of its path and packed as a checksummed ``kv`` record
  (``RECORD_VERSION``; a record of another version or a corrupt one reads as None);
* per embedding namespace, in the store's meta: the lookups of the runs (``counters``)
  and the last measured seconds per embedding (``cost``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from ..codecs import KIND_KV, pack_payload, pack_record, unpack_payload, unpack_record
from ..errors import CorruptEntryError
from ..keys import content_hash, encode_parts
from ..stores.protocol import Store

__all__ = [
    "KV_TABLE",
    "RECORD_VERSION",
    "add_counters",
    "corpus_namespace",
    "cost_per_text",
    "file_key",
    "meta_key",
    "pack_file",
    "read_counters",
    "under",
    "unpack_file",
]

KV_TABLE = "kv"
RECORD_VERSION = 1


def corpus_namespace(embedding_namespace: str) -> str:
    """The ``kv`` namespace holding the file records of an embedding namespace."""
    return f"nearcache.corpus:{embedding_namespace}"


def meta_key(kind: str, namespace: str) -> str:
    return encode_parts("cli", kind, namespace)


def read_counters(store: Store, namespace: str) -> dict[str, Any]:
    """Lookups made by ``nearcache embed``/``search`` runs on an embedding namespace."""
    raw = store.get_meta(meta_key("counters", namespace))
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    return data if isinstance(data, dict) else {}


def add_counters(store: Store, namespace: str, **deltas: float) -> dict[str, Any]:
    data = read_counters(store, namespace)
    for key, value in deltas.items():
        data[key] = data.get(key, 0) + value
    store.set_meta(meta_key("counters", namespace), json.dumps(data))
    return data


def cost_per_text(store: Store, namespace: str) -> float | None:
    raw = store.get_meta(meta_key("cost", namespace))
    try:
        value = float(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and value > 0 else None


def pack_file(namespace: str, key: str, payload: dict[str, Any]) -> bytes:
    return pack_record(KIND_KV, namespace, key, pack_payload(payload))


def unpack_file(namespace: str, key: str, blob: bytes) -> dict[str, Any] | None:
    try:
        data = unpack_payload(unpack_record(blob, KIND_KV, namespace, key))
    except CorruptEntryError:
        return None
    if not isinstance(data, dict) or data.get("v") != RECORD_VERSION:
        return None
    return data


def file_key(path: str) -> str:
    return content_hash(f"file\x00{path}")


def under(path: str, roots: Sequence[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)
