"""Texts longer than the embedder's window: a vector of a cut text ignores the tail, so it
must not decide a semantic hit (the exact layer still serves the very text).

``WindowEmbedder`` (``semantic_support``) reads the first ``WINDOW`` characters only, as a
model cuts at its token window; two texts that differ past it get the same vector (cosine 1.0).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from nearcache import AsyncSemanticCache, Hit, MetricEvent, Miss, SemanticCache
from nearcache.embedders.openai import OpenAIEmbedder
from nearcache.embedders.protocol import FitsMemo
from semantic_support import (
    DELETE,
    RESET,
    WINDOW,
    AsyncWindowEmbedder,
    WindowEmbedder,
    text_vector,
)


def make(emb: Any, **kw: Any) -> SemanticCache:
    return SemanticCache(embedder=emb, judge=None, normalize=False, **kw)


def test_a_custom_embedder_without_fits_behaves_as_before() -> None:
    cache = make(WindowEmbedder(says_fits=False))
    cache.put(RESET, "reset answer")
    hit = cache.lookup(DELETE)
    assert isinstance(hit, Hit) and hit.layer == "semantic"
    assert hit.similarity == pytest.approx(1.0)


def test_a_query_past_the_window_is_a_semantic_miss_with_its_reason() -> None:
    events: list[MetricEvent] = []
    cache = make(WindowEmbedder(), metrics_hook=events.append)
    cache.put(RESET, "reset answer")
    cache.put("reset", "a short entry: the partition is searched")
    miss = cache.lookup(DELETE)
    assert isinstance(miss, Miss) and miss.reason == "truncated"
    assert cache.get(DELETE) is None
    assert cache.stats().miss_reasons == {"truncated": 2}
    misses = [e for e in events if e.kind == "miss"]
    assert [(e.layer, e.reason) for e in misses] == [("semantic", "truncated")] * 2
    exact = cache.lookup(RESET)  # the exact layer still serves the very text
    assert isinstance(exact, Hit) and exact.layer == "exact"


def test_a_question_past_the_window_is_stored_for_the_exact_layer_only(
    tmp_path: Path,
) -> None:
    # it went into the searched index, where it took a top-k place from every lookup
    # near it only to be refused there ("truncated"), read and tokenized each time
    path = tmp_path / "c.db"
    cache = make(WindowEmbedder(), path=path)
    cache.put(RESET, "reset answer")
    head = RESET[:WINDOW]  # fits, and its vector is the stored one's
    miss = cache.lookup(head)
    assert isinstance(miss, Miss) and (miss.reason, miss.similarity) == ("empty", None)
    assert cache.lookup(RESET).layer == "exact"  # type: ignore[union-attr]
    cache.put_many([DELETE, "short one"], ["delete answer", "short answer"])
    hit = cache.lookup("short one!", embedding=text_vector("short one"))
    assert isinstance(hit, Hit) and (hit.layer, hit.response) == ("semantic", "short answer")
    assert cache.lookup(DELETE).layer == "exact"  # type: ignore[union-attr]
    miss = cache.lookup(head)  # the short entry is the only candidate now
    assert isinstance(miss, Miss) and miss.reason != "truncated"
    assert cache.check() == []
    cache.close()
    again = make(WindowEmbedder(), path=path)  # the index rebuilt from the store
    try:
        assert getattr(again.lookup(DELETE[:WINDOW]), "reason", None) != "truncated"
        assert again.get(RESET) is not None and again.get(DELETE) is not None
        assert again.check() == []
    finally:
        again.close()


def test_a_long_query_where_only_long_prompts_are_stored_is_still_truncated() -> None:
    # stored for the exact layer only, the long prompts left the searched partition
    # empty: every long query said "empty", hiding why the semantic layer never hits
    cache = make(WindowEmbedder())
    cache.put(RESET, "reset answer")
    miss = cache.lookup(DELETE)
    assert isinstance(miss, Miss) and miss.reason == "truncated"
    assert getattr(cache.lookup("a short one"), "reason", None) == "empty"


def test_a_candidate_stored_past_the_window_is_not_served() -> None:
    emb = WindowEmbedder(says_fits=False)  # put by an embedder that did not say
    cache = make(emb)
    cache.put(RESET, "reset answer")
    emb.says_fits = True
    head = RESET[:WINDOW]  # fits, and its vector is the stored one's
    miss = cache.lookup(head)
    assert isinstance(miss, Miss) and miss.reason == "truncated"
    assert miss.similarity == pytest.approx(1.0)
    cache.put("short one", "short answer")
    assert cache.lookup("short one").layer == "exact"  # type: ignore[union-attr]


def test_short_texts_still_hit_semantically() -> None:
    cache = make(WindowEmbedder())
    cache.put("reset my password", "reset answer")
    emb = WindowEmbedder()
    vec = emb.embed(["reset my password"])[0]
    hit = cache.lookup("reset my password please", embedding=vec)
    assert isinstance(hit, Hit) and hit.layer == "semantic"


def test_explain_names_the_window() -> None:
    cache = make(WindowEmbedder())
    verdict = cache.explain(RESET, DELETE)
    assert (verdict.accept, verdict.reason) == (False, "truncated")
    assert [s.name for s in verdict.steps] == ["window"]
    assert "stored and asked" in verdict.steps[0].detail
    assert cache.explain("hello", "hello").reason != "truncated"


def test_a_raising_fits_is_an_embedder_error_miss() -> None:
    emb = WindowEmbedder()
    cache = make(emb)
    cache.put("a", "b", embedding=text_vector("a"))
    emb.fits_raises = True
    miss = cache.lookup(DELETE)
    assert isinstance(miss, Miss) and miss.reason == "embedder_error"


async def test_the_async_cache_misses_the_same_way() -> None:
    async with AsyncSemanticCache(
        embedder=AsyncWindowEmbedder(), judge=None, normalize=False
    ) as cache:
        await cache.put(RESET, "reset answer")
        await cache.put("reset", "a short entry: the partition is searched")
        miss = await cache.lookup(DELETE)
        assert isinstance(miss, Miss) and miss.reason == "truncated"
        hit = await cache.lookup(RESET)
        assert isinstance(hit, Hit) and hit.layer == "exact"


async def test_the_async_cache_asks_fits_off_the_event_loop() -> None:
    """A model's ``fits`` tokenizes (~0.1-1 ms for a long text): the async cache asks it
    in the worker thread that runs the lookup's store steps, never on the loop."""
    loop_thread = threading.get_ident()
    threads: list[int] = []

    class Recording(AsyncWindowEmbedder):
        def _fits(self, text: str) -> bool:
            threads.append(threading.get_ident())
            return super()._fits(text)

    async with AsyncSemanticCache(embedder=Recording(), judge=None, normalize=False) as cache:
        await cache.put("how do I reset it", "short answer")
        await cache.put(RESET, "reset answer")
        assert (await cache.lookup(DELETE)).reason == "truncated"  # type: ignore[union-attr]
        await cache.lookup("how do I reset it?")
        assert (await cache.explain(RESET, DELETE)).reason == "truncated"
    assert threads and loop_thread not in threads


