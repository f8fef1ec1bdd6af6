"""What a cache says when its embedder argument is not an embedder: it said "embedder
EmbeddingCache lacks embed, dim, fingerprint" for ``CachedEmbedder(cache, embedder)``
(the arguments swapped) and "embedder str lacks ..." for a model name, both true and
neither saying what to do. The message names what was passed and the call that fixes it,
and the classes it names are where it says they are."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import nearcache
from helpers import AsyncHashEmbedder, HashEmbedder
from nearcache import (
    AsyncCachedEmbedder,
    AsyncSemanticCache,
    CachedEmbedder,
    EmbeddingCache,
    InvalidTypeError,
    SemanticCache,
)


def _named_classes_exist(message: str) -> None:
    """Every ``Class(...) (module)`` the message suggests can be imported from there."""
    named = re.findall(r"(\w+)\([^()]*\) \((nearcache[\w.]*)\)", message)
    assert named, message
    for cls, module in named:
        assert callable(getattr(importlib.import_module(module), cls)), (cls, module)


@pytest.mark.parametrize("made", [CachedEmbedder, AsyncCachedEmbedder])
def test_swapped_arguments_name_the_order(made: type, tmp_path: Path) -> None:
    cache = EmbeddingCache(path=tmp_path / "e.db")
    emb = AsyncHashEmbedder() if made is AsyncCachedEmbedder else HashEmbedder()
    name = made.__name__
    for args, kwargs in (((cache, emb), {}), ((cache,), {}), ((), {"embedder": cache})):
        with pytest.raises(InvalidTypeError) as err:
            made(*args, **kwargs)
        message = str(err.value)
        assert f"{name}(embedder, cache)" in message and "EmbeddingCache" in message, message
        assert "\n" not in message
    made(emb, cache)  # the right order is taken
    cache.close()


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("all-MiniLM-L6-v2", "default_embedder()"),
        ("default", "default_embedder()"),
        ("text-embedding-3-small", "OpenAIEmbedder('text-embedding-3-small')"),
        ("openai:nomic-embed-text", "OpenAIEmbedder('nomic-embed-text'"),
        ("st:BAAI/bge-small-en-v1.5", "SentenceTransformerEmbedder('BAAI/bge-small-en-v1.5')"),
        ("BAAI/bge-small-en-v1.5", "SentenceTransformerEmbedder('BAAI/bge-small-en-v1.5')"),
    ],
)
def test_a_model_name_says_how_to_make_its_embedder(name: str, suggested: str) -> None:
    for make in (
        lambda: SemanticCache(embedder=name),
        lambda: AsyncSemanticCache(embedder=name),
        lambda: CachedEmbedder(name),  # type: ignore[arg-type]
    ):
        with pytest.raises(InvalidTypeError) as err:
            make()
        message = str(err.value)
        assert f"the str {name!r}, a model name" in message and suggested in message, message
        assert "\n" not in message
        if "default_embedder()" in suggested:
            assert "nearcache.default_embedder()" in message
            assert callable(nearcache.default_embedder)
        else:
            _named_classes_exist(message)


def test_an_unknown_model_name_offers_both_kinds_of_embedder() -> None:
    with pytest.raises(InvalidTypeError) as err:
        SemanticCache(embedder="BAAI/bge-small-en-v1.5")
    message = str(err.value)
    assert "SentenceTransformerEmbedder(" in message and "OpenAIEmbedder(" in message
    _named_classes_exist(message)


def test_a_plain_function_is_told_to_wrap_it() -> None:
    def embed(texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]

    with pytest.raises(InvalidTypeError, match=r"the function 'embed'.*FunctionEmbedder\("):
        SemanticCache(embedder=embed)
