"""The checksummed envelope every stored record travels in (layout: see the package doc).

On every read the checksum, the kind, the namespace and the key are compared with what
the caller asked for, so a flipped bit, a truncated blob or a reply meant for another key
or namespace is a ``CorruptEntryError`` (a miss to the caches), never a wrong answer.
"""

from __future__ import annotations

import functools
import struct

from xxhash import xxh3_64_intdigest as _xxh3

from ..errors import CorruptEntryError

__all__ = [
    "HEAD",
    "HEAD_SIZE",
    "KIND_BATCH",
    "KIND_DENSE",
    "KIND_KV",
    "KIND_LEASE",
    "KIND_SEMANTIC",
    "KIND_SPARSE",
    "pack_record",
    "record_identity",
    "unpack_record",
]

KIND_DENSE = 1
KIND_SPARSE = 2
KIND_SEMANTIC = 3
KIND_KV = 4
KIND_BATCH = 5
KIND_LEASE = 6

MAGIC = b"NC"
FORMAT_VERSION = 1
HEAD = struct.Struct("<2sBBIQ")  # magic, version, kind, reserved (0), checksum
HEAD_SIZE = HEAD.size  # 16
_NSLEN = struct.Struct("<H")
_CRC = struct.Struct("<Q").unpack_from  # the checksum field of HEAD


@functools.lru_cache(maxsize=4096)
def ns_bytes(namespace: str) -> bytes:
    """The length-prefixed namespace as it appears in a record (cached: every read
    compares it, and a process reads few distinct namespaces)."""
    raw = namespace.encode("utf-8")
    return _NSLEN.pack(len(raw)) + raw


#: The first 8 header bytes of a valid record of each kind (magic, version, kind, zeros).
_LEADS = {k: HEAD.pack(MAGIC, FORMAT_VERSION, k, 0, 0)[:8] for k in range(1, 7)}


def pack_record(kind: int, namespace: str, key: str, body: bytes) -> bytes:
    """Wrap ``body`` in the checksummed envelope naming its namespace and key."""
    rest = ns_bytes(namespace) + bytes.fromhex(key) + body
    return HEAD.pack(MAGIC, FORMAT_VERSION, kind, 0, _xxh3(rest)) + rest


def unpack_record(
    blob: bytes, kind: int, namespace: str, key: str, digest: bytes | None = None
) -> memoryview:
    """Verify a record and return its body; raise ``CorruptEntryError`` if anything is off.

    ``digest``: the key's raw bytes, when the caller has them (``bytes.fromhex(key)``
    otherwise); it must be the key's."""
    if type(blob) is bytes and blob.startswith(_LEADS.get(kind, b"-")):
        # The common case in two C calls: header and kind, then identity; the checksum
        # is checked the same way as below.
        prefix = ns_bytes(namespace) + (bytes.fromhex(key) if digest is None else digest)
        view = memoryview(blob)
        if blob.startswith(prefix, HEAD_SIZE) and _xxh3(view[HEAD_SIZE:]) == _CRC(blob, 8)[0]:
            return view[HEAD_SIZE + len(prefix) :]
    if len(blob) < HEAD_SIZE + 2 + 32:
        raise CorruptEntryError("record is truncated")
    magic, version, got_kind, reserved, crc = HEAD.unpack_from(blob)
    if magic != MAGIC or version != FORMAT_VERSION or reserved:
        raise CorruptEntryError("record has an unknown header")
    view = memoryview(blob)
    if _xxh3(view[HEAD_SIZE:]) != crc:
        raise CorruptEntryError("record checksum does not match")
    if got_kind != kind:
        raise CorruptEntryError(f"record kind {got_kind} where {kind} was expected")
    prefix = ns_bytes(namespace) + bytes.fromhex(key)
    if view[HEAD_SIZE : HEAD_SIZE + len(prefix)] != prefix:
        raise CorruptEntryError("record belongs to another namespace or key")
    return view[HEAD_SIZE + len(prefix) :]


def record_identity(blob: bytes) -> tuple[int, str, str]:
    """(kind, namespace, key) of a record after verifying its checksum."""
    if len(blob) < HEAD_SIZE + 2 + 32:
        raise CorruptEntryError("record is truncated")
    magic, version, kind, reserved, crc = HEAD.unpack_from(blob)
    if (
        magic != MAGIC
        or version != FORMAT_VERSION
        or reserved
        or _xxh3(memoryview(blob)[HEAD_SIZE:]) != crc
    ):
        raise CorruptEntryError("record failed its header or checksum check")
    (nlen,) = _NSLEN.unpack_from(blob, HEAD_SIZE)
    if len(blob) < HEAD_SIZE + 2 + nlen + 32:
        raise CorruptEntryError("record is truncated")
    try:
        ns = blob[HEAD_SIZE + 2 : HEAD_SIZE + 2 + nlen].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorruptEntryError("record namespace is not UTF-8") from exc
    return kind, ns, blob[HEAD_SIZE + 2 + nlen : HEAD_SIZE + 34 + nlen].hex()
