"""The LangChain integrations while their Redis server is down (SPEC 0: an outage is a
miss): the model's answer and the wrapped embeddings' vectors still reach the caller.
Both raised ``StoreUnavailableError`` from the cache's write, after the model had been
paid for, so a Redis restart broke every chain that used the cache."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.globals import set_llm_cache
from langchain_core.language_models import FakeListChatModel
from langchain_core.messages import HumanMessage

from nearcache.integrations.langchain import CachedEmbeddings, NearcacheLLMCache
from nearcache.stores.redis import RedisStore

pytestmark = pytest.mark.redis


def approx(vector: list[float]) -> Any:
    return pytest.approx(vector, rel=1e-6)  # stored as float32


def test_llm_cache_serves_the_model_while_redis_is_down(make_redis: Any) -> None:
    server = make_redis()
    cache = NearcacheLLMCache(store=RedisStore(server.url, prefix="lc-llm"))
    set_llm_cache(cache)
    try:
        model = FakeListChatModel(responses=[f"answer #{i}" for i in range(10)])
        assert model.invoke([HumanMessage("What is a cache?")]).content == "answer #0"
        assert model.invoke([HumanMessage("What is a cache?")]).content == "answer #0"
        server.stop()
        assert model.invoke([HumanMessage("What is a store?")]).content == "answer #1"
        assert model.invoke([HumanMessage("What is a cache?")]).content == "answer #2"
    finally:
        set_llm_cache(None)
        cache.cache.close()


def test_cached_embeddings_embed_while_redis_is_down(make_redis: Any) -> None:
    server = make_redis()
    underlying = DeterministicFakeEmbedding(size=8)
    store = RedisStore(server.url, prefix="lc-emb")
    embeddings = CachedEmbeddings(underlying, model="fake", store=store)
    for text in ("first", "first"):  # embedded, then read back
        assert embeddings.embed_documents([text])[0] == approx(underlying.embed_query(text))
    server.stop()
    assert embeddings.embed_documents(["second"])[0] == approx(underlying.embed_query("second"))
    assert embeddings.embed_query("third") == approx(underlying.embed_query("third"))
    store.close()