def test_text_fits_defaults_to_true() -> None:
    from nearcache.embedders.protocol import text_fits

    assert text_fits(object(), "x" * 100_000)
    assert not text_fits(WindowEmbedder(), "x" * (WINDOW + 1))


def test_fits_of_is_the_embedders_own_check_or_passes_all() -> None:
    """One helper gives the window check (looked up once, called per text) to
    ``text_fits``, the lookup's candidate loop and ``CachedEmbedder``."""
    from nearcache.embedders.protocol import fits_of

    emb = WindowEmbedder()
    assert fits_of(emb) == emb._fits
    check = fits_of(WindowEmbedder(says_fits=False))
    assert check("x" * 100_000) and check("")


def test_openai_fits_by_bytes_within_max_tokens() -> None:
    emb = OpenAIEmbedder("text-embedding-3-small", api_key="k")
    assert emb.max_tokens == 8191
    assert emb.fits("a" * 8191) and emb.fits("é" * 4095)  # at most 8,191 UTF-8 bytes
    local = OpenAIEmbedder("nomic-embed-text", base_url="http://127.0.0.1:9/v1", dim=768)
    assert local.max_tokens is None and local.fits("a" * 100_000)
    small = OpenAIEmbedder("nomic-embed-text", dim=768, max_tokens=512)
    assert small.fits("a" * 512)
    assert not small.fits("a" * 2049)  # over four bytes a token, without tokenizing


