"""The semantic cache's core, shared by the sync and the async cache.

It is assembled from one mixin per concern -- :mod:`.lookup`, :mod:`.explain`, :mod:`.write`,
:mod:`.maintenance`, :mod:`.inspection`, :mod:`.feedback` -- over collaborators that each
hold one thing: the validated settings (:mod:`.config`), the store's embedder binding
(:mod:`.binding`), the index behind the seam of :mod:`.indexing` -- the in-process
replica (:mod:`.replica`) or the store's own search (:mod:`.server_index`,
``index_backend="pgvector"``) --, query vectors (:mod:`.vectors`) and counters
(:mod:`.counters`).

``get``/``put`` are generator flows (:mod:`nearcache._flow`) that yield ``Embed`` when
they need the embedder; :class:`~.cache.SemanticCache` drives them with blocking calls
and :class:`~.aio.AsyncSemanticCache` with an awaited embedder and the store work in a
thread. No lock is ever held across a ``yield``, so none is held while the embedder runs.
"""

from __future__ import annotations

import inspect
import os
import threading
from typing import Any

from ..clock import Clock, system_clock
from ..embedders.protocol import validate_embedder
from ..errors import InvalidInputError, InvalidTypeError, StoreUnavailableError
from ..index.factory import IndexConfig
from ..stores.defaults import default_store
from ..stores.memory import MemoryStore
from ..stores.protocol import Store
from ..stores.url import not_a_store
from .binding import StoreBinding
from .config import SemanticConfig, resolve_mode
from .counters import SemanticCounters
from .explain import ExplainMixin
from .feedback import DEFAULT_BOUND, FeedbackBook, FeedbackMixin
from .hot import hot_copy_for
from .indexing import TABLE, SemanticIndex
from .inspection import InspectMixin
from .lookup import LookupMixin
from .maintenance import MaintenanceMixin
from .replica import IndexReplica
from .server_index import ServerIndex
from .state import log
from .vectors import QueryVectors
from .write import WriteMixin

__all__ = ["TABLE", "SemanticCore"]


def _check_embedder(embedder: Any, asynchronous: bool) -> None:
    validate_embedder(embedder)
    is_async = inspect.iscoroutinefunction(getattr(embedder, "embed", None))
    if is_async and not asynchronous:
        raise InvalidTypeError(
            "this embedder is async (embed is a coroutine); use AsyncSemanticCache"
        )
    if getattr(embedder, "kind", "dense") != "dense":
        raise InvalidTypeError("the semantic cache needs a dense embedder")


class SemanticCore(
    LookupMixin, ExplainMixin, WriteMixin, MaintenanceMixin, InspectMixin, FeedbackMixin
):
    """One semantic cache's state and operations (see ``SemanticCache`` for arguments)."""

    def __init__(
        self,
        config: SemanticConfig,
        path: str | os.PathLike[str] | None = None,
        embedder: Any = None,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        asynchronous: bool = False,
    ) -> None:
        # Everything is validated before the store is opened: a bad argument touches nothing.
        if store is not None and path is not None:
            raise InvalidInputError("pass either path or store, not both")
        if store is not None and not isinstance(store, Store):
            raise not_a_store(store, path="pass it as the path (the first argument)")
        if embedder is not None:
            _check_embedder(embedder, asynchronous)
        index_config = IndexConfig(
            config.index_backend, config.vector_dtype, dict(config.index_options)
        )
        self.clock = clock or system_clock
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._closed = self._unread = False
        self.counters = SemanticCounters()
        self.vectors = QueryVectors(config.embedding_cache)
        self._owns_store = store is None
        if store is None:
            store = default_store("semantic", path=path)
        self.store = store
        self.config = config
        # Recording reads for LRU costs a store write per batch on disk stores; only pay
        # for it when this cache evicts by recency (a MemoryStore may also evict by bytes).
        self._touch = bool(
            config.max_entries is not None
            or config.namespace_quotas
            or isinstance(store, MemoryStore)
        )
        self._keyed = {}
        self.hot = hot_copy_for(store, config.hot_entries, config.hot_bytes, self._touch)
        self.binding = StoreBinding(store, embedder)
        bound = config.max_false_hit_rate or DEFAULT_BOUND
        self.feedback_book = FeedbackBook(store, self.clock, bound)
        try:
            self.index = self._make_index(index_config)
            self._open_store()
        except StoreUnavailableError as exc:
            # SPEC 0: an outage degrades reads to misses and recovery is automatic, so a
            # cache can be made while its store is down; the first call that reaches the
            # store reads it (``CoreState._open_late``).
            log.warning("store unavailable, the cache opens when it is back: %s", exc)
            self._closed = self._unread = True
        except BaseException:
            if self._owns_store:
                store.close()
            raise

    def _make_index(self, index_config: IndexConfig) -> SemanticIndex:
        config = self.config
        backend = config.index_backend
        if backend == "auto" and getattr(self.store, "index_backend", None) == "pgvector":
            backend = "pgvector"  # the store (or its URL) asks for a server-side index
        if backend == "pgvector":
            return ServerIndex(self.store, self.binding, index_config, self.counters, self.clock)
        return IndexReplica(
            self.store,
            self.binding,
            index_config,
            self.counters,
            self.clock,
            mode=resolve_mode(config.multi_process_mode, self.store),
            stale_check_interval=config.stale_check_interval,
        )

    @property
    def multi_process_mode(self) -> str:
        """``"single"`` or ``"shared"`` (``"auto"`` resolved for this store; always
        ``"shared"`` with a server index)."""
        return self.index.mode

    def embed_texts(self, texts: list[str]) -> Any:
        """Run the embedder (the sync driver's answer to an ``Embed`` request)."""
        return self.embedder.embed(texts)

    def close(self) -> None:
        """Save the index (when it has a place on disk) and close the store if we opened it."""
        if self.closed:
            return
        index = self.index
        index.join_builds()
        with index.lock:
            if self.closed:
                return
            if self._unread:  # never read: nothing to save
                index.closed, self._unread = True, False
            else:
                index.close()
            self._closed = True
            self.vectors.recent.clear()
            if self.hot is not None:
                self.hot.forget()
            if self._owns_store:
                self.store.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(store={self.store!r}, backend={self.config.index_backend!r}, "
            f"dtype={self.config.vector_dtype!r}, mode={self.index.mode!r})"
        )
