"""The in-process replica of the semantic index, kept level with the store.

The store is the truth; the index partitions (:mod:`.spaces`) are a replica that this
class opens (from a saved index, or by scanning stored vectors -- never by re-embedding),
catches up after a crash (the store's change log from the saved watermark), keeps in
step with this process's writes, and, in ``shared`` mode, with other processes' writes
(a version check before a semantic search, then only the changes since).

``lock`` orders every mutation: a store write and the matching index update happen
under it, so two writers of one key leave the index agreeing with the store. Searches
take only the partitions' own short lock.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..clock import Clock
from ..errors import StoreUnavailableError
from ..index.factory import IndexConfig
from ..stores.protocol import Item, Limit, Probe, Store, get_one, put_one, put_within
from .binding import StoreBinding
from .counters import SemanticCounters
from .filehash import MappedFile, hash_mapped
from .follow import StoreFollower
from .indexing import ANY_TIME, FETCH_BATCH, TABLE, IndexFigures, index_problems
from .persist import IndexDir
from .record import Entry
from .spaces import Candidate, SpaceSet

__all__ = ["ANY_TIME", "FETCH_BATCH", "TABLE", "IndexReplica"]

_new_tuple = tuple.__new__
log = logging.getLogger("nearcache.semantic")
VERIFY = "nearcache-index-verify"  #: the check's thread (its hashing thread: ``-hash``)


def _bad_files(pending: list[MappedFile]) -> list[str]:
    """Names of the mapped files whose XXH3 digest differs from the saved one; hashed
    through the maps the index reads, so a newer save sweeping the files is no failure."""
    return [f.name for f in pending if hash_mapped(f.data) != f.digest]


def _lowest_priority() -> None:
    """Give the calling thread nice 19 (Linux: nice is per thread; elsewhere a thread id
    is no process id, so nothing is changed)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)


