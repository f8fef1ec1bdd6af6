"""Weak references to the values a ``MemoryStore`` handed out (``remember``/``recall``).

Caches may ``remember`` the arrays they hand out. An evicted record whose array is still
referenced somewhere in the program stays reachable through ``recall`` (a weak
reference) until that array is dropped, so a hot item is not recomputed needlessly.
Deletes, clears, replacements and expiry forget such references (``_forget``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

from ..protocol import check_table
from .space import Namespace

__all__ = ["HandedOut"]


class HandedOut:
    """``MemoryStore``'s ``remember``/``recall`` (a mixin): the weak references live in
    ``_refs``, guarded by the store's ``_lock``; only values the store holds in
    ``_tables`` right now can be remembered."""

    _lock: threading.RLock
    _tables: dict[str, dict[str, Namespace]]
    _refs: dict[tuple[str, str, str], tuple[weakref.ref[Any], int, Any, float | None]]

    def remember(
        self,
        table: str,
        namespace: str,
        keys: Sequence[str],
        obj: Any,
        extras: Sequence[Any],
        rows: Sequence[int] | None = None,
    ) -> None:
        """Note that row ``rows[i]`` (default ``i``) of ``obj`` holds ``keys[i]`` (weakly)."""
        try:
            keys = list(keys)

            def drop(ref: weakref.ref[Any], keys: list[str] = keys) -> None:
                with self._lock:
                    for k in keys:
                        cur = self._refs.get((table, namespace, k))
                        if cur is not None and cur[0] is ref:
                            del self._refs[(table, namespace, k)]

            ref = weakref.ref(obj, drop)
        except TypeError:
            return
        with self._lock:
            spaces = self._tables[check_table(table)].get(namespace)
            for i, (key, extra) in enumerate(zip(keys, extras)):
                entry = spaces.entries.get(key) if spaces is not None else None
                if entry is None:
                    continue  # only values the store holds right now can be remembered
                self._refs[(table, namespace, key)] = (
                    ref,
                    i if rows is None else rows[i],
                    extra,
                    entry.expires_at,
                )

    def recall(self, table: str, namespace: str, key: str, *, now: float) -> tuple[Any, Any] | None:
        """(row, extra) of a remembered, unexpired value whose owner is alive, else None."""
        with self._lock:
            found = self._refs.get((table, namespace, key))
        if found is None or (found[3] is not None and found[3] <= now):
            return None
        obj = found[0]()
        if obj is None:
            return None
        return (obj if found[1] < 0 else obj[found[1]]), found[2]

    def _forget(self, table: str, namespace: str, keys: Sequence[str] | None) -> None:
        if not self._refs:
            return
        if keys is None:
            for k in [k for k in self._refs if k[0] == table and k[1] == namespace]:
                del self._refs[k]
        else:
            for key in keys:
                self._refs.pop((table, namespace, key), None)
