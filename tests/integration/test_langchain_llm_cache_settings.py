"""``NearcacheLLMCache``'s settings are checked when it is made, as a LangChain user
meets them: ``set_llm_cache(...)`` at start-up, not the first model call, which has
already been paid for when the cache's ``update`` runs."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("langchain_core")

from langchain_core.language_models import FakeListChatModel
from langchain_core.outputs import Generation

from nearcache import FunctionEmbedder, SemanticCache
from nearcache.errors import InvalidInputError, InvalidTypeError
from nearcache.integrations.langchain import NearcacheLLMCache


def _embedder() -> FunctionEmbedder:
    return FunctionEmbedder(lambda texts: np.array([[1.0, len(t), 1.0] for t in texts]), 3, "toy")


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"path": "other.db"}, "path"),
        ({"similarity_threshold": 0.99}, "similarity_threshold"),
        ({"embedder": "toy"}, "embedder"),
        ({"default_ttl": 5, "fail_open": False}, "default_ttl, fail_open"),
    ],
)
def test_settings_for_a_cache_it_would_build_are_refused_beside_a_given_cache(
    given: dict[str, object], named: str
) -> None:
    # they were dropped without a word: NearcacheLLMCache(cache, similarity_threshold=0.99)
    # served at the cache's own floor
    with SemanticCache(embedder=_embedder(), judge=None) as cache:
        with pytest.raises(InvalidInputError) as err:
            NearcacheLLMCache(cache, **given)  # type: ignore[arg-type]
        said = str(err.value)
        assert said.startswith(f"NearcacheLLMCache got cache= and {named}: "), said
        assert "set them on the SemanticCache you pass" in said
        assert cache.similarity_threshold == 0.85


@pytest.mark.parametrize("ttl", [-1, 0, "60"])
def test_a_ttl_that_no_write_takes_is_refused_when_the_cache_is_made(ttl: object) -> None:
    # it was taken, and every model call then raised from the cache's update, after the
    # model had answered
    with SemanticCache(embedder=_embedder(), judge=None) as cache:
        with pytest.raises(InvalidInputError, match="ttl must be a positive number"):
            NearcacheLLMCache(cache, ttl=ttl)  # type: ignore[arg-type]
        kept = NearcacheLLMCache(cache, ttl=60)
        kept.update("a question?", "llm", [Generation(text="an answer")])
        assert kept.lookup("a question?", "llm") == [Generation(text="an answer")]


@pytest.mark.parametrize("namespace", [None, 3])
def test_a_namespace_that_is_not_a_str_is_refused_when_the_cache_is_made(
    namespace: object,
) -> None:
    with (
        SemanticCache(embedder=_embedder(), judge=None) as cache,
        pytest.raises(InvalidTypeError, match="namespace must be str"),
    ):
        NearcacheLLMCache(cache, namespace=namespace)  # type: ignore[arg-type]


def test_an_unknown_option_is_said_of_the_llm_cache_with_the_one_meant() -> None:
    # RedisVL's and GPTCache's names reached SemanticCache(), whose error named a class
    # the caller never called
    with pytest.raises(InvalidTypeError) as err:
        NearcacheLLMCache(distance_threshold=0.1, embedder=_embedder())
    said = str(err.value)
    assert said.startswith("NearcacheLLMCache() got an unexpected keyword argument: "), said
    assert "distance_threshold (did you mean similarity_threshold = 1 - distance" in said


def test_repr_names_the_namespace_and_the_cache() -> None:
    with SemanticCache(embedder=_embedder(), judge=None) as cache:
        llm_cache = NearcacheLLMCache(cache, namespace="chat", ttl=60)
        assert repr(llm_cache) == f"NearcacheLLMCache({cache!r}, namespace='chat', ttl=60.0)"


def test_a_chat_model_is_answered_from_the_cache_it_was_given(tmp_path: object) -> None:
    from langchain_core.globals import get_llm_cache, set_llm_cache

    before = get_llm_cache()
    with SemanticCache(embedder=_embedder(), judge=None) as cache:
        set_llm_cache(NearcacheLLMCache(cache, ttl=60))
        try:
            model = FakeListChatModel(responses=["first", "second"])
            assert model.invoke("How do I rotate my API key?").content == "first"
            assert model.invoke("How do I rotate my API key?").content == "first"
        finally:
            set_llm_cache(before)
        assert cache.stats("langchain").hits == 1


def test_cached_embeddings_repr_names_what_it_wraps_and_where_it_keeps_vectors() -> None:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from nearcache import EmbeddingCache
    from nearcache.integrations.langchain import CachedEmbeddings

    with EmbeddingCache() as cache:
        emb = CachedEmbeddings(DeterministicFakeEmbedding(size=4), cache, model="fake")
        assert repr(emb) == (
            f"CachedEmbeddings(DeterministicFakeEmbedding, model='fake', "
            f"namespace='langchain.fake.dense', cache={cache!r})"
        )


@pytest.mark.parametrize("cache_queries", [True, False])
def test_cached_embeddings_embed_query_names_its_text_argument(cache_queries: bool) -> None:
    # it said "texts[0] must be str, not NoneType" of a call that takes one text
    import asyncio

    from langchain_core.embeddings import DeterministicFakeEmbedding

    from nearcache.integrations.langchain import CachedEmbeddings

    emb = CachedEmbeddings(
        DeterministicFakeEmbedding(size=4), model="fake", cache_queries=cache_queries
    )
    with pytest.raises(InvalidTypeError, match=r"^text must be str, not NoneType$"):
        emb.embed_query(None)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError, match=r"^text must be str, not list$"):
        asyncio.run(emb.aembed_query(["a"]))  # type: ignore[arg-type]
