"""What every part of the semantic core shares: its state and a few small helpers.

:class:`SemanticCore` is assembled from one mixin per concern (lookup, write,
maintenance, inspection); they all build on :class:`CoreState`, which declares the
state they read and the bookkeeping they share (events, decoding, closed checks).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from ..errors import CacheClosedError, CorruptEntryError
from ..stores.protocol import Store
from .binding import StoreBinding
from .config import SemanticConfig
from .counters import SemanticCounters
from .indexing import TABLE, SemanticIndex
from .record import Entry, decode_record
from .types import MetricEvent
from .vectors import QueryVectors

if TYPE_CHECKING:
    from .feedback import FeedbackBook
    from .hot import HotEntries

__all__ = ["CoreState", "Keyed", "log"]

log = logging.getLogger("nearcache.semantic")

#: A query's key as a lookup remembers it: (key text, scope, key, the key's raw digest).
Keyed = tuple[str, str, str, bytes]


class CoreState:
    """State of one semantic cache; see :class:`~nearcache.semantic.core.SemanticCore`."""

    config: SemanticConfig
    store: Store
    clock: Clock
    binding: StoreBinding
    index: SemanticIndex
    counters: SemanticCounters
    vectors: QueryVectors
    feedback_book: FeedbackBook
    _embedder: Any
    _embedder_lock: threading.Lock
    _closed: bool  # closed, or not opened yet (``_unread``)
    _unread: bool  # made while the store was down: not read yet
    _touch: bool
    hot: HotEntries | None
    _keyed: dict[str, Keyed]

    def _check_open(self) -> None:
        if self._closed:
            self._open_late()

    def _check_not_closed(self) -> None:
        """``_check_open`` for a write, which reads the store later (under the index lock)."""
        if self._closed and not self._unread:
            raise CacheClosedError("the semantic cache is closed")

    def _open_late(self) -> None:
        """Read the store now if the cache was made while it was down.

        Raises:
            CacheClosedError: the cache is closed.
            StoreUnavailableError: the store is still down (the next call tries again).
        """
        with self.index.lock:
            if self._unread:
                self._open_store()
                self._closed = self._unread = False  # _closed first: never "closed" meanwhile
                log.info("store %s is reachable: the cache is open", self.store.url)
            elif self._closed:
                raise CacheClosedError("the semantic cache is closed")

    def _open_store(self) -> None:
        """Read what the store records (embedder, dimension) and load the index from it."""
        self.binding.load(self._embedder)
        self.index.open()

    @property
    def closed(self) -> bool:
        """True once ``close()`` ran."""
        return self._closed and not self._unread

    @property
    def dim(self) -> int | None:
        """Vector dimension (None until known from the embedder, store or first vector)."""
        return self.binding.dim

    @property
    def embedder(self) -> Any:
        """The embedder; the offline default model is loaded on first use if none was given."""
        emb = self._embedder
        if emb is None:
            with self._embedder_lock:
                if self._embedder is None:
                    from ..embedders.default import default_embedder
                    from ..embedders.protocol import validate_embedder

                    candidate = default_embedder()
                    validate_embedder(candidate)
                    self.binding.adopt(candidate)
                    self._embedder = candidate
                emb = self._embedder
        return emb

    @property
    def loaded_embedder(self) -> Any:
        """The embedder if it is loaded (given, or the default model already loaded)."""
        return self._embedder

    def _emit(
        self,
        kind: str,
        namespace: str,
        layer: str | None = None,
        reason: str | None = None,
        similarity: float | None = None,
        latency: float = 0.0,
    ) -> None:
        hook = self.config.metrics_hook
        if hook is None:
            return
        try:
            hook(MetricEvent(kind, layer, namespace, reason, similarity, latency))  # type: ignore[arg-type]
        except Exception:
            log.exception("metrics_hook raised; the event was dropped")

    def _remove_entry(self, ns: str, key: str) -> int:
        """Delete one entry from store and index; how many the store held (0 or 1). The
        last entry of the store takes the embedder's binding with it, as ``clear`` does."""
        index = self.index
        with index.lock:
            self._check_open()
            removed = self.store.delete_many(TABLE, ns, [key])
            if index.remove(ns, [key]) or removed:
                index.after_write(ns)
            if removed and not self.store.namespaces(TABLE):
                self.binding.forget(self._embedder)
        return removed

    def _decode(self, ns: str, key: str, blob: bytes) -> Entry | None:
        """A stored record as an entry, or None (counted, reported) if it is corrupt."""
        try:
            return decode_record(blob, ns, key, self.binding.dim)[0]
        except CorruptEntryError as exc:
            self._corrupt(ns, key, exc)
            return None

    def _corrupt(self, ns: str, key: str, exc: CorruptEntryError) -> None:
        """Log, count and report a corrupt stored entry (the read is a miss)."""
        log.warning("corrupt entry %s/%s treated as a miss: %s", ns, key[:12], exc)
        self.counters.add(ns, errors=1)
        self._emit("error", ns, None, "corrupt_entry")