def test_openai_fits_counts_tokens_not_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """``max_tokens`` bounded texts by bytes: with ``NEARCACHE_EMBEDDING_MAX_TOKENS=512``
    every default 700-character chunk "may be longer" than the window (about 175 tokens),
    and a semantic cache kept every question over 512 bytes for exact matches only."""
    pytest.importorskip("tokenizers")
    small = OpenAIEmbedder("nomic-embed-text", dim=768, max_tokens=512)
    chunk = " ".join(["the cache keeps each answer for a day before it asks again"] * 12)
    assert 700 <= len(chunk) < 800 and small.fits(chunk)
    assert small.fits(" ".join(["word"] * 400))  # 2,000 bytes, 402 word pieces
    assert not small.fits(" ".join(["word"] * 511))  # 513 word pieces
    assert not small.fits("1,2;" * 300)  # 1,200 bytes, 1,202 word pieces: not a quarter
    assert not small.fits("\ud800" * 600)  # no UTF-8 form: the tokenizer cannot read it
    monkeypatch.setattr("nearcache.embedders.wordpieces._COUNTER", False)
    assert not small.fits(chunk) and small.fits("a" * 512)  # no tokenizers: the byte bound


def test_a_cached_embedder_passes_fits_through() -> None:
    from nearcache import CachedEmbedder

    wrapped = CachedEmbedder(WindowEmbedder())
    assert wrapped.fits("x" * WINDOW) and not wrapped.fits("x" * (WINDOW + 1))
    assert CachedEmbedder(WindowEmbedder(says_fits=False)).fits("x" * 10_000)
    cache = make(CachedEmbedder(WindowEmbedder()))
    cache.put("reset", "reset answer")
    assert cache.lookup(DELETE).reason == "truncated"  # type: ignore[union-attr]


def test_sentence_transformers_fits_counts_tokens_with_the_prompt() -> None:
    tokenizers = pytest.importorskip("tokenizers")
    from types import SimpleNamespace

    from nearcache.embedders.default import tokenizer_path
    from nearcache.embedders.sentence_transformers import SentenceTransformerEmbedder

    tok = tokenizers.Tokenizer.from_file(str(tokenizer_path()))
    tok.no_truncation()
    tok.no_padding()

    def call(text: str, **kw: Any) -> dict[str, list[int]]:  # the transformers signature
        assert kw == {"add_special_tokens": True, "truncation": False, "verbose": False}
        return {"input_ids": tok.encode(text).ids}

    emb = object.__new__(SentenceTransformerEmbedder)
    emb.st = SimpleNamespace(tokenizer=call, prompts={"query": "query: "})
    emb.max_seq_length, emb.prompt_name, emb._fits_memo = 32, None, FitsMemo()
    assert emb.fits("word " * 30) and not emb.fits("word " * 31)  # + [CLS], [SEP]
    emb.prompt_name = "query"  # "query :" is two more word pieces
    assert emb.fits("word " * 28) and not emb.fits("word " * 29)
    emb.max_seq_length = 34  # another window: not the remembered answer
    assert emb.fits("word " * 29)
    emb.max_seq_length = None
    assert emb.fits("word " * 1000)


def test_sentence_transformers_fits_tokenizes_a_long_text_once() -> None:
    """A lookup asks again of every long stored candidate: the answer is remembered."""
    from types import SimpleNamespace

    from nearcache.embedders.sentence_transformers import SentenceTransformerEmbedder

    calls: list[str] = []

    def call(text: str, **kw: Any) -> dict[str, list[int]]:
        calls.append(text)
        return {"input_ids": text.split()}

    emb = object.__new__(SentenceTransformerEmbedder)
    emb.st = SimpleNamespace(tokenizer=call, prompts={})
    emb.max_seq_length, emb.prompt_name, emb._fits_memo = 32, None, FitsMemo()
    for _ in range(3):
        assert emb.fits("word " * 32) and not emb.fits("word " * 33)
    assert len(calls) == 2
