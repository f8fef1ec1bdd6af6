"""What the sync and the async semantic cache share: the constructor and plain attributes.

:class:`~.cache.SemanticCache` and :class:`~.aio.AsyncSemanticCache` are siblings over one
:class:`~.core.SemanticCore` (as httpx's ``Client``/``AsyncClient`` over a shared base).
Their methods are made from the core's by the small adapters below -- a flow driven by
``run_sync`` or ``run_async``, a plain call or a thread offload -- so each operation is
written once, with its signature and docstring, in the core.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import Any, ClassVar, Concatenate, NoReturn, ParamSpec, TypeVar

from .._flow import Embed, run_async, run_sync
from ..clock import Clock
from ..embedding.cache import EmbeddingCache
from ..errors import InvalidTypeError
from ..judge import Judge
from ..stores.protocol import Store
from ..unknownopts import CACHE_PEERS, THRESHOLD_PEERS, unknown_options
from .config import SemanticConfig
from .core import SemanticCore
from .lookup import Pending
from .types import Hit, MetricEvent

__all__ = [
    "PEER_NAMES",
    "SemanticFront",
    "call",
    "drive",
    "drive_async",
    "drive_lookup",
    "drive_put",
    "offload",
]

_BY_ENTRIES = "max_entries: a semantic cache is bounded by entries, not bytes"
#: What GPTCache, RedisVL, LangChain, cachetools and diskcache call the same settings.
PEER_NAMES = {
    **CACHE_PEERS,
    **THRESHOLD_PEERS,
    "embedding": "embedder",
    "embeddings": "embedder",
    "embedding_func": "embedder",
    "vectorizer": "embedder",
    "redis_url": "store=nearcache.open_store(url)",
    "url": "store=nearcache.open_store(url)",
    "dtype": "vector_dtype",
    # CACHE_PEERS' max_bytes is the kv and embedding caches' budget; this cache has none
    "size_limit": _BY_ENTRIES,
    "max_bytes": _BY_ENTRIES,
}


P = ParamSpec("P")
R = TypeVar("R")


_Flow = Callable[Concatenate[SemanticCore, P], Generator[Embed, Any, R]]


class SemanticFront:
    """Constructor and attributes of both semantic caches (see ``SemanticCache``)."""

    _asynchronous: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Name each method made from a core function after the cache's class and the
        method (``SemanticCache.put``): a wrong call said "WriteMixin.put_flow() missing
        1 required positional argument", naming the insides."""
        super().__init_subclass__(**kwargs)
        for name, attr in vars(cls).items():
            if getattr(attr, _ADOPTED, None) is not None:
                attr.__name__, attr.__qualname__ = name, f"{cls.__name__}.{name}"

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        embedder: Any = None,
        *,
        store: Store | None = None,
        similarity_threshold: float | None = None,
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
        multi_process_mode: str = "auto",
        stale_check_interval: float = 0.0,
        max_query_bytes: int = 32768,
        max_response_bytes: int = 4 * 1048576,
        max_metadata_bytes: int = 65536,
        embedding_cache: EmbeddingCache | None = None,
        top_k: int = 4,
        clock: Clock | None = None,
        fail_open: bool = False,
        judge: Judge | str | None = "default",
        max_false_hit_rate: float | None = None,
        hot_entries: int = 4096,
        hot_bytes: int = 32 * 1048576,
        **unknown: NoReturn,  # a type checker refuses any; at run time, named with a hint
    ) -> None:
        if unknown:
            known = inspect.signature(SemanticFront.__init__).parameters
            raise unknown_options(type(self).__name__, unknown, known, PEER_NAMES)
        config = SemanticConfig.build(
            similarity_threshold=similarity_threshold,
            default_ttl=default_ttl,
            max_entries=max_entries,
            namespace_quotas=namespace_quotas,
            confidence_fn=confidence_fn,
            validator=validator,
            metrics_hook=metrics_hook,
            normalize=normalize,
            index_backend=index_backend,
            index_options=index_options,
            vector_dtype=vector_dtype,
            multi_process_mode=multi_process_mode,
            stale_check_interval=stale_check_interval,
            max_query_bytes=max_query_bytes,
            max_response_bytes=max_response_bytes,
            max_metadata_bytes=max_metadata_bytes,
            embedding_cache=embedding_cache,
            top_k=top_k,
            fail_open=fail_open,
            judge=judge,
            max_false_hit_rate=max_false_hit_rate,
            hot_entries=hot_entries,
            hot_bytes=hot_bytes,
        )
        self._core = SemanticCore(
            config, path, embedder, store=store, clock=clock, asynchronous=self._asynchronous
        )

    @property
    def config(self) -> SemanticConfig:
        """The validated settings (read-only; change the threshold with its setter)."""
        return self._core.config

    @property
    def similarity_threshold(self) -> float:
        """The similarity floor: candidates below it are never judged."""
        return self._core.similarity_threshold

    @property
    def judge(self) -> Judge | None:
        """The judge every semantic candidate passes (None: cosine alone)."""
        return self._core.config.judge

    def set_similarity_threshold(self, value: float) -> None:
        """Change the threshold (a number in [-1, 1]; anything else raises ``ValueError``)."""
        self._core.set_similarity_threshold(value)

    @property
    def store(self) -> Store:
        """The store holding the entries."""
        return self._core.store

    @property
    def dim(self) -> int | None:
        """Vector dimension (None until known)."""
        return self._core.dim

    @property
    def vector_dtype(self) -> str:
        """Dtype of new entries' vectors and of the index."""
        return self._core.vector_dtype

    @property
    def multi_process_mode(self) -> str:
        """``"single"`` or ``"shared"``, as resolved for this store."""
        return self._core.multi_process_mode

    @property
    def embedder(self) -> Any:
        """The embedder (the default model is loaded on first use if none was given)."""
        return self._core.embedder

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the embedder the entries belong to: the store's record, else the
        given embedder's ("" while neither is known). Reading it loads no model."""
        return self._core.binding.fingerprint

    @property
    def closed(self) -> bool:
        """True once the cache is closed."""
        return self._core.closed

    def __repr__(self) -> str:
        closed = ", closed=True" if self.closed else ""  # "why does it raise?" shows here
        return f"{type(self).__name__}({self._core!r}{closed})"

    def __contains__(self, query: object) -> bool:
        """Refused: ``q in cache`` is the stored key to a diskcache user and any near
        question the judge serves to a semantic one; neither is guessed."""
        wait = "await " if self._asynchronous else ""
        raise InvalidTypeError(
            f"{type(self).__name__} does not answer `in` (the same question, or a near one "
            f"the judge accepts?): call {wait}cache.get(query) is not None, or "
            f"{wait}cache.lookup(query) for the Miss's reason"
        )


