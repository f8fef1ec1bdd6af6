"""The Redis store's key names and script arguments (``RedisStore``'s key layout, laid
out in the package docstring): where a namespace's keys live, and how a write's
arguments are packed for the Lua scripts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...keys import encode_parts
from ..protocol import TABLES, Item, NamespaceInfo
from .records import pack

__all__ = ["INFO_FIELDS", "Layout", "num", "sum_infos"]

#: The counters of a namespace's ``:m`` hash that make a ``NamespaceInfo``, in its order.
INFO_FIELDS = ("entries", "bytes", "version", "evictions", "expirations")


def sum_infos(infos: Sequence[NamespaceInfo]) -> NamespaceInfo:
    """The counters of many namespaces added up (a table's)."""
    return NamespaceInfo(*(sum(getattr(i, f) for i in infos) for f in INFO_FIELDS))


def num(x: float) -> str:
    """A float as a script argument (``repr``: no precision lost)."""
    return repr(float(x))


@dataclass(frozen=True)
class Layout:
    """Key names under ``prefix`` and the scripts' leading arguments."""

    prefix: str
    retention: int  # change-log entries kept per namespace
    expiry_grace: float  # seconds added to the Redis-side expiry of records

    @property
    def meta_key(self) -> bytes:
        """The hash of store-wide settings (``get_meta``/``set_meta``)."""
        return f"{self.prefix}:meta".encode()

    def base(self, table: str, namespace: str) -> bytes:
        """The first part of every key of a namespace."""
        return f"{self.prefix}:{encode_parts(table, namespace)}".encode()

    def keys(self, table: str, namespace: str) -> list[bytes]:
        """The ``KEYS`` of every script: meta, sizes, LRU, expiry, change log, registry."""
        b = self.base(table, namespace)
        return [b + b":m", b + b":s", b + b":l", b + b":x", b + b":c", self.registry(table)]

    def registry(self, table: str) -> bytes:
        """The set of a table's namespace names."""
        return f"{self.prefix}:ns:{table}".encode()

    def record_key(self, table: str, namespace: str, key: str, gen: int = 0) -> bytes:
        """The Redis key holding a record."""
        return self.base(table, namespace) + b":r" + str(gen).encode() + b":" + key.encode()

    def common_args(self, table: str, namespace: str) -> list[Any]:
        """base, logged, retention: the first script arguments of most scripts."""
        logged = "1" if TABLES[table].log else "0"
        return [self.base(table, namespace) + b":r", logged, self.retention]

    def item_args(self, table: str, namespace: str, items: Sequence[Item], now: float) -> list[Any]:
        """Arguments of ``put``/``add``: base, now, logged, retention, name, n, items."""
        base, logged, retention = self.common_args(table, namespace)
        args: list[Any] = [base, num(now), logged, retention, namespace.encode(), len(items)]
        for it in items:
            if it.expires_at is None:
                exp, px = "", ""
            else:
                ms = math.ceil((it.expires_at - now + self.expiry_grace) * 1000)
                exp, px = num(it.expires_at), str(max(1, ms))
            args.extend((it.key, pack(it), exp, px))
        return args
