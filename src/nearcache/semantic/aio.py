"""``AsyncSemanticCache``: the semantic cache for asyncio, on the same core.

``get``/``lookup``/``put``/``put_many`` run the very flows of :class:`SemanticCache`
through :func:`nearcache._flow.run_async`: the embedder is awaited (a sync embedder runs
in a thread) and every store or index step runs in a worker thread, so the event loop
never blocks. Every other method is a thread offload of the same core method; no cache
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
import os
from typing import Any, ClassVar, NoReturn

from ..errors import InvalidTypeError
from .checkpoint import Limits
from .core import SemanticCore
from .freshonly import fresh_only
from .front import SemanticFront, drive_async, offload
from .restore import restore

__all__ = ["AsyncSemanticCache"]


class AsyncSemanticCache(SemanticFront):
    """Async twin of :class:`~nearcache.semantic.cache.SemanticCache` (same arguments).

    ``embedder`` may be an ``AsyncEmbedder`` (awaited) or a sync ``Embedder`` (run in a
    thread). Use ``async with`` or ``await cache.close()``. Inside a running loop, make it
    with ``await AsyncSemanticCache.create(...)`` (the constructor reads the store).
    """

    _asynchronous: ClassVar[bool] = True

    get = drive_async(SemanticCore.get_flow)
    lookup = drive_async(SemanticCore.lookup_flow)
    put = drive_async(SemanticCore.put_flow)
    put_many = drive_async(SemanticCore.put_many_flow)
    explain = drive_async(SemanticCore.explain_flow)
    feedback = offload(SemanticCore.feedback)
    reset_feedback = offload(SemanticCore.reset_feedback)
    delete = offload(SemanticCore.delete)
    vacuum = offload(SemanticCore.vacuum)
    compact = offload(SemanticCore.compact)
    clear_namespace = offload(SemanticCore.clear_namespace)
    clear = offload(SemanticCore.clear)
    list_namespaces = offload(SemanticCore.list_namespaces)
    requantize = offload(SemanticCore.requantize)
    save_index = offload(SemanticCore.save_index)
    dumps = offload(SemanticCore.dumps)
    stats = offload(SemanticCore.stats)
    health = offload(SemanticCore.health)
    check = offload(SemanticCore.check)
    close = offload(SemanticCore.close)

    def __enter__(self) -> NoReturn:
        """Refused with the fix: Python's own error ("does not support the context manager
        protocol") does not say that ``async with`` is the protocol this cache supports."""
        raise InvalidTypeError(
            "use `async with AsyncSemanticCache(...) as cache:` (or `await cache.close()`); "
            "a plain `with` is SemanticCache's"
        )

    def __exit__(self, *exc: object) -> None:
        """Never reached (``__enter__`` refuses); ``with`` needs both to reach the refusal."""

    async def __aenter__(self) -> AsyncSemanticCache:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @classmethod
    async def create(cls, *args: Any, **kwargs: Any) -> AsyncSemanticCache:
        """``AsyncSemanticCache(*args, **kwargs)`` made in a worker thread: the constructor
        reads the store (the embedder's record, the saved index or every entry to rebuild
        it), which inside a running loop would block it for as long as that takes."""
        cache: AsyncSemanticCache = await asyncio.to_thread(cls, *args, **kwargs)
        return cache

    @fresh_only
    async def loads(
        cls: type[AsyncSemanticCache],
        /,
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
