"""Maintenance: delete, expire, compact, clear, requantize, save and export.

Each operation changes the store first and the index after, under the index's lock.
Long index work (waiting for background HNSW builds) happens before taking the lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from ..codecs import check_dtype_name
from ..errors import CheckpointError, CorruptEntryError
from ..index.protocol import unit_rows
from ..keys import validate_namespace
from ..stores.protocol import Item
from .admission import BlankQueryError, key_text
from .checkpoint import write_checkpoint
from .indexing import TABLE
from .record import Entry, decode_entry, entry_key, scope_of
from .state import CoreState

__all__ = ["MaintenanceMixin"]


class MaintenanceMixin(CoreState):
    """Operations that remove, rebuild or export entries."""

    @property
    def similarity_threshold(self) -> float:
        """Lowest similarity a semantic candidate needs to be considered."""
        return self.config.similarity_threshold

    def set_similarity_threshold(self, value: float) -> None:
        """Change the threshold (a number in [-1, 1]; anything else raises ``ValueError``)."""
        self._check_open()
        self.config = self.config.with_threshold(value)

    def delete(
        self, query: str, *, namespace: str = "default", context: Mapping[str, Any] | None = None
    ) -> bool:
        """Remove the entry for ``query``; True if one existed. Its index row is tombstoned."""
        self._check_open()
        ns = validate_namespace(namespace)
        try:
            text = key_text(self.config, query)
        except BlankQueryError:
            return False  # never stored
        key = entry_key(scope_of(context), text)
        removed = self._remove_entry(ns, key)
        if removed:
            self.counters.add(ns, deletes=1)
        return removed > 0

    def vacuum(self, *, namespace: str | None = None, compact: bool = True) -> int:
        """Sweep expired entries now (one namespace or all); return how many.

        With ``compact`` the index is then rebuilt at live size where it has tombstones.
        """
        self._check_open()
        ns = None if namespace is None else validate_namespace(namespace)
        with self.index.lock:
            self._check_open()
            gone = self.store.purge_expired(TABLE, ns, now=self.clock())
            self.index.drop(gone)
        for gns, _ in gone:
            self._emit("expire", gns, None, "ttl")
        if compact:
            self.compact()
        return len(gone)

    def compact(self) -> int:
        """Rebuild index partitions that hold tombstones; return the rows reclaimed."""
        self._check_open()
        index = self.index
        if not index.tombstones():
            return 0
        index.join_builds()
        with index.lock:
            self._check_open()
            return index.compact()

    def clear_namespace(self, namespace: str) -> int:
        """Remove every entry of a namespace; return how many."""
        self._check_open()
        ns = validate_namespace(namespace)
        index = self.index
        with index.lock:
            self._check_open()
            removed = self.store.clear(TABLE, ns)
            index.drop_namespace(ns)
            index.after_write(ns)
            if not self.store.namespaces(TABLE):
                self.binding.forget(self._embedder)
        self.counters.add(ns, deletes=removed)
        return removed

    def clear(self) -> int:
        """Remove every entry of every namespace; the index restarts empty."""
        self._check_open()
        index = self.index
        index.join_builds()
        with index.lock:
            self._check_open()
            names = set(self.store.namespaces(TABLE)) | set(index.namespaces())
            removed = self.store.clear(TABLE)
            index.clear()
            for ns in names:
                index.after_write(ns)
            self.binding.forget(self._embedder)
        return removed

    def list_namespaces(self) -> list[str]:
        """Namespaces holding entries."""
        self._check_open()
        return sorted(self.store.namespaces(TABLE))

    @property
    def vector_dtype(self) -> str:
        """Dtype of new entries' vectors and of the index."""
        return self.config.vector_dtype

    def requantize(self, dtype: str) -> None:
        """Store index vectors (and future entries) in ``dtype``; rebuilt from stored vectors.

        Entries already stored keep the dtype they were written with until replaced.
        """
        self._check_open()
        dtype = check_dtype_name(dtype)
        if dtype == self.config.vector_dtype:
            return
        self.index.join_builds()
        with self.index.lock:
            self._check_open()
            self.config = replace(self.config, vector_dtype=dtype)
            self.index.reset(dtype)

    def save_index(self) -> bool:
        """Write the index beside the store now (it is also written on close); True if written."""
        self._check_open()
        if self.index.saved_to is None:
            return False
        self.index.join_builds()
        with self.index.lock:
            self._check_open()
            return self.index.save(force=True)

    def dumps(self, dest: str | os.PathLike[str]) -> dict[str, Any]:
        """Write every live entry to a ``.tar.gz`` checkpoint at ``dest``; return its manifest.

        The archive is written to a temporary file and renamed, so an interrupted export
        leaves a complete file or none. Writers of this process wait meanwhile.
        """
        self._check_open()
        with self.index.lock:
            self._check_open()
            header = {
                "fingerprint": self.binding.fingerprint,
                "dim": self.dim,
                "dtype": self.config.vector_dtype,
            }
            return write_checkpoint(dest, self._export_entries(), header)

    def _export_entries(self) -> Iterator[tuple[str, str, float | None, bytes]]:
        """(namespace, key, expires_at, record) of every live, intact entry."""
        now = self.clock()
        for ns in sorted(self.store.namespaces(TABLE)):
            for batch in self.store.scan(TABLE, ns):
                for item in batch:
                    try:
                        entry = decode_entry(item.value, ns, item.key, self.dim)
                    except CorruptEntryError:
                        continue
                    if not entry.expired(now):
                        yield ns, item.key, item.expires_at, item.value

    def import_rows(
        self,
        rows: list[tuple[str, str, float | None, bytes, Entry]],
        header: dict[str, Any],
    ) -> None:
        """Write verified checkpoint rows into this (empty) cache and index them.

        All or nothing: on any failure the namespaces this import wrote are cleared again.
        """
        now = self.clock()
        index = self.index
        with index.lock:
            held = self.store.info(TABLE).entries
            if held:
                raise CheckpointError(
                    f"a checkpoint restores into a fresh cache, and {self.store.url} holds "
                    f"{held} entries: restore into an empty store, or clear this one first"
                )
            self.binding.adopt_fingerprint(str(header.get("fingerprint") or ""))
            if header.get("dim") is not None and self.binding.ensure(int(header["dim"])):
                index.set_dim(int(header["dim"]))
            by_ns: dict[str, list[tuple[str, float | None, bytes, Entry]]] = {}
            for ns, key, expires, record, entry in rows:
                if not entry.expired(now):
                    by_ns.setdefault(ns, []).append((key, expires, record, entry))
            written: list[str] = []
            try:
                for ns, items in by_ns.items():
                    written.append(ns)
                    self._import_namespace(ns, items, now)
            except BaseException:
                for ns in written:  # take back what this import wrote
                    try:
                        self.store.clear(TABLE, ns)
                        index.drop_namespace(ns)
                    except Exception:
                        pass
                raise

    def _import_namespace(
        self, ns: str, items: list[tuple[str, float | None, bytes, Entry]], now: float
    ) -> None:
        for start in range(0, len(items), 5000):
            part = items[start : start + 5000]
            self.index.write(
                ns,
                [Item(k, r, e) for k, e, r, _ in part],
                [entry.scope for *_, entry in part],
                unit_rows(np.stack([entry.vector for *_, entry in part])),
                [entry.write_id for *_, entry in part],
                now=now,
            )
