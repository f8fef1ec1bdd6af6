"""LangChain integrations (the ``[langchain]`` extra).

* :class:`CachedEmbeddings` wraps any LangChain ``Embeddings`` so documents and queries
  are embedded once, sync or async, in any nearcache store. Unlike LangChain's
  ``CacheBackedEmbeddings`` it stores raw float32 vectors (not JSON), batches lookups in
  one round trip, and embeds concurrent misses on the same text once.
* :class:`NearcacheLLMCache` is a LangChain ``BaseCache`` (``set_llm_cache(...)``) over
  :class:`~nearcache.SemanticCache`: an exact layer, then a semantic layer. Each entry
  is scoped by LangChain's ``llm_string`` (model and parameters) through the semantic
  cache's ``context=``, so an answer never crosses models or settings.

Generations are stored as LangChain's own JSON serialization (never pickle) and read back
with an allow-list of generation and message classes only.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import os
from typing import Any, NoReturn

import numpy as np

from ..embedders.protocol import (
    AsyncFunctionEmbedder,
    FunctionEmbedder,
    check_model_name,
    not_texts,
)
from ..embedding.cache import EmbeddingCache
from ..embedding.cached_embedder import AsyncCachedEmbedder, CachedEmbedder
from ..errors import InvalidInputError, InvalidTypeError, MissingExtraError
from ..keys import validate_namespace
from ..policy import check_ttl
from ..stores.protocol import Store
from ..unknownopts import unknown_options
from .lcgenerations import dumps_generations, loads_generations
from .lcprompts import prompt_key

try:
    from langchain_core.caches import BaseCache
    from langchain_core.embeddings import Embeddings
except ImportError as exc:  # pragma: no cover - exercised without the extra
    raise MissingExtraError(
        "langchain", "langchain-core", "nearcache.integrations.langchain"
    ) from exc

__all__ = ["CachedEmbeddings", "NearcacheLLMCache"]

log = logging.getLogger(__name__)


def _model_name(underlying: Any, model: str | None) -> str:
    if model is not None:
        check_model_name(model, "model")
        return model
    for attr in ("model", "model_name", "model_id", "deployment"):
        value = getattr(underlying, attr, None)
        if isinstance(value, str) and value:
            return value
    raise InvalidInputError(
        f"cannot tell which model {type(underlying).__name__} runs; pass model=... so "
        "vectors of different models never share a cache namespace"
    )


#: What LangChain's ``CacheBackedEmbeddings`` calls its settings, and where each goes.
_LC_NAMES = {
    "namespace": "model=, which names the namespaces",
    "underlying_embeddings": "underlying",
    "document_embedding_cache": "cache",
    "document_embedding_store": "cache",
    "query_embedding_cache": "cache_queries=True",
    "ttl": "cache=EmbeddingCache(default_ttl=...)",
}


def _check_text(text: object) -> None:
    """The query must be one str: the batch check said "texts[0] must be str"."""
    if not isinstance(text, str):
        raise InvalidTypeError(f"text must be str, not {type(text).__name__}")


def _rows(matrix: Any) -> list[list[float]]:
    return np.asarray(matrix, dtype=np.float32).tolist()  # type: ignore[no-any-return]


class CachedEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` that caches another one through nearcache.

    Args:
        underlying: the LangChain embeddings to cache (OpenAIEmbeddings, ...).
        cache: an :class:`~nearcache.EmbeddingCache` (positional too, as LangChain's
            ``CacheBackedEmbeddings`` and nearcache's ``CachedEmbedder`` take theirs); or
            give ``store``/``path`` (default: in memory), and one is made with
            ``fail_open=True``.
        model: the model name (default: the wrapped object's ``model``/``model_name``);
            it names the cache namespaces ``"{provider}.{model}.dense"`` (documents) and
            ``"{provider}.{model}-query.dense"`` (queries, kept apart because some
            models embed queries differently).
        revision: part of the fingerprint; bump it when the model changes under its name.
        dim: the vector size if known (checked on every call); learnt otherwise.
        cache_queries: also cache ``embed_query`` (default True).
        batch_size: most texts per call to the wrapped embeddings.

    >>> from langchain_core.embeddings import DeterministicFakeEmbedding
    >>> emb = CachedEmbeddings(DeterministicFakeEmbedding(size=8), model="fake")
    >>> len(emb.embed_documents(["a", "b", "a"]))
    3
    """

    def __init__(
        self,
        underlying: Embeddings,
        cache: EmbeddingCache | None = None,
        *,
        store: Store | None = None,
        path: str | None = None,
        model: str | None = None,
        provider: str = "langchain",
        revision: str = "",
        dim: int = 0,
        cache_queries: bool = True,
        batch_size: int = 256,
        **unknown: NoReturn,  # a type checker refuses any; at run time, named with a hint
    ) -> None:
        if unknown:
            known = inspect.signature(CachedEmbeddings.__init__).parameters
            raise unknown_options("CachedEmbeddings", unknown, known, _LC_NAMES)
        if not isinstance(underlying, Embeddings):
            raise InvalidTypeError("underlying must be a langchain_core Embeddings")
        if cache is not None and not isinstance(cache, EmbeddingCache):
            hint = ": pass a store as store=" if isinstance(cache, Store) else ""
            raise InvalidTypeError(
                f"cache must be an EmbeddingCache, not {type(cache).__name__}{hint}"
            )
        if cache is not None and (store is not None or path is not None):
            raise InvalidInputError("pass cache, or store/path, not both")
        self.underlying = underlying
        # A cache built here drops its writes during a store outage (logged, counted):
        # the vectors are computed and returned, as when the cache is cold.
        self.cache = (
            cache if cache is not None else EmbeddingCache(store, path=path, fail_open=True)
        )
        self.model = _model_name(underlying, model)
        self.cache_queries = cache_queries
        u = underlying

        def documents(texts: list[str]) -> Any:
            return u.embed_documents(texts)

        def queries(texts: list[str]) -> Any:
            return [u.embed_query(t) for t in texts]

        async def adocuments(texts: list[str]) -> Any:
            return await u.aembed_documents(texts)

        async def aqueries(texts: list[str]) -> Any:
            return list(await asyncio.gather(*(u.aembed_query(t) for t in texts)))

        common: dict[str, Any] = {"revision": revision, "provider": provider}
        qname = f"{self.model}-query"
        self._docs = CachedEmbedder(
            FunctionEmbedder(documents, dim, self.model, **common),
            self.cache,
            batch_size=batch_size,
        )
        self._queries = CachedEmbedder(
            FunctionEmbedder(queries, dim, qname, **common), self.cache, batch_size=batch_size
        )
        self._adocs = AsyncCachedEmbedder(
            AsyncFunctionEmbedder(adocuments, dim, self.model, **common),
            self.cache,
            batch_size=batch_size,
        )
        self._aqueries = AsyncCachedEmbedder(
            AsyncFunctionEmbedder(aqueries, dim, qname, **common),
            self.cache,
            batch_size=batch_size,
        )
        self.namespace = self._docs.namespace
        self.query_namespace = self._queries.namespace

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors for ``texts``; only texts not cached reach the wrapped embeddings."""
        if isinstance(texts, str):  # list("abc") embedded each character
            raise not_texts(texts)
        if not texts:
            return []
        return _rows(self._docs.embed(list(texts)))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({type(self.underlying).__name__}, model={self.model!r}, "
            f"namespace={self.namespace!r}, cache={self.cache!r})"
        )

    def embed_query(self, text: str) -> list[float]:
        _check_text(text)
        if not self.cache_queries:
            return [float(x) for x in self.underlying.embed_query(text)]
        return _rows(self._queries.embed([text]))[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        if isinstance(texts, str):
            raise not_texts(texts)
        if not texts:
            return []
        return _rows(await self._adocs.embed(list(texts)))

    async def aembed_query(self, text: str) -> list[float]:
        _check_text(text)
        if not self.cache_queries:
            return [float(x) for x in await self.underlying.aembed_query(text)]
        return _rows(await self._aqueries.embed([text]))[0]

    def stats(self) -> dict[str, Any]:
        """Per-namespace cache counters (``hits``, ``misses``, ``entries``, ...)."""
        return {ns: self.cache.stats(ns).as_dict() for ns in (self.namespace, self.query_namespace)}


# --------------------------------------------------------------------------- LLM cache


def _sync_call(method: str) -> InvalidTypeError:
    """The refusal of a sync call (``model.invoke``) on a cache over an AsyncSemanticCache."""
    return InvalidTypeError(
        f"NearcacheLLMCache.{method} was called synchronously (model.invoke, generate, "
        f"stream), but this cache wraps an AsyncSemanticCache, which only LangChain's "
        f"async calls (ainvoke, agenerate, astream) can use: call the model with those, "
        f"or wrap a SemanticCache, which serves both (async calls run it in a thread)"
    )


class NearcacheLLMCache(BaseCache):
    """LangChain's LLM cache interface over a nearcache :class:`~nearcache.SemanticCache`.

    Args:
        cache: a ``SemanticCache`` (or ``AsyncSemanticCache``, whose methods the async
            calls then await); by default one is built from ``path``/``store``/
            ``embedder``/``similarity_threshold`` (None: the cache's own default, so
            LangChain answers as the library does) and ``cache_kwargs`` (``fail_open``
            True unless given: a store outage drops the write, never the answer).
        namespace: the semantic cache namespace for LangChain entries; ``clear()``
            empties only this namespace.
        ttl: seconds an answer stays valid (None: the cache's default).

    Every entry is scoped by ``llm_string``: a prompt cached for one model or temperature
    is never served to another, on either layer. A chat model's prompt (the serialized
    conversation) is split as the proxy splits a request: its last human text is the
    query, the rest of the conversation joins the context (``lcprompts``).

    >>> from langchain_core.globals import set_llm_cache   # doctest: +SKIP
    >>> set_llm_cache(NearcacheLLMCache(path="llm-cache.db"))  # doctest: +SKIP
    """

    def __init__(
        self,
        cache: Any = None,
        *,
        path: str | None = None,
        store: Store | None = None,
        embedder: Any = None,
        similarity_threshold: float | None = None,
        namespace: str = "langchain",
        ttl: float | None = None,
        **cache_kwargs: Any,
    ) -> None:
        if cache is not None and (
            isinstance(cache, (str, os.PathLike, EmbeddingCache))
            or not all(hasattr(cache, m) for m in ("get", "put", "clear_namespace"))
        ):
            # it was kept, and the first model call failed inside LangChain with
            # "AttributeError: 'str' object has no attribute 'get'"
            hint = (
                ": pass a file as path= (SQLiteCache's first argument is its file)"
                if isinstance(cache, (str, os.PathLike))
                else ": pass a store as store="
                if isinstance(cache, Store)
                else ""
            )
            raise InvalidTypeError(
                "cache must be a SemanticCache or AsyncSemanticCache, "
                f"not {type(cache).__name__}{hint}"
            )
        building = {
            **cache_kwargs,
            "path": path,
            "store": store,
            "embedder": embedder,
            "similarity_threshold": similarity_threshold,
        }
        if cache is not None and (given := [k for k, v in building.items() if v is not None]):
            # they were dropped: NearcacheLLMCache(cache, similarity_threshold=0.99)
            # served at the given cache's own floor
            raise InvalidInputError(
                f"NearcacheLLMCache got cache= and {', '.join(sorted(given))}: these build "
                "a cache; set them on the SemanticCache you pass, or pass them without cache="
            )
        ttl = check_ttl(ttl)  # checked here: update() runs after the model has answered
        validate_namespace(namespace)
        if cache is None:
            try:
                module = importlib.import_module("nearcache.semantic.cache")
            except ModuleNotFoundError as exc:
                if exc.name != "nearcache.semantic.cache":
                    raise
                raise MissingExtraError(
                    "default", "nearcache.semantic", "NearcacheLLMCache"
                ) from exc
            from ..semantic.front import PEER_NAMES, SemanticFront

            known = {
                *inspect.signature(SemanticFront.__init__).parameters,
                *inspect.signature(NearcacheLLMCache.__init__).parameters,
            } - {"cache_kwargs"}
            if unknown := {k: v for k, v in cache_kwargs.items() if k not in known}:
                raise unknown_options("NearcacheLLMCache", unknown, known, PEER_NAMES)
            if similarity_threshold is not None:  # else the cache's own default
                cache_kwargs["similarity_threshold"] = similarity_threshold
            # a store outage drops the write, so the model's answer still reaches the caller
            cache_kwargs.setdefault("fail_open", True)
            cache = module.SemanticCache(path, embedder, store=store, **cache_kwargs)
        self.cache = cache
        self.namespace = namespace
        self.ttl = ttl
        self._is_async = asyncio.iscoroutinefunction(getattr(cache, "get", None))

    def __repr__(self) -> str:
        ttl = "" if self.ttl is None else f", ttl={self.ttl!r}"
        return f"{type(self).__name__}({self.cache!r}, namespace={self.namespace!r}{ttl})"

    def _key(self, prompt: str, llm_string: str) -> tuple[str, dict[str, str]]:
        """The query and context of a prompt (a chat prompt: its last human text, inside
        the rest of the conversation; see ``lcprompts``)."""
        config = getattr(self.cache, "config", None)
        return prompt_key(prompt, llm_string, getattr(config, "max_query_bytes", 32768))

    def _decode(self, hit: Any) -> list[Any] | None:
        if not hit:
            return None
        response = hit.response
        if not isinstance(response, str):
            return None
        return loads_generations(response)

    def lookup(self, prompt: str, llm_string: str) -> Any:
        """Cached generations for ``prompt`` under ``llm_string``, or None."""
        if self._is_async:
            raise _sync_call("lookup")
        query, context = self._key(prompt, llm_string)
        return self._decode(self.cache.get(query, namespace=self.namespace, context=context))

    def update(self, prompt: str, llm_string: str, return_val: Any) -> None:
        """Store ``return_val`` (a list of generations) for ``prompt`` under ``llm_string``."""
        if self._is_async:
            raise _sync_call("update")
        query, context = self._key(prompt, llm_string)
        self.cache.put(
            query,
            dumps_generations(return_val),
            namespace=self.namespace,
            context=context,
            ttl=self.ttl,
        )

    def clear(self, **kwargs: Any) -> None:
        """Remove every LangChain entry (this namespace only)."""
        if self._is_async:
            raise _sync_call("clear")
        self.cache.clear_namespace(self.namespace)

    async def alookup(self, prompt: str, llm_string: str) -> Any:
        if not self._is_async:
            return await asyncio.to_thread(self.lookup, prompt, llm_string)
        query, context = self._key(prompt, llm_string)
        hit = await self.cache.get(query, namespace=self.namespace, context=context)
        return self._decode(hit)

    async def aupdate(self, prompt: str, llm_string: str, return_val: Any) -> None:
        if not self._is_async:
            await asyncio.to_thread(self.update, prompt, llm_string, return_val)
            return
        query, context = self._key(prompt, llm_string)
        await self.cache.put(
            query,
            dumps_generations(return_val),
            namespace=self.namespace,
            context=context,
            ttl=self.ttl,
        )

    async def aclear(self, **kwargs: Any) -> None:
        if not self._is_async:
            await asyncio.to_thread(self.clear)
            return
        await self.cache.clear_namespace(self.namespace)
