"""Packing a batch ``MGET`` without a Python step per key.

redis-py packs every command through its serializer, which looks at each argument twice
in Python (a memoryview check, then the encoder) before hiredis packs them one by one:
~0.5 ms of a 1,000-key ``MGET``, plus ~0.25 ms to build the 1,000 key strings.
:class:`BulkPacker` is the serializer redis-py would build for the connection with two
shortcuts, each giving the bytes the stock serializer gives for the same arguments:

* a :class:`BulkKeys` argument (a prefix and equal-length ASCII keys) is framed by one
  ``join`` into the RESP command (``*n``, then ``$len`` and the bytes of each argument);
* any other long command whose arguments are all ``bytes`` goes straight to
  ``hiredis.pack_command`` when redis-py packs with hiredis itself (a ``bytes``
  argument passes its encoder unchanged).

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
    """The serializer redis-py builds for a default connection (``stock``) plus the two
    shortcuts. Stateless, so one instance serves every pooled connection."""

    def __init__(self, stock: Any) -> None:
        self._stock = stock
        self._pack_command: Any = None  # the hiredis shortcut only where stock uses hiredis
        if type(stock).__name__ == "HiredisRespSerializer":
            import hiredis

            self._pack_command = hiredis.pack_command

    def pack(self, *args: Any) -> list[bytes]:
        if len(args) == 2 and type(args[1]) is BulkKeys:
            packed = args[1].command(args[0]) if type(args[0]) is str else None
            if packed is not None:
                return [packed]
            args = (args[0], *args[1].expand())
        if len(args) >= BULK_ARGS and self._pack_command is not None:
            name = args[0]
            rest = args[1:]
            if type(name) is str and " " not in name and set(map(type, rest)) == {bytes}:
                return [self._pack_command((name.encode(), *rest))]
        return self._stock.pack(*args)  # type: ignore[no-any-return]


def bulk_packer_kwargs() -> dict[str, Any]:
    """``{"command_packer": BulkPacker(stock)}`` for ``Redis.from_url``, where ``stock`` is
    the serializer redis-py itself builds for a default connection (so the same bytes go
    out on every redis-py version); ``{}`` when this redis-py takes no ``command_packer``."""
    try:
        from redis import Connection

        connection: Any = Connection  # built here, never connected
        stock = connection()._command_packer
        packer = BulkPacker(stock)
        connection(command_packer=packer)  # this version takes the argument
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - older redis-py
        return {}
    return {"command_packer": packer}
