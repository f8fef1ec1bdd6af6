"""How a semantic-cache entry is keyed and stored.

An entry lives in the store's ``"semantic"`` table under its namespace and the key
``content_hash(encode_parts(DOMAIN, scope, normalized query))``, where ``scope`` is the
hash of the caller's ``context`` (empty without one). The value is the checksummed
envelope of :mod:`nearcache.codecs` (kind ``KIND_SEMANTIC``) around a msgpack array, its
fields by position (body format 2)::

    2  the body format                       q  matched query (as given to put)
    r  response (its msgpack object)         m  metadata as JSON bytes, or nil
    c  created_at                            e  expires_at or nil
    s  scope (hex, "" = no context)          w  write id (random 63-bit int)
    t  vector dtype                          k  int8 scale
    x  vector bytes (LE)                     f  feedback floor or nil: a judge score at
       which this entry was reported wrong; it is only served above it
       (``SemanticCache.feedback``)

Body format 1, still read (never written), is a msgpack map of the same fields under the
one-letter keys above, the response nested as msgpack bytes (bin) and ``f`` absent when
there is no floor. An array costs a reader no map keys to intern nor look up, and the
response no second decode. A nearcache older than format 2 reads a format-2 entry as
corrupt, i.e. as a miss.

A question longer than the embedder reads (its vector is of a cut text, so no lookup may
serve it semantically) is stored for the exact layer only: its ``s`` field is its scope
followed by ``CUT_MARK``, an index partition no lookup searches, so every index built from
the store (a rebuild, another process following the change log, a checkpoint, pgvector's
table) leaves it out of every searched partition without a format change; its key is made
with the scope alone (``key_scope``).

The vector is kept so the index can be rebuilt from the store alone, without calling
the embedder again; the write id tells apart two writes of the same key, so replaying
the store's change log onto an index is idempotent.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import secrets
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ..codecs import (
    KIND_SEMANTIC,
    check_json,
    pack_record,
    packb,
    unpack_payload,
    unpack_record,
)
from ..errors import CorruptEntryError, InvalidInputError
from ..keys import content_hash, content_hashes, encode_parts, text_digest

__all__ = [
    "CUT_MARK",
    "DOMAIN",
    "Entry",
    "cut_scope",
    "decode_entry",
    "decode_record",
    "entry_digest",
    "entry_key",
    "entry_keys",
    "key_scope",
    "new_write_id",
    "new_write_ids",
    "pack_body",
    "scope_of",
    "with_feedback_floor",
]

DOMAIN = "nearcache.semantic.v1"
_F32 = np.dtype("<f4")
_NP: dict[str, np.dtype[Any]] = {
    "float32": _F32,
    "float16": np.dtype("<f2"),
    "int8": np.dtype("i1"),
}
_NUMBER = (int, float)
_INF = math.inf
_frombuffer = np.frombuffer
_new_tuple = tuple.__new__
#: The body format written (an array; 1, a map, is still read: see the module doc).
BODY_FORMAT = 2
#: Format 1's map keys, in format 2's order (after the format number, before ``f``).
_MAP_KEYS = ("q", "r", "m", "c", "e", "s", "w", "t", "k", "x")
_BODY_LEN = len(_MAP_KEYS) + 2
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


_DOMAIN_PART = encode_parts(DOMAIN)
#: Ends the stored scope of an entry whose question is past the embedder's window: a
#: context's scope is hex or "", so no lookup's scope ends so.
CUT_MARK = "/cut"


def cut_scope(scope: str) -> str:
    """The stored scope of an entry kept for the exact layer only (``CUT_MARK``)."""
    return scope + CUT_MARK


def key_scope(stored: str) -> str:
    """The scope an entry's key was made with, from its stored scope."""
    return stored[: -len(CUT_MARK)] if stored.endswith(CUT_MARK) else stored


