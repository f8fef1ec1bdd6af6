"""The corpus's records in the store, written by ``nearcache embed`` and read by
``search``, ``ls``, ``archive`` and ``restore`` (the layout is in :mod:`.corpus`):

* a *file record* per file in the ``kv`` table, namespace ``nearcache.corpus:{embedding
  namespace}``, keyed by the hash of its path and packed as a checksummed ``kv`` record
  (``RECORD_VERSION``; a record of another version or a corrupt one reads as None);
* written as a run goes: a file's record once all its chunks are stored
  (``files_done_by``, ``finished_files``, ``put_records``), and at the end the records
  of files gone from the walked roots are removed (``remove_stale``);
* per embedding namespace, in the store's meta: the lookups of the runs (``counters``)
  and the last measured seconds per embedding (``cost``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from typing import Any

from ..codecs import KIND_KV, pack_payload, pack_record, unpack_payload, unpack_record
from ..errors import CorruptEntryError
from ..keys import content_hash, encode_parts
from ..stores.protocol import Item, Store

__all__ = [
    "KV_TABLE",
    "RECORD_VERSION",
    "add_counters",
    "corpus_namespace",
    "cost_per_text",
    "file_key",
    "files_done_by",
    "finished_files",
    "meta_key",
    "pack_file",
    "put_records",
    "read_counters",
    "remove_stale",
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


def files_done_by(records: dict[str, dict[str, Any]], keys: Sequence[str]) -> list[tuple[int, str]]:
    """(how many of the distinct chunks ``keys`` must be stored for the file to be whole,
    path), in that order: chunks are embedded in first-seen order, so files finish one
    after another."""
    where = {key: i for i, key in enumerate(keys)}
    return sorted(
        (max((where[c[0]] + 1 for c in rec["chunks"]), default=0), path)
        for path, rec in records.items()
    )


def finished_files(done_by: Sequence[tuple[int, str]], start: int, stored: int) -> int:
    """The end of the run of files, from ``start``, whose chunks are all ``stored``."""
    end = start
    while end < len(done_by) and done_by[end][0] <= stored:
        end += 1
    return end


def put_records(
    store: Store,
    namespace: str,
    records: dict[str, dict[str, Any]],
    ready: Sequence[tuple[int, str]],
) -> int:
    """Write the records of ``ready`` files that changed; return how many."""
    if not ready:
        return 0
    now = time.time()
    paths = [path for _, path in ready]
    keys = [file_key(p) for p in paths]
    old = store.get_many(KV_TABLE, namespace, keys, now=now, touch=False)
    changed: list[Item] = []
    for path, key, blob in zip(paths, keys, old):
        record = records[path]
        previous = unpack_file(namespace, key, blob) if blob is not None else None
        if previous is not None and {k: previous.get(k) for k in record} == record:
            continue
        changed.append(Item(key, pack_file(namespace, key, record)))
    if changed:
        store.put_many(KV_TABLE, namespace, changed, now=now)
    return len(changed)


def remove_stale(
    store: Store, namespace: str, records: dict[str, dict[str, Any]], roots: Sequence[str]
) -> int:
    """Remove the records of files under the walked roots that are gone (deleted, now
    ignored or skipped); return how many."""
    seen = {file_key(p) for p in records}
    stale = [
        item.key
        for batch in store.scan(KV_TABLE, namespace)
        for item in batch
        if item.key not in seen
        and (rec := unpack_file(namespace, item.key, item.value)) is not None
        and under(str(rec.get("path", "")), roots)
    ]
    if stale:
        store.delete_many(KV_TABLE, namespace, stale)
    return len(stale)
