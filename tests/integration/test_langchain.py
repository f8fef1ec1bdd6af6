"""LangChain integrations: LangChain's own standard test suites, plus caching behaviour."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

pytest.importorskip("langchain_core")
pytest.importorskip("langchain_tests")

from langchain_core.caches import BaseCache
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, Generation
from langchain_tests.integration_tests import (
    AsyncCacheTestSuite,
    EmbeddingsIntegrationTests,
    SyncCacheTestSuite,
)
from langchain_tests.unit_tests import EmbeddingsUnitTests

from nearcache import EmbeddingCache, MemoryStore, SQLiteStore
from nearcache.errors import DimensionMismatchError
from nearcache.integrations.langchain import CachedEmbeddings, NearcacheLLMCache


class CountingEmbeddings(Embeddings):
    """Deterministic embeddings that count what reaches them."""

    def __init__(self, size: int = 12, model: str = "counting-12") -> None:
        self.fake = DeterministicFakeEmbedding(size=size)
        self.model = model
        self.documents: list[str] = []
        self.queries: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return self.fake.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return [-x for x in self.fake.embed_query(text)]  # queries embed differently

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        await asyncio.sleep(0)
        return self.embed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        await asyncio.sleep(0)
        return self.embed_query(text)


# --------------------------------------------------------------------------- standard suites


class TestCachedEmbeddingsStandardUnit(EmbeddingsUnitTests):
    @property
    def embeddings_class(self) -> type[Embeddings]:
        return CachedEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"underlying": DeterministicFakeEmbedding(size=16), "model": "fake-16"}


class TestCachedEmbeddingsStandardIntegration(EmbeddingsIntegrationTests):
    @property
    def embeddings_class(self) -> type[Embeddings]:
        return CachedEmbeddings

    @property
    def embedding_model_params(self) -> dict[str, Any]:
        return {"underlying": DeterministicFakeEmbedding(size=16), "model": "fake-16"}


class TestCachedEmbeddingsOnSQLiteStandard(EmbeddingsIntegrationTests):
    @pytest.fixture
    def model(self, tmp_path: Path) -> Embeddings:
        return CachedEmbeddings(
            CountingEmbeddings(), path=str(tmp_path / "lc.db"), model="counting"
        )

    @property
    def embeddings_class(self) -> type[Embeddings]:
        return CachedEmbeddings


def _semantic_available() -> bool:
    try:
        import nearcache.semantic.cache  # noqa: F401
    except ImportError:
        return False
    return True


needs_semantic = pytest.mark.skipif(
    not _semantic_available(), reason="nearcache.semantic is not in this tree yet"
)


def _llm_cache(tmp_path: Path) -> NearcacheLLMCache:
    from nearcache import SemanticCache
    from nearcache.embedders.default import default_embedder

    cache = SemanticCache(
        embedder=default_embedder(),
        store=SQLiteStore(tmp_path / "llm.db"),
        similarity_threshold=0.9,
    )
    return NearcacheLLMCache(cache)


class ExactScopedCache:
    """A stand-in with the SemanticCache API the adapter uses (SPEC section 2: get/put
    with ``context=``, clear_namespace), exact layer only. It checks the adapter itself
    (serialization, scoping, sync/async plumbing) whether or not the semantic cache is
    installed; the tests below also run against the real SemanticCache when present."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, str], str] = {}

    @staticmethod
    def _key(query: str, namespace: str, context: Any) -> tuple[str, str, str]:
        return (namespace, json.dumps(context, sort_keys=True), " ".join(query.split()))

    def get(self, query: str, *, namespace: str = "default", context: Any = None) -> Any:
        found = self.entries.get(self._key(query, namespace, context))
        return SimpleNamespace(response=found) if found is not None else None

    def put(
        self,
        query: str,
        response: str,
        *,
        namespace: str = "default",
        context: Any = None,
        ttl: float | None = None,
    ) -> None:
        self.entries[self._key(query, namespace, context)] = response

    def clear_namespace(self, namespace: str) -> int:
        doomed = [k for k in self.entries if k[0] == namespace]
        for k in doomed:
            del self.entries[k]
        return len(doomed)


class TestAdapterSyncStandard(SyncCacheTestSuite):
    @pytest.fixture
    def cache(self) -> BaseCache:
        return NearcacheLLMCache(ExactScopedCache())


class TestAdapterAsyncStandard(AsyncCacheTestSuite):
    @pytest.fixture
    async def cache(self) -> BaseCache:
        return NearcacheLLMCache(ExactScopedCache())


