"""Writes: ``put`` is a batch of one; a batch is one store transaction (all or nothing).

Every entry is validated (byte caps, JSON metadata, quota 0) before anything is embedded
or written. The store write and the index update happen under the index's lock, store
first, so the index never holds an entry the store does not (a server index writes the
vectors in the store's own transaction).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from .._flow import Embed
from ..batchargs import check_batch
from ..codecs import as_matrix, as_vector
from ..embedders.protocol import fits_of
from ..errors import (
    InvalidInputError,
    NamespaceQuotaError,
    PayloadTooLargeError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..index.protocol import unit_rows
from ..keys import validate_namespace
from ..policy import check_ttl
from ..stores.breaker import outage_level
from ..stores.protocol import Item, Limit
from .admission import key_text, key_texts, pack_metadata, pack_response, pack_responses
from .encoding import encode_entries, encode_entry, stored_vectors
from .record import cut_scope, entry_key, entry_keys, new_write_id, new_write_ids, scope_of
from .state import CoreState, log

__all__ = ["MAX_BATCH", "PutArgs", "WriteMixin"]

#: Most entries one ``put_many`` accepts.
MAX_BATCH = 100_000
_new_tuple = tuple.__new__  # an ``Item`` or ``PutArgs`` without its Python-level ``__new__``


class PutArgs(NamedTuple):
    """A single put's checked arguments (``put_start``); ``vector``: the query's vector
    when the caller gave it, else None (to be embedded)."""

    started: float
    ns: str
    query: str
    text: str
    packed: bytes
    meta: bytes | None
    ttl: float | None
    scope: str
    vector: npt.NDArray[np.float32] | None


class WriteMixin(CoreState):
    """``put_flow`` / ``put_many_flow``."""

    def put_flow(
        self,
        query: str,
        response: Any,
        *,
        embedding: Any = None,
        namespace: str = "default",
        metadata: dict[str, Any] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, None]:
        """Store ``response`` for ``query`` (replacing an entry for the same query).

        ``put_many`` of one entry, written with plain values instead of the batch's lists
        (the commonest write): the same checks in the same order, the same record, one
        store transaction, the same index update. Its steps are ``put_start`` (checks),
        the query's vector, ``put_finish`` (record, store, index): the sync cache calls
        them without a generator (``front.drive_put``)."""
        args = self.put_start(query, response, embedding, namespace, metadata, ttl, context)
        vec = args.vector
        if vec is None:
            vec = yield from self.vectors.flow_one(self.embedder, args.text, self.dim)
        self.put_finish(args, vec)

    def put_start(
        self,
        query: str,
        response: Any,
        embedding: Any,
        namespace: str,
        metadata: dict[str, Any] | None,
        ttl: float | None,
        context: Mapping[str, Any] | None,
    ) -> PutArgs:
        """A single put's checks, before anything is embedded or written."""
        started = time.perf_counter()
        self._check_not_closed()
        vec = None if embedding is None else as_vector(embedding, self.dim, what="embedding")
        cfg = self.config
        ns = validate_namespace(namespace)
        text = key_text(cfg, query)
        packed = pack_response(cfg, response)
        meta = None if metadata is None else pack_metadata(cfg, metadata)
        ttl = check_ttl(ttl) if ttl is not None else cfg.default_ttl
        scope = scope_of(context)
        if cfg.namespace_quotas.get(ns) == 0:
            raise NamespaceQuotaError(f"namespace {ns!r} has a quota of 0 entries")
        return _new_tuple(PutArgs, (started, ns, query, text, packed, meta, ttl, scope, vec))

    def put_finish(
        self,
        args: PutArgs,
        vec: npt.NDArray[np.float32],
        unit: npt.NDArray[np.float32] | None = None,
    ) -> None:
        """Write a checked single put (``put_start``) with its query's vector (and its
        unit row, ``unit_rows`` of it, when the caller has it)."""
        started, ns, query, text, packed, meta, ttl, scope, _ = args
        now = self.clock()
        expires = None if ttl is None else now + ttl
        key = entry_key(scope, text)
        if self._cut([text]):
            scope = cut_scope(scope)  # the exact layer's only: no searched partition
        wid = new_write_id()
        dtype = self.config.vector_dtype
        value = encode_entry(
            ns,
            key,
            query=query,
            response=packed,
            metadata=meta,
            created_at=now,
            expires_at=expires,
            scope=scope,
            write_id=wid,
            vector=vec,
            dtype=dtype,
        )
        if unit is None or dtype != "float32":
            row = vec.reshape(1, -1)
            unit = unit_rows(row if dtype == "float32" else stored_vectors(row, dtype))
        item = _new_tuple(Item, (key, value, expires))
        evicted = self._write_one(ns, item, scope, unit, wid, now)
        if evicted is not None:
            self._written(ns, 1, evicted, time.perf_counter() - started)

    def put_many_flow(
        self,
        queries: Sequence[str],
        responses: Sequence[Any],
        *,
        embeddings: Any = None,
        namespace: str = "default",
        metadata: Sequence[dict[str, Any] | None] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, None]:
        """Store many entries in one store transaction (all or nothing)."""
        started = time.perf_counter()
        self._check_not_closed()
        ns = validate_namespace(namespace)
        n = _batch_size(queries, responses, metadata)
        cfg = self.config
        texts = key_texts(cfg, queries)
        packed = pack_responses(cfg, responses)
        metas = [None] * n if metadata is None else [pack_metadata(cfg, m) for m in metadata]
        ttl = check_ttl(ttl) if ttl is not None else cfg.default_ttl
        scope = scope_of(context)
        if cfg.namespace_quotas.get(ns) == 0:
            raise NamespaceQuotaError(f"namespace {ns!r} has a quota of 0 entries")
        if n == 0:
            return None
        if embeddings is not None:
            vecs = as_matrix(embeddings, n, self.dim, what="embeddings")
        else:
            vecs = yield from self.vectors.flow(self.embedder, texts, self.dim)
        now = self.clock()
        expires = None if ttl is None else now + ttl
        keys = entry_keys(scope, texts)
        wids = new_write_ids(n)
        dtype = cfg.vector_dtype
        scopes = [scope] * n
        cut = self._cut(texts)
        for i in cut:  # the exact layer's only: no searched partition
            scopes[i] = cut_scope(scope)
        values = encode_entries(
            ns,
            keys,
            queries=queries,
            responses=packed,
            metadata=metas,
            created_at=now,
            expires_at=expires,
            scope=scope,
            write_ids=wids,
            vectors=vecs,
            dtype=dtype,
            scopes=scopes if cut else None,
        )
        items = [_new_tuple(Item, (k, v, expires)) for k, v in zip(keys, values)]
        index_vecs = unit_rows(vecs if dtype == "float32" else stored_vectors(vecs, dtype))
        evicted = self._write(ns, items, scopes, index_vecs, wids, now)
        if evicted is not None:
            self._written(ns, n, evicted, time.perf_counter() - started)
        return None

    def _cut(self, texts: Sequence[str]) -> list[int]:
        """Rows of the key texts the embedder does not read whole: a vector of a cut text
        can decide no hit, so such an entry is kept for the exact layer only. A ``fits``
        that raises counts as cutting, as a lookup then refuses the entry too."""
        fits = fits_of(self.loaded_embedder)
        cut = []
        for i, text in enumerate(texts):
            try:
                whole = bool(fits(text))
            except Exception as exc:
                log.warning("the embedder's fits raised on a question put: %r", exc)
                whole = False
            if not whole:
                cut.append(i)
        return cut

    def _written(self, ns: str, n: int, evicted: Sequence[tuple[str, Any]], latency: float) -> None:
        """Count a stored batch and tell the metrics hook (one put per entry, evictions)."""
        if n == 1:
            self.counters.totals.bump(ns, "sets")  # a single put: no keyword loop
        else:
            self.counters.add(ns, sets=n)
        if self.config.metrics_hook is not None:
            for _ in range(n):
                self._emit("put", ns, None, None, None, latency)
            for ens, _ in evicted:
                self._emit("evict", ens, None, "lru")

    def _write(
        self,
        ns: str,
        items: list[Item],
        scopes: Sequence[str],
        vectors: npt.NDArray[np.float32],
        write_ids: Sequence[int],
        now: float,
    ) -> list[tuple[str, str]] | None:
        """Store and index under the index lock; the evicted (ns, key) pairs, or None
        when a store outage or a full store dropped the write (``fail_open``)."""
        limits = self._limits(ns)
        if len(items) == 1 and not limits:  # put_many of one: no batch bookkeeping
            return self._write_one(ns, items[0], scopes[0], vectors, write_ids[0], now)
        index = self.index
        with index.lock:
            try:
                self._check_open()  # reads the store first if it was down at the start
                if self.binding.ensure(int(vectors.shape[1])):
                    index.set_dim(int(vectors.shape[1]))
                return index.write(ns, items, scopes, vectors, write_ids, now=now, limits=limits)
            except (StoreUnavailableError, StoreWriteError) as exc:
                self._unavailable(ns, len(items), exc)
                return None

    def _write_one(
        self,
        ns: str,
        item: Item,
        scope: str,
        vector: npt.NDArray[np.float32],
        write_id: int,
        now: float,
    ) -> list[tuple[str, str]] | None:
        """``_write`` of one entry (``vector``: its unit row, shape (1, dim)); with no
        limit to evict to, no batch bookkeeping."""
        if self._limits(ns):
            return self._write(ns, [item], [scope], vector, [write_id], now)
        index = self.index
        with index.lock:
            try:
                self._check_open()  # reads the store first if it was down at the start
                if self.binding.ensure(int(vector.shape[1])):
                    index.set_dim(int(vector.shape[1]))
                index.write_one(ns, item, scope, vector, write_id, now=now)
            except (StoreUnavailableError, StoreWriteError) as exc:
                self._unavailable(ns, 1, exc)
                return None
        return []

    def _unavailable(self, ns: str, n: int, exc: StoreUnavailableError | StoreWriteError) -> None:
        """A store outage, or a store refusing the write (a Redis past ``maxmemory``):
        counted and reported; raised unless ``fail_open`` (then the ``n`` puts are
        dropped, as the kv and embedding caches drop theirs)."""
        self.counters.add(ns, errors=1)
        self._emit("error", ns, None, "store_error")
        if not self.config.fail_open:
            raise exc
        if isinstance(exc, StoreWriteError):
            log.warning("store refused the write, %d puts dropped: %s", n, exc)
        else:
            log.log(outage_level(self.store), "store unavailable, %d puts dropped: %s", n, exc)

    def _limits(self, ns: str) -> Sequence[Limit]:
        """Caps a write into ``ns`` is bounded by: its quota, then the global LRU limit."""
        cfg = self.config
        if cfg.max_entries is None and cfg.namespace_quotas.get(ns) is None:
            return ()  # uncapped (the common case): no Limit objects built per put
        return [
            Limit(ns, max_entries=self.config.namespace_quotas.get(ns)),
            Limit(None, max_entries=self.config.max_entries),
        ]


def _batch_size(
    queries: Sequence[str], responses: Sequence[Any], metadata: Sequence[Any] | None
) -> int:
    """The number of entries of a put_many, whose lists must be as long as each other."""
    check_batch(queries, "queries")  # "ab" was two queries; a generator has no len()
    check_batch(responses, "responses")
    if metadata is not None:
        check_batch(metadata, "metadata", "a list of dicts", mappings=False)
    n = len(queries)
    given: dict[str, Sequence[Any]] = {"responses": responses}
    if metadata is not None:
        given["metadata"] = metadata
    unequal = [f"{name} has {_items(len(seq))}" for name, seq in given.items() if len(seq) != n]
    if unequal:  # the lengths, and only the lists given: "metadata" was named when none was
        per = "one response" if metadata is None else "one response and one metadata dict"
        raise InvalidInputError(
            f"queries has {_items(n)} but {' and '.join(unequal)}: put_many needs {per} per query"
        )
    if n > MAX_BATCH:
        raise PayloadTooLargeError(
            f"{n} entries in one call; the limit is {MAX_BATCH}", limit=MAX_BATCH, size=n
        )
    return n


def _items(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"