#: The attribute that marks a method made from a core function (the function itself).
_ADOPTED = "_nearcache_core_fn"


def _adopt(method: Callable[..., Any], fn: Callable[..., Any]) -> None:
    """Give ``method`` the docstring and signature of the core's ``fn`` (its name is the
    class's: ``SemanticFront.__init_subclass__``)."""
    functools.update_wrapper(method, fn)
    setattr(method, _ADOPTED, fn)


def _called(
    fn: Callable[..., R],
    method: Callable[..., Any],
    core: SemanticCore,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> R:
    """``fn(core, *args, **kwargs)``; a TypeError because ``args`` and ``kwargs`` do not
    bind to ``fn``'s signature (a wrong call, which Python's words name after the core's
    function) is said of the public ``method`` ("SemanticCache.put_many() missing ...").
    One raised inside ``fn`` goes on as it is. The signature is read only on failure."""
    try:
        return fn(core, *args, **kwargs)
    except TypeError as exc:
        try:
            inspect.signature(fn).bind(None, *args, **kwargs)  # None: the core's place
        except TypeError:
            words = str(exc).removeprefix(f"{fn.__qualname__}()")
            raise TypeError(f"{method.__qualname__}(){words}") from None
        raise


def drive(fn: _Flow[P, R]) -> Callable[Concatenate[SemanticFront, P], R]:
    """A blocking method that runs the core's flow ``fn`` with ``run_sync``."""

    def method(self: SemanticFront, /, *args: P.args, **kwargs: P.kwargs) -> R:
        core = self._core
        return run_sync(_called(fn, method, core, args, kwargs), core.embed_texts)

    _adopt(method, fn)
    return method


def drive_put(fn: _Flow[P, None]) -> Callable[Concatenate[SemanticFront, P], None]:
    """The blocking ``put``: ``put_flow``'s steps (``SemanticCore.put_start``, the query's
    vector, ``put_finish``) as plain calls, so a single put drives no generator."""

    def method(
        self: SemanticFront,
        query: str,
        response: Any,
        *,
        embedding: Any = None,
        namespace: str = "default",
        metadata: dict[str, Any] | None = None,
        ttl: float | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        core = self._core
        args = core.put_start(query, response, embedding, namespace, metadata, ttl, context)
        vec, unit = args.vector, None
        if vec is None:
            vec, unit = core.vectors.one(core.embedder, args.text, core.dim, core.embed_texts)
        core.put_finish(args, vec, unit)

    _adopt(method, fn)
    return method  # type: ignore[return-value]


def drive_lookup(fn: _Flow[P, R], *, hits_only: bool) -> Callable[Concatenate[SemanticFront, P], R]:
    """A blocking lookup (``fn``: ``get_flow`` or ``lookup_flow``) that settles the exact
    layer with plain calls (``SemanticCore.lookup_start``) and drives a flow only for the
    semantic layer: an exact hit, the commonest answer, then costs no generator."""

    def method(
        self: SemanticFront,
        query: str,
        *,
        embedding: Any = None,
        namespace: str = "default",
        bypass: bool = False,
        context: Mapping[str, Any] | None = None,
    ) -> Any:
        core = self._core
        result = core.lookup_start(query, embedding, namespace, bypass, context)
        if type(result) is Pending:
            result = run_sync(core.semantic_flow(result), core.embed_texts)
        return result if not hits_only or type(result) is Hit else None

    _adopt(method, fn)
    return method  # type: ignore[return-value]


def drive_async(fn: _Flow[P, R]) -> Callable[Concatenate[SemanticFront, P], Awaitable[R]]:
    """A coroutine method that runs the core's flow ``fn`` with ``run_async``."""

    async def method(self: SemanticFront, /, *args: P.args, **kwargs: P.kwargs) -> R:
        flow = _called(fn, method, self._core, args, kwargs)
        return await run_async(flow, _embedder_of(self._core))

    _adopt(method, fn)
    return method


def _embedder_of(core: SemanticCore) -> Callable[[list[str]], Awaitable[Any]]:
    async def embed(texts: list[str]) -> Any:
        emb = core.loaded_embedder
        if emb is None:  # loading the default model reads files: not on the event loop
            emb = await asyncio.to_thread(lambda: core.embedder)
        if inspect.iscoroutinefunction(emb.embed):
            return await emb.embed(texts)
        return await asyncio.to_thread(emb.embed, texts)

    return embed


def call(
    fn: Callable[Concatenate[SemanticCore, P], R],
) -> Callable[Concatenate[SemanticFront, P], R]:
    """A blocking method that calls the core's ``fn``."""

    def method(self: SemanticFront, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return _called(fn, method, self._core, args, kwargs)

    _adopt(method, fn)
    return method


def offload(
    fn: Callable[Concatenate[SemanticCore, P], R],
) -> Callable[Concatenate[SemanticFront, P], Awaitable[R]]:
    """A coroutine method that runs the core's ``fn`` in a worker thread."""

    async def method(self: SemanticFront, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(_called, fn, method, self._core, args, kwargs)

    _adopt(method, fn)
    return method
