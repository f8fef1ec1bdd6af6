"""The semantic cache's logic, written once for the sync and the async class.

``get`` and ``put`` are generator *flows* (:mod:`nearcache._flow`): they do store and
index work inline and yield ``Embed`` when they need the embedder, so
:class:`~nearcache.semantic.cache.SemanticCache` drives them with blocking calls and
:class:`~nearcache.semantic.aio.AsyncSemanticCache` with an awaited embedder and the
store work in a thread. No lock is ever held across a ``yield``, so no lock is held
while the embedder runs.

Locking: ``_wlock`` orders every mutation (store write + index update, change-log
replay, persistence); the index partitions have their own short lock (``SpaceSet.lock``)
that searches take. A store write always happens before the matching index update,
under ``_wlock``, so two writers of one key leave the index agreeing with the store.
"""

from __future__ import annotations

import inspect
import logging
import math
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._flow import Embed
from ..clock import Clock, system_clock
from ..codecs import as_matrix, as_vector, check_dtype_name, check_json, pack_payload
from ..embedders.protocol import default_namespace, validate_embedder
from ..embedding.cache import EmbeddingCache
from ..errors import (
    CacheClosedError,
    CacheError,
    CorruptEntryError,
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidInputError,
    InvalidTypeError,
    MissingExtraError,
    NamespaceQuotaError,
    PayloadTooLargeError,
    StoreUnavailableError,
)
from ..index.factory import IndexConfig
from ..index.protocol import unit_rows
from ..keys import (
    HASH_ALGORITHM,
    encode_parts,
    normalize_text,
    open_hash_algorithm,
    validate_namespace,
)
from ..policy import check_ttl
from ..stores.memory import MemoryStore
from ..stores.protocol import Item, Limit, Store, put_within
from ..stores.sqlite import SQLiteStore
from .checkpoint import write_checkpoint
from .persist import IndexDir
from .record import (
    Entry,
    decode_entry,
    encode_entry,
    entry_key,
    new_write_id,
    scope_of,
    stored_vectors,
)
from .spaces import Candidate, SpaceSet
from .types import Hit, MetricEvent, Miss, SemanticStats

__all__ = ["MODES", "TABLE", "SemanticCore"]

log = logging.getLogger("nearcache.semantic")

TABLE = "semantic"
MODES: tuple[str, ...] = ("single", "shared")
_CONFIG_KEY = encode_parts("semantic", "config")
_STORE_ID_KEY = encode_parts("semantic", "store_id")
#: Query vectors kept in process so a ``put`` right after a missed ``get`` does not embed.
RECENT_VECTORS = 256
_FETCH_BATCH = 1000
#: Most entries one ``put_many`` accepts.
MAX_BATCH = 100_000
_ANY_TIME = -math.inf  # "now" for index maintenance reads: expired rows are still rows

Flow = Generator[Embed, Any, Any]


#: How far an index's similarity estimate may sit below the exact one, per dtype.
_INDEX_MARGIN = {"float32": 1e-4, "float16": 5e-3, "int8": 3e-2}


def _unit(vec: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = vec / np.float32(math.sqrt(float(np.dot(vec, vec))))
    return out


def _cosine(entry: Entry, query_unit: npt.NDArray[np.float32]) -> float:
    """Exact cosine between a stored entry's vector and a unit query vector."""
    return max(-1.0, min(1.0, float(np.dot(entry.vector, query_unit)) / entry.norm))


def _check_threshold(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not -1.0 <= value <= 1.0
    ):
        raise InvalidInputError(f"similarity_threshold must be a number in [-1, 1], not {value!r}")
    return float(value)


def _check_count(name: str, value: object, *, allow_none: bool = True) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(f"{name} must be a non-negative int, not {value!r}")
    return value


def _check_cap(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"{name} must be a positive int, not {value!r}")
    return value


def _too_large(what: str, size: int, limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"{what} is {size} bytes or more; the limit is {limit}", limit=limit, size=size
    )


def _miss_reason(validator: bool, exact_expired: bool, scored: bool, expired: bool) -> str:
    """Why the semantic layer missed, most telling reason first."""
    if validator:
        return "validator"
    if exact_expired:
        return "expired"
    if scored:
        return "below_threshold"
    return "expired" if expired else "not_found"


def _utf8_size(text: str, what: str, limit: int) -> int:
    """Exact UTF-8 size of ``text``, after a cheap bound (a char is at most 4 bytes)."""
    n = len(text)
    if n * 4 <= limit:
        return n  # lower bound is enough: it certainly fits
    if n > limit:
        raise _too_large(what, n, limit)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            f"{what} contains a lone surrogate at position {exc.start}; it has no UTF-8 form"
        ) from None
    if size > limit:
        raise _too_large(what, size, limit)
    return size