def entry_key(scope: str, text: str) -> str:
    """Store key of a (normalized) query inside a scope:
    ``content_hash(encode_parts(DOMAIN, scope, text))``, with the domain part made once."""
    return entry_digest(scope, text).hex()


def entry_digest(scope: str, text: str) -> bytes:
    """``entry_key``'s raw bytes (what a record names its key by).

    A lone surrogate's error names its position in the query (or scope) itself, not in the
    hashed material around it, which the caller never sees.
    """
    try:
        return text_digest(f"{_DOMAIN_PART}{len(scope)}:{scope}{len(text)}:{text}")
    except InvalidInputError:
        text_digest(text)
        text_digest(scope)
        raise


def entry_keys(scope: str, texts: Sequence[str]) -> list[str]:
    """``entry_key`` of each text, hashed as one batch (``content_hashes``); a lone
    surrogate is named as ``entry_key`` names it, at its place in its text."""
    head = f"{_DOMAIN_PART}{len(scope)}:{scope}"
    try:
        return content_hashes([f"{head}{len(t)}:{t}" for t in texts], normalize=False)
    except InvalidInputError:
        for text in texts:
            text_digest(text)
        text_digest(scope)
        raise


_WRITE_MASK = (1 << 63) - 1
_write_base = 0
_write_counter = itertools.count()


def _draw_write_ids() -> None:
    """A new random base (and counter) for this process's write ids."""
    global _write_base, _write_counter
    _write_base = secrets.randbits(63)
    _write_counter = itertools.count()


_draw_write_ids()
os.register_at_fork(after_in_child=_draw_write_ids)  # a child never repeats its parent's


def new_write_id() -> int:
    """An id per write: a random per-process base plus a counter (re-drawn after fork,
    by the fork handler above rather than a ``getpid`` per write)."""
    return (_write_base + next(_write_counter)) & _WRITE_MASK


def new_write_ids(n: int) -> list[int]:
    """``n`` write ids (``new_write_id`` each), taken from the counter at once."""
    base = _write_base
    return [(base + i) & _WRITE_MASK for i in itertools.islice(_write_counter, n)]


class Entry(NamedTuple):
    """A decoded entry. ``vector`` is the stored vector as float32 (not normalized);
    ``norm`` its length. (A NamedTuple: built on every lookup, so it must be cheap.)"""

    query: str
    response: Any
    metadata: dict[str, Any] | None
    created_at: float
    expires_at: float | None
    scope: str
    write_id: int
    vector: npt.NDArray[np.float32]
    norm: float
    feedback_floor: float = -math.inf

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


#: What a format-2 body starts with: a msgpack fixarray head (0x9c: 12 elements), then
#: the format number (a positive fixint).
BODY_LEAD = bytes((0x90 | _BODY_LEN, BODY_FORMAT))


def pack_body(query: str, response: bytes, rest: list[Any]) -> bytes:
    """A format-2 body. ``response`` is msgpack already and goes in as it is, an element of
    the array (no second msgpack layer); ``rest`` holds the 9 fields after it, packed as an
    array whose one-byte head (0x99) is dropped. Every value is a str, bytes, float, int or
    None made by nearcache, so msgpack is called directly (``pack_payload``'s depth walk and
    type screen are for caller-supplied values)."""
    return b"".join((BODY_LEAD, packb(query), response, memoryview(packb(rest))[1:]))


def decode_entry(blob: bytes, namespace: str, key: str, dim: int | None = None) -> Entry:
    """Verify and decode a stored entry; any inconsistency raises ``CorruptEntryError``."""
    return decode_record(blob, namespace, key, dim)[0]


