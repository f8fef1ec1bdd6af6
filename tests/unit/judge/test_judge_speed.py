"""The judge's fast paths decide exactly as the plain definitions do.

``DefaultJudge.judge_quick`` runs the cheap guards first: the same accept and score as
``judge`` on every pair, and a refusal names a guard that does refuse the pair. The
per-text, per-pair and per-word caches are bounded, safe across threads, and give what
computing afresh gives.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache.judge import GUARDS, DefaultJudge, Verdict, clear_caches, run_guards, tokens
from nearcache.judge.align import _phrases
from nearcache.judge.features import _shape, _trigrams, features
from nearcache.judge.judge import CHEAP_GUARDS, _guards_until_refused
from nearcache.judge.tokens import CACHE_SIZE, analyze

DATA = Path(__file__).resolve().parents[3] / "benchmarks" / "data" / "judge"


def _labeled() -> list[tuple[str, str]]:
    rows = [json.loads(x) for x in (DATA / "dev.jsonl").read_text("utf-8").splitlines()]
    return [(r["asked"], r["stored"]) for r in rows]


def _same_decision(j: DefaultJudge, asked: str, stored: str, sim: float) -> None:
    plain, quick = j.judge(asked, stored, sim), j.judge_quick(asked, stored, sim)
    assert (quick.accept, quick.score) == (plain.accept, plain.score), (asked, stored)
    if plain.reason is None or not plain.reason.startswith("guard:"):
        assert quick.reason == plain.reason
        return
    assert quick.reason is not None and quick.reason.startswith("guard:")
    _, results = run_guards(asked, stored)
    assert results[quick.reason.removeprefix("guard:")].outcome == "reject"


def test_cheap_guards_are_guards() -> None:
    assert set(CHEAP_GUARDS) <= set(GUARDS)


@pytest.mark.parametrize("sim", [0.97, 0.5])
def test_quick_judging_decides_as_judging_on_the_labeled_pairs(sim: float) -> None:
    j = DefaultJudge()
    pairs = _labeled()
    assert len(pairs) > 300
    quicker = 0
    for asked, stored in pairs:
        _same_decision(j, asked, stored, sim)
        quicker += j.judge_quick(asked, stored, sim).reason != j.judge(asked, stored, sim).reason
    if sim >= j.floor:
        assert quicker > 0  # the order differs: some pairs are refused by a cheaper guard


# Words the guards react to: times, numbers, opposites, negations, directions.
_WORDS = st.sampled_from(
    (  # noqa: SIM905
        "what is the time in london tokyo at 9am 9pm on monday friday tomorrow today 2 3 "
        "two 2014 2015 increase decrease min max not no without from to into than how"
    ).split()
)
_TEXTS = st.lists(_WORDS, max_size=10).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(a=_TEXTS, b=_TEXTS)
def test_quick_judging_decides_as_judging_on_any_words(a: str, b: str) -> None:
    _same_decision(DefaultJudge(), a, b, 0.95)


def test_quick_judging_keeps_a_subclass_decision() -> None:
    class Strict(DefaultJudge):
        def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            return Verdict(False, 0.0, "strict")

    assert Strict().judge_quick("How do I exit vim?", "how do I exit vim", 0.99).reason == "strict"


# The caches: bounded, thread-safe, and the same answers as computing afresh.


def _everything(j: DefaultJudge, asked: str, stored: str, sim: float) -> tuple[object, ...]:
    _, results = run_guards(asked, stored)
    return (
        j.judge(asked, stored, sim),
        j.judge_quick(asked, stored, sim),
        features(asked, stored, sim, results),
    )


def test_cached_answers_equal_fresh_ones() -> None:
    j = DefaultJudge()
    pairs = _labeled()[:120]
    fresh = []
    for asked, stored in pairs:
        clear_caches(words=True)
        fresh.append(_everything(j, asked, stored, 0.93))
    for _ in range(2):  # the second pass is served from the caches
        assert [_everything(j, a, s, 0.93) for a, s in pairs] == fresh


def test_every_cache_is_bounded() -> None:
    caches = [*tokens._TEXT_CACHES, *tokens._PAIR_CACHES, *tokens._WORD_CACHES]
    assert _guards_until_refused in caches and _shape in caches
    for fn in caches:
        assert fn.cache_info().maxsize is not None and fn.cache_info().maxsize <= 4 * CACHE_SIZE
    clear_caches(words=True)
    j = DefaultJudge()
    for i in range(CACHE_SIZE + 50):
        j.judge(f"How do I call service {i}?", "How do I call the service?", 0.9)
    assert _guards_until_refused.cache_info().currsize == CACHE_SIZE


def test_threads_get_the_verdicts_of_one_thread() -> None:
    j = DefaultJudge()
    pairs = _labeled()[:80]
    clear_caches(words=True)
    expected = [_everything(j, a, s, 0.9) for a, s in pairs]
    clear_caches(words=True)

    def work(shift: int) -> list[tuple[object, ...]]:
        order = pairs[shift:] + pairs[:shift]
        got = [_everything(j, a, s, 0.9) for a, s in order]
        return got[-shift:] + got[:-shift] if shift else got

    with ThreadPoolExecutor(max_workers=6) as pool:
        for got in pool.map(work, range(0, 60, 10)):
            assert got == expected


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60) | _TEXTS)
def test_the_analysis_of_a_text_does_not_depend_on_the_caches(text: str) -> None:
    warm = analyze(text)
    clear_caches(words=True)
    assert analyze(text) == warm
    s = " ".join(warm.words)
    assert _trigrams(text) == frozenset(s[i : i + 3] for i in range(max(1, len(s) - 2)))


def _plain_phrases(text: str) -> dict[str, tuple[int, ...]]:
    """Runs of two and three words by their spelling without spaces, as first written
    (the plain definition ``align._phrases`` computes faster)."""
    toks = [x for x in analyze(text).tokens if x.kind != "sym"]
    out: dict[str, tuple[int, ...]] = {}
    for k in range(len(toks) - 1):
        for size in (2, 3):
            if k + size <= len(toks):
                run = toks[k : k + size]
                out.setdefault("".join(x.low for x in run), tuple(x.index for x in run))
    return out


_PHRASE_WORDS = st.sampled_from(
    ["log", "in", "login", "data", "frame", "new", "york", "city", "the", "a", ",", ".", "is"]
)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(_PHRASE_WORDS | _WORDS, max_size=12))
def test_runs_of_words_are_the_plain_ones(words: list[str]) -> None:
    text = " ".join(words)
    runs = {k: v for k, v in _phrases(text).items() if not k.startswith("=")}
    assert runs == _plain_phrases(text)


def _plain_terms(text: str) -> tuple[tuple[str, int], ...]:
    """Content terms as first defined: every word's capitals counted up front."""
    t = analyze(text)
    shouting = sum(x.text.isupper() for x in t.tokens if x.kind == "word") * 2 > len(t.words)
    out: list[tuple[str, int]] = []
    prev = ""
    for x in t.tokens:
        if x.kind == "word" and (tokens._content(x.low) or tokens._acronym(x, prev, shouting)):
            parts = tokens._parts(x.low) if "-" in x.low else (x.low,)
            out.extend((tokens.stem(p), x.index) for p in parts)
        prev = x.low
    return tuple(out)


_CASED = st.sampled_from(
    [
        "THE",
        "US",
        "the",
        "us",
        "I",
        "IT",
        "it",
        "SQL",
        "WHERE",
        "is",
        "A",
        "a",
        "Blood",
        "type",
        "HOW",
        "DO",
        "rust",
        "X-RAY",
        "non-stop",
        "e-mail",
        "!",
        ".",
    ]
)


@settings(max_examples=300, deadline=None)
@given(words=st.lists(_CASED, max_size=12))
def test_content_terms_are_the_plain_ones(words: list[str]) -> None:
    text = " ".join(words)
    t = analyze(text)
    assert t.terms == _plain_terms(text)
    assert t.content == tuple(s for s, _ in t.terms)


@settings(max_examples=400, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("aZc f#+.-'_:/()?!,;=<>0369\u0663\u00e9 net")))
    | st.text(max_size=40)
)
def test_the_short_token_pattern_finds_the_same_tokens(text: str) -> None:
    spans = [(m.span(), m.group()) for m in tokens._TOKEN.finditer(text)]
    assert [(m.span(), m.group()) for m in tokens._scanner(text).finditer(text)] == spans
