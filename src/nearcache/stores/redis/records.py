"""How the Redis store frames a record: a 9-byte header (format, expiry) + the value.

The logical expiry travels with the value, so a read checks it without another
command; records without a TTL share one header, so the hot path is a prefix compare
and a slice.
"""

from __future__ import annotations

import math
import struct

from ...errors import InvalidTypeError
from ..protocol import Item

__all__ = ["FOREVER", "FORMAT", "glob_escape", "live", "pack", "split_record", "values_at"]

_HEAD = struct.Struct("<Bd")  # format byte, expires_at (inf = never)
FORMAT = 1
FOREVER = _HEAD.pack(FORMAT, math.inf)


def pack(item: Item) -> bytes:
    """The stored string of ``item``: header + value bytes."""
    if not isinstance(item.value, (bytes, bytearray, memoryview)):
        raise InvalidTypeError(f"record values must be bytes, not {type(item.value).__name__}")
    exp = math.inf if item.expires_at is None else float(item.expires_at)
    return _HEAD.pack(FORMAT, exp) + bytes(item.value)


def split_record(raw: bytes) -> tuple[bytes, float | None]:
    """(value, expires_at) of a stored string; foreign bytes are returned whole."""
    if len(raw) >= 9 and raw[0] == FORMAT:
        exp = _HEAD.unpack_from(raw)[1]
        return raw[9:], (None if exp == math.inf else exp)
    return raw, None


def live(raw: bytes, now: float) -> bytes | None:
    """The value of a stored string unless it expired at ``now``."""
    value, exp = split_record(raw)
    return None if exp is not None and exp <= now else value


def values_at(raws: list[bytes | None], now: float) -> list[bytes | None]:
    """``live`` over a batch, with the shared no-TTL header as a fast path (a struct
    unpack per record costs ~1.5 ms per 1,000)."""
    forever = FOREVER
    return [None if b is None else (b[9:] if b[:9] == forever else live(b, now)) for b in raws]


def glob_escape(raw: bytes) -> bytes:
    """``raw`` with the ``SCAN MATCH`` wildcards escaped."""
    out = bytearray()
    for ch in raw:
        if ch in b"*?[]\\":
            out.append(0x5C)
        out.append(ch)
    return bytes(out)
