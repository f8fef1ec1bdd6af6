"""Payloads: JSON checks for metadata and msgpack for values (no extension types).

Decoding never runs code: msgpack extension types are refused, and anything that is not
plain data (str, bytes, int, float, bool, None, list, dict) is refused on the way in.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import msgpack

from ..errors import CacheError, CorruptEntryError, InvalidInputError, PayloadTooLargeError

__all__ = ["MAX_JSON_DEPTH", "check_json", "pack_payload", "packb", "unpack_payload"]

#: Nested containers deeper than this are refused in metadata and key/value payloads.
MAX_JSON_DEPTH = 64


def _json_depth_ok(value: Any, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise InvalidInputError(f"value is nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, dict):
        for v in value.values():
            _json_depth_ok(v, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _json_depth_ok(v, depth + 1)


def check_json(value: Any, *, what: str = "metadata", max_bytes: int | None = None) -> bytes:
    """Validate that ``value`` is JSON (bounded depth, finite numbers); return its bytes."""
    _json_depth_ok(value)
    try:
        raw = json.dumps(value, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} must be JSON-serializable: {exc}") from exc
    data = raw.encode("utf-8", "surrogatepass")
    if max_bytes is not None and len(data) > max_bytes:
        raise PayloadTooLargeError(
            f"{what} is {len(data)} bytes; the limit is {max_bytes}",
            limit=max_bytes,
            size=len(data),
        )
    return data


def _reject(obj: Any) -> Any:
    """msgpack's ``default``: called for what it cannot pack, which includes ints past
    64 bits (the message said an int "cannot be stored; use ... int") and NumPy values."""
    if isinstance(obj, int):
        raise CacheError(
            f"the integer {obj} cannot be stored: msgpack's integers hold -2**63 to 2**64-1; "
            "store it as a str"
        )
    name = f"{type(obj).__module__}.{type(obj).__qualname__}"
    hint = " (NumPy: .item() for a scalar, .tolist() for an array)" if name[:6] == "numpy." else ""
    raise CacheError(
        f"values of type {name} cannot be stored; "
        f"use JSON/msgpack types (str, bytes, int, float, bool, None, list, dict){hint}"
    )


def pack_payload(value: Any) -> bytes:
    """msgpack-encode ``value``; anything that is not plain data raises ``CacheError``."""
    _json_depth_ok(value)
    try:
        return msgpack.packb(value, use_bin_type=True, default=_reject, strict_types=False)  # type: ignore[no-any-return]
    except CacheError:
        raise
    except (TypeError, ValueError, OverflowError) as exc:
        raise CacheError(f"value cannot be stored: {exc}") from exc


_PACKERS = threading.local()


def packb(value: Any) -> bytes:
    """``msgpack.packb(value, use_bin_type=True)``, the same bytes, for values built by
    nearcache itself (no type screen: see :func:`pack_payload` for callers' values).

    ``msgpack.packb`` builds a ``Packer`` (and its buffer) per call: ~4 of its ~5.5 us
    for an entry of 1.5 kB, paid per entry of a batch. One packer per thread is reused
    (a packer is not thread-safe; it resets its buffer when packing raises).
    """
    try:
        packer = _PACKERS.packer
    except AttributeError:
        packer = _PACKERS.packer = msgpack.Packer(use_bin_type=True)
    return packer.pack(value)  # type: ignore[no-any-return]


def _no_ext(code: int, data: bytes) -> Any:
    raise CorruptEntryError(f"msgpack extension type {code} is not allowed in stored data")


def unpack_payload(data: bytes | memoryview) -> Any:
    """Decode msgpack produced by :func:`pack_payload`; extension types are refused."""
    try:
        # raw=False and use_list=True are msgpack's defaults (not passed: each keyword
        # is parsed per call)
        return msgpack.unpackb(data, strict_map_key=False, ext_hook=_no_ext)
    except CorruptEntryError:
        raise
    except Exception as exc:  # msgpack raises several unrelated types on garbage
        raise CorruptEntryError(f"stored payload is not valid msgpack: {exc}") from exc