def decode_record(
    blob: bytes, namespace: str, key: str, dim: int | None = None, digest: bytes | None = None
) -> tuple[Entry, bytes | None]:
    """``decode_entry`` plus the metadata (JSON) bytes it decoded, for a copy that must
    hand out fresh objects on every read (see :mod:`.hot`).
    ``digest``: the key's raw bytes (``entry_digest``), when the caller has them.

    Every exact-layer hit read from the store runs this, so it is written for speed:
    msgpack yields exact built-in types, so ``type(x) is T`` checks stand for
    ``isinstance``; the entry is built with ``tuple.__new__``. Every check is kept.
    """
    data = unpack_payload(unpack_record(blob, KIND_SEMANTIC, namespace, key, digest))
    if type(data) is not list or len(data) != _BODY_LEN or data[0] != BODY_FORMAT:
        data = _fields(data)  # format 1, or not a body a writer makes (raises)
    _, query, response, meta, created, expires, scope, write_id, dtype, scale, raw, floor = data
    if not (
        type(query) is str
        and (meta is None or type(meta) is bytes)
        and type(created) in _NUMBER
        and (expires is None or type(expires) in _NUMBER)
        and type(scope) is str
        and type(write_id) is int
        and type(dtype) is str
        and dtype in _NP
        and type(scale) is float
        and type(raw) is bytes
    ):
        raise CorruptEntryError("semantic entry has a field of the wrong type")
    np_dtype = _NP[dtype]
    size, itemsize = len(raw), np_dtype.itemsize
    if not size or size % itemsize or (dim is not None and size != dim * itemsize):
        raise CorruptEntryError("semantic entry vector has the wrong length")
    if np_dtype is _F32:  # a writable float32 copy without a conversion pass
        vec = _frombuffer(bytearray(raw), _F32)  # dtype positional: no keyword parsing
    else:
        vec = _frombuffer(raw, np_dtype).astype(np.float32)
        if dtype == "int8":
            vec *= np.float32(scale)
    square = float(vec.dot(vec))  # NaN/inf make it non-finite; all zeros make it 0
    if not (square > 0.0 and square != _INF):  # NaN fails the first test
        raise CorruptEntryError("semantic entry vector is not finite or is all zeros")
    if floor is not None and not (type(floor) is float and -_INF < floor < _INF):
        raise CorruptEntryError("semantic entry has a malformed feedback floor")
    metadata: dict[str, Any] | None = None
    if meta is not None:
        try:
            metadata = json.loads(meta)
        except ValueError:
            raise CorruptEntryError("semantic entry metadata is not JSON") from None
    entry: Entry = _new_tuple(  # Entry(...) without its Python-level __new__
        Entry,
        (
            query,
            response,
            metadata,
            float(created),
            None if expires is None else float(expires),
            scope,
            write_id,
            vec,
            math.sqrt(square),
            -_INF if floor is None else floor,
        ),
    )
    return entry, meta


def _fields(data: Any) -> list[Any]:
    """A decoded body's fields in format 2's order (the response as its object), from
    either format; anything else raises ``CorruptEntryError``."""
    if type(data) is list and len(data) == _BODY_LEN and data[0] == BODY_FORMAT:
        return data
    if type(data) is not dict:
        raise CorruptEntryError("semantic entry has an unknown body format")
    try:
        fields = [BODY_FORMAT, *[data[k] for k in _MAP_KEYS], data.get("f")]
    except KeyError:
        raise CorruptEntryError("semantic entry lacks a field") from None
    if type(fields[2]) is not bytes:  # format 1 holds the response as msgpack bytes
        raise CorruptEntryError("semantic entry has a field of the wrong type")
    fields[2] = unpack_payload(fields[2])
    return fields


def with_feedback_floor(
    blob: bytes, namespace: str, key: str, floor: float, write_id: int
) -> bytes:
    """The same stored entry (in the current body format) with a feedback floor and a
    new write id; every field else keeps its value (the vector its bytes)."""
    fields = _fields(unpack_payload(unpack_record(blob, KIND_SEMANTIC, namespace, key)))
    fields[7], fields[11] = write_id, float(floor)
    return pack_record(
        KIND_SEMANTIC, namespace, key, pack_body(fields[1], packb(fields[2]), fields[3:])
    )