def test_adapter_scopes_by_llm_string_and_refuses_foreign_payloads() -> None:
    inner = ExactScopedCache()
    cache = NearcacheLLMCache(inner, namespace="lc")
    gens = [ChatGeneration(message=AIMessage(content="hi", response_metadata={"m": 1}))]
    cache.update("prompt", "llm-a", gens)
    assert cache.lookup("prompt", "llm-a") == gens
    assert cache.lookup("prompt", "llm-b") is None
    ((ns, context, _),) = inner.entries
    assert ns == "lc" and json.loads(context) == {"llm_string": "llm-a"}
    # A stored payload naming a class outside the allow-list is a miss, not an import.
    hostile = json.dumps([{"lc": 1, "type": "constructor", "id": ["os", "system"], "kwargs": {}}])
    inner.put("evil", hostile, namespace="lc", context={"llm_string": "llm-a"})
    assert cache.lookup("evil", "llm-a") is None
    inner.put("junk", "not json", namespace="lc", context={"llm_string": "llm-a"})
    assert cache.lookup("junk", "llm-a") is None


@needs_semantic
class TestNearcacheLLMCacheSyncStandard(SyncCacheTestSuite):
    @pytest.fixture
    def cache(self, tmp_path: Path) -> BaseCache:
        return _llm_cache(tmp_path)


@needs_semantic
class TestNearcacheLLMCacheAsyncStandard(AsyncCacheTestSuite):
    @pytest.fixture
    async def cache(self, tmp_path: Path) -> BaseCache:
        return _llm_cache(tmp_path)


# --------------------------------------------------------------------------- embeddings


def test_documents_and_queries_are_embedded_once() -> None:
    under = CountingEmbeddings()
    emb = CachedEmbeddings(under)
    assert emb.namespace == "langchain.counting-12.dense"
    assert emb.query_namespace == "langchain.counting-12-query.dense"
    first = emb.embed_documents(["a", "b", "a"])
    again = emb.embed_documents(["b", "a", "c"])
    assert under.documents == ["a", "b", "c"]
    assert first[0] == first[2] == again[1]
    np.testing.assert_allclose(first[1], under.fake.embed_documents(["b"])[0], rtol=1e-6)
    q1 = emb.embed_query("a")
    q2 = emb.embed_query("a")
    assert under.queries == ["a"] and q1 == q2
    assert q1 != first[0]  # queries live in their own namespace
    assert emb.embed_documents([]) == []
    stats = emb.stats()
    assert stats[emb.namespace]["entries"] == 3
    assert stats[emb.query_namespace]["entries"] == 1


def test_async_calls_share_the_cache() -> None:
    under = CountingEmbeddings()
    emb = CachedEmbeddings(under)

    async def main() -> None:
        docs = await emb.aembed_documents(["x", "y"])
        assert emb.embed_documents(["x", "y"]) == docs
        await asyncio.gather(emb.aembed_query("q"), emb.aembed_query("q"))
        assert await emb.aembed_query("q") == emb.embed_query("q")

    asyncio.run(main())
    assert under.documents == ["x", "y"]
    assert under.queries == ["q"]


def test_vectors_persist_in_a_store(tmp_path: Path) -> None:
    path = str(tmp_path / "vectors.db")
    first = CountingEmbeddings()
    CachedEmbeddings(first, path=path).embed_documents(["persisted"])
    second = CountingEmbeddings()
    got = CachedEmbeddings(second, cache=EmbeddingCache(path=path)).embed_documents(["persisted"])
    assert second.documents == []
    np.testing.assert_allclose(got[0], first.fake.embed_documents(["persisted"])[0], rtol=1e-6)


def test_models_never_share_vectors() -> None:
    cache = EmbeddingCache()
    small = CachedEmbeddings(CountingEmbeddings(8, "m8"), cache=cache)
    big_under = CountingEmbeddings(8, "m8-v2")
    big = CachedEmbeddings(big_under, cache=cache)
    small.embed_documents(["same text"])
    big.embed_documents(["same text"])
    assert big_under.documents == ["same text"]


