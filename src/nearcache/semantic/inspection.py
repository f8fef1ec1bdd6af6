"""Inspection: ``stats``, ``health`` and ``check`` (the index matches the store).

``check`` is the proof behind RELIABILITY.md's I3/I4: the same live keys, write ids and
vectors in the index as in the store, counters equal to a recount, no corrupt entry.
"""

from __future__ import annotations

from typing import Any

from ..errors import CacheError, CorruptEntryError, StoreUnavailableError
from ..keys import normalize_text, validate_namespace
from ..stores.protocol import info_or_empty, namespaces_or_empty
from .indexing import TABLE
from .record import Entry, decode_entry, entry_key, key_scope
from .state import CoreState
from .types import SemanticStats

__all__ = ["InspectMixin"]


class InspectMixin(CoreState):
    """Read-only views of the cache and the proof that index and store agree."""

    def stats(self, namespace: str | None = None) -> SemanticStats:
        """Hits by layer, misses by reason, entries and index figures (one ns or all).

        Readable while the store is down (its figures are then zero), even for a cache
        made during the outage: that is where the ``store_error`` misses are counted."""
        self._check_not_closed()
        if namespace is not None:
            return self._ns_stats(validate_namespace(namespace))
        names = sorted(set(namespaces_or_empty(self.store, TABLE)) | set(self.counters.names()))
        per = {ns: self._ns_stats(ns) for ns in names}
        total: dict[str, Any] = {}
        reasons: dict[str, int] = {}
        for st in per.values():
            for k, v in st.as_dict().items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and "rate" not in k:
                    total[k] = total.get(k, 0) + v
            for r, n in st.miss_reasons.items():
                reasons[r] = reasons.get(r, 0) + n
        figures = self.index.figures()
        total["partitions"] = figures.partitions
        total["index_bytes"] = figures.bytes
        return SemanticStats(**total, miss_reasons=reasons, namespaces=per)

    def _ns_stats(self, ns: str) -> SemanticStats:
        info = info_or_empty(self.store, TABLE, ns)
        counts = self.counters.totals.get(ns)
        layers = self.counters.layer_hits(ns)
        figures = self.index.figures(ns)
        correct, wrong = self.counters.feedback_counts(ns)
        return SemanticStats(
            hits=int(counts["hits"]),
            misses=int(counts["misses"]),
            sets=int(counts["sets"]),
            deletes=int(counts["deletes"]),
            errors=int(counts["errors"]),
            evictions=info.evictions,
            expirations=info.expirations,
            entries=info.entries,
            bytes=info.bytes,
            exact_hits=layers.get("exact", 0),
            semantic_hits=layers.get("semantic", 0),
            miss_reasons=self.counters.reasons(ns),
            index_entries=figures.entries,
            tombstones=figures.tombstones,
            index_bytes=figures.bytes,
            partitions=figures.partitions,
            feedback_correct=correct,
            feedback_wrong=wrong,
        )

    def health(self) -> dict[str, Any]:
        """Store reachable, index in sync with it (per-namespace counts), sizes."""
        if self._unread:
            try:
                self._open_late()
            except StoreUnavailableError:  # still down: the read below reports it
                pass
        index = self.index
        closed = self.closed
        out: dict[str, Any] = {
            "closed": closed,
            "mode": index.mode,
            "store": {"url": self.store.url, "reachable": True, "error": None},
            "index": index.summary(),
        }
        out["index"].update(dtype=self.config.vector_dtype, dim=self.dim, saved_to=index.saved_to)
        lagging: list[str] = []
        in_sync = not closed
        if closed:
            out["store"].update(reachable=False, error="closed")
        else:
            try:
                names = set(self.store.namespaces(TABLE)) | set(index.namespaces())
                entries = 0
                for ns in sorted(names):
                    n = self.store.info(TABLE, ns).entries
                    entries += n
                    if n != index.live(ns):
                        lagging.append(ns)
                out["entries"] = entries
                out["namespaces"] = len(names)
            except CacheError as exc:
                out["store"].update(reachable=False, error=str(exc))
                in_sync = False
        in_sync = in_sync and not lagging
        out["index"]["in_sync"] = in_sync
        out["index"]["lagging_namespaces"] = lagging
        out["ok"] = bool(out["store"]["reachable"] and in_sync)
        return out

    def check(self, fix: bool = False) -> list[str]:
        """Prove the index matches the store (same live keys, write ids and vectors).

        Returns the problems found; with ``fix`` corrupt entries are deleted and the index
        is repaired from the store.
        """
        self._check_open()
        index = self.index
        index.join_builds()
        index.wait_verified()
        with index.lock:
            self._check_open()
            problems = list(self.store.check(fix=fix))
            if fix and self.hot is not None:  # a repair may bypass the change log
                self.hot.forget()
            now = self.clock()
            names = set(self.store.namespaces(TABLE)) | set(index.namespaces())
            for ns in sorted(names):
                if index.mode == "shared":  # others' writes are not lag
                    index.sync(ns)
                problems += self._check_namespace(ns, now, fix)
            return problems

    def _stored(self, ns: str, now: float) -> tuple[dict[str, Entry], list[str], list[str]]:
        """Live intact entries of ``ns``, keys of corrupt ones, and the problems seen."""
        problems: list[str] = []
        stored: dict[str, Entry] = {}
        corrupt: list[str] = []
        for batch in self.store.scan(TABLE, ns):
            for item in batch:
                try:
                    entry = decode_entry(item.value, ns, item.key, self.dim)
                except CorruptEntryError as exc:
                    problems.append(f"{ns}/{item.key[:12]}: corrupt entry ({exc})")
                    corrupt.append(item.key)
                    continue
                text = normalize_text(entry.query) if self.config.normalize else entry.query
                if entry_key(key_scope(entry.scope), text) != item.key:
                    problems.append(f"{ns}/{item.key[:12]}: key does not match its query and scope")
                if item.expires_at != entry.expires_at:
                    problems.append(f"{ns}/{item.key[:12]}: store expiry differs from the entry's")
                if not entry.expired(now):
                    stored[item.key] = entry
        return stored, corrupt, problems

    def _check_namespace(self, ns: str, now: float, fix: bool) -> list[str]:
        stored, corrupt, problems = self._stored(ns, now)
        found, repair = self.index.check_namespace(ns, stored, now, self.config.vector_dtype)
        problems += found
        if fix and (corrupt or repair or problems):
            if corrupt:
                self.store.delete_many(TABLE, ns, corrupt)
            self.index.rebuild(ns)
        return problems
