"""``BaseStore``: the ``Store`` protocol written once; engines fill in what differs.

Every public method here checks its arguments the same way for every engine (the table
name, record keys and values, empty batches, a table without change log) and then calls
the engine's hook of the same name with a leading underscore. An engine subclasses
``BaseStore`` and implements only the hooks, so a store file holds only what is specific
to its engine (cachetools' ``Cache`` and its subclasses have this shape).

Shared semantics decided here, not in each engine:

* ``put_many``: duplicate keys in one batch collapse to the last item, at the last
  one's place (the batch order is the LRU order); an empty batch writes nothing and
  returns the current version.
* ``add`` is ``add_many([item])[0]``; ``add_many`` of nothing returns ``[]``.
* ``delete_many`` sees each key once; deleting nothing returns 0.
* ``evict`` without a limit removes nothing; engines get a :class:`Limit`.
* ``changes`` of a table without a change log raises ``InvalidInputError``.
* Record keys are 64 lowercase hex characters and values are bytes, checked before a
  write reaches the engine (``InvalidInputError`` / ``InvalidTypeError``).
* Every store is a context manager: ``with SQLiteStore(path) as store:`` closes it on
  the way out (as diskcache's ``Cache`` does), an exception or not.
"""

from __future__ import annotations

import operator
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import TypeVar

from ..errors import InvalidInputError, InvalidTypeError
from ..keys import check_content_hash, check_content_hashes
from .protocol import TABLES, Changes, Item, Limit, NamespaceInfo, check_table, put_then_evict

__all__ = ["BaseStore", "check_items", "record_key_bytes", "unique_items"]

_KEY = operator.attrgetter("key")
_S = TypeVar("_S", bound="BaseStore")
_VALUE = operator.attrgetter("value")


def record_key_bytes(key: object) -> bytes:
    """The 32 raw bytes of a record key (engines that store keys as bytes)."""
    return bytes.fromhex(check_content_hash(key))


def check_items(items: Sequence[Item]) -> None:
    """Raise unless every item has a record key (a content hash) and a bytes value."""
    check_content_hashes(list(map(_KEY, items)))
    if set(map(type, map(_VALUE, items))) - {bytes}:  # rare: check the others one by one
        for it in items:
            if not isinstance(it.value, (bytes, bytearray, memoryview)):
                kind = type(it.value).__name__
                raise InvalidTypeError(f"record values must be bytes, not {kind}")


def unique_items(items: Sequence[Item]) -> list[Item]:
    """``items`` checked (``check_items``), a repeated key keeping its last item at its
    last place: a batch is the same puts one after the other, for values and recency."""
    check_items(items)
    if len(set(map(_KEY, items))) == len(items):
        return list(items)
    last = {it.key: i for i, it in enumerate(items)}
    return [it for i, it in enumerate(items) if last[it.key] == i]


