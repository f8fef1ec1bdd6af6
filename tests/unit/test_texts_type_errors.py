"""A batch of texts given as a generator (``(d.page_content for d in docs)``) was told
"texts must be a sequence of str (a list, not a single str)", which names the wrong
mistake; the message now names the type given and what to pass."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from nearcache import CachedEmbedder, EmbeddingCache, FunctionEmbedder
from nearcache.embedders.openai import OpenAIEmbedder
from nearcache.errors import InvalidTypeError


def _cached() -> Callable[[Any], Any]:
    emb = FunctionEmbedder(lambda ts: np.ones((len(ts), 4)), dim=4, name="ones")
    return CachedEmbedder(emb, EmbeddingCache()).embed


def _api() -> Callable[[Any], Any]:
    return OpenAIEmbedder("text-embedding-3-small", api_key="k").embed


def _cache_read() -> Callable[[Any], Any]:
    return lambda texts: EmbeddingCache().get_many(texts, namespace="n")


@pytest.mark.parametrize("entry", [_cached, _api, _cache_read])
def test_a_generator_of_texts_is_told_to_pass_a_list(entry: Callable[[], Any]) -> None:
    call = entry()
    with pytest.raises(InvalidTypeError, match=r"not generator: pass list\(texts\)"):
        call(t for t in ["a", "b"])
    with pytest.raises(InvalidTypeError, match="not a single str"):
        call("a")
