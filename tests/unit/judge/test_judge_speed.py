"""The judge's fast paths decide exactly as the plain definitions do.

``DefaultJudge.judge_quick`` runs the cheap guards first: the same accept and score as
``judge`` on every pair, and a refusal names a guard that does refuse the pair.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache.judge import GUARDS, DefaultJudge, Verdict, run_guards
from nearcache.judge.judge import CHEAP_GUARDS

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


_WORDS = st.sampled_from(
    (  # noqa: SIM905
        "how do i convert celsius to fahrenheit not never python java 2 two 2014 tomorrow "
        "monday ascending descending enable disable list string file from into than"
    ).split()
)


@settings(max_examples=200, deadline=None)
@given(a=st.lists(_WORDS, max_size=10).map(" ".join), b=st.lists(_WORDS, max_size=10).map(" ".join))
def test_quick_judging_decides_as_judging_on_any_words(a: str, b: str) -> None:
    _same_decision(DefaultJudge(), a, b, 0.95)


def test_quick_judging_keeps_a_subclass_decision() -> None:
    class Strict(DefaultJudge):
        def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            return Verdict(False, 0.0, "strict")

    assert Strict().judge_quick("How do I exit vim?", "how do I exit vim", 0.99).reason == "strict"