def _size_floor(value: Any, limit: int, depth: int = 0) -> int:
    """A lower bound of the serialized size, stopping as soon as it passes ``limit``."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    total = 0
    if isinstance(value, dict):
        for k, v in value.items():
            total += (len(k) if isinstance(k, str) else 1) + _size_floor(v, limit, depth + 1)
            if total > limit:
                break
    elif isinstance(value, (list, tuple)) and depth < 100:
        for v in value:
            total += 1 + _size_floor(v, limit, depth + 1)
            if total > limit:
                break
    else:
        total = 1
    return total


class _Recent:
    """A small thread-safe LRU of query vectors keyed by (fingerprint, text)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[tuple[str, str], npt.NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> npt.NDArray[np.float32] | None:
        with self._lock:
            vec = self._data.get(key)
            if vec is not None:
                self._data.move_to_end(key)
            return vec

    def put(self, key: tuple[str, str], vec: npt.NDArray[np.float32]) -> None:
        if self._size <= 0:
            return
        with self._lock:
            self._data[key] = vec
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


_COUNT_FIELDS = (
    "exact_hits",
    "semantic_hits",
    "misses",
    "sets",
    "deletes",
    "errors",
)


class _Counts:
    """Process-local per-namespace counters (hits by layer, misses by reason, ...)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_ns: dict[str, dict[str, int]] = {}
        self._reasons: dict[str, dict[str, int]] = {}

    def add(self, namespace: str, **deltas: int) -> None:
        with self._lock:
            c = self._by_ns.setdefault(namespace, dict.fromkeys(_COUNT_FIELDS, 0))
            for k, v in deltas.items():
                c[k] += v

    def hit(self, namespace: str, layer: str) -> None:
        field = "exact_hits" if layer == "exact" else "semantic_hits"
        with self._lock:
            c = self._by_ns.get(namespace)
            if c is None:
                c = self._by_ns[namespace] = dict.fromkeys(_COUNT_FIELDS, 0)
            c[field] += 1

    def miss(self, namespace: str, reason: str) -> None:
        with self._lock:
            c = self._by_ns.setdefault(namespace, dict.fromkeys(_COUNT_FIELDS, 0))
            c["misses"] += 1
            r = self._reasons.setdefault(namespace, {})
            r[reason] = r.get(reason, 0) + 1

    def get(self, namespace: str) -> tuple[dict[str, int], dict[str, int]]:
        with self._lock:
            return (
                dict(self._by_ns.get(namespace) or dict.fromkeys(_COUNT_FIELDS, 0)),
                dict(self._reasons.get(namespace, {})),
            )

    def names(self) -> list[str]:
        with self._lock:
            return list(self._by_ns)


class SemanticCore:
    """Everything of the semantic cache except how ``get``/``put`` flows are driven.

    See :class:`~nearcache.semantic.cache.SemanticCache` for the parameters.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        embedder: Any = None,
        *,
        store: Store | None = None,
        similarity_threshold: float = 0.85,
        default_ttl: float | None = None,
        max_entries: int | None = None,
        namespace_quotas: Mapping[str, int] | None = None,
        confidence_fn: Callable[[str, Hit], float] | None = None,
        validator: Callable[[str, Hit], bool] | None = None,
        metrics_hook: Callable[[MetricEvent], Any] | None = None,
        normalize: bool = True,
        index_backend: str = "auto",
        index_options: Mapping[str, Any] | None = None,
        vector_dtype: str = "float32",
        multi_process_mode: str = "single",
        stale_check_interval: float = 0.0,
        max_query_bytes: int = 32768,
        max_response_bytes: int = 4 * 1048576,
        max_metadata_bytes: int = 65536,
        embedding_cache: EmbeddingCache | None = None,
        top_k: int = 4,
        clock: Clock | None = None,
        fail_open: bool = False,
        _async: bool = False,
    ) -> None:
        # Everything is validated before the store is opened: a bad argument touches nothing.
        if store is not None and path is not None:
            raise InvalidInputError("pass either path or store, not both")
        if store is not None and not isinstance(store, Store):
            raise InvalidTypeError(
                f"store must implement the Store protocol, not {type(store).__name__}"
            )
        if embedder is not None:
            validate_embedder(embedder)
            is_async = inspect.iscoroutinefunction(getattr(embedder, "embed", None))
            if is_async and not _async:
                raise InvalidTypeError(
                    "this embedder is async (embed is a coroutine); use AsyncSemanticCache"
                )
            if getattr(embedder, "kind", "dense") != "dense":
                raise InvalidTypeError("the semantic cache needs a dense embedder")
        self.similarity_threshold_value = _check_threshold(similarity_threshold)
        self.default_ttl = check_ttl(default_ttl)
        self.max_entries = _check_count("max_entries", max_entries)
        quotas: dict[str, int] = {}
        for ns, quota in dict(namespace_quotas or {}).items():
            validate_namespace(ns)
            q = _check_count(f"namespace_quotas[{ns!r}]", quota, allow_none=False)
            assert q is not None
            quotas[ns] = q
        self.namespace_quotas = quotas
        for name, fn in (
            ("confidence_fn", confidence_fn),
            ("validator", validator),
            ("metrics_hook", metrics_hook),
        ):
            if fn is not None and not callable(fn):
                raise InvalidTypeError(f"{name} must be callable")
        self.confidence_fn = confidence_fn
        self.validator = validator
        self.metrics_hook = metrics_hook
        self.normalize = bool(normalize)
        self.vector_dtype = check_dtype_name(vector_dtype)
        self._config = IndexConfig(index_backend, self.vector_dtype, dict(index_options or {}))
        self.index_backend = index_backend
        if multi_process_mode not in MODES:
            raise ValueError(
                f"unknown multi_process_mode {multi_process_mode!r}; allowed: {', '.join(MODES)}"
            )
        self.multi_process_mode = multi_process_mode
        if (
            isinstance(stale_check_interval, bool)
            or not isinstance(stale_check_interval, (int, float))
            or not stale_check_interval >= 0
            or not math.isfinite(stale_check_interval)
        ):
            raise InvalidInputError("stale_check_interval must be a non-negative number of seconds")
        self.stale_check_interval = float(stale_check_interval)
        self.max_query_bytes = _check_cap("max_query_bytes", max_query_bytes)
        self.max_response_bytes = _check_cap("max_response_bytes", max_response_bytes)
        self.max_metadata_bytes = _check_cap("max_metadata_bytes", max_metadata_bytes)
        if embedding_cache is not None and not isinstance(embedding_cache, EmbeddingCache):
            raise InvalidTypeError("embedding_cache must be an EmbeddingCache")
        self.embedding_cache = embedding_cache
        if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 1000:
            raise InvalidInputError("top_k must be an int between 1 and 1000")
        self.top_k = top_k
        self.fail_open = bool(fail_open)
        self._clock: Clock = clock or system_clock
        self._embedder = embedder
        self._embedder_lock = threading.Lock()
        self._wlock = threading.RLock()
        self._counts = _Counts()
        self._recent = _Recent(RECENT_VECTORS)
        self._seen: dict[str, int] = {}
        self._last_sync: dict[str, float] = {}
        self._closed = False

        self._owns_store = store is None
        if store is None:
            store = SQLiteStore(path) if path is not None else MemoryStore()
        self.store: Store = store
        # Recording reads for LRU costs a store write per batch on disk stores; only pay
        # for it when this cache evicts by recency (a MemoryStore may also evict by bytes).
        self._touch = bool(
            self.max_entries is not None or self.namespace_quotas or isinstance(store, MemoryStore)
        )
        try:
            self._open()
        except BaseException:
            if self._owns_store:
                store.close()
            raise

    # -- opening -------------------------------------------------------------------

    def _open(self) -> None:
        import json

        open_hash_algorithm(self.store)
        raw = self.store.get_meta(_CONFIG_KEY)
        config = json.loads(raw) if raw else {}
        dim = config.get("dim")
        fingerprint = str(config.get("fingerprint") or "")
        emb = self._embedder
        if emb is not None:
            edim = int(emb.dim)
            if dim is not None and edim and edim != dim:
                raise DimensionMismatchError(
                    f"the store holds {dim}-d entries, the embedder makes {edim}-d vectors",
                    expected=dim,
                    got=edim,
                )
            efp = str(emb.fingerprint)
            if fingerprint and efp and efp != fingerprint:
                raise FingerprintMismatchError(
                    f"the store's entries were embedded by {fingerprint!r}, not {efp!r}; "
                    "open it with that embedder, or clear it"
                )
            if dim is None and edim:
                dim = edim
        self._dim: int | None = int(dim) if dim is not None else None
        self._fingerprint = fingerprint or (str(emb.fingerprint) if emb is not None else "")
        self._config_saved = bool(raw) and config.get("fingerprint", "") == self._fingerprint
        store_id = self.store.get_meta(_STORE_ID_KEY)
        if not store_id:
            store_id = secrets.token_hex(16)
            self.store.set_meta(_STORE_ID_KEY, store_id)
        self._store_id = store_id
        index_path = self._config.options.get("path")
        store_path = getattr(self.store, "path", None)
        if index_path is not None:
            self._index_dir: IndexDir | None = IndexDir(Path(index_path))
        elif isinstance(store_path, (str, os.PathLike)):
            self._index_dir = IndexDir(Path(f"{os.fspath(store_path)}.index"))
        else:
            self._index_dir = None
        loaded = None
        if self._index_dir is not None:
            loaded = self._index_dir.load(self._config, self._persist_meta())
        if loaded is not None:
            spaces, marks = loaded
            if self._dim is None:
                self._dim = spaces.dim
        else:
            spaces, marks = SpaceSet(self._config, self._dim), {}
        self._spaces = spaces
        names = set(self.store.namespaces(TABLE)) | set(marks) | set(spaces.namespaces())
        for ns in sorted(names):
            self._catch_up(ns, marks.get(ns), have_index=loaded is not None)
        self._saved_generation = self._spaces.generation if loaded is not None else -1

    def _persist_meta(self) -> dict[str, Any]:
        return {
            "store_id": self._store_id,
            "hash_algorithm": HASH_ALGORITHM,
            "fingerprint": self._fingerprint,
            "dim": self._dim,
            "dtype": self.vector_dtype,
        }

    def _catch_up(self, ns: str, mark: int | None, *, have_index: bool) -> None:
        """Bring the index of ``ns`` level with the store before serving (crash recovery)."""
        version = self.store.info(TABLE, ns).version
        if mark is not None and version == mark:
            self._seen[ns] = version
            return
        if mark is None and not have_index:
            self._rebuild(ns, version)
            return
        changes = self.store.changes(TABLE, ns, mark or 0)
        if changes.events is None or (mark is not None and version < mark):
            log.info("index of %r cannot be replayed from the change log; rescanning", ns)
            self._rebuild(ns, version)
            return
        self._apply_events(ns, changes.events)
        self._seen[ns] = changes.version

    def _rebuild(self, ns: str, version: int | None = None) -> None:
        """Rebuild a namespace's partitions from the stored vectors (never re-embeds)."""
        if version is None:
            version = self.store.info(TABLE, ns).version
        groups: dict[
            str, tuple[list[str], list[npt.NDArray[np.float32]], list[int], list[float | None]]
        ] = {}
        corrupt = 0
        for batch in self.store.scan(TABLE, ns):
            for item in batch:
                try:
                    entry = decode_entry(item.value, ns, item.key, self._dim)
                except CorruptEntryError:
                    corrupt += 1
                    continue
                if self._dim is None:
                    self._dim = int(entry.vector.shape[0])
                g = groups.setdefault(entry.scope, ([], [], [], []))
                g[0].append(item.key)
                g[1].append(entry.vector)
                g[2].append(entry.write_id)
                g[3].append(entry.expires_at)
        if corrupt:
            log.warning("%d corrupt entries in %r were left out of the index", corrupt, ns)
            self._counts.add(ns, errors=corrupt)
        if self._spaces.dim is None:
            self._spaces.dim = self._dim
        self._spaces.load_namespace(
            ns,
            {
                scope: (keys, unit_rows(np.stack(vecs)), wids, exps)
                for scope, (keys, vecs, wids, exps) in groups.items()
            },
        )
        self._seen[ns] = version

    def _apply_events(self, ns: str, events: Sequence[tuple[str, str]]) -> None:
        """Replay change-log events: the store is the truth for every key they name."""
        last_clear = max((i for i, (op, _) in enumerate(events) if op == "clear"), default=-1)
        if last_clear >= 0:
            self._spaces.drop_namespace(ns)
            events = events[last_clear + 1 :]
        keys = list(dict.fromkeys(k for _, k in events if k))
        for start in range(0, len(keys), _FETCH_BATCH):
            chunk = keys[start : start + _FETCH_BATCH]
            blobs = self.store.get_many(TABLE, ns, chunk, now=_ANY_TIME, touch=False)
            gone: list[str] = []
            groups: dict[str, list[tuple[str, Entry]]] = {}
            for key, blob in zip(chunk, blobs):
                if blob is None:
                    gone.append(key)
                    continue
                try:
                    entry = decode_entry(blob, ns, key, self._dim)
                except CorruptEntryError:
                    self._counts.add(ns, errors=1)
                    gone.append(key)
                    continue
                if self._spaces.write_id(ns, key) == entry.write_id:
                    continue  # already in the index (our own write, or replayed before)
                groups.setdefault(entry.scope, []).append((key, entry))
            self._spaces.remove(ns, gone)
            for scope, items in groups.items():
                self._index_entries(ns, scope, items)

    def _index_entries(self, ns: str, scope: str, items: Sequence[tuple[str, Entry]]) -> None:
        if self._dim is None:
            self._dim = int(items[0][1].vector.shape[0])
        if self._spaces.dim is None:
            self._spaces.dim = self._dim
        vecs = unit_rows(np.stack([e.vector for _, e in items]))
        self._spaces.upsert(
            ns,
            scope,
            [k for k, _ in items],
            vecs,
            [e.write_id for _, e in items],
            [e.expires_at for _, e in items],
        )

    # -- small helpers ----------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise CacheClosedError("the semantic cache is closed")

    @property
    def similarity_threshold(self) -> float:
        """Lowest confidence accepted as a semantic hit."""
        return self.similarity_threshold_value

    def set_similarity_threshold(self, value: float) -> None:
        """Change the threshold (a number in [-1, 1]; anything else raises ``ValueError``)."""
        self._check_open()
        self.similarity_threshold_value = _check_threshold(value)

    @property
    def dim(self) -> int | None:
        """Vector dimension (None until known from the embedder, store or first vector)."""
        return self._dim

    @property
    def embedder(self) -> Any:
        """The embedder; the offline default model is loaded on first use if none was given."""
        emb = self._embedder
        if emb is None:
            with self._embedder_lock:
                if self._embedder is None:
                    from ..embedders.default import default_embedder

                    candidate = default_embedder()
                    validate_embedder(candidate)
                    self._adopt_embedder(candidate)
                    self._embedder = candidate
                emb = self._embedder
        return emb

    def _adopt_embedder(self, emb: Any) -> None:
        edim, efp = int(emb.dim), str(emb.fingerprint)
        if self._dim is not None and edim and edim != self._dim:
            raise DimensionMismatchError(
                f"the cache holds {self._dim}-d entries, the embedder makes {edim}-d vectors",
                expected=self._dim,
                got=edim,
            )
        if self._fingerprint and efp and efp != self._fingerprint:
            raise FingerprintMismatchError(
                f"the cache's entries were embedded by {self._fingerprint!r}, not {efp!r}"
            )
        if not self._fingerprint:
            self._fingerprint = efp
            self._config_saved = False

    def _emit(
        self,
        kind: str,
        namespace: str,
        layer: str | None = None,
        reason: str | None = None,
        similarity: float | None = None,
        latency: float = 0.0,
    ) -> None:
        hook = self.metrics_hook
        if hook is None:
            return
        try:
            hook(MetricEvent(kind, layer, namespace, reason, similarity, latency))  # type: ignore[arg-type]
        except Exception:
            log.exception("metrics_hook raised; the event was dropped")

    def _check_vector(self, value: Any) -> npt.NDArray[np.float32]:
        return as_vector(value, self._dim, what="embedding")

    def _pack_response(self, response: Any) -> bytes:
        limit = self.max_response_bytes
        if isinstance(response, str):
            _utf8_size(response, "response", limit)
        elif isinstance(response, (bytes, bytearray, memoryview)):
            if len(response) > limit:
                raise _too_large("response", len(response), limit)
            response = bytes(response)
        elif _size_floor(response, limit) > limit:
            raise _too_large("response", limit + 1, limit)
        try:
            packed = pack_payload(response)
        except CacheError as exc:
            raise InvalidTypeError(f"response cannot be stored: {exc}") from None
        if not isinstance(response, (str, bytes)) and len(packed) > limit:
            raise _too_large("response", len(packed), limit)
        return packed

    def _pack_metadata(self, metadata: Any) -> bytes | None:
        if metadata is None:
            return None
        if not isinstance(metadata, dict):
            raise InvalidTypeError(
                f"metadata must be a dict (JSON object), not {type(metadata).__name__}"
            )
        limit = self.max_metadata_bytes
        if _size_floor(metadata, limit) > limit:
            raise _too_large("metadata", limit + 1, limit)
        return check_json(metadata, what="metadata", max_bytes=limit)

    def _key_text(self, query: Any) -> str:
        if not isinstance(query, str):
            raise InvalidTypeError(f"query must be str, not {type(query).__name__}")
        _utf8_size(query, "query", self.max_query_bytes)
        return normalize_text(query) if self.normalize else query

    # -- the embedding step (shared by get and put) ------------------------------------

    def _vector_flow(self, text: str) -> Generator[Embed, Any, npt.NDArray[np.float32]]:
        """The query vector of one text (see ``_vectors_flow``)."""
        mat = yield from self._vectors_flow([text])
        return np.ascontiguousarray(mat[0])

    def _vectors_flow(self, texts: Sequence[str]) -> Generator[Embed, Any, npt.NDArray[np.float32]]:
        """Vectors of ``texts``: recent memory, then the embedding cache, then one embedder
        call for the rest (each distinct text once)."""
        emb = self.embedder
        fp = str(emb.fingerprint)
        dim = self._dim or (int(emb.dim) or None)
        found: dict[str, npt.NDArray[np.float32]] = {}
        for text in texts:
            vec = self._recent.get((fp, text))
            if vec is not None:
                found[text] = vec
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        ec = self.embedding_cache
        ens = default_namespace(emb) if ec is not None else ""
        if ec is not None and missing:
            ekeys = ec.keys_for(missing)
            try:
                mat, mask = ec.get_many_by_hash(ekeys, ens, fingerprint=fp)
            except (CacheError, InvalidInputError) as exc:
                log.warning("embedding cache lookup failed, embedding instead: %s", exc)
                mask = np.zeros(len(missing), dtype=bool)
            if mask.any() and isinstance(mat, np.ndarray) and (dim is None or mat.shape[1] == dim):
                for i in np.flatnonzero(mask).tolist():
                    self._recent.put((fp, missing[i]), mat[i])
                    found[missing[i]] = mat[i]
                missing = [t for t in missing if t not in found]
        if missing:
            raw = yield Embed(missing)
            mat = as_matrix(raw, rows=len(missing), dim=dim, what="embedder output")
            if ec is not None:
                try:
                    ec.put_many_by_hash(ec.keys_for(missing), mat, ens, fingerprint=fp)
                except (CacheError, InvalidInputError) as exc:
                    log.warning("could not store query embeddings in the embedding cache: %s", exc)
            for i, text in enumerate(missing):
                self._recent.put((fp, text), mat[i])
                found[text] = mat[i]
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    # -- get ----------------------------------------------------------------------------

    def _lookup_flow(
        self,
        query: str,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, Hit | Miss]:
        started = time.perf_counter()
        self._check_open()
        ns = validate_namespace(namespace)
        text = self._key_text(query)
        scope = scope_of(context)
        vec = None if embedding is None else self._check_vector(embedding)
        if bypass:
            return self._miss(ns, "bypass", started, layer=None)
        key = entry_key(scope, text)
        now = self._clock()
        rejected: str | None = None
        l1_expired = False
        # Layer 1: one store read of the exact key.
        try:
            blob = self.store.get_many(TABLE, ns, [key], now=now, touch=self._touch)[0]
        except StoreUnavailableError as exc:
            log.warning("store unavailable, lookup is a miss: %s", exc)
            return self._miss(ns, "store_error", started, error=True)
        if blob is not None:
            entry = self._decode(ns, key, blob)
            if entry is not None and not entry.expired(now):
                hit = self._hit(entry, ns, "exact", 1.0, 1.0, entry.vector)
                if self._validate(query, hit, ns):
                    return self._finish_hit(hit, started)
                rejected = key
        # Layer 2: nearest stored queries of the same namespace and context.
        self._maybe_sync(ns)
        if not self._spaces.has(ns, scope):
            if blob is None:
                exp = self._spaces.expires_at(ns, key)
                if exp is not None and exp <= now:
                    l1_expired = True
                    self._expire(ns, now)
            reason = "validator" if rejected else ("expired" if l1_expired else "empty")
            return self._miss(ns, reason, started, embedding=vec)
        if vec is None:
            try:
                vec = yield from self._vector_flow(text)
            except MissingExtraError:
                raise
            except Exception as exc:
                log.warning("embedder failed, lookup is a miss: %r", exc)
                return self._miss(ns, "embedder_error", started, error=True)
        query_unit = _unit(vec)
        k = self.top_k + (rejected is not None)
        cands = self._spaces.search(ns, scope, query_unit, k)
        now = self._clock()
        if any(c.expires_at <= now for c in cands):
            # Expired rows took places in the top-k: sweep them, then search again.
            l1_expired = any(c.key == key for c in cands if c.expires_at <= now)
            self._expire(ns, now)
            cands = self._spaces.search(ns, scope, query_unit, k)
        live = [c for c in cands if c.expires_at > now and c.key != rejected]
        try:
            return self._judge(
                query, ns, query_unit, vec, live, started, rejected is not None, l1_expired, now
            )
        except StoreUnavailableError as exc:
            log.warning("store unavailable, lookup is a miss: %s", exc)
            return self._miss(ns, "store_error", started, error=True, embedding=vec)

    def _judge(
        self,
        query: str,
        ns: str,
        query_unit: npt.NDArray[np.float32],
        vec: npt.NDArray[np.float32],
        cands: list[Candidate],
        started: float,
        rejected: bool,
        exact_expired: bool,
        now: float,
    ) -> Hit | Miss:
        """Pick the best candidate passing expiry, confidence and the validator."""
        if self.confidence_fn is None:
            return self._judge_by_similarity(
                query, ns, query_unit, vec, cands, started, rejected, exact_expired, now
            )
        blobs = (
            self.store.get_many(TABLE, ns, [c.key for c in cands], now=now, touch=False)
            if cands
            else []
        )
        scored: list[tuple[float, float, Hit, Candidate]] = []
        stale: list[Candidate] = []
        best_sim: float | None = None
        expired = False
        for cand, blob in zip(cands, blobs):
            entry = None if blob is None else self._decode(ns, cand.key, blob)
            if entry is None:
                stale.append(cand)
                continue
            if entry.expired(now):
                expired = True
                continue
            sim = _cosine(entry, query_unit)
            best_sim = sim if best_sim is None else max(best_sim, sim)
            hit = self._hit(entry, ns, "semantic", sim, sim, vec)
            assert self.confidence_fn is not None
            try:
                conf = float(self.confidence_fn(query, hit))
            except Exception:
                log.exception("confidence_fn raised; candidate skipped")
                self._counts.add(ns, errors=1)
                self._emit("error", ns, "semantic", "confidence_fn")
                continue
            if not math.isfinite(conf):
                continue
            scored.append((conf, sim, hit, cand))
        if stale:
            self._forget_stale(ns, stale)
        scored.sort(key=lambda t: (-t[0], -t[1]))
        passed = False
        for conf, _sim, hit, cand in scored:
            if conf < self.similarity_threshold_value:
                break
            passed = True
            hit = replace(hit, confidence=conf)
            if not self._validate(query, hit, ns):
                continue
            if self._touch:
                try:
                    self.store.get_many(TABLE, ns, [cand.key], now=now)  # LRU touch: the winner
                except StoreUnavailableError:
                    pass
            return self._finish_hit(hit, started)
        reason = _miss_reason(passed or rejected, exact_expired, bool(scored), expired)
        return self._miss(ns, reason, started, similarity=best_sim, embedding=vec, layer="semantic")

    def _judge_by_similarity(
        self,
        query: str,
        ns: str,
        query_unit: npt.NDArray[np.float32],
        vec: npt.NDArray[np.float32],
        cands: list[Candidate],
        started: float,
        rejected: bool,
        exact_expired: bool,
        now: float,
    ) -> Hit | Miss:
        """Without ``confidence_fn`` candidates come best first: fetch them one at a time.

        Usually the first one decides, so a lookup reads one record. Candidates whose index
        similarity is below the threshold (minus the index dtype's rounding margin) cannot
        pass, so they are never fetched. The record read counts as an access for LRU.
        """
        threshold = self.similarity_threshold_value
        floor = threshold - _INDEX_MARGIN[self.vector_dtype]
        best_sim: float | None = None
        passed = scored = expired = False
        stale: list[Candidate] = []
        for cand in cands:
            if cand.similarity < floor:
                best_sim = cand.similarity if best_sim is None else max(best_sim, cand.similarity)
                scored = True
                break
            blob = self.store.get_many(TABLE, ns, [cand.key], now=now, touch=self._touch)[0]
            entry = None if blob is None else self._decode(ns, cand.key, blob)
            if entry is None:
                stale.append(cand)
                continue
            if entry.expired(now):
                expired = True
                continue
            sim = _cosine(entry, query_unit)
            best_sim = sim if best_sim is None else max(best_sim, sim)
            scored = True
            if sim < threshold:
                continue
            passed = True
            hit = self._hit(entry, ns, "semantic", sim, sim, vec)
            if self._validate(query, hit, ns):
                if stale:
                    self._forget_stale(ns, stale)
                return self._finish_hit(hit, started)
        if stale:
            self._forget_stale(ns, stale)
        reason = _miss_reason(passed or rejected, exact_expired, scored, expired)
        return self._miss(ns, reason, started, similarity=best_sim, embedding=vec, layer="semantic")

    def _decode(self, ns: str, key: str, blob: bytes) -> Entry | None:
        try:
            return decode_entry(blob, ns, key, self._dim)
        except CorruptEntryError as exc:
            log.warning("corrupt entry %s/%s treated as a miss: %s", ns, key[:12], exc)
            self._counts.add(ns, errors=1)
            self._emit("error", ns, None, "corrupt_entry")
            return None

    def _hit(
        self,
        entry: Entry,
        ns: str,
        layer: str,
        sim: float,
        conf: float,
        vec: npt.NDArray[np.float32] | None,
    ) -> Hit:
        return Hit(
            response=entry.response,
            layer=layer,  # type: ignore[arg-type]
            similarity=sim,
            confidence=conf,
            matched_query=entry.query,
            namespace=ns,
            metadata=entry.metadata,
            created_at=entry.created_at,
            expires_at=entry.expires_at,
            embedding=vec,
        )

    def _validate(self, query: str, hit: Hit, ns: str) -> bool:
        if self.validator is None:
            return True
        try:
            return bool(self.validator(query, hit))
        except Exception:
            log.exception("validator raised; the candidate is rejected")
            self._counts.add(ns, errors=1)
            self._emit("error", ns, hit.layer, "validator")
            return False

    def _finish_hit(self, hit: Hit, started: float) -> Hit:
        self._counts.hit(hit.namespace, hit.layer)
        self._emit(
            "hit", hit.namespace, hit.layer, None, hit.similarity, time.perf_counter() - started
        )
        return hit

    def _miss(
        self,
        ns: str,
        reason: str,
        started: float,
        *,
        similarity: float | None = None,
        embedding: npt.NDArray[np.float32] | None = None,
        error: bool = False,
        layer: str | None = None,
    ) -> Miss:
        self._counts.miss(ns, reason)
        if error:
            self._counts.add(ns, errors=1)
            self._emit("error", ns, layer, reason)
        self._emit("miss", ns, layer, reason, similarity, time.perf_counter() - started)
        return Miss(reason, ns, similarity, embedding)

    # -- put ------------------------------------------------------------------------------

    def _put_one_flow(
        self,
        query: str,
        response: Any,
        embedding: Any = None,
        namespace: str = "default",
        metadata: dict[str, Any] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, None]:
        self._check_open()
        vecs = None if embedding is None else self._check_vector(embedding).reshape(1, -1)
        meta = None if metadata is None else [metadata]
        yield from self._put_flow([query], [response], vecs, namespace, meta, ttl, context)

    def _put_flow(
        self,
        queries: Sequence[str],
        responses: Sequence[Any],
        embeddings: Any = None,
        namespace: str = "default",
        metadata: Sequence[dict[str, Any] | None] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> Generator[Embed, Any, None]:
        """Store a batch of entries in one store transaction (``put`` is a batch of one)."""
        started = time.perf_counter()
        self._check_open()
        ns = validate_namespace(namespace)
        n = len(queries)
        if len(responses) != n or (metadata is not None and len(metadata) != n):
            raise InvalidInputError("queries, responses and metadata must have the same length")
        if n > MAX_BATCH:
            raise PayloadTooLargeError(
                f"{n} entries in one call; the limit is {MAX_BATCH}", limit=MAX_BATCH, size=n
            )
        texts = [self._key_text(q) for q in queries]
        packed = [self._pack_response(r) for r in responses]
        metas = [None] * n if metadata is None else [self._pack_metadata(m) for m in metadata]
        ttl = check_ttl(ttl) if ttl is not None else self.default_ttl
        scope = scope_of(context)
        if self.namespace_quotas.get(ns) == 0:
            raise NamespaceQuotaError(f"namespace {ns!r} has a quota of 0 entries")
        if n == 0:
            return None
        if embeddings is not None:
            vecs = as_matrix(embeddings, rows=n, dim=self._dim, what="embeddings")
        else:
            vecs = yield from self._vectors_flow(texts)
        now = self._clock()
        expires = None if ttl is None else now + ttl
        keys = [entry_key(scope, t) for t in texts]
        wids = [new_write_id() for _ in range(n)]
        dtype = self.vector_dtype
        items = [
            Item(
                keys[i],
                encode_entry(
                    ns,
                    keys[i],
                    query=queries[i],
                    response=packed[i],
                    metadata=metas[i],
                    created_at=now,
                    expires_at=expires,
                    scope=scope,
                    write_id=wids[i],
                    vector=vecs[i],
                    dtype=dtype,
                ),
                expires,
            )
            for i in range(n)
        ]
        index_vecs = unit_rows(vecs if dtype == "float32" else stored_vectors(vecs, dtype))
        with self._wlock:
            self._check_open()
            self._ensure_config(int(vecs.shape[1]))
            try:
                version, evicted = put_within(
                    self.store, TABLE, ns, items, now=now, limits=self._limits(ns)
                )
            except StoreUnavailableError as exc:
                self._counts.add(ns, errors=1)
                self._emit("error", ns, None, "store_error")
                if not self.fail_open:
                    raise
                log.warning("store unavailable, %d puts dropped: %s", n, exc)
                return None
            self._spaces.upsert(ns, scope, keys, index_vecs, wids, [expires] * n)
            self._after_write(ns, version)
            self._drop(evicted)
        self._counts.add(ns, sets=n)
        if self.metrics_hook is not None:
            latency = time.perf_counter() - started
            for _ in range(n):
                self._emit("put", ns, None, None, None, latency)
            for ens, _ in evicted:
                self._emit("evict", ens, None, "lru")
        return None

    def _ensure_config(self, dim: int) -> None:
        import json

        if self._dim is None:
            self._dim = dim
            self._spaces.dim = dim
        elif dim != self._dim:
            raise DimensionMismatchError(
                f"embedding has dimension {dim}, expected {self._dim}", expected=self._dim, got=dim
            )
        if not self._config_saved:
            self.store.set_meta(
                _CONFIG_KEY, json.dumps({"dim": self._dim, "fingerprint": self._fingerprint})
            )
            self._config_saved = True

    def _after_write(self, ns: str, version: int | None = None) -> None:
        """Advance the applied-version watermark of ``ns`` after our own write."""
        if self.multi_process_mode == "single":
            self._seen[ns] = version if version is not None else self.store.info(TABLE, ns).version
        elif version is not None and version == self._seen.get(ns, 0) + 1:
            self._seen[ns] = version

    def _limits(self, ns: str) -> list[Limit]:
        """Caps a write into ``ns`` is bounded by: its quota, then the global LRU limit."""
        return [
            Limit(ns, max_entries=self.namespace_quotas.get(ns)),
            Limit(None, max_entries=self.max_entries),
        ]

    def _drop(self, removed: Iterable[tuple[str, str]]) -> None:
        by_ns: dict[str, list[str]] = {}
        for ns, key in removed:
            by_ns.setdefault(ns, []).append(key)
        for ns, keys in by_ns.items():
            self._spaces.remove(ns, keys)
            self._after_write(ns)

    def _expire(self, ns: str, now: float) -> int:
        """Lazy expiry: sweep the namespace's expired entries from store and index."""
        with self._wlock:
            if self._closed:
                return 0
            try:
                gone = self.store.purge_expired(TABLE, ns, now=now, limit=_FETCH_BATCH)
            except StoreUnavailableError as exc:
                log.warning("could not sweep expired entries: %s", exc)
                return 0
            self._drop(gone)
        for gns, _ in gone:
            self._emit("expire", gns, None, "ttl")
        return len(gone)

    def _forget_stale(self, ns: str, stale: Sequence[Candidate]) -> None:
        """Index rows whose entry vanished from the store (evicted by the store itself)."""
        with self._wlock:
            if self._closed:
                return
            keys = [c.key for c in stale if self._spaces.write_id(ns, c.key) == c.write_id]
            if not keys:
                return
            try:
                blobs = self.store.get_many(TABLE, ns, keys, now=_ANY_TIME, touch=False)
            except StoreUnavailableError:
                return
            self._spaces.remove(ns, [k for k, b in zip(keys, blobs) if b is None])

    def _maybe_sync(self, ns: str) -> None:
        """Shared mode: apply other processes' changes, at most every stale_check_interval."""
        if self.multi_process_mode != "shared":
            return
        now = time.monotonic()
        last = self._last_sync.get(ns)
        if last is not None and now - last < self.stale_check_interval:
            return
        with self._wlock:
            if self._closed:
                return
            self._last_sync[ns] = now
            try:
                self._sync(ns)
            except StoreUnavailableError as exc:
                log.warning("could not check for other processes' changes: %s", exc)

    def _sync(self, ns: str) -> None:
        since = self._seen.get(ns, 0)
        changes = self.store.changes(TABLE, ns, since)
        if changes.version == since:
            return
        if changes.events is None:
            log.info("change log of %r no longer reaches version %d; reloading", ns, since)
            self._rebuild(ns)
        else:
            self._apply_events(ns, changes.events)
        self._seen[ns] = max(self._seen.get(ns, 0), changes.version)

    # -- maintenance --------------------------------------------------------------------

    def delete(
        self, query: str, *, namespace: str = "default", context: Mapping[str, Any] | None = None
    ) -> bool:
        """Remove the entry for ``query``; True if one existed. Its index row is tombstoned."""
        self._check_open()
        ns = validate_namespace(namespace)
        key = entry_key(scope_of(context), self._key_text(query))
        with self._wlock:
            self._check_open()
            removed = self.store.delete_many(TABLE, ns, [key])
            indexed = self._spaces.remove(ns, [key])
            if removed or indexed:
                self._after_write(ns)
        if removed:
            self._counts.add(ns, deletes=1)
        return removed > 0

    def vacuum(self, *, namespace: str | None = None, compact: bool = True) -> int:
        """Sweep expired entries now (one namespace or all); return how many.

        With ``compact`` the index is then rebuilt at live size where it has tombstones.
        """
        self._check_open()
        ns = None if namespace is None else validate_namespace(namespace)
        with self._wlock:
            self._check_open()
            gone = self.store.purge_expired(TABLE, ns, now=self._clock())
            self._drop(gone)
        for gns, _ in gone:
            self._emit("expire", gns, None, "ttl")
        if compact:
            self.compact()
        return len(gone)

    def compact(self) -> int:
        """Rebuild index partitions that hold tombstones; return the rows reclaimed."""
        self._check_open()
        if not self._spaces.tombstones():
            return 0
        self._spaces.join_builds()
        with self._wlock:
            self._check_open()
            return self._spaces.compact()

    def clear_namespace(self, namespace: str) -> int:
        """Remove every entry of a namespace; return how many."""
        self._check_open()
        ns = validate_namespace(namespace)
        with self._wlock:
            self._check_open()
            removed = self.store.clear(TABLE, ns)
            self._spaces.drop_namespace(ns)
            self._after_write(ns)
        self._counts.add(ns, deletes=removed)
        return removed

    def clear(self) -> int:
        """Remove every entry of every namespace; the index restarts empty."""
        self._check_open()
        self._spaces.join_builds()
        with self._wlock:
            self._check_open()
            names = set(self.store.namespaces(TABLE)) | set(self._spaces.namespaces())
            removed = self.store.clear(TABLE)
            self._spaces.clear()
            for ns in names:
                self._after_write(ns)
        return removed

    def list_namespaces(self) -> list[str]:
        """Namespaces holding entries."""
        self._check_open()
        return sorted(self.store.namespaces(TABLE))

    def requantize(self, dtype: str) -> None:
        """Store index vectors (and future entries) in ``dtype``; rebuilt from stored vectors.

        Entries already stored keep the dtype they were written with until replaced.
        """
        self._check_open()
        dtype = check_dtype_name(dtype)
        if dtype == self.vector_dtype:
            return
        self._spaces.join_builds()
        with self._wlock:
            self._check_open()
            self.vector_dtype = dtype
            self._config.dtype = dtype
            old = self._spaces
            self._spaces = SpaceSet(self._config, self._dim)
            for ns in sorted(set(self.store.namespaces(TABLE)) | set(old.namespaces())):
                self._rebuild(ns)
            self._saved_generation = -1

    def save_index(self) -> bool:
        """Write the index beside the store now (it is also written on close); True if written."""
        self._check_open()
        if self._index_dir is None:
            return False
        self._spaces.join_builds()
        with self._wlock:
            self._check_open()
            return self._save_locked(force=True)

    def _save_locked(self, *, force: bool = False) -> bool:
        if self._index_dir is None:
            return False
        if not force and self._spaces.generation == self._saved_generation:
            return False
        marks = {ns: v for ns, v in self._seen.items()}
        self._index_dir.save(self._spaces, self._persist_meta(), marks)
        self._saved_generation = self._spaces.generation
        return True

    # -- checkpoints -----------------------------------------------------------------

    def dumps(self, dest: str | os.PathLike[str]) -> dict[str, Any]:
        """Write every live entry to a ``.tar.gz`` checkpoint at ``dest``; return its manifest.

        The archive is written to a temporary file and renamed, so an interrupted export
        leaves a complete file or none. Writers of this process wait meanwhile.
        """
        self._check_open()
        with self._wlock:
            self._check_open()
            header = {
                "fingerprint": self._fingerprint,
                "dim": self._dim,
                "dtype": self.vector_dtype,
            }
            return write_checkpoint(dest, self._export_entries(), header)

    def _export_entries(self) -> Iterator[tuple[str, str, float | None, bytes]]:
        """(namespace, key, expires_at, record) of every live, intact entry."""
        now = self._clock()
        for ns in sorted(self.store.namespaces(TABLE)):
            for batch in self.store.scan(TABLE, ns):
                for item in batch:
                    try:
                        entry = decode_entry(item.value, ns, item.key, self._dim)
                    except CorruptEntryError:
                        continue
                    if not entry.expired(now):
                        yield ns, item.key, item.expires_at, item.value

    # -- inspection ------------------------------------------------------------------

    def stats(self, namespace: str | None = None) -> SemanticStats:
        """Hits by layer, misses by reason, entries and index figures (one ns or all)."""
        self._check_open()
        if namespace is not None:
            return self._ns_stats(validate_namespace(namespace))
        names = sorted(set(self.store.namespaces(TABLE)) | set(self._counts.names()))
        per = {ns: self._ns_stats(ns) for ns in names}
        total: dict[str, Any] = {}
        reasons: dict[str, int] = {}
        for st in per.values():
            for k, v in st.as_dict().items():
                if isinstance(v, (int, float)) and not isinstance(v, bool) and "rate" not in k:
                    total[k] = total.get(k, 0) + v
            for r, n in st.miss_reasons.items():
                reasons[r] = reasons.get(r, 0) + n
        total["partitions"] = len(self._spaces.spaces())
        total["index_bytes"] = self._spaces.nbytes()
        return SemanticStats(**total, miss_reasons=reasons, namespaces=per)

    def _ns_stats(self, ns: str) -> SemanticStats:
        info = self.store.info(TABLE, ns)
        counts, reasons = self._counts.get(ns)
        spaces = self._spaces.spaces(ns)
        return SemanticStats(
            hits=counts["exact_hits"] + counts["semantic_hits"],
            misses=counts["misses"],
            sets=counts["sets"],
            deletes=counts["deletes"],
            errors=counts["errors"],
            evictions=info.evictions,
            expirations=info.expirations,
            entries=info.entries,
            bytes=info.bytes,
            exact_hits=counts["exact_hits"],
            semantic_hits=counts["semantic_hits"],
            miss_reasons=reasons,
            index_entries=sum(len(s.index) for s in spaces),
            tombstones=sum(s.index.tombstones for s in spaces),
            index_bytes=sum(s.nbytes for s in spaces),
            partitions=len(spaces),
        )

    def health(self) -> dict[str, Any]:
        """Store reachable, index in sync with it (per-namespace counts), sizes."""
        out: dict[str, Any] = {
            "closed": self._closed,
            "mode": self.multi_process_mode,
            "store": {"url": self.store.url, "reachable": True, "error": None},
            "index": self._spaces.summary(),
        }
        out["index"]["dtype"] = self.vector_dtype
        out["index"]["dim"] = self._dim
        out["index"]["saved_to"] = None if self._index_dir is None else str(self._index_dir.path)
        in_sync = True
        lagging: list[str] = []
        if self._closed:
            out["store"]["reachable"] = False
            out["store"]["error"] = "closed"
            in_sync = False
        else:
            try:
                names = set(self.store.namespaces(TABLE)) | set(self._spaces.namespaces())
                entries = 0
                for ns in sorted(names):
                    n = self.store.info(TABLE, ns).entries
                    entries += n
                    if n != self._spaces.live(ns):
                        in_sync = False
                        lagging.append(ns)
                out["entries"] = entries
                out["namespaces"] = len(names)
            except CacheError as exc:
                out["store"]["reachable"] = False
                out["store"]["error"] = str(exc)
                in_sync = False
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
        self._spaces.join_builds()
        with self._wlock:
            self._check_open()
            problems = list(self.store.check(fix=fix))
            now = self._clock()
            tol = {"float32": 1e-4, "float16": 2e-3, "int8": 2e-2}[self.vector_dtype]
            names = set(self.store.namespaces(TABLE)) | set(self._spaces.namespaces())
            for ns in sorted(names):
                if self.multi_process_mode == "shared":  # others' writes are not lag
                    self._sync(ns)
                problems += self._check_namespace(ns, now, tol, fix)
            return problems

    def _check_namespace(self, ns: str, now: float, tol: float, fix: bool) -> list[str]:
        problems: list[str] = []
        stored: dict[str, Entry] = {}
        entry: Entry | None
        corrupt: list[str] = []
        for batch in self.store.scan(TABLE, ns):
            for item in batch:
                try:
                    entry = decode_entry(item.value, ns, item.key, self._dim)
                except CorruptEntryError as exc:
                    problems.append(f"{ns}/{item.key[:12]}: corrupt entry ({exc})")
                    corrupt.append(item.key)
                    continue
                if (
                    entry_key(
                        entry.scope, normalize_text(entry.query) if self.normalize else entry.query
                    )
                    != item.key
                ):
                    problems.append(f"{ns}/{item.key[:12]}: key does not match its query and scope")
                if item.expires_at != entry.expires_at:
                    problems.append(f"{ns}/{item.key[:12]}: store expiry differs from the entry's")
                if not entry.expired(now):
                    stored[item.key] = entry
        indexed: dict[str, tuple[Any, int]] = {}
        for key, space, row in self._spaces.entries(ns):
            if float(space.exps[row]) > now:
                indexed[key] = (space, row)
        repair: list[str] = []
        for key, (space, row) in indexed.items():
            entry = stored.get(key)
            if entry is None:
                problems.append(f"{ns}/{key[:12]}: in the index but not live in the store")
                repair.append(key)
                continue
            if int(space.wids[row]) != entry.write_id or space.scope != entry.scope:
                problems.append(f"{ns}/{key[:12]}: index row is from another write or scope")
                repair.append(key)
                continue
            want = unit_rows(entry.vector.reshape(1, -1))[0]
            got = space.index.get(np.array([row], dtype=np.int64))[0]
            if float(np.max(np.abs(got - want))) > tol:
                problems.append(f"{ns}/{key[:12]}: index vector differs from the stored one")
                repair.append(key)
        missing = [k for k in stored if k not in indexed]
        for key in missing:
            problems.append(f"{ns}/{key[:12]}: live in the store but missing from the index")
        mapped, live = self._spaces.mapped(ns), self._spaces.live(ns)
        if mapped != live:
            problems.append(f"{ns}: key map holds {mapped} keys, the index {live} rows")
        if fix and (corrupt or repair or missing or problems):
            if corrupt:
                self.store.delete_many(TABLE, ns, corrupt)
            self._rebuild(ns)
        return problems

    # -- lifecycle ---------------------------------------------------------------------

    def close(self) -> None:
        """Save the index (when it has a place on disk) and close the store if we opened it."""
        if self._closed:
            return
        self._spaces.join_builds()
        with self._wlock:
            if self._closed:
                return
            try:
                self._save_locked()
            except Exception:
                log.exception("could not save the index; it will be rebuilt from the store")
            self._closed = True
            self._recent.clear()
            if self._owns_store:
                self.store.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(store={self.store!r}, backend={self.index_backend!r}, "
            f"dtype={self.vector_dtype!r}, mode={self.multi_process_mode!r})"
        )