def test_the_cache_can_be_given_as_the_second_argument() -> None:
    """``CachedEmbeddings(underlying, cache)``, as LangChain's ``CacheBackedEmbeddings``
    and nearcache's ``CachedEmbedder`` take it, failed with "takes 2 positional arguments
    but 3 were given"; a store there is told to go as ``store=``."""
    cache = EmbeddingCache()
    emb = CachedEmbeddings(CountingEmbeddings(8, "m8"), cache)
    assert emb.cache is cache and len(emb.embed_documents(["a", "b"])) == 2
    assert cache.stats().entries == 2
    with pytest.raises(TypeError, match="not MemoryStore: pass a store as store="):
        CachedEmbeddings(CountingEmbeddings(8, "m8"), MemoryStore())  # type: ignore[arg-type]


def test_one_str_as_the_documents_is_refused() -> None:
    """``embed_documents("some text")`` embedded each character (a vector per letter)."""
    under = CountingEmbeddings(8, "m8")
    emb = CachedEmbeddings(under)
    with pytest.raises(TypeError, match="not a single str"):
        emb.embed_documents("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not a single str"):
        asyncio.run(emb.aembed_documents("abc"))  # type: ignore[arg-type]
    assert under.documents == []


def test_wrong_dimension_is_refused() -> None:
    emb = CachedEmbeddings(CountingEmbeddings(8), dim=16, model="m")
    with pytest.raises(DimensionMismatchError):
        emb.embed_documents(["x"])


def test_uncached_queries_and_model_name() -> None:
    under = CountingEmbeddings()
    emb = CachedEmbeddings(under, cache_queries=False)
    emb.embed_query("q")
    emb.embed_query("q")
    assert under.queries == ["q", "q"]
    with pytest.raises(ValueError, match="model="):
        CachedEmbeddings(DeterministicFakeEmbedding(size=4))
    # a blank model named every such cache alike ("" fell back to the wrapped object's)
    with pytest.raises(ValueError, match="model must not be blank"):
        CachedEmbeddings(DeterministicFakeEmbedding(size=4), model=" ")
    with pytest.raises(TypeError):
        CachedEmbeddings(object())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- LLM cache


@needs_semantic
def test_llm_cache_scopes_by_llm_string_and_matches_paraphrases(tmp_path: Path) -> None:
    cache = _llm_cache(tmp_path)
    gens = [ChatGeneration(message=AIMessage(content="Set ttl= on put."))]
    cache.update("How do I make cache entries expire?", "model=a;temperature=0", gens)
    assert cache.lookup("How do I make cache entries expire?", "model=a;temperature=0") == gens
    assert cache.lookup("How do I make cache entries expire?", "model=b;temperature=0") is None
    assert cache.lookup("how do i make cache entries expire", "model=a;temperature=0") == gens
    assert cache.lookup("Water tomato plants twice a week", "model=a;temperature=0") is None
    cache.clear()
    assert cache.lookup("How do I make cache entries expire?", "model=a;temperature=0") is None


@needs_semantic
def test_llm_cache_async_roundtrip(tmp_path: Path) -> None:
    cache = _llm_cache(tmp_path)
    gens = [Generation(text="forty-two", generation_info={"finish_reason": "stop"})]

    async def main() -> Any:
        await cache.aupdate("the answer?", "llm", gens)
        found = await cache.alookup("the answer?", "llm")
        await cache.aclear()
        return found, await cache.alookup("the answer?", "llm")

    found, after = asyncio.run(main())
    assert found == gens and after is None


@needs_semantic
def test_llm_cache_over_an_async_semantic_cache(tmp_path: Path) -> None:
    from nearcache import AsyncSemanticCache
    from nearcache.embedders.default import default_embedder

    gens = [Generation(text="async answer")]

    async def main() -> Any:
        inner = AsyncSemanticCache(
            embedder=default_embedder(), store=SQLiteStore(tmp_path / "a.db")
        )
        cache = NearcacheLLMCache(inner)
        with pytest.raises(TypeError, match="ainvoke"):
            cache.lookup("q", "llm")
        await cache.aupdate("How do I make cache entries expire?", "llm", gens)
        exact = await cache.alookup("How do I make cache entries expire?", "llm")
        paraphrase = await cache.alookup("how do i make cache entries expire", "llm")
        other = await cache.alookup("How do I make cache entries expire?", "other-llm")
        await cache.aclear()
        cleared = await cache.alookup("How do I make cache entries expire?", "llm")
        await inner.close()
        return exact, paraphrase, other, cleared

    exact, paraphrase, other, cleared = asyncio.run(main())
    assert exact == gens and paraphrase == gens
    assert other is None and cleared is None


