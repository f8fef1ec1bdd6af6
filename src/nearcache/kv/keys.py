"""What a kv cache key may be, and the text it is hashed from.

Why apart from the cache: the type tag is the whole of a kv key's identity (``1``, ``"1"``
and ``b"1"`` are three keys), one rule every read and write goes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidTypeError
from ..keys import encode_parts

__all__ = ["Key", "KeyMapping", "key_material"]

Key = str | bytes | int
#: What ``set_many`` takes. Mapping is invariant in its key, so ``Mapping[Key, Any]``
#: alone refused a ``dict[str, int]`` under mypy: each key type is listed.
KeyMapping = Mapping[str, Any] | Mapping[bytes, Any] | Mapping[int, Any] | Mapping[Key, Any]


def key_material(key: Key) -> str:
    """Type-tagged key text, so ``1``, ``"1"`` and ``b"1"`` are three different keys."""
    if isinstance(key, bool) or not isinstance(key, (str, bytes, int)):
        raise InvalidTypeError(f"cache keys must be str, bytes or int, not {type(key).__name__}")
    if isinstance(key, str):
        return encode_parts("s", key)
    if isinstance(key, bytes):
        return encode_parts("b", key.hex())
    return encode_parts("i", str(key))
