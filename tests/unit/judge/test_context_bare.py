"""An added context sentence does not make a one-word look-alike a paraphrase: the judge
also scores the two questions alone when the context says none of their differences."""

from __future__ import annotations

import pytest

from nearcache.judge import DefaultJudge
from nearcache.judge.context import bare_pair

STORED = "Is a swimmer disqualified for doing a flip turn in a breaststroke race?"
CHANGED = "Is a swimmer disqualified for doing a flip turn in a backstroke race?"
LEADS = (
    "Quick question before I commit to anything. ",
    "Context: I am new to this and the docs confused me. ",
)


@pytest.mark.parametrize("lead", LEADS)
def test_context_in_front_of_a_changed_name_is_still_refused(lead: str) -> None:
    judge = DefaultJudge()
    assert not judge.judge(CHANGED, STORED, 0.91).accept  # the bare look-alike
    bare = bare_pair(lead + CHANGED, STORED)
    assert bare is not None
    assert bare[0].startswith("Is a swimmer") and bare[1] == STORED
    verdict = judge.judge(lead + CHANGED, STORED, 0.91)
    assert not verdict.accept
    assert verdict.reason == "verifier"
    assert judge.explain(lead + CHANGED, STORED, 0.91).score == verdict.score


@pytest.mark.parametrize("lead", LEADS)
def test_context_in_front_of_the_same_question_is_served(lead: str) -> None:
    assert bare_pair(lead + STORED, STORED) is None  # nothing differs
    assert DefaultJudge().judge(lead + STORED, STORED, 0.91).accept


def test_a_context_that_says_the_other_side_s_word_is_read_whole() -> None:
    asked = (
        "I see it in every example script online and I'm new to Python. "
        'What does `if __name__ == "__main__":` do?'
    )
    stored = 'Python: what does `if __name__ == "__main__":` do?'
    assert bare_pair(asked, stored) is None
    assert DefaultJudge().judge(asked, stored, 0.9).accept


def test_one_sentence_texts_are_not_read_again() -> None:
    assert bare_pair(CHANGED, STORED) is None
