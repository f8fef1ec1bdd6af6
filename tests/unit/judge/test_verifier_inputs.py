"""One scoring path: the judge and the verifier's training read a pair through
``verifier_inputs`` and ``Verifier.judge_score``, and the guards run once per pair."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge
from nearcache.judge import judge as judge_module
from nearcache.judge.judge import run_guards, verifier_inputs
from nearcache.judge.verifier import default_verifier

STORED = "Is a swimmer disqualified for doing a flip turn in a breaststroke race?"
CHANGED = "Is a swimmer disqualified for doing a flip turn in a backstroke race?"
LEAD = "Quick question before I commit to anything. "


def test_the_judge_score_is_the_lower_of_the_pair_and_the_two_questions_alone() -> None:
    verifier = default_verifier()
    row, bare = verifier_inputs(LEAD + CHANGED, STORED, 0.91, run_guards(LEAD + CHANGED, STORED)[1])
    assert bare is not None and bare != row
    assert verifier.judge_score(row, bare) == min(verifier.score(row), verifier.score(bare))
    assert verifier.judge_score(row) == verifier.score(row)
    verdict = DefaultJudge(verifier=verifier).judge(LEAD + CHANGED, STORED, 0.91)
    assert verdict.score == pytest.approx(verifier.judge_score(row, bare))


def test_one_sentence_pairs_have_no_bare_reading() -> None:
    row, bare = verifier_inputs(CHANGED, STORED, 0.93, run_guards(CHANGED, STORED)[1])
    assert bare is None and len(row) == len(default_verifier().weights)


def test_the_guards_are_not_run_again_on_the_two_questions_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the guards already read the focused questions; a second run would only repeat them
    expected = DefaultJudge().judge(LEAD + CHANGED, STORED, 0.91)

    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError("guards run again")

    monkeypatch.setattr(judge_module, "run_guards", fail)
    verdict = DefaultJudge().judge(LEAD + CHANGED, STORED, 0.91)
    assert verdict.reason == expected.reason == "verifier"
    assert verdict.score == expected.score
