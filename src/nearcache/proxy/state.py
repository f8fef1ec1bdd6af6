"""``ProxyState``: the caches, the upstream client and the metrics of one running app.

Cache calls are blocking (a store round trip, sometimes an embedder call), so each one
runs in a worker thread with one hop (``asyncio.to_thread``), never on the event loop.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections.abc import Awaitable, Mapping
from typing import Any

import numpy as np

from ..embedding.cache import EmbeddingCache
from ..errors import (
    EmbeddingAPIError,
    InvalidVectorError,
    NearcacheError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..kv.cache import Cache
from ..semantic.cache import SemanticCache
from ..semantic.types import Hit, Miss
from .config import ProxyConfig
from .controls import Controls
from .http import ProxyHTTPError, UpstreamClient, bearer_token, credentials
from .inflight import InFlight, Write
from .keys import RequestKey, exact_key, make_hit_id, tenant_of, upstream_id
from .metrics import ProxyMetrics
from .opening import exact_only_embedder, open_store

__all__ = ["ProxyState"]

log = logging.getLogger("nearcache.proxy")


_MODES = {True: "shared", False: "single", None: "auto"}
#: Key/value cache names of exact-only answers: ``nearcache-proxy-exact/<namespace>``.
EXACT_PREFIX = "nearcache-proxy-exact/"
#: Longest a lookup waits for the writes in flight in its scope.
_WRITE_WAIT = 5.0


class ProxyState:
    """Everything the request handlers share; built when the app starts."""

    def __init__(self, config: ProxyConfig) -> None:
        self.config = config
        self.metrics = ProxyMetrics(config.prices)
        self.upstream = upstream_id(config.upstream)
        self.store, self._owns_store = open_store(config.store)
        try:
            self.semantic = SemanticCache(store=self.store, **self._semantic_kwargs())
            self.embeddings = EmbeddingCache(
                self.store, normalize=False, default_ttl=config.default_ttl
            )
        except BaseException:
            if self._owns_store:
                self.store.close()
            raise
        self._client: UpstreamClient | None = None
        #: Longer last messages are keyed exactly (the cache refuses them as queries).
        self.max_query_bytes = int(config.semantic_options.get("max_query_bytes", 32768))
        self.inflight = InFlight()
        #: Exact-only answers (the key is the whole request) live in key/value caches,
        #: one per namespace: they need no vector and no index.
        self._exact: dict[str, Cache] = {}
        self._exact_lock = threading.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        #: The store refused this worker's last write (full, or read-only): answers are
        #: served but not stored until a write succeeds again (``/healthz``).
        self.writes_refused = False

    async def start(self) -> None:
        """Open the upstream client. It is made here, on the server's running loop, not
        in ``__init__`` (which runs in a worker thread): an aiohttp session belongs to
        the loop it was made on."""
        c = self.config
        self._client = UpstreamClient(
            c.upstream,
            timeout=c.timeout,
            connect_timeout=c.connect_timeout,
            max_connections=c.max_connections,
        )

    @property
    def client(self) -> UpstreamClient:
        if self._client is None:
            raise RuntimeError("the proxy's upstream client is opened when the app starts")
        return self._client

    def _semantic_kwargs(self) -> dict[str, Any]:
        c = self.config
        kwargs: dict[str, Any] = {
            "embedder": c.embedder if c.semantic else exact_only_embedder(),
            # Byte-exact keys: whitespace is meaningful in code and prompts.
            "normalize": False,
            "default_ttl": c.default_ttl,
            "max_entries": c.max_entries,
            "metrics_hook": self.metrics.cache_hook,
            "multi_process_mode": _MODES[c.multi_process],
            "stale_check_interval": c.stale_check_interval,
        }
        if c.similarity_threshold is not None:
            kwargs["similarity_threshold"] = c.similarity_threshold
        if c.judge is not None and "judge" in inspect.signature(SemanticCache.__init__).parameters:
            kwargs["judge"] = c.judge
        kwargs.update(c.semantic_options)
        return kwargs

    async def aclose(self) -> None:
        if self._tasks:  # answers already sent but not yet written
            await asyncio.wait(list(self._tasks), timeout=_WRITE_WAIT)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        await asyncio.to_thread(self._close_caches)

    def _close_caches(self) -> None:
        closers = [self.semantic.close, self.embeddings.close]
        closers += [cache.close for cache in self._exact.values()]
        for closer in closers:
            try:
                closer()
            except Exception:
                log.exception("closing a cache failed")
        if self._owns_store:
            self.store.close()

    # -- who is asking ---------------------------------------------------------------

    def tenant(self, headers: Mapping[str, str]) -> str:
        """The caller's tenant id; a 401 when the proxy checks client keys and this one
        is not listed."""
        keys = self.config.client_keys
        if keys is not None:
            token = bearer_token(headers)
            label = None if token is None else keys.tenant_of(token)
            if token is None:  # said apart, as OpenAI does: the client sent no key at all
                raise ProxyHTTPError(
                    401,
                    "You didn't provide an API key: this proxy accepts only its client keys, "
                    "sent as Authorization: Bearer KEY (the openai client's api_key)",
                    code="invalid_api_key",
                    kind="invalid_request_error",
                )
            if label is None:
                raise ProxyHTTPError(
                    401,
                    "Incorrect API key provided: this proxy accepts only its client keys",
                    code="invalid_api_key",
                    kind="invalid_request_error",
                )
            if self.config.share_across_keys:
                return "shared"
            return tenant_of([token], label=label or None)
        if self.config.share_across_keys:
            return "shared"
        return tenant_of(credentials(headers))

    # -- the semantic cache ----------------------------------------------------------

    async def lookup(self, key: RequestKey, controls: Controls) -> Hit | Miss:
        """Look ``key`` up; an entry older than ``max-age`` is a miss (reason ``max_age``)."""
        scope = _scope_key(key, controls.namespace)
        result: Hit | Miss | None = self.inflight.exact(scope, key.query)
        if result is None:
            # Taken before the lookup: a write that lands while the lookup runs may be
            # missed by it, and is then looked at again (its wait returns at once).
            writes = self.inflight.writes(scope) if key.semantic else []
            result = await self._lookup_store(key, controls)
            if isinstance(result, Miss) and writes:
                result = await self._after_writes(key, controls, writes, result)
        if (
            isinstance(result, Hit)
            and controls.max_age is not None
            and time.time() - result.created_at > controls.max_age
        ):
            return Miss("max_age", controls.namespace, result.similarity, result.embedding)
        return result

    async def _after_writes(
        self, key: RequestKey, controls: Controls, writes: list[Write], miss: Miss
    ) -> Hit | Miss:
        """A miss while answers of the same scope are being written: if one of them is
        close to this question, wait for its write and look again."""
        if miss.reason in ("store_error", "error", "too_large"):
            return miss
        if miss.embedding is None:  # the scope was empty: the writes are its first entries
            vector = await self.embed_query(key, miss)
            miss = Miss(miss.reason, miss.namespace, miss.similarity, vector)
        floor = self.semantic.similarity_threshold
        waits = await self.inflight.near(writes, miss.embedding, floor, _WRITE_WAIT)
        if not waits:
            return miss
        await asyncio.wait(waits, timeout=_WRITE_WAIT)
        return await self._lookup_store(key, controls)

    async def _lookup_store(self, key: RequestKey, controls: Controls) -> Hit | Miss:
        if not key.semantic:
            return await self._lookup_exact(key, controls.namespace)
        try:
            return await asyncio.to_thread(
                self.semantic.lookup,
                key.query,
                namespace=controls.namespace,
                context=key.context,
            )
        except NearcacheError as exc:  # e.g. a query over the byte cap: just not cached
            log.warning("lookup failed, forwarding: %s", exc)
            return Miss("error", controls.namespace)

    def exact_cache(self, namespace: str) -> Cache:
        """The key/value cache of ``namespace``'s exact-only answers."""
        cache = self._exact.get(namespace)
        if cache is None:
            with self._exact_lock:
                cache = self._exact.get(namespace)
                if cache is None:
                    cache = Cache(
                        EXACT_PREFIX + namespace,
                        self.store,
                        default_ttl=self.config.default_ttl,
                        max_entries=self.config.max_entries,
                    )
                    self._exact[namespace] = cache
        return cache

    async def _lookup_exact(self, key: RequestKey, namespace: str) -> Hit | Miss:
        """One key/value read; a miss during a store outage is reason ``store_error``."""
        value = await asyncio.to_thread(self.exact_cache(namespace).get, exact_key(key))
        if not isinstance(value, list) or len(value) != 3:
            reason = "not_found" if await self.store_ok() else "store_error"
            return Miss(reason, namespace)
        created, body, metadata = value
        return Hit(
            response=body,
            layer="exact",
            similarity=1.0,
            confidence=1.0,
            matched_query=key.query,
            namespace=namespace,
            metadata=metadata,
            created_at=float(created),
            expires_at=None,
        )

    def put_soon(
        self,
        key: RequestKey,
        body: bytes,
        metadata: dict[str, Any],
        controls: Controls,
        embedding: Awaitable[Any],
    ) -> None:
        """Write an answer in the background: the caller does not wait for the store.

        Until it is written, an identical request is answered from memory and a close
        question in the same scope waits for it (see :mod:`nearcache.proxy.inflight`).
        """
        scope = _scope_key(key, controls.namespace)
        hit = Hit(
            response=body,
            layer="exact",
            similarity=1.0,
            confidence=1.0,
            matched_query=key.query,
            namespace=controls.namespace,
            metadata=metadata,
            created_at=time.time(),
            expires_at=None,
        )
        vector = asyncio.ensure_future(embedding)
        write = self.inflight.add(scope, key.query, hit, vector)

        async def run() -> None:
            try:
                if not await self.put(key, body, metadata, controls, await vector):
                    self.metrics.store_errors.labels(key.context["route"]).inc()
            finally:
                self.inflight.finish(scope, key.query, write)

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def put(
        self,
        key: RequestKey,
        body: bytes,
        metadata: dict[str, Any],
        controls: Controls,
        embedding: Any,
    ) -> bool:
        """Store an answer; False when the store is unreachable or refuses the write
        (full: a Redis past ``maxmemory``), both counted as store errors (never raises)."""
        try:
            if not key.semantic:
                cache = self.exact_cache(controls.namespace)
                value = [time.time(), body, metadata]
                await asyncio.to_thread(cache.set, exact_key(key), value, controls.ttl)
            else:
                await asyncio.to_thread(
                    self.semantic.put,
                    key.query,
                    body,
                    embedding=embedding,
                    namespace=controls.namespace,
                    metadata=metadata,
                    ttl=controls.ttl,
                    context=key.context,
                )
            self.writes_refused = False
        except StoreUnavailableError as exc:
            log.warning("store unavailable, the answer was not stored: %s", exc)
            return False
        except StoreWriteError as exc:  # it was an INFO line, counted nowhere
            self.writes_refused = True
            log.warning("the store refused the write, the answer was not stored: %s", exc)
            return False
        except (EmbeddingAPIError, InvalidVectorError) as exc:
            # the embedder fails (another dimension than it declares, an API refusing
            # it): no answer is stored until it is fixed, which the operator must see
            log.warning("answer not stored: the embedder failed: %s", exc)
        except NearcacheError as exc:  # too large, quota 0, ...: served, not stored
            log.info("answer not stored: %s", exc)
        return True

    def hit_id(self, hit: Hit, key: RequestKey, tenant: str) -> str:
        """``X-Nearcache-Hit-Id`` of a hit (see :func:`~nearcache.proxy.keys.make_hit_id`)."""
        if not key.semantic:  # a key/value entry: its cache name and key digest
            return make_hit_id(EXACT_PREFIX + hit.namespace, exact_key(key), tenant, kind="kv")
        entry = getattr(hit, "key", None)
        if not entry:  # served from memory while being written: the key it will have
            from ..semantic.record import entry_key, scope_of

            entry = entry_key(scope_of(key.context), hit.matched_query)
        kind = "semantic" if hit.layer == "semantic" else "exact"
        return make_hit_id(hit.namespace, str(entry), tenant, kind=kind, score=hit.confidence)

    async def embed_query(self, key: RequestKey, miss: Hit | Miss | None) -> Any:
        """The query vector for a later put, computed while the upstream works."""
        if not key.semantic:
            return None
        if isinstance(miss, Miss) and miss.embedding is not None:
            return miss.embedding
        try:
            mat = await asyncio.to_thread(self.semantic.embedder.embed, [key.query])
            return np.asarray(mat, dtype=np.float32)[0]
        except Exception as exc:  # the put embeds again (and degrades) if this failed
            log.warning("embedding the query failed: %r", exc)
            return None

    async def store_ok(self) -> bool:
        """True if the store answers a read."""
        try:
            await asyncio.to_thread(self.store.get_meta, "hash_algorithm")
            return True
        except StoreUnavailableError:
            return False

    async def store_health(self) -> str:
        """``unavailable`` if the store does not answer a read, ``read_only`` if it
        answers but refused this worker's last write (a Redis past ``maxmemory``, a
        read-only replica), else ``ok``."""
        if not await self.store_ok():
            return "unavailable"
        return "read_only" if self.writes_refused else "ok"


def _scope_key(key: RequestKey, namespace: str) -> tuple[Any, ...]:
    return (namespace, *sorted(key.context.items()))