class BaseStore(ABC):
    """The ``Store`` protocol's argument checks and shared semantics; see the module doc."""

    url: str

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the protocol -------------------------------------------------------------------

    def get_many(
        self, table: str, namespace: str, keys: Sequence[str], *, now: float, touch: bool = True
    ) -> list[bytes | None]:
        check_table(table)
        if not keys:
            return []
        return self._get_many(table, namespace, keys, now, touch)

    def get_one(
        self, table: str, namespace: str, key: str, *, now: float, touch: bool = True
    ) -> bytes | None:
        return self.get_many(table, namespace, [key], now=now, touch=touch)[0]

    def put_many(self, table: str, namespace: str, items: Sequence[Item], *, now: float) -> int:
        check_table(table)
        unique = unique_items(items)
        if not unique:  # nothing written: no version bump (it would need a log event)
            return self.info(table, namespace).version
        return self._put_many(table, namespace, unique, now)

    def put_one(self, table: str, namespace: str, item: Item, *, now: float) -> int:
        return self.put_many(table, namespace, [item], now=now)

    def put_many_within(
        self,
        table: str,
        namespace: str,
        items: Sequence[Item],
        *,
        now: float,
        limits: Sequence[Limit],
    ) -> tuple[int, list[tuple[str, str]]]:
        """``put_many``, then LRU eviction until every limit holds: (version, evicted).

        Atomic in engines that override ``_put_many_within`` (memory, SQLite); elsewhere
        the eviction follows the put (see :func:`~nearcache.stores.protocol.put_within`).
        """
        check_table(table)
        unique = unique_items(items)
        return self._put_many_within(table, namespace, unique, now, limits)

    def add(self, table: str, namespace: str, item: Item, *, now: float) -> bool:
        return self.add_many(table, namespace, [item], now=now)[0]

    def add_many(
        self, table: str, namespace: str, items: Sequence[Item], *, now: float
    ) -> list[bool]:
        """Insert each item whose key is absent or expired (a repeated key: the first
        wins), atomically; one flag per item."""
        check_table(table)
        if not items:
            return []
        check_items(items)
        return self._add_many(table, namespace, items, now)

    def delete_many(self, table: str, namespace: str, keys: Sequence[str]) -> int:
        check_table(table)
        if not keys:
            return 0
        unique = list(dict.fromkeys(keys))
        check_content_hashes(unique)
        return self._delete_many(table, namespace, unique)

    def clear(self, table: str, namespace: str | None = None) -> int:
        return self._clear(check_table(table), namespace)

    def purge_expired(
        self, table: str, namespace: str | None = None, *, now: float, limit: int | None = None
    ) -> list[tuple[str, str]]:
        return self._purge_expired(check_table(table), namespace, now, limit)

    def evict(
        self,
        table: str,
        namespace: str | None = None,
        *,
        max_entries: int | None = None,
        max_bytes: int | None = None,
    ) -> list[tuple[str, str]]:
        check_table(table)
        limit = Limit(namespace, max_entries, max_bytes)
        return self._evict(table, limit) if limit.capped else []

    def namespaces(self, table: str) -> list[str]:
        return self._namespaces(check_table(table))

    def info(self, table: str, namespace: str | None = None) -> NamespaceInfo:
        return self._info(check_table(table), namespace)

    def scan(self, table: str, namespace: str, *, batch_size: int = 1000) -> Iterator[list[Item]]:
        return self._scan(check_table(table), namespace, batch_size)

    def changes(self, table: str, namespace: str, since: int) -> Changes:
        if not TABLES[check_table(table)].log:
            raise InvalidInputError(f"table {table!r} keeps no change log")
        return self._changes(table, namespace, since)

    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def check(self, fix: bool = False) -> list[str]: ...

    @abstractmethod
    def close(self) -> None: ...

    # -- what an engine implements (arguments already checked) --------------------------

    @abstractmethod
    def _get_many(
        self, table: str, namespace: str, keys: Sequence[str], now: float, touch: bool
    ) -> list[bytes | None]: ...

    @abstractmethod
    def _put_many(self, table: str, namespace: str, items: list[Item], now: float) -> int:
        """Write ``items`` (distinct keys, at least one); return the new version."""

    def _put_many_within(
        self, table: str, namespace: str, unique: list[Item], now: float, limits: Sequence[Limit]
    ) -> tuple[int, list[tuple[str, str]]]:
        """Write ``unique`` (possibly none) and evict to ``limits``; atomic if overridden."""
        return put_then_evict(self, table, namespace, unique, now=now, limits=limits)

    @abstractmethod
    def _add_many(
        self, table: str, namespace: str, items: Sequence[Item], now: float
    ) -> list[bool]: ...

    @abstractmethod
    def _delete_many(self, table: str, namespace: str, keys: list[str]) -> int:
        """Remove ``keys`` (distinct, at least one); return how many existed."""

    @abstractmethod
    def _clear(self, table: str, namespace: str | None) -> int: ...

    @abstractmethod
    def _purge_expired(
        self, table: str, namespace: str | None, now: float, limit: int | None
    ) -> list[tuple[str, str]]: ...

    @abstractmethod
    def _evict(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        """LRU eviction until ``limit`` holds (at least one of its caps is set)."""

    @abstractmethod
    def _namespaces(self, table: str) -> list[str]: ...

    @abstractmethod
    def _info(self, table: str, namespace: str | None) -> NamespaceInfo: ...

    @abstractmethod
    def _scan(self, table: str, namespace: str, batch_size: int) -> Iterator[list[Item]]: ...

    @abstractmethod
    def _changes(self, table: str, namespace: str, since: int) -> Changes: ...
