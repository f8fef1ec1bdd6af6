"""How records leave a ``RedisStore``: delete, clear (and the sweep of cleared
generations), purge of expired records, and LRU eviction of a namespace or a whole table
(a mixin of :class:`~nearcache.stores.redis.store.RedisStore`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import StoreUnavailableError
from ..lru import Budget, group_by_namespace
from ..protocol import Limit, NamespaceInfo
from .check import sweep
from .layout import Layout, num, sum_infos
from .lru import oldest

__all__ = ["RedisRemovals"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class RedisRemovals:
    """``RedisStore``'s removals (a mixin; see the module doc). Each is one Lua script
    per namespace (``remove``, ``clear``, ``purge``, ``evict``), run by ``_run``."""

    _layout: Layout
    _client: Any
    _gens: dict[bytes, bytes]

    if TYPE_CHECKING:  # provided by RedisStore and ServerStore

        def _call(self, fn: Callable[[], _T]) -> _T: ...
        def _run(self, name: str, table: str, namespace: str, args: Sequence[Any]) -> Any: ...
        def _names(self, table: str) -> list[str]: ...
        def _infos(self, table: str, names: Sequence[str]) -> dict[str, NamespaceInfo]: ...
        def _info(self, table: str, namespace: str | None) -> NamespaceInfo: ...
        def _flush_touches(self) -> None: ...

    def _remove(self, table: str, namespace: str, keys: Sequence[str], kind: str) -> list[str]:
        base, logged, retention = self._layout.common_args(table, namespace)
        args = [base, kind, logged, retention, *keys]
        return [k.decode() for k in self._run("remove", table, namespace, args)]

    def _delete_many(self, table: str, namespace: str, keys: list[str]) -> int:
        return len(self._remove(table, namespace, keys, "delete"))

    def _clear(self, table: str, namespace: str | None) -> int:
        names = [namespace] if namespace is not None else self._names(table)
        removed = 0
        for name in names:
            _, logged, retention = self._layout.common_args(table, name)
            got, old = self._run("clear", table, name, [logged, retention])
            if int(got) < 0:
                continue
            removed += int(got)
            base = self._layout.base(table, name)
            self._gens[base] = str(int(old) + 1).encode()
            if int(got) > 0:
                self._sweep(base)
        return removed

    def _sweep(self, base: bytes) -> int:
        """Unlink records of cleared generations (SCAN + batched UNLINK); 0 if down."""
        try:
            return self._call(lambda: sweep(self._client, base))
        except StoreUnavailableError:
            log.warning("could not sweep cleared records under %r; check(fix=True) will", base)
            return 0

    def _purge_expired(
        self, table: str, namespace: str | None, now: float, limit: int | None
    ) -> list[tuple[str, str]]:
        names = [namespace] if namespace is not None else self._names(table)
        gone: list[tuple[str, str]] = []
        for name in names:
            left = -1 if limit is None else limit - len(gone)
            if limit is not None and left <= 0:
                break
            base, logged, retention = self._layout.common_args(table, name)
            args = [base, num(now), left, logged, retention]
            gone.extend((name, k.decode()) for k in self._run("purge", table, name, args))
        return gone

    def _evict(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        name = limit.namespace
        if name is None:
            return self._evict_global(table, limit)
        info = self._info(table, name)
        if not Budget(info.entries, info.bytes, limit).over:
            return []
        self._flush_touches()
        base, logged, retention = self._layout.common_args(table, name)
        caps = ["" if cap is None else cap for cap in (limit.max_entries, limit.max_bytes)]
        args = [base, *caps, logged, retention]
        return [(name, k.decode()) for k in self._run("evict", table, name, args)]

    def _evict_global(self, table: str, limit: Limit) -> list[tuple[str, str]]:
        """LRU across the namespaces of a table: merge each namespace's oldest members."""
        names = self._names(table)
        total = sum_infos(list(self._infos(table, names).values()))
        budget = Budget(total.entries, total.bytes, limit)
        if not budget.over:
            return []
        self._flush_touches()
        bases = [(name, self._layout.base(table, name)) for name in names]
        gone: list[tuple[str, str]] = []
        want = 64
        while budget.over:
            if limit.max_entries is not None:
                want = max(want, budget.entries - limit.max_entries)
            picked = budget.pick(oldest(self._call, self._client, bases, want))
            removed_any = False
            for name, members in group_by_namespace(picked).items():
                done = self._remove(table, name, members, "evict")
                removed_any = removed_any or bool(done)
                gone.extend((name, k) for k in done)
            if not removed_any:
                break
            want *= 2
            total = sum_infos(list(self._infos(table, names).values()))
            budget = Budget(total.entries, total.bytes, limit)
        return gone
