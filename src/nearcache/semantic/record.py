"""How a semantic-cache entry is keyed and stored.

An entry lives in the store's ``"semantic"`` table under its namespace and the key
``content_hash(encode_parts(DOMAIN, scope, normalized query))``, where ``scope`` is the
hash of the caller's ``context`` (empty without one). The value is the checksummed
envelope of :mod:`nearcache.codecs` (kind ``KIND_SEMANTIC``) around a msgpack map::

    q  matched query (as given to put)     r  response, itself msgpack (bin)
    m  metadata as JSON bytes, or nil      c  created_at       e  expires_at or nil
    s  scope (hex, "" = no context)        w  write id (random 63-bit int)
    t  vector dtype                        k  int8 scale       x  vector bytes (LE)

The vector is kept so the index can be rebuilt from the store alone, without calling
the embedder again; the write id tells apart two writes of the same key, so replaying
the store's change log onto an index is idempotent.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..codecs import (
    KIND_SEMANTIC,
    check_json,
    pack_payload,
    pack_record,
    quantize,
    unpack_payload,
    unpack_record,
)
from ..errors import CorruptEntryError
from ..keys import content_hash, encode_parts

__all__ = [
    "DOMAIN",
    "Entry",
    "decode_entry",
    "encode_entry",
    "entry_key",
    "new_write_id",
    "scope_of",
]

DOMAIN = "nearcache.semantic.v1"
_NP: dict[str, np.dtype[Any]] = {
    "float32": np.dtype("<f4"),
    "float16": np.dtype("<f2"),
    "int8": np.dtype("i1"),
}
#: Largest context accepted (JSON bytes); it is hashed, never stored.
MAX_CONTEXT_BYTES = 65_536


def scope_of(context: Any) -> str:
    """Hash of a JSON ``context`` mapping ("" for None or an empty mapping).

    Keys are sorted so ``{"a": 1, "b": 2}`` and ``{"b": 2, "a": 1}`` share a scope.
    """
    if context is None:
        return ""
    if not isinstance(context, dict):
        from ..errors import InvalidTypeError

        raise InvalidTypeError(
            f"context must be a dict (JSON object), not {type(context).__name__}"
        )
    if not context:
        return ""
    check_json(context, what="context", max_bytes=MAX_CONTEXT_BYTES)
    canonical = json.dumps(
        context, sort_keys=True, allow_nan=False, ensure_ascii=False, separators=(",", ":")
    )
    return content_hash(canonical.encode("utf-8", "surrogatepass"))


def entry_key(scope: str, text: str) -> str:
    """Store key of a (normalized) query inside a scope."""
    return content_hash(encode_parts(DOMAIN, scope, text))


def new_write_id() -> int:
    """A random id per write (fork-safe: drawn from the OS)."""
    return secrets.randbits(63)


@dataclass(frozen=True)
class Entry:
    """A decoded entry. ``vector`` is the stored vector as float32 (not normalized)."""

    query: str
    response: Any
    metadata: dict[str, Any] | None
    created_at: float
    expires_at: float | None
    scope: str
    write_id: int
    vector: npt.NDArray[np.float32]

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


def stored_vector(vector: npt.NDArray[np.float32], dtype: str) -> npt.NDArray[np.float32]:
    """What ``vector`` reads back as after being stored in ``dtype``."""
    data, scales = quantize(vector.reshape(1, -1), dtype)
    out: npt.NDArray[np.float32] = data[0].astype(np.float32)
    if dtype == "int8":
        out *= scales[0]
    return out


def encode_entry(
    namespace: str,
    key: str,
    *,
    query: str,
    response: bytes,
    metadata: bytes | None,
    created_at: float,
    expires_at: float | None,
    scope: str,
    write_id: int,
    vector: npt.NDArray[np.float32],
    dtype: str,
) -> bytes:
    """The store value of an entry; ``response`` is already msgpack, ``metadata`` JSON."""
    data, scales = quantize(vector.reshape(1, -1), dtype)
    body = pack_payload(
        {
            "q": query,
            "r": response,
            "m": metadata,
            "c": created_at,
            "e": expires_at,
            "s": scope,
            "w": write_id,
            "t": dtype,
            "k": float(scales[0]),
            "x": data[0].tobytes(),
        }
    )
    return pack_record(KIND_SEMANTIC, namespace, key, body)


def decode_entry(blob: bytes, namespace: str, key: str, dim: int | None = None) -> Entry:
    """Verify and decode a stored entry; any inconsistency raises ``CorruptEntryError``."""
    body = unpack_record(blob, KIND_SEMANTIC, namespace, key)
    data = unpack_payload(body)
    try:
        query, resp, meta = data["q"], data["r"], data["m"]
        created, expires, scope = data["c"], data["e"], data["s"]
        write_id, dtype, scale, raw = data["w"], data["t"], data["k"], data["x"]
    except (KeyError, TypeError):
        raise CorruptEntryError("semantic entry lacks a field") from None
    if not (
        isinstance(query, str)
        and isinstance(resp, bytes)
        and (meta is None or isinstance(meta, bytes))
        and isinstance(created, (int, float))
        and (expires is None or isinstance(expires, (int, float)))
        and isinstance(scope, str)
        and isinstance(write_id, int)
        and dtype in _NP
        and isinstance(scale, float)
        and isinstance(raw, bytes)
    ):
        raise CorruptEntryError("semantic entry has a field of the wrong type")
    itemsize = _NP[dtype].itemsize
    if not raw or len(raw) % itemsize or (dim is not None and len(raw) != dim * itemsize):
        raise CorruptEntryError("semantic entry vector has the wrong length")
    vec = np.frombuffer(raw, dtype=_NP[dtype]).astype(np.float32)
    if dtype == "int8":
        vec *= np.float32(scale)
    if not np.isfinite(vec).all() or not vec.any():
        raise CorruptEntryError("semantic entry vector is not finite or is all zeros")
    metadata: dict[str, Any] | None = None
    if meta is not None:
        try:
            metadata = json.loads(meta)
        except ValueError:
            raise CorruptEntryError("semantic entry metadata is not JSON") from None
    return Entry(
        query=query,
        response=unpack_payload(resp),
        metadata=metadata,
        created_at=float(created),
        expires_at=None if expires is None else float(expires),
        scope=scope,
        write_id=write_id,
        vector=vec,
    )
