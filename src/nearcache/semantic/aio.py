"""``AsyncSemanticCache``: the semantic cache for asyncio, on the same core.

``get``/``lookup``/``put`` run the very flows of :class:`SemanticCache` through
:func:`nearcache._flow.run_async`: the embedder is awaited (a sync embedder runs in a
thread) and every store or index step runs in a worker thread, so the event loop never
blocks. The other methods are one-line thread offloads of the core's methods; no cache
logic lives here.

>>> import asyncio, numpy as np
>>> from nearcache import AsyncFunctionEmbedder, AsyncSemanticCache
>>> async def embed(texts):
...     return np.array([[1.0, len(t) % 7, 1.0] for t in texts])
>>> async def main():
...     async with AsyncSemanticCache(embedder=AsyncFunctionEmbedder(embed, 3, "toy")) as cache:
...         await cache.put("hello there", "hi")
...         return (await cache.get("hello  there")).response
>>> asyncio.run(main())
'hi'
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Mapping
from typing import Any

from .._flow import run_async
from .cache import restore
from .checkpoint import Limits
from .core import SemanticCore
from .types import Hit, Miss, SemanticStats

__all__ = ["AsyncSemanticCache"]


class AsyncSemanticCache:
    """Async twin of :class:`~nearcache.semantic.cache.SemanticCache` (same arguments).

    ``embedder`` may be an ``AsyncEmbedder`` (awaited) or a sync ``Embedder`` (run in a
    thread). Use ``async with`` or ``await cache.close()``.
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, embedder: Any = None, **kwargs: Any
    ) -> None:
        self._core = SemanticCore(path, embedder, _async=True, **kwargs)

    # -- flows -----------------------------------------------------------------------

    async def get(
        self,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Hit | None:
        """The cached answer for ``query``, or None (see ``SemanticCache.get``)."""
        result = await self.lookup(
            query, embedding=embedding, namespace=namespace, bypass=bypass, context=context
        )
        return result if isinstance(result, Hit) else None

    async def lookup(
        self,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Hit | Miss:
        """Like ``get`` but a miss says why and carries the query vector."""
        flow = self._core._lookup_flow(query, embedding, namespace, bypass, context)
        return await run_async(flow, self._embed)  # type: ignore[no-any-return]

    async def put(
        self,
        query: str,
        response: Any,
        *,
        embedding: Any = None,
        namespace: str = "default",
        metadata: dict[str, Any] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        """Store ``response`` for ``query`` (see ``SemanticCache.put``)."""
        flow = self._core._put_flow(query, response, embedding, namespace, metadata, ttl, context)
        await run_async(flow, self._embed)

    async def _embed(self, texts: list[str]) -> Any:
        emb = self._core._embedder
        if emb is None:
            emb = await asyncio.to_thread(lambda: self._core.embedder)
        fn = emb.embed
        if inspect.iscoroutinefunction(fn):
            return await fn(texts)
        return await asyncio.to_thread(fn, texts)

    # -- thread offloads of the core ---------------------------------------------------

    async def delete(
        self, query: str, *, namespace: str = "default", context: Mapping[str, Any] | None = None
    ) -> bool:
        return await asyncio.to_thread(
            self._core.delete, query, namespace=namespace, context=context
        )

    async def vacuum(self, *, namespace: str | None = None, compact: bool = True) -> int:
        return await asyncio.to_thread(self._core.vacuum, namespace=namespace, compact=compact)

    async def compact(self) -> int:
        return await asyncio.to_thread(self._core.compact)

    async def clear_namespace(self, namespace: str) -> int:
        return await asyncio.to_thread(self._core.clear_namespace, namespace)

    async def clear(self) -> int:
        return await asyncio.to_thread(self._core.clear)

    async def list_namespaces(self) -> list[str]:
        return await asyncio.to_thread(self._core.list_namespaces)

    async def requantize(self, dtype: str) -> None:
        await asyncio.to_thread(self._core.requantize, dtype)

    async def stats(self, namespace: str | None = None) -> SemanticStats:
        return await asyncio.to_thread(self._core.stats, namespace)

    async def health(self) -> dict[str, Any]:
        return await asyncio.to_thread(self._core.health)

    async def check(self, fix: bool = False) -> list[str]:
        return await asyncio.to_thread(self._core.check, fix)

    async def save_index(self) -> bool:
        return await asyncio.to_thread(self._core.save_index)

    async def dumps(self, dest: str | os.PathLike[str]) -> dict[str, Any]:
        return await asyncio.to_thread(self._core.dumps, dest)

    @classmethod
    async def loads(
        cls,
        source: str | os.PathLike[str],
        path: str | os.PathLike[str] | None = None,
        embedder: Any = None,
        *,
        limits: Limits | None = None,
        **kwargs: Any,
    ) -> AsyncSemanticCache:
        """Restore a checkpoint into a fresh cache (see ``SemanticCache.loads``)."""
        cache: AsyncSemanticCache = await asyncio.to_thread(
            restore, cls, source, path, embedder, limits, kwargs
        )
        return cache

    async def close(self) -> None:
        await asyncio.to_thread(self._core.close)

    async def __aenter__(self) -> AsyncSemanticCache:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- plain attributes ------------------------------------------------------------------

    @property
    def similarity_threshold(self) -> float:
        return self._core.similarity_threshold

    def set_similarity_threshold(self, value: float) -> None:
        self._core.set_similarity_threshold(value)

    @property
    def store(self) -> Any:
        return self._core.store

    @property
    def dim(self) -> int | None:
        return self._core.dim

    def __repr__(self) -> str:
        return f"AsyncSemanticCache({self._core!r})"
