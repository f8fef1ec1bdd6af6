"""Packing a command of many ``bytes`` arguments (a batch ``MGET``) in one C call.

redis-py packs every command through its serializer, which looks at each argument twice
in Python (a memoryview check, then the encoder) before hiredis packs them: ~0.3 ms of
a 1,000-key ``MGET``. :class:`BulkPacker` is the serializer redis-py would build for
the connection, with one shortcut: a long command whose arguments are all ``bytes``
goes straight to ``hiredis.pack_command`` -- the same call with the same arguments
the serializer would end up making (a ``bytes`` argument passes the encoder unchanged),
so the same bytes go on the wire. Everything else (sending, reading, errors, retries,
pipelines and transactions) stays redis-py's.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BULK_ARGS", "BulkPacker", "bulk_packer_kwargs"]

#: Fewest arguments for which the shortcut is tried (short commands take the usual path).
BULK_ARGS = 64


class BulkPacker:
    """redis-py's hiredis serializer for a default connection (UTF-8, strict) plus the
    all-``bytes`` shortcut. Stateless, so one instance serves every pooled connection."""

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
