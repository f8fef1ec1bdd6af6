"""Index partitions: one ``VectorIndex`` per (namespace, context scope).

Partitioning is how a search is filtered *before* it runs: a query only ever searches
the partition of its own namespace and context, so another tenant's entries can neither
be returned nor push a real hit out of the top-k. Each partition keeps, per row, the
entry's key (32 bytes), write id and expiry in flat NumPy arrays; each namespace has one
:class:`~nearcache.index.keymap.KeyMap` from key to (partition, row), because the store's
change log and eviction reports name a key and a namespace but not a scope.

Every method takes ``SpaceSet.lock``; callers that must order index changes with store
writes hold their own write lock around both. A partition's move from the exact index to
HNSW (``auto``) is :mod:`.builds`'s, a base of ``SpaceSet``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ..index.exact import ExactIndex
from ..index.factory import IndexConfig
from ..index.keymap import KeyMap
from .builds import IndexBuilds
from .partition import NEVER, ROW_BITS, ROW_MASK, Candidate, Space, pack_row

__all__ = ["Candidate", "Space", "SpaceSet"]


class SpaceSet(IndexBuilds):
    """All partitions of a cache (see module docs)."""

    def __init__(self, config: IndexConfig, dim: int | None) -> None:
        self.lock = threading.RLock()
        self.config = config
        self.dim = dim
        self._spaces: dict[tuple[str, str], Space] = {}
        self._pids: dict[str, dict[int, Space]] = {}
        self._next_pid: dict[str, int] = {}
        self._maps: dict[str, KeyMap] = {}
        self._builds: list[threading.Thread] = []
        #: bumped on every change, so the owner knows when the index needs saving.
        self.generation = 0

    # -- helpers -------------------------------------------------------------------

    def _key_of(self, namespace: str) -> Callable[[int], bytes]:
        pids = self._pids.setdefault(namespace, {})

        def key_of(value: int) -> bytes:
            space = pids[value >> ROW_BITS]
            return bytes(space.keys[value & ROW_MASK].tobytes())

        return key_of

    def _map(self, namespace: str) -> KeyMap:
        found = self._maps.get(namespace)
        if found is None:
            found = self._maps[namespace] = KeyMap(self._key_of(namespace))
        return found

    def _space(self, namespace: str, scope: str, backend: str | None = None) -> Space:
        space = self._spaces.get((namespace, scope))
        if space is None:
            if self.dim is None:
                raise RuntimeError("the index dimension is not known yet")
            pid = self._next_pid.get(namespace, 0)
            self._next_pid[namespace] = pid + 1
            index = self.config.make(backend or self.config.initial(), self.dim)
            space = Space(pid, namespace, scope, index)
            self._spaces[(namespace, scope)] = space
            self._pids.setdefault(namespace, {})[pid] = space
        return space

    def _forget_space(self, space: Space) -> None:
        self._spaces.pop((space.namespace, space.scope), None)
        pids = self._pids.get(space.namespace)
        if pids is not None:
            pids.pop(space.pid, None)

    # -- reads -----------------------------------------------------------------------

    def has(self, namespace: str, scope: str) -> bool:
        space = self._spaces.get((namespace, scope))
        return space is not None and len(space.index) > 0

    def locate(self, namespace: str, key: str) -> tuple[Space, int] | None:
        """(partition, row) of a live key."""
        with self.lock:
            m = self._maps.get(namespace)
            if m is None:
                return None
            value = m.get(bytes.fromhex(key))
            if value is None:
                return None
            return self._pids[namespace][value >> ROW_BITS], value & ROW_MASK

    def write_id(self, namespace: str, key: str) -> int | None:
        with self.lock:
            found = self.locate(namespace, key)
            return None if found is None else int(found[0].wids[found[1]])

    def expires_at(self, namespace: str, key: str) -> float | None:
        with self.lock:
            found = self.locate(namespace, key)
            return None if found is None else float(found[0].exps[found[1]])

    def search(
        self, namespace: str, scope: str, query: npt.NDArray[np.float32], k: int
    ) -> list[Candidate]:
        with self.lock:
            space = self._spaces.get((namespace, scope))
            if space is None or len(space.index) == 0:
                return []
            rows, sims = space.index.search(query, k)
            if rows.size == 0:
                return []
            keys = space.keys[rows]
            exps = space.exps[rows].tolist()
            wids = space.wids[rows].tolist()
            pid = space.pid
        hexes = keys.tobytes().hex()
        return [
            Candidate(hexes[64 * i : 64 * i + 64], pid, int(r), float(s), e, int(w))
            for i, (r, s, e, w) in enumerate(zip(rows.tolist(), sims.tolist(), exps, wids))
        ]

    def namespaces(self) -> list[str]:
        with self.lock:
            return sorted({ns for ns, _ in self._spaces})

    def spaces(self, namespace: str | None = None) -> list[Space]:
        with self.lock:
            return [
                s for (ns, _), s in self._spaces.items() if namespace is None or ns == namespace
            ]

    def live(self, namespace: str | None = None) -> int:
        with self.lock:
            return sum(len(s.index) for s in self.spaces(namespace))

    def tombstones(self, namespace: str | None = None) -> int:
        with self.lock:
            return sum(s.index.tombstones for s in self.spaces(namespace))

    def nbytes(self) -> int:
        with self.lock:
            maps = sum(m.nbytes for m in self._maps.values())
            return maps + sum(s.nbytes for s in self._spaces.values())

    def entries(self, namespace: str) -> Iterator[tuple[str, Space, int]]:
        """(key, partition, row) of every live entry of a namespace (a snapshot)."""
        with self.lock:
            out: list[tuple[str, Space, int]] = []
            for space in self.spaces(namespace):
                rows = space.index.live_rows()
                hexes = space.keys[rows].tobytes().hex()
                out.extend((hexes[64 * i : 64 * i + 64], space, int(r)) for i, r in enumerate(rows))
        yield from out

    def mapped(self, namespace: str) -> int:
        with self.lock:
            m = self._maps.get(namespace)
            return 0 if m is None else len(m)

    # -- writes ------------------------------------------------------------------------

    def upsert(
        self,
        namespace: str,
        scope: str,
        keys: Sequence[str],
        vectors: npt.NDArray[np.float32],
        write_ids: Sequence[int],
        expires: Sequence[float | None],
    ) -> None:
        """Insert or replace entries of one partition (``vectors`` are unit length)."""
        if len(keys) <= 1:
            if keys:
                self.upsert_one(namespace, scope, keys[0], vectors, write_ids[0], expires[0])
            return
        last = {k: i for i, k in enumerate(keys)}
        if len(last) != len(keys):  # a key twice: the last one wins
            idx = sorted(last.values())
            keys = [keys[i] for i in idx]
            vectors = vectors[idx]
            write_ids = [write_ids[i] for i in idx]
            expires = [expires[i] for i in idx]
        with self.lock:
            if self.dim is None:
                self.dim = int(vectors.shape[1])
            space = self._space(namespace, scope)
            m = len(keys)
            start = space.index.rows_used
            rows = np.arange(start, start + m, dtype=np.int64)
            space.reserve(start + m)
            raw = bytes.fromhex("".join(keys))
            space.keys[start : start + m] = np.frombuffer(raw, dtype=np.uint8).reshape(m, 32)
            space.wids[start : start + m] = np.asarray(write_ids, dtype=np.uint64)
            space.exps[start : start + m] = [NEVER if e is None else e for e in expires]
            space.index.add(rows, vectors)
            # Point each key at its new row; the row it had before (if any, in whichever
            # partition) becomes a tombstone. One map search per batch.
            first = pack_row(space.pid, start)
            replaced = self._map(namespace).put_many(raw, range(first, first + m))
            if replaced:
                self._tombstone(namespace, replaced)
            self.generation += 1
            self._maybe_migrate(space)

    def upsert_one(
        self,
        namespace: str,
        scope: str,
        key: str,
        vector: npt.NDArray[np.float32],
        write_id: int,
        expires: float | None,
    ) -> None:
        """``upsert`` of one entry (``vector``: one unit row, shape (1, dim)): scalars,
        no arrays built for one row."""
        with self.lock:
            if self.dim is None:
                self.dim = int(vector.shape[1])
            space = self._space(namespace, scope)
            index = space.index
            row = index.rows_used
            space.reserve(row + 1)
            raw = bytes.fromhex(key)
            space.keys[row].data[:] = raw  # into the row's bytes: no array made of them
            space.wids[row] = write_id
            space.exps[row] = NEVER if expires is None else expires
            if type(index) is ExactIndex:
                index.add_one(row, vector)
            else:
                index.add(np.array([row], dtype=np.int64), vector)
            replaced = self._map(namespace).put(raw, pack_row(space.pid, row))
            if replaced is not None:  # its row before (in whichever partition): a tombstone
                self._tombstone(namespace, [replaced])
            self.generation += 1
            self._maybe_migrate(space)

    def remove(self, namespace: str, keys: Sequence[str]) -> int:
        with self.lock:
            return self._remove_locked(namespace, keys)

    def _remove_locked(self, namespace: str, keys: Sequence[str]) -> int:
        kmap = self._maps.get(namespace)
        if kmap is None or not len(kmap):
            return 0
        popped = [kmap.pop(bytes.fromhex(key)) for key in keys]
        removed = self._tombstone(namespace, [v for v in popped if v is not None])
        if removed:
            self.generation += 1
        return removed

    def _tombstone(self, namespace: str, values: list[int]) -> int:
        """Remove the rows named by packed (partition, row) ``values`` from their indexes."""
        by_pid: dict[int, list[int]] = {}
        for value in values:
            by_pid.setdefault(value >> ROW_BITS, []).append(value & ROW_MASK)
        removed = 0
        for pid, rows in by_pid.items():
            space = self._pids[namespace][pid]
            removed += space.index.remove(np.asarray(rows, dtype=np.int64))
        return removed

    def drop_namespace(self, namespace: str) -> int:
        with self.lock:
            live = 0
            for space in self.spaces(namespace):
                live += len(space.index)
                self._forget_space(space)
            self._maps.pop(namespace, None)
            self._pids.pop(namespace, None)
            self.generation += 1
            return live

    def clear(self) -> None:
        with self.lock:
            self._spaces.clear()
            self._pids.clear()
            self._maps.clear()
            self._next_pid.clear()
            self.generation += 1

    def load_namespace(
        self,
        namespace: str,
        groups: dict[str, tuple[list[str], npt.NDArray[np.float32], list[int], list[float | None]]],
    ) -> None:
        """Replace a namespace's partitions with ``groups[scope] = (keys, vecs, wids, exps)``.

        Large partitions start on the exact backend and move to HNSW in the background
        under ``auto`` (the cache can answer at once instead of waiting for a build).
        """
        with self.lock:
            self.drop_namespace(namespace)
            for scope, (keys, vecs, wids, exps) in groups.items():
                if keys:
                    self.upsert(namespace, scope, keys, vecs, wids, exps)

    def adopt(self, space: Space) -> None:
        """Register a partition restored from disk (call ``rebuild_maps`` afterwards)."""
        with self.lock:
            self._spaces[(space.namespace, space.scope)] = space
            self._pids.setdefault(space.namespace, {})[space.pid] = space
            nxt = self._next_pid.get(space.namespace, 0)
            self._next_pid[space.namespace] = max(nxt, space.pid + 1)

    def rebuild_maps(self, namespace: str) -> None:
        """Rebuild a namespace's key map from its partitions (after renumbering rows)."""
        with self.lock:
            parts_keys: list[npt.NDArray[np.uint8]] = []
            parts_vals: list[npt.NDArray[np.int64]] = []
            for space in self.spaces(namespace):
                rows = space.index.live_rows()
                parts_keys.append(space.keys[rows, :8])  # the key map reads prefixes only
                parts_vals.append((np.int64(space.pid) << ROW_BITS) | rows)
            if parts_keys:
                keys = np.concatenate(parts_keys)
                vals = np.concatenate(parts_vals)
            else:
                keys = np.zeros((0, 32), dtype=np.uint8)
                vals = np.zeros(0, dtype=np.int64)
            self._pids.setdefault(namespace, {})
            self._maps[namespace] = KeyMap.build(self._key_of(namespace), keys, vals)

    # -- maintenance ---------------------------------------------------------------------

    def compact(self) -> int:
        """Rebuild every partition with tombstones at live size; return rows reclaimed."""
        reclaimed = 0
        with self.lock:
            touched: set[str] = set()
            for space in list(self._spaces.values()):
                dead = space.index.tombstones
                if not dead or space.building:
                    continue
                rows = space.index.live_rows()
                if rows.size == 0:
                    self._forget_space(space)
                else:
                    assert self.dim is not None
                    vecs = space.index.get(rows)
                    backend = self.config.wanted(int(rows.size))
                    if self.config.backend == "auto" and space.index.backend == "hnsw":
                        backend = (
                            "hnsw" if rows.size >= self.config.auto_threshold // 2 else "exact"
                        )
                    index = self.config.make(backend, self.dim)
                    index.add(np.arange(rows.size, dtype=np.int64), vecs)
                    space.keys = np.ascontiguousarray(space.keys[rows])
                    space.wids = np.ascontiguousarray(space.wids[rows])
                    space.exps = np.ascontiguousarray(space.exps[rows])
                    space.index = index
                reclaimed += dead
                touched.add(space.namespace)
            for namespace in touched:
                self.rebuild_maps(namespace)
            if reclaimed:
                self.generation += 1
        return reclaimed

    def summary(self) -> dict[str, Any]:
        with self.lock:
            backends: dict[str, int] = {}
            for space in self._spaces.values():
                backends[space.index.backend] = backends.get(space.index.backend, 0) + 1
            return {
                "partitions": len(self._spaces),
                "backends": backends,
                "entries": sum(len(s.index) for s in self._spaces.values()),
                "tombstones": sum(s.index.tombstones for s in self._spaces.values()),
                "bytes": self.nbytes(),
                "building": self.building(),
            }
