"""A partition's move from the exact index to HNSW under ``index_backend="auto"``.

When a partition grows past the ``auto`` threshold, :class:`IndexBuilds` (a base of
:class:`~.spaces.SpaceSet`) builds its HNSW index from the live rows, on a background
thread unless ``background_build`` is off, outside the lock; the rows added or removed
meanwhile are applied under the lock before the new index replaces the exact one. A
partition dropped, compacted or rebuilt during the build keeps what it has.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from ..index.factory import IndexConfig
from .partition import Space

__all__ = ["IndexBuilds"]

log = logging.getLogger("nearcache.semantic.spaces")


class IndexBuilds:
    """Exact-to-HNSW migrations of a ``SpaceSet``'s partitions, and their threads."""

    lock: threading.RLock
    config: IndexConfig
    dim: int | None
    generation: int
    _spaces: dict[tuple[str, str], Space]
    _builds: list[threading.Thread]

    def _maybe_migrate(self, space: Space) -> None:
        config = self.config
        if (
            config.backend != "auto"
            or space.building
            or space.index.backend != "exact"
            or config.wanted(len(space.index)) != "hnsw"
        ):
            return
        space.building = True
        if not config.background_build:
            self._migrate(space)
            return
        thread = threading.Thread(
            target=self._migrate, args=(space,), name="nearcache-index-build", daemon=True
        )
        self._builds = [t for t in self._builds if t.is_alive()]
        self._builds.append(thread)
        thread.start()

    def _migrate(self, space: Space) -> None:
        """Move a partition from the exact index to HNSW, building outside the lock."""
        try:
            with self.lock:
                old = space.index
                rows = old.live_rows()
                vecs = old.get(rows)
                first = old.rows_used
                assert self.dim is not None
                dim = self.dim
            new = self.config.make("hnsw", dim)
            new.add(rows, vecs)
            with self.lock:
                if self._spaces.get((space.namespace, space.scope)) is not space or (
                    space.index is not old
                ):
                    return  # dropped, compacted or rebuilt meanwhile
                gone = rows[~old.is_live(rows)]
                if gone.size:
                    new.remove(gone)
                if old.rows_used > first:
                    extra = np.arange(first, old.rows_used, dtype=np.int64)
                    extra = extra[old.is_live(extra)]
                    if extra.size:
                        new.add(extra, old.get(extra))
                skip = getattr(new, "skip_to", None)
                if skip is not None:
                    skip(old.rows_used)
                space.index = new
                self.generation += 1
                log.info(
                    "partition %s/%s moved to HNSW at %d entries",
                    space.namespace,
                    space.scope[:8] or "-",
                    len(new),
                )
        except Exception:
            log.exception("building an HNSW index failed; the partition stays exact")
        finally:
            space.building = False

    def join_builds(self, timeout: float | None = None) -> None:
        """Wait for background index builds (never call while holding ``lock``)."""
        for thread in list(self._builds):
            thread.join(timeout)
        self._builds = [t for t in self._builds if t.is_alive()]

    def building(self) -> int:
        return sum(1 for t in self._builds if t.is_alive())
