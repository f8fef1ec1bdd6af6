"""Keeping the in-process replica level with the store (``IndexReplica``'s follow
side): the applied-version watermark of each namespace (``seen``), a namespace rebuilt
from its stored vectors (never re-embedded), the change log replayed after a crash
(``_catch_up``) and, in ``shared`` mode, other processes' changes applied before a
semantic search (``maybe_sync``/``sync``, at most every ``stale_check_interval``).

The store is the truth for every key a change names: a replayed key is read back and
indexed as stored, or taken out of the index if it is gone or corrupt.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..errors import CorruptEntryError, StoreUnavailableError
from ..index.protocol import unit_rows
from .indexing import ANY_TIME, FETCH_BATCH, TABLE, IndexCommon
from .record import Entry, decode_entry
from .spaces import SpaceSet

__all__ = ["StoreFollower"]

log = logging.getLogger("nearcache.semantic")

_Group = tuple[list[str], list[npt.NDArray[np.float32]], list[int], list[float | None]]


class StoreFollower(IndexCommon):
    """The follow side of ``IndexReplica``: what it applied from the store, and how it
    applies more. The replica sets ``spaces``, ``seen``, ``stale_check_interval``."""

    spaces: SpaceSet
    seen: dict[str, int]  # namespace -> store version applied up to
    stale_check_interval: float
    _last_sync: dict[str, float]

    def _catch_up(self, ns: str, mark: int | None, *, have_index: bool) -> None:
        """Bring the index of ``ns`` level with the store before serving (crash recovery)."""
        version = self.store.info(TABLE, ns).version
        if mark is not None and version == mark:
            self.seen[ns] = version
            return
        if mark is None and not have_index:
            self.rebuild(ns, version)
            return
        changes = self.store.changes(TABLE, ns, mark or 0)
        if changes.events is None or (mark is not None and version < mark):
            log.info("index of %r cannot be replayed from the change log; rescanning", ns)
            self.rebuild(ns, version)
            return
        self._apply_events(ns, changes.events)
        self.seen[ns] = changes.version

    def rebuild(self, ns: str, version: int | None = None) -> None:
        """Rebuild a namespace's partitions from the stored vectors (never re-embeds)."""
        if version is None:
            version = self.store.info(TABLE, ns).version
        groups: dict[str, _Group] = {}
        corrupt = 0
        for batch in self.store.scan(TABLE, ns):
            for item in batch:
                try:
                    entry = decode_entry(item.value, ns, item.key, self.binding.dim)
                except CorruptEntryError:
                    corrupt += 1
                    continue
                if self.binding.dim is None:
                    self.binding.dim = int(entry.vector.shape[0])
                g = groups.setdefault(entry.scope, ([], [], [], []))
                g[0].append(item.key)
                g[1].append(entry.vector)
                g[2].append(entry.write_id)
                g[3].append(entry.expires_at)
        if corrupt:
            log.warning("%d corrupt entries in %r were left out of the index", corrupt, ns)
            self.counters.add(ns, errors=corrupt)
        if self.spaces.dim is None:
            self.spaces.dim = self.binding.dim
        self.spaces.load_namespace(
            ns,
            {
                scope: (keys, unit_rows(np.stack(vecs)), wids, exps)
                for scope, (keys, vecs, wids, exps) in groups.items()
            },
        )
        self.seen[ns] = version

    def _apply_events(self, ns: str, events: Sequence[tuple[str, str]]) -> None:
        """Replay change-log events: the store is the truth for every key they name."""
        last_clear = max((i for i, (op, _) in enumerate(events) if op == "clear"), default=-1)
        if last_clear >= 0:
            self.spaces.drop_namespace(ns)
            events = events[last_clear + 1 :]
        keys = list(dict.fromkeys(k for _, k in events if k))
        for start in range(0, len(keys), FETCH_BATCH):
            self._apply_keys(ns, keys[start : start + FETCH_BATCH])

    def _apply_keys(self, ns: str, chunk: list[str]) -> None:
        blobs = self.store.get_many(TABLE, ns, chunk, now=ANY_TIME, touch=False)
        gone: list[str] = []
        groups: dict[str, list[tuple[str, Entry]]] = {}
        for key, blob in zip(chunk, blobs):
            if blob is None:
                gone.append(key)
                continue
            try:
                entry = decode_entry(blob, ns, key, self.binding.dim)
            except CorruptEntryError:
                self.counters.add(ns, errors=1)
                gone.append(key)
                continue
            if self.spaces.write_id(ns, key) == entry.write_id:
                continue  # already in the index (our own write, or replayed before)
            groups.setdefault(entry.scope, []).append((key, entry))
        self.spaces.remove(ns, gone)
        for scope, items in groups.items():
            self.index_entries(ns, scope, items)

    def index_entries(self, ns: str, scope: str, items: Sequence[tuple[str, Entry]]) -> None:
        """Add (or replace) stored entries in the partition of (ns, scope)."""
        if self.binding.dim is None:
            self.binding.dim = int(items[0][1].vector.shape[0])
        if self.spaces.dim is None:
            self.spaces.dim = self.binding.dim
        vecs = unit_rows(np.stack([e.vector for _, e in items]))
        self.spaces.upsert(
            ns,
            scope,
            [k for k, _ in items],
            vecs,
            [e.write_id for _, e in items],
            [e.expires_at for _, e in items],
        )

    def after_write(self, ns: str, version: int | None = None) -> None:
        """Advance the applied-version watermark of ``ns`` after our own write."""
        if self.mode == "single":
            self.seen[ns] = version if version is not None else self.store.info(TABLE, ns).version
        elif version is not None and version == self.seen.get(ns, 0) + 1:
            self.seen[ns] = version

    def maybe_sync(self, ns: str) -> None:
        """Shared mode: apply other processes' changes, at most every stale_check_interval."""
        if self.mode != "shared":
            return
        now = self.clock()
        last = self._last_sync.get(ns)
        if last is not None and 0 <= now - last < self.stale_check_interval:
            return
        with self.lock:
            if self.closed:
                return
            self._last_sync[ns] = now
            try:
                self.sync(ns)
            except StoreUnavailableError as exc:
                log.warning("could not check for other processes' changes: %s", exc)

    def sync(self, ns: str) -> None:
        """Apply the store's changes to ``ns`` since the last applied version."""
        since = self.seen.get(ns, 0)
        changes = self.store.changes(TABLE, ns, since)
        if changes.version == since:
            return
        if changes.events is None:
            log.info("change log of %r no longer reaches version %d; reloading", ns, since)
            self.rebuild(ns)
        else:
            self._apply_events(ns, changes.events)
        self.seen[ns] = max(self.seen.get(ns, 0), changes.version)
