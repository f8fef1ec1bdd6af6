"""An agent developer's LangChain calls on the LLM cache: what a mistake says.

A cache over an ``AsyncSemanticCache`` serves only LangChain's async calls; a sync
``model.invoke`` reaches ``lookup`` from inside LangChain, so the refusal must name the
caller's choices (async calls, or a ``SemanticCache``), not ``alookup``, a method the
caller never called.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("langchain_core")
from langchain_core.globals import set_llm_cache
from langchain_core.language_models import FakeListLLM

from nearcache import AsyncFunctionEmbedder, AsyncSemanticCache, SQLiteStore
from nearcache.errors import InvalidTypeError
from nearcache.integrations.langchain import NearcacheLLMCache


async def _embed(texts: list[str]) -> np.ndarray:
    return np.array([[1.0, len(t) % 7, 1.0] for t in texts], np.float32)


def test_a_sync_model_call_on_an_async_cache_says_what_to_do(tmp_path: Path) -> None:
    async def make() -> AsyncSemanticCache:
        return AsyncSemanticCache(
            embedder=AsyncFunctionEmbedder(_embed, 3, "toy"), store=SQLiteStore(tmp_path / "a.db")
        )

    inner = asyncio.run(make())
    set_llm_cache(NearcacheLLMCache(inner))
    try:
        llm = FakeListLLM(responses=["first", "second"])
        with pytest.raises(InvalidTypeError) as refused:
            llm.invoke("What is a cache?")
        said = str(refused.value)
        assert "ainvoke" in said and "SemanticCache, which serves both" in said
        # The async call it points to works, and is served from the cache the second time.
        assert asyncio.run(llm.ainvoke("What is a cache?")) == "first"
        assert asyncio.run(llm.ainvoke("What is a cache?")) == "first"
    finally:
        set_llm_cache(None)
        asyncio.run(inner.close())
