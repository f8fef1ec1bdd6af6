"""DefaultJudge, CosineJudge, chain(), explain(), the verifier file and bad input."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache.errors import InvalidInputError, InvalidTypeError
from nearcache.judge import (
    GUARDS,
    CosineJudge,
    DefaultJudge,
    Judge,
    Verdict,
    Verifier,
    chain,
    default_verifier,
    explain,
    shipped_calibration,
)
from nearcache.judge.features import FEATURES


class WordsEmbedder:
    """Bag of lowercase words, hashed into 64 buckets: enough to produce cosines."""

    dim = 64

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim))
        for i, t in enumerate(texts):
            for w in t.lower().split():
                out[i, sum(map(ord, w)) % self.dim] += 1.0
        return out


def test_default_judge_rejects_look_alikes_with_reasons() -> None:
    j = DefaultJudge()
    cases = {
        (
            "How do I convert Fahrenheit to Celsius?",
            "How do I convert Celsius to Fahrenheit?",
        ): "guard:direction",
        (
            "Can I take ibuprofen without alcohol?",
            "Can I take ibuprofen with alcohol?",
        ): "guard:negation",
        ("sort a list in ascending order", "sort a list in descending order"): "guard:antonyms",
        ("When did World War I end?", "When did World War II end?"): "guard:numbers",
        ("Will it rain tomorrow?", "Will it rain today?"): "guard:time",
        ("capital of Austria", "capital of Australia"): "guard:entities",
    }
    for (asked, stored), reason in cases.items():
        v = j.judge(asked, stored, 0.97)
        assert not v.accept and v.reason == reason and v.score == 0.0, (asked, v)


def test_default_judge_accepts_noise_and_rejects_under_floor() -> None:
    j = DefaultJudge()
    v = j.judge("how do i exit vim??", "How do I exit vim?", 0.99)
    assert v.accept and v.reason is None and 0.0 <= v.score <= 1.0
    assert j.judge("how do i exit vim??", "How do I exit vim?", j.floor - 0.01).reason == "floor"
    assert isinstance(j, Judge)


def test_default_judge_options() -> None:
    assert DefaultJudge.floor == shipped_calibration().floor
    assert DefaultJudge(floor=0.5).floor == 0.5
    assert DefaultJudge(accept_threshold=0.0).judge("a b c", "d e f", 0.99).accept
    loose = DefaultJudge(guards=())  # no hard guard: the verifier decides alone
    assert (
        loose.judge("Fahrenheit to Celsius", "Celsius to Fahrenheit", 0.99).reason
        != "guard:direction"
    )
    with pytest.raises(InvalidInputError):
        DefaultJudge(guards=["nope"])
    with pytest.raises(InvalidInputError):
        DefaultJudge(accept_threshold=0.5, max_false_hit_rate=0.1)
    with pytest.raises(InvalidInputError):
        DefaultJudge(accept_threshold=1.5)
    with pytest.raises(InvalidInputError):
        DefaultJudge(floor=2.0)


def test_max_false_hit_rate_reads_the_shipped_table() -> None:
    cal = shipped_calibration()
    assert cal.table, "the shipped calibration has no rows"
    bound, threshold = cal.table[-1]
    assert DefaultJudge(max_false_hit_rate=bound).accept_threshold == threshold
    loosest = DefaultJudge(max_false_hit_rate=0.99).accept_threshold
    strictest = DefaultJudge(max_false_hit_rate=cal.table[0][0]).accept_threshold
    assert strictest >= loosest
    with pytest.raises(InvalidInputError):
        DefaultJudge(max_false_hit_rate=cal.table[0][0] / 10)
    with pytest.raises(InvalidInputError):
        DefaultJudge(max_false_hit_rate=0.0)


def test_explain_lists_every_step() -> None:
    j = DefaultJudge()
    v = j.explain(
        "How do I convert Fahrenheit to Celsius?", "How do I convert Celsius to Fahrenheit?", 0.99
    )
    names = [s.name for s in v.steps]
    assert names[0] == "floor" and names[-2:] == ["verifier", "threshold"]
    assert [n for n in names if n.startswith("guard:")] == [f"guard:{g}" for g in GUARDS]
    assert v.reason == "guard:direction" and not v.accept
    fast = j.judge(
        "How do I convert Fahrenheit to Celsius?", "How do I convert Celsius to Fahrenheit?", 0.99
    )
    assert fast.steps == () and fast.reason == v.reason


def test_explain_function_with_an_embedder() -> None:
    emb = WordsEmbedder()
    v = explain("How do I exit vim?", "how do I exit vim?", embedder=emb)
    assert v.steps[0].name == "floor" and v.steps[0].score == pytest.approx(1.0)
    c = explain("a b", "a c", embedder=emb, judge=CosineJudge(0.9))
    assert [s.name for s in c.steps] == ["floor"]
    d = explain("a b", "a b", embedder=emb, judge=chain(CosineJudge(0.1)))
    assert d.steps[0].name == "similarity" and d.accept
    with pytest.raises(InvalidTypeError):
        explain(1, "x", embedder=emb)  # type: ignore[arg-type]


def test_cosine_judge() -> None:
    j = CosineJudge(0.9)
    assert j.judge("a", "b", 0.95).accept
    v = j.judge("a", "b", 0.5)
    assert not v.accept and v.reason == "floor"
    assert not j.judge("a", "b", float("nan")).accept
    with pytest.raises(InvalidInputError):
        CosineJudge(1.5)
    with pytest.raises(InvalidTypeError):
        CosineJudge("high")  # type: ignore[arg-type]


def test_chain_first_rejection_wins_and_score_is_minimum() -> None:
    class Fixed:
        def __init__(self, accept: bool, score: float, reason: str | None) -> None:
            self.v = Verdict(accept, score, reason)

        def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            return self.v

    v = chain(Fixed(True, 0.9, None), Fixed(False, 0.2, "mine"), Fixed(False, 0.1, "later")).judge(
        "a", "b", 1
    )
    assert (v.accept, v.score, v.reason) == (False, 0.2, "mine")
    ok = chain(Fixed(True, 0.9, None), Fixed(True, 0.7, None)).judge("a", "b", 1)
    assert ok.accept and ok.score == 0.7
    assert (
        not chain(CosineJudge(0.5), DefaultJudge())
        .judge("Fahrenheit to Celsius", "Celsius to Fahrenheit", 0.99)
        .accept
    )
    with pytest.raises(InvalidInputError):
        chain()
    with pytest.raises(InvalidTypeError):
        chain(object())  # type: ignore[arg-type]


def test_verifier_file_round_trip_and_validation(tmp_path: Any) -> None:
    v = default_verifier()
    path = tmp_path / "v.json"
    path.write_text(json.dumps(v.to_json()))
    again = Verifier.load(path)
    x = [0.5] * len(FEATURES)
    assert again.score(x) == pytest.approx(v.score(x))
    assert 0.0 <= v.score([1e6] * len(FEATURES)) <= 1.0
    assert 0.0 <= v.score([-1e6] * len(FEATURES)) <= 1.0
    bad = v.to_json()
    bad["features"] = ["x"]
    with pytest.raises(InvalidInputError):
        Verifier.from_json(bad)
    with pytest.raises(InvalidInputError):
        Verifier.from_json({"kind": "tree"})
    broken = v.to_json()
    del broken["bias"]
    with pytest.raises(InvalidInputError):
        Verifier.from_json(broken)
    nan = v.to_json()
    nan["weights"] = [float("nan")] * len(FEATURES)
    with pytest.raises(InvalidInputError):
        Verifier.from_json(nan)


def test_a_failing_verifier_fails_closed(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(Verifier):
        def score(self, x: Any) -> float:
            raise RuntimeError("boom")

    v = default_verifier()
    j = DefaultJudge(verifier=Broken.from_json(v.to_json()))  # whatever features it uses
    out = j.judge("how can I quit vim", "How do I exit vim?", 0.99)
    assert (out.accept, out.reason) == (False, "error")
    assert "judge failed" in caplog.text


HOSTILE = [
    "",
    "   ",
    "\n\t",
    "?",
    "\U0001f600\U0001f680",
    "```python\nprint('hi')\n```",
    "\u4eca\u5929\u5929\u6c14\u600e\u4e48\u6837",
    "\u0643\u064a\u0641 \u062d\u0627\u0644\u0643",
    "a" * 100_000,
    "word " * 30_000,
    "1/0 0/0 0.0.0.0/99 99999999999999999999999",
    "`unclosed code",
    "\x00\x01\x02",
    "\ud800 lone surrogate",
]


@pytest.mark.parametrize("a", HOSTILE)
def test_hostile_text_gives_a_verdict(a: str) -> None:
    j = DefaultJudge()
    for x, y in ((a, "How do I exit vim?"), ("How do I exit vim?", a), (a, a)):
        v = j.judge(x, y, 0.99)
        assert isinstance(v, Verdict) and v.reason != "error" and 0.0 <= v.score <= 1.0
        assert j.explain(x, y, 0.99).steps


@pytest.mark.parametrize("wordless", ["", "   ", "?", "...", "🙂🙂", "```\n```"])
@pytest.mark.parametrize("worded", ["q", "How do I exit vim?", "is it raining"])
def test_a_text_without_words_never_matches_one_with_words(wordless: str, worded: str) -> None:
    j = DefaultJudge()
    for x, y in ((wordless, worded), (worded, wordless)):
        v = j.judge(x, y, 0.99)
        assert (v.accept, v.score, v.reason) == (False, 0.0, "verifier"), (x, y, v)
        e = j.explain(x, y, 0.99)
        assert not e.accept and e.reason == "verifier"
        assert [s.detail for s in e.steps if s.name == "verifier"] == ["one text has no words"]


@settings(max_examples=150, deadline=None)
@given(a=st.text(max_size=80), b=st.text(max_size=80), sim=st.floats(allow_nan=True))
def test_never_raises_and_never_errors(a: str, b: str, sim: float) -> None:
    v = DefaultJudge().judge(a, b, sim)
    assert v.reason != "error" and 0.0 <= v.score <= 1.0
    assert v.accept == (v.reason is None)


_WORDS = st.sampled_from(
    (  # noqa: SIM905
        "how do i convert celsius to fahrenheit not never python java 2 two 2014 tomorrow "
        "monday ascending descending enable disable list string file from into than"
    ).split()
)


@settings(max_examples=150, deadline=None)
@given(a=st.lists(_WORDS, max_size=10).map(" ".join), b=st.lists(_WORDS, max_size=10).map(" ".join))
def test_guards_are_symmetric(a: str, b: str) -> None:
    for name, guard in GUARDS.items():
        ra, rb = guard(a, b), guard(b, a)
        assert (ra.outcome == "reject") == (rb.outcome == "reject"), (name, a, b, ra, rb)


@settings(max_examples=100, deadline=None)
@given(a=st.lists(_WORDS, min_size=1, max_size=10).map(" ".join))
def test_a_text_never_contradicts_itself(a: str) -> None:
    for guard in GUARDS.values():
        assert guard(a, a).outcome != "reject"


def test_shipped_files_record_their_embedder_and_the_lowest_provable_bound() -> None:
    cal = shipped_calibration()
    assert cal.embedder and cal.embedder == default_verifier().meta["embedder"]
    smallest = cal.table[0][0]
    assert DefaultJudge(max_false_hit_rate=smallest).accept_threshold == cal.table[0][1]
    with pytest.raises(InvalidInputError, match="smallest"):
        DefaultJudge(max_false_hit_rate=smallest / 2)
    # calibrated on held-out scores: each split (author) scored by a verifier fit without it
    assert cal.meta["pool"].startswith("leave-one-split-out")


def test_explain_marks_later_steps_not_reached() -> None:
    v = DefaultJudge().explain("When did World War I end?", "When did World War II end?", 0.97)
    assert v.reason == "guard:numbers"
    later = {s.name: s for s in v.steps if s.name in ("verifier", "threshold")}
    assert all(s.outcome == "neutral" and "not reached" in s.detail for s in later.values())
    ok = DefaultJudge().explain("how do I exit vim??", "How do I exit vim?", 0.99)
    assert ok.accept and [s.outcome for s in ok.steps[-2:]] == ["pass", "pass"]