@needs_semantic
def test_llm_cache_works_with_a_langchain_model(tmp_path: Path) -> None:
    from langchain_core.globals import set_llm_cache
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    cache = _llm_cache(tmp_path)
    set_llm_cache(cache)
    try:
        model = GenericFakeChatModel(messages=iter([AIMessage(content="first answer")]))
        assert model.invoke("What is a cache?").content == "first answer"
        # The fake model has no second answer: this one must come from the cache.
        assert model.invoke("What is a cache?").content == "first answer"
    finally:
        set_llm_cache(None)


@needs_semantic
def test_llm_cache_floor_is_the_libraries_unless_given(tmp_path: Path) -> None:
    """LangChain users get the library's default semantic floor (the default judge's),
    not a stricter cosine cut; an explicit threshold still wins."""
    from nearcache import SemanticCache
    from nearcache.embedders.default import default_embedder

    embedder = default_embedder()
    library = SemanticCache(embedder=embedder)
    default = NearcacheLLMCache(path=str(tmp_path / "a.db"), embedder=embedder)
    given = NearcacheLLMCache(
        path=str(tmp_path / "b.db"), embedder=embedder, similarity_threshold=0.95
    )
    try:
        assert default.cache.similarity_threshold == library.similarity_threshold
        assert given.cache.similarity_threshold == 0.95
    finally:
        for c in (library, default.cache, given.cache):
            c.close()


@pytest.mark.parametrize(
    ("cache", "hint"),
    [
        ("answers.db", "pass a file as path="),
        (MemoryStore(), "pass a store as store="),
        (EmbeddingCache(), "not EmbeddingCache$"),
    ],
)
def test_llm_cache_refuses_what_is_not_a_semantic_cache(cache: Any, hint: str) -> None:
    """``NearcacheLLMCache("answers.db")`` (as LangChain's ``SQLiteCache(path)``) or a
    store was kept, and the first model call failed inside LangChain with
    "AttributeError: 'str' object has no attribute 'get'"."""
    with pytest.raises(TypeError, match=hint):
        NearcacheLLMCache(cache)


@needs_semantic
def test_llm_cache_caches_a_blank_prompt(tmp_path: Path) -> None:
    """The semantic cache refuses a blank query: the LLM cache keys a blank prompt by
    its digest, so a model call with it is cached, not broken."""
    cache = _llm_cache(tmp_path)
    generations = [Generation(text="nothing to answer")]
    for blank in ("", "   "):
        assert cache.lookup(blank, "llm") is None
        cache.update(blank, "llm", generations)
        assert cache.lookup(blank, "llm") == generations
    cache.cache.close()


@needs_semantic
def test_llm_cache_refuses_one_str_as_the_generations(tmp_path: Path) -> None:
    """``update(prompt, llm, "an answer")`` was stored, and ``lookup`` gave back
    ``["a", "n", " ", ...]``: a str where the list of generations goes is refused in
    the words every batch call uses, and nothing is stored."""
    cache = _llm_cache(tmp_path)
    with pytest.raises(TypeError, match=r"^return_val must be a list, not a single str") as info:
        cache.update("the answer?", "llm", "forty-two")
    # not "wrap one in a list": ["forty-two"] would come back from lookup as a str
    assert str(info.value).endswith(": pass [Generation(text=...)]"), str(info.value)

    async def main() -> Any:
        with pytest.raises(TypeError, match=r"^return_val must be a list, not a single str"):
            await cache.aupdate("the answer?", "llm", "forty-two")
        return await cache.alookup("the answer?", "llm")

    assert asyncio.run(main()) is None and cache.lookup("the answer?", "llm") is None
    cache.cache.close()


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"namespace": "docs"}, "namespace (did you mean model=, which names the namespaces?)"),
        ({"document_embedding_cache": None}, "document_embedding_cache (did you mean cache?)"),
        ({"modle": "m"}, "modle (did you mean model?)"),
    ],
)
def test_cached_embeddings_names_the_option_meant(kwargs: dict[str, Any], hint: str) -> None:
    """LangChain's ``CacheBackedEmbeddings`` takes ``namespace=`` and
    ``document_embedding_cache=``; given here they said "CachedEmbeddings.__init__() got
    an unexpected keyword argument 'namespace'", not what to pass instead."""
    with pytest.raises(TypeError) as info:
        CachedEmbeddings(DeterministicFakeEmbedding(size=4), model="fake", **kwargs)
    message = str(info.value)
    assert message.startswith("CachedEmbeddings() got an unexpected keyword argument: "), message
    assert hint in message, message
