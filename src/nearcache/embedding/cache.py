"""``EmbeddingCache``: content-addressed vectors, namespaced per provider/model/kind.

A vector is stored under ``content_hash(normalize_text(text))`` inside a namespace such as
``"openai.text-embedding-3-small.dense"``. Each record also carries the id of the
embedder fingerprint that produced it: a lookup that names a fingerprint never returns a
vector made by another one. Dense vectors are stored as float32, float16 or int8 (with a
per-vector scale) and always returned as float32.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Sequence
from math import inf
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

from ..batchargs import check_batch
from ..clock import Clock, system_clock
from ..codecs import DecodedBatch, SparseVector, as_vector, check_dtype_name
from ..embedders.protocol import check_texts
from ..errors import (
    CacheClosedError,
    InvalidInputError,
    InvalidTypeError,
    PayloadTooLargeError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import (
    KeyBatch,
    check_content_hash,
    check_content_hashes,
    content_hash,
    key_batch,
    normalize_text,
    open_hash_algorithm,
)
from ..keys import validate_namespace as _validate_ns
from ..policy import check_limit, check_ttl, expiry
from ..stats import CacheStats, Counters
from ..stores.breaker import outage_level
from ..stores.defaults import default_store
from ..stores.protocol import Store
from ..stores.url import not_a_store
from ..unknownopts import CACHE_PEERS, unknown_options
from .batches import deduplicate, get_batch, store_batch
from .handed import HandedOut
from .inspection import cache_stats, check_records, inspect_namespace
from .maintenance import cleanup_expired, clear_all, clear_namespace, invalidate, invalidate_model
from .namespaces import NamespaceMeta
from .reads import get_keys, key_parts, lookup
from .writes import put_keys

__all__ = ["EmbeddingCache"]

log = logging.getLogger(__name__)

TABLE = "embedding"
#: Most items accepted in one call (a batch of 10**6 is allowed; more is refused).
MAX_BATCH = 1_000_000

Vector = npt.NDArray[np.float32] | SparseVector


class EmbeddingCache:
    """Cache of embedding vectors keyed by text content.

    Args:
        store: any ``Store``; default ``default_store("embedding")``, a ``MemoryStore``
            with a 100 MB budget (see :mod:`nearcache.stores.defaults`).
        path: shortcut for ``store=SQLiteStore(path)``.
        default_ttl: seconds an entry lives unless ``put`` says otherwise (None = forever).
        max_entries / max_bytes: LRU limits over all namespaces, applied after each write.
            Reads are recorded for LRU only where they can decide an eviction: by caches
            that set a limit, or on a ``MemoryStore`` with ``max_bytes``.
        vector_dtype: storage dtype, ``"float32"``, ``"float16"`` or ``"int8"``.
        normalize: key texts by ``normalize_text`` (NFKC, collapsed whitespace).
        clock: time source (for TTL and ages).
        fail_open: on a store outage or a full store, writes are dropped (logged, counted
            as errors) instead of raising ``StoreUnavailableError`` / ``StoreWriteError``.
            Reads always degrade to misses.

    >>> import numpy as np
    >>> cache = EmbeddingCache()
    >>> key = cache.put("hello", np.ones(3, dtype=np.float32), "demo.model.dense")
    >>> cache.get("hello", "demo.model.dense").tolist()
    [1.0, 1.0, 1.0]
    """

    def __init__(
        self,
        store: Store | None = None,
        *,
        path: str | None = None,
        default_ttl: float | None = None,
        max_entries: int | None = None,
        max_bytes: int | None = None,
        vector_dtype: str = "float32",
        normalize: bool = True,
        clock: Clock | None = None,
        fail_open: bool = False,
        **unknown: NoReturn,  # a type checker refuses any; at run time, named with a hint
    ) -> None:
        if unknown:
            known = inspect.signature(EmbeddingCache.__init__).parameters
            raise unknown_options("EmbeddingCache", unknown, known, CACHE_PEERS)
        if store is not None and path is not None:
            raise InvalidInputError("pass either store or path, not both")
        if store is not None and not isinstance(store, Store):
            raise not_a_store(store)
        self.max_entries = check_limit("max_entries", max_entries)
        self.max_bytes = check_limit("max_bytes", max_bytes)
        self.vector_dtype = check_dtype_name(vector_dtype)
        self.default_ttl = check_ttl(default_ttl)
        self.normalize = normalize
        self.fail_open = fail_open
        self._clock = clock or system_clock
        self._owns_store = store is None
        if store is None:
            store = default_store("embedding", path=path)
        self.store: Store = store
        self.handed = HandedOut(store, max_entries, max_bytes)
        # Recording reads for LRU costs a write per batch on disk stores and a dict move per
        # key on a MemoryStore (at 100k held ~a third of a read): only where it can matter.
        lossy = self.handed.store is not None
        self._touch = lossy or max_entries is not None or max_bytes is not None
        self._counters = Counters()
        self._lock = threading.Lock()
        self.meta = NamespaceMeta(store)
        self._costs: dict[str, float] = {}
        self._closed = False
        self._hash_checked = False
        try:
            self._check_hash_algorithm()
        except (StoreUnavailableError, StoreWriteError) as exc:  # down, or full (so far
            level = outage_level(store)  # empty): checked again before the first write
            log.log(level, "store unavailable or full while opening the cache: %s", exc)
        from .singleflight import SingleFlight

        self.flights = SingleFlight()

    def _check_hash_algorithm(self) -> None:
        if not self._hash_checked:
            open_hash_algorithm(self.store)
            self._hash_checked = True

    def _check_open(self) -> None:
        if self._closed:
            raise CacheClosedError("EmbeddingCache is closed")

    def _ns(self, namespace: str) -> str:
        self._check_open()
        return _validate_ns(namespace)

    def key_for(self, text: str) -> str:
        """The content key of ``text`` (normalized first when ``normalize``)."""
        if not isinstance(text, str):
            raise InvalidTypeError(f"text must be str, not {type(text).__name__}")
        return content_hash(normalize_text(text) if self.normalize else text)

    def keys_for(self, texts: Sequence[str]) -> list[str]:
        return list(self._key_batch(texts))

    def _key_batch(self, texts: Sequence[str]) -> KeyBatch:
        """The keys of ``texts`` with their raw digests (the read's record check uses them)."""
        check_texts(texts)
        if len(texts) > MAX_BATCH:
            msg = f"{len(texts)} texts in one call; the limit is {MAX_BATCH}"
            raise PayloadTooLargeError(msg, limit=MAX_BATCH, size=len(texts))
        return key_batch(texts, normalize=self.normalize)

    def _expiry(self, ttl: float | None, now: float) -> float | None:
        return expiry(ttl, self.default_ttl, now)

    def _lookup(
        self, namespace: str, keys: Sequence[str], fingerprint: str | None, *, count: bool = True
    ) -> DecodedBatch:
        """Decoded records for ``keys`` (``vectors[i]`` None = miss); see ``reads.lookup``."""
        return lookup(self, namespace, keys, fingerprint, count)[0]

    def _count(self, ns: str, n: int, hits: int, nbytes: int) -> None:
        cost = hits * self._costs.get(ns, 0.0)
        self._counters.add(ns, hits=hits, misses=n - hits, bytes_saved=nbytes, time_saved=cost)

    def get(self, text: str, namespace: str, *, fingerprint: str | None = None) -> Vector | None:
        """The cached vector for ``text`` (float32 or ``SparseVector``), or None."""
        return self.get_by_hash(self.key_for(text), namespace, fingerprint=fingerprint)

    def get_by_hash(
        self, key: str, namespace: str, *, fingerprint: str | None = None
    ) -> Vector | None:
        """The cached vector stored under content hash ``key``, or None."""
        namespace = self._ns(namespace)
        check_content_hash(key)
        vecs, fps, _, _ = self._lookup(namespace, [key], fingerprint)
        vec: Vector | None = vecs[0]
        if isinstance(vec, np.ndarray):
            vec = np.array(vec)  # own its memory; the caller may keep it
            self.handed.remember(namespace, [key], vec, fps, [-1])
        return vec

    def get_many(
        self, texts: Sequence[str], namespace: str, *, fingerprint: str | None = None
    ) -> tuple[npt.NDArray[np.float32] | list[SparseVector | None], npt.NDArray[np.bool_]]:
        """Vectors for ``texts`` in one store round trip: ``(vectors, found_mask)``.

        Dense namespaces give an ``(n, dim)`` float32 matrix whose missing rows are zero;
        sparse namespaces give a list with ``None`` for misses. An empty namespace of
        unknown dimension gives an ``(n, 0)`` matrix.
        """
        if isinstance(texts, (list, tuple)) and len(texts) <= MAX_BATCH:
            parts = key_parts(self, texts)  # keyed while the store reads, if it reads in parts
            if parts is not None:
                return get_keys(self, parts, self._ns(namespace), fingerprint)
        return get_keys(self, self._key_batch(texts), self._ns(namespace), fingerprint)

    def get_many_by_hash(
        self, keys: Sequence[str], namespace: str, *, fingerprint: str | None = None
    ) -> tuple[npt.NDArray[np.float32] | list[SparseVector | None], npt.NDArray[np.bool_]]:
        namespace = self._ns(namespace)
        check_batch(keys, "keys")  # one hash was read as 64 one-character "hashes"
        check_content_hashes(keys)
        return get_keys(self, keys, namespace, fingerprint)

    def put(
        self,
        text: str,
        vector: Any,
        namespace: str,
        ttl: float | None = None,
        *,
        fingerprint: str = "",
    ) -> str:
        """Store ``vector`` for ``text``; return its content hash."""
        key = self.key_for(text)
        namespace = self._ns(namespace)
        if isinstance(vector, SparseVector):
            put_keys(self, namespace, [key], [vector], ttl, fingerprint)
        else:
            layout = self.meta.layout(namespace)
            vec = as_vector(vector, layout[1] if layout and layout[0] == "dense" else None)
            put_keys(self, namespace, [key], vec[None, :], ttl, fingerprint)
        return key

    def put_many(
        self,
        texts: Sequence[str],
        vectors: Any,
        namespace: str,
        ttl: float | None = None,
        *,
        fingerprint: str = "",
    ) -> list[str]:
        """Store one vector per text atomically (all or none); return the hashes."""
        keys, namespace = self._key_batch(texts), self._ns(namespace)  # made here: no re-check
        if keys:
            put_keys(self, namespace, keys, vectors, ttl, fingerprint)
        return list(keys)

    def put_many_by_hash(
        self,
        keys: Sequence[str],
        vectors: Any,
        namespace: str,
        ttl: float | None = None,
        *,
        fingerprint: str = "",
    ) -> None:
        namespace = self._ns(namespace)
        check_batch(keys, "keys")
        check_content_hashes(keys)
        if not keys:
            return
        put_keys(self, namespace, keys, vectors, ttl, fingerprint)

    # -- removal -------------------------------------------------------------------

    def invalidate(self, text_or_hash: str, namespace: str) -> bool:
        """Remove the entry for a text (or a 64-hex content hash); True if one existed."""
        return invalidate(self, text_or_hash, self._ns(namespace))

    def invalidate_model(self, model: str) -> int:
        """Clear every namespace whose model part (or a recorded fingerprint) is ``model``."""
        self._check_open()
        return invalidate_model(self, model)

    def clear_namespace(self, namespace: str) -> int:
        """Remove every vector (and batch record) of a namespace; return the vector count."""
        return clear_namespace(self, self._ns(namespace))

    def clear(self) -> int:
        """Remove every vector and batch record of every namespace; return the count."""
        self._check_open()
        return clear_all(self)

    def cleanup_expired(self) -> int:
        """Sweep expired vectors and batch records now; return how many vectors."""
        self._check_open()
        return cleanup_expired(self)

    # -- batches and dedup ---------------------------------------------------------

    def deduplicate(self, items: Sequence[Any], namespace: str) -> tuple[list[Any], list[str]]:
        """(items not yet cached, each distinct once; every input index's hash).

        Items may be strings or objects with a ``content`` or ``text`` attribute.
        """
        return deduplicate(self, items, self._ns(namespace))

    def store_batch(
        self, batch_id: str, hashes: Sequence[str], namespace: str, ttl: float | None = None
    ) -> None:
        """Remember which item hashes a batch held, so it can be reprocessed later."""
        store_batch(self, batch_id, hashes, self._ns(namespace), ttl)

    def get_batch(self, batch_id: str, namespace: str) -> list[str] | None:
        """The hashes stored for ``batch_id``, or None."""
        return get_batch(self, batch_id, self._ns(namespace))

    # -- models, stats, inspection ---------------------------------------------------

    def record_cost(self, namespace: str, seconds_per_text: float) -> None:
        """Tell the cache what one embedding costs, so stats can report ``time_saved``.

        Raises:
            InvalidInputError: ``seconds_per_text`` is not a finite number >= 0 (it is
                multiplied into every later hit's count), or a bad namespace.
        """
        namespace = self._ns(namespace)
        cost = seconds_per_text
        if isinstance(cost, bool) or not isinstance(cost, (int, float)) or not 0 <= cost < inf:
            raise InvalidInputError(
                f"seconds_per_text must be a finite number >= 0, not {seconds_per_text!r}"
            )
        with self._lock:
            old = self._costs.get(namespace)
            self._costs[namespace] = float(cost) if old is None else 0.8 * old + 0.2 * cost

    def models(self, namespace: str | None = None) -> dict[str, list[str]]:
        """Fingerprints that wrote into each namespace (or one namespace)."""
        self._check_open()
        names = [self._ns(namespace)] if namespace is not None else self.store.namespaces(TABLE)
        return {ns: self.meta.fingerprints(ns) for ns in names}

    def validate_models(self, namespace: str) -> None:
        """Raise ``FingerprintMismatchError`` if a namespace mixes embedders."""
        self.meta.validate_models(self._ns(namespace))

    def stats(self, namespace: str | None = None) -> CacheStats:
        """Counters for one namespace, or totals with ``namespaces`` filled in."""
        self._check_open()
        if namespace is not None:
            namespace = self._ns(namespace)
        return cache_stats(self, namespace)

    def inspect(self, namespace: str, *, limit: int = 20) -> dict[str, Any]:
        """Layout, fingerprints, and the ``limit`` oldest items with their ages.

        An item's age is given in seconds and in insertions since it was added. ``limit``
        is checked as the LRU limits are: a negative one sliced the newest items off.
        """
        return inspect_namespace(self, self._ns(namespace), check_limit("limit", limit))

    def check(self, fix: bool = False) -> list[str]:
        """Problems in the store and its records; corrupt records are removed when ``fix``."""
        self._check_open()
        return check_records(self, fix)

    # -- lifecycle -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once ``close`` ran (``with`` ends); every call then raises CacheClosedError."""
        return self._closed

    def close(self) -> None:
        """Close the cache (and its store, if the cache created it)."""
        if self._closed:
            return
        self._closed = True
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        closed = ", closed=True" if self._closed else ""
        return f"EmbeddingCache(store={self.store!r}, vector_dtype={self.vector_dtype!r}{closed})"