class IndexReplica(StoreFollower):
    """Index partitions plus the store version each namespace was applied up to (the
    follow side, catching up and syncing with the store, is :mod:`.follow`)."""

    probe_searches = False

    def __init__(
        self,
        store: Store,
        binding: StoreBinding,
        index_config: IndexConfig,
        counters: SemanticCounters,
        clock: Clock,
        *,
        mode: str,
        stale_check_interval: float,
    ) -> None:
        super().__init__(store, binding, counters, clock, mode)
        self.index_config = index_config
        self.stale_check_interval = stale_check_interval
        self.seen: dict[str, int] = {}
        self._last_sync: dict[str, float] = {}
        self.index_dir = self._index_dir()
        self.spaces = SpaceSet(index_config, binding.dim)
        self._saved_generation = -1
        self._verifier: threading.Thread | None = None
        self._verify_bad: list[str] | None = None  # set when the background check is done
        self._verify_lock = threading.Lock()
        self._pending: list[MappedFile] = []

    def _index_dir(self) -> IndexDir | None:
        index_path = self.index_config.options.get("path")
        store_path = getattr(self.store, "path", None)
        if index_path is not None:
            return IndexDir(Path(index_path))
        if isinstance(store_path, (str, os.PathLike)):
            return IndexDir(Path(f"{os.fspath(store_path)}.index"))
        return None

    # -- opening -------------------------------------------------------------------

    def open(self) -> None:
        """Load the saved index if it matches the store, then catch every namespace up."""
        loaded = None
        if self.index_dir is not None:
            loaded = self.index_dir.load(self.index_config, self.persist_meta())
        marks: dict[str, int] = {}
        if loaded is not None and self.binding.dim is None and not self.store.namespaces(TABLE):
            loaded = None  # emptied and unbound: its next write, not its old index, sets dim
        if loaded is not None:
            self.spaces, marks = loaded
            if self.binding.dim is None:  # unbound but holding entries: the index says dim
                self.binding.dim = self.spaces.dim
        names = set(self.store.namespaces(TABLE)) | set(marks) | set(self.spaces.namespaces())
        for ns in sorted(names):
            self._catch_up(ns, marks.get(ns), have_index=loaded is not None)
        self._saved_generation = self.spaces.generation if loaded is not None else -1
        if loaded is not None and self.index_dir is not None and self.index_dir.pending:
            self._start_verify(self.index_dir.pending)
            self.index_dir.pending = []  # the maps are the check's until it is done

    # -- verifying a memory-mapped index ---------------------------------------------

    def _start_verify(self, pending: list[MappedFile]) -> None:
        """Check the checksums of memory-mapped index files in the background, hashed at
        the lowest CPU priority (a reopened cache's callers first); a repair holds ``lock``,
        so it runs at normal priority in the thread that waited for the hash."""

        def hash_them() -> None:
            _lowest_priority()
            self._verified(_bad_files(pending))

        def run() -> None:
            hasher = threading.Thread(target=hash_them, name=f"{VERIFY}-hash", daemon=True)
            hasher.start()
            hasher.join()
            if self._verify_bad:
                with self.lock:
                    self._repair()

        self._verify_bad = None
        self._pending = pending
        self._verifier = threading.Thread(target=run, name=VERIFY, daemon=True)
        self._verifier.start()

    def _verified(self, bad: list[str]) -> None:
        """Record the check's result unless one was recorded already."""
        with self._verify_lock:
            if self._verify_bad is None:
                self._verify_bad = bad
                self._pending = []  # checked: a repaired index no longer pins the old maps

    def _repair(self) -> None:
        """After a failed background check: rebuild every namespace from the store (once)."""
        bad = self._verify_bad
        if not bad or self.closed:
            return
        self._verify_bad = []
        log.warning("saved index file(s) %s fail their checksum; rebuilding from the store", bad)
        for ns in sorted(set(self.store.namespaces(TABLE)) | set(self.spaces.namespaces())):
            self.rebuild(ns)
        self._saved_generation = -1

    def wait_verified(self) -> None:
        """Wait for the background check (and repair) of a memory-mapped index, so nothing
        copies or reports index vectors that were never verified (save, check)."""
        thread = self._verifier
        if thread is None or thread is threading.current_thread():
            return
        # The thread needs ``lock`` only to repair, once hashing is done; our caller may
        # hold it, so never wait for the repair: do it here instead (the lock is reentrant).
        # A check still running at its low priority is done again here, at the caller's.
        thread.join(0.05)
        if thread.is_alive() and self._verify_bad is None:
            self._verified(_bad_files(self._pending))
        with self.lock:
            self._repair()

    def persist_meta(self) -> dict[str, Any]:
        return self.binding.persist_meta(self.index_config.dtype)

    # -- keeping in step -----------------------------------------------------------

    def set_dim(self, dim: int) -> None:
        self.spaces.dim = dim

    def write(
        self,
        ns: str,
        items: Sequence[Item],
        scopes: Sequence[str],
        vectors: npt.NDArray[np.float32],
        write_ids: Sequence[int],
        *,
        now: float,
        limits: Sequence[Limit] = (),
    ) -> list[tuple[str, str]]:
        """Store ``items``, then index them (``vectors``: unit rows); the evicted pairs."""
        version, evicted = put_within(self.store, TABLE, ns, items, now=now, limits=limits)
        groups: dict[str, list[int]] = {}
        for i, scope in enumerate(scopes):
            groups.setdefault(scope, []).append(i)
        for scope, idx in groups.items():
            part = vectors if len(groups) == 1 else vectors[idx]
            self.spaces.upsert(
                ns,
                scope,
                [items[i].key for i in idx],
                part,
                [write_ids[i] for i in idx],
                [items[i].expires_at for i in idx],
            )
        self.after_write(ns, version)
        if evicted:
            self.drop(evicted)
        return evicted

    def write_one(
        self,
        ns: str,
        item: Item,
        scope: str,
        vector: npt.NDArray[np.float32],
        write_id: int,
        *,
        now: float,
    ) -> None:
        """``write`` of one entry with no limits: one store call, one index row."""
        version = put_one(self.store, TABLE, ns, item, now=now)
        self.spaces.upsert_one(ns, scope, item.key, vector, write_id, item.expires_at)
        self.after_write(ns, version)

    def remove(self, ns: str, keys: Sequence[str]) -> int:
        return self.spaces.remove(ns, keys)

    def drop_namespace(self, ns: str) -> None:
        self.spaces.drop_namespace(ns)

    def clear(self) -> None:
        self.spaces.clear()

    def drop(self, removed: Iterable[tuple[str, str]]) -> None:
        """Take (namespace, key) pairs the store removed (evicted, expired) out of the index."""
        by_ns: dict[str, list[str]] = {}
        for ns, key in removed:
            by_ns.setdefault(ns, []).append(key)
        for ns, keys in by_ns.items():
            self.spaces.remove(ns, keys)
            self.after_write(ns)

    def forget_stale(self, ns: str, stale: Sequence[Candidate]) -> None:
        """Index rows whose entry vanished from the store (evicted by the store itself)."""
        with self.lock:
            if self.closed:
                return
            keys = [c.key for c in stale if self.spaces.write_id(ns, c.key) == c.write_id]
            if not keys:
                return
            try:
                blobs = self.store.get_many(TABLE, ns, keys, now=ANY_TIME, touch=False)
            except StoreUnavailableError:
                return
            self.spaces.remove(ns, [k for k, b in zip(keys, blobs) if b is None])

    # -- lookups -------------------------------------------------------------------

    def probe(
        self,
        ns: str,
        scope: str,
        key: str,
        *,
        now: float,
        touch: bool,
        vector: npt.NDArray[np.float32] | None = None,
        k: int = 0,
        floor: float = -1.0,
    ) -> Probe:
        """The exact key's record (one store read); the partition is asked later."""
        blob = get_one(self.store, TABLE, ns, key, now=now, touch=touch)
        if blob is not None:
            return _new_tuple(Probe, (blob, False, None, None))  # Probe(...) minus a call
        exp = self.spaces.expires_at(ns, key)
        return Probe(None, exp is not None and exp <= now, None, None)

    def has(self, ns: str, scope: str) -> bool:
        """Whether the partition holds rows, after catching up with other processes."""
        self.maybe_sync(ns)
        return self.spaces.has(ns, scope)

    def search(
        self,
        ns: str,
        scope: str,
        query: npt.NDArray[np.float32],
        k: int,
        *,
        floor: float,
        now: float,
    ) -> list[Candidate]:
        return self.spaces.search(ns, scope, query, k)

    # -- whole-index operations ----------------------------------------------------

    def reset(self, dtype: str) -> None:
        """Start over in ``dtype`` and rebuild every namespace from the store."""
        self.index_config.dtype = dtype
        old = self.spaces
        self.spaces = SpaceSet(self.index_config, self.binding.dim)
        for ns in sorted(set(self.store.namespaces(TABLE)) | set(old.namespaces())):
            self.rebuild(ns)
        self._saved_generation = -1

    def save(self, *, force: bool = False) -> bool:
        """Write the index beside the store (if it has a place and changed); True if written."""
        if self.index_dir is None:
            return False
        self.wait_verified()
        if not force and self.spaces.generation == self._saved_generation:
            return False
        self.index_dir.save(self.spaces, self.persist_meta(), dict(self.seen))
        self._saved_generation = self.spaces.generation
        return True

    def close(self) -> None:
        """Save the index (when it has a place on disk); call with ``lock`` held."""
        try:
            self.save()
        except OSError as exc:  # a read-only folder, a full disk: the operator's, one line
            log.warning("could not save the index (%s); it will be rebuilt from the store", exc)
        except Exception:
            log.exception("could not save the index; it will be rebuilt from the store")
        self.closed = True

    # -- figures and checks ------------------------------------------------------------

    @property
    def saved_to(self) -> str | None:
        return None if self.index_dir is None else str(self.index_dir.path)

    def join_builds(self) -> None:
        self.spaces.join_builds()

    def namespaces(self) -> list[str]:
        return self.spaces.namespaces()

    def tombstones(self) -> int:
        return self.spaces.tombstones()

    def compact(self) -> int:
        return self.spaces.compact()

    def live(self, ns: str) -> int:
        return self.spaces.live(ns)

    def summary(self) -> dict[str, Any]:
        return self.spaces.summary()

    def figures(self, ns: str | None = None) -> IndexFigures:
        if ns is None:
            return IndexFigures(
                self.spaces.live(),
                self.spaces.tombstones(),
                self.spaces.nbytes(),
                len(self.spaces.spaces()),
            )
        spaces = self.spaces.spaces(ns)
        return IndexFigures(
            sum(len(s.index) for s in spaces),
            sum(s.index.tombstones for s in spaces),
            sum(s.nbytes for s in spaces),
            len(spaces),
        )

    def check_namespace(
        self, ns: str, stored: Mapping[str, Entry], now: float, dtype: str
    ) -> tuple[list[str], bool]:
        """Index rows against the live stored entries, and the key map against the rows."""
        spaces = self.spaces
        indexed: dict[str, tuple[str, int | None, npt.NDArray[np.float32]]] = {}
        for key, space, row in spaces.entries(ns):
            if float(space.exps[row]) > now:
                vec = space.index.get(np.array([row], dtype=np.int64))[0]
                indexed[key] = (space.scope, int(space.wids[row]), vec)
        problems, repair = index_problems(ns, indexed, stored, dtype)
        mapped, live = spaces.mapped(ns), spaces.live(ns)
        if mapped != live:
            problems.append(f"{ns}: key map holds {mapped} keys, the index {live} rows")
            repair = True
        return problems, repair
