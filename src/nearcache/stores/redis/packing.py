"""Packing a batch ``MGET`` without a Python step per key.

redis-py packs every command through its serializer, which looks at each argument twice
in Python (a memoryview check, then the encoder) before hiredis packs them one by one:
~0.5 ms of a 1,000-key ``MGET``, plus ~0.25 ms to build the 1,000 key strings.
:class:`BulkPacker` is the serializer redis-py would build for the connection with two
shortcuts, each giving the bytes the stock serializer gives for the same arguments:

* a :class:`BulkKeys` argument (a prefix and equal-length ASCII keys) is framed by one
  ``join`` into the RESP command (``*n``, then ``$len`` and the bytes of each argument);
* any other long command whose arguments are all ``bytes`` goes straight to
  ``hiredis.pack_command`` (a ``bytes`` argument passes the encoder unchanged).

Everything else (sending, reading, errors, retries, pipelines and transactions) stays
redis-py's; tests compare the packed bytes with the stock serializer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["BULK_ARGS", "BulkKeys", "BulkPacker", "bulk_packer_kwargs"]

#: Fewest arguments for which the shortcut is tried (short commands take the usual path).
BULK_ARGS = 64


class BulkKeys:
    """The arguments ``prefix + key.encode()`` of every key, as one argument for
    :class:`BulkPacker` to write straight into the command: equal-length ASCII keys
    behind an ASCII prefix are framed by one ``join`` (no bytes object per key, no
    per-argument packing); anything else is expanded and packed the usual way."""

    __slots__ = ("keys", "prefix")

    def __init__(self, prefix: bytes, keys: Sequence[str]) -> None:
        self.prefix = prefix
        self.keys = keys

    def expand(self) -> list[bytes]:
        return list(map(self.prefix.__add__, map(str.encode, self.keys)))

    def command(self, name: str) -> bytes | None:
        """The RESP command ``name prefix+key...`` (what ``hiredis.pack_command`` gives
        for the expanded arguments), or None when the shortcut does not apply."""
        keys, prefix = self.keys, self.prefix
        if not keys or not prefix.isascii() or not name.isascii() or " " in name:
            return None
        width = len(keys[0])
        if set(map(len, keys)) != {width}:
            return None
        size = len(prefix) + width
        try:
            body = f"\r\n${size}\r\n{prefix.decode()}".join(keys).encode("ascii")
        except (TypeError, UnicodeEncodeError):  # not all str, or not all ASCII
            return None
        head = b"*%d\r\n$%d\r\n%s\r\n$%d\r\n" % (len(keys) + 1, len(name), name.encode(), size)
        return head + prefix + body + b"\r\n"


class BulkPacker:
    """redis-py's hiredis serializer for a default connection (UTF-8, strict) plus the
    two shortcuts. Stateless, so one instance serves every pooled connection."""

    def __init__(self) -> None:
        import hiredis
        from redis import connection

        # what ``Connection.__init__`` builds for the client's (default) encoding
        encoder: Any = connection.Encoder  # type: ignore[attr-defined]
        encode = encoder("utf-8", "strict", False).encode
        fallback = connection.PythonRespSerializer(6000, encode)
        self._stock = connection.HiredisRespSerializer(fallback.pack, encode)  # type: ignore[no-untyped-call]
        self._pack_command = hiredis.pack_command

    def pack(self, *args: Any) -> list[bytes]:
        if len(args) == 2 and type(args[1]) is BulkKeys:
            packed = args[1].command(args[0]) if type(args[0]) is str else None
            if packed is not None:
                return [packed]
            args = (args[0], *args[1].expand())
        if len(args) >= BULK_ARGS:
            name = args[0]
            rest = args[1:]
            if type(name) is str and " " not in name and set(map(type, rest)) == {bytes}:
                return [self._pack_command((name.encode(), *rest))]
        return self._stock.pack(*args)  # type: ignore[no-any-return]


def bulk_packer_kwargs() -> dict[str, Any]:
    """``{"command_packer": BulkPacker()}`` for ``Redis.from_url`` when redis-py would
    pack with hiredis itself (so the shortcut changes nothing but speed), else ``{}``."""
    try:
        import hiredis
        from redis.utils import HIREDIS_AVAILABLE
    except ImportError:  # pragma: no cover - hiredis is part of the redis extra
        return {}
    if not HIREDIS_AVAILABLE or not hasattr(hiredis, "pack_command"):
        return {}  # pragma: no cover
    return {"command_packer": BulkPacker()}
