"""Two proper names inside a rewording are the verifier's to weigh (``names_swapped``); a
name swap that is the whole difference is still refused; ``function_gap`` reads a change of
register."""

from __future__ import annotations

import pytest

from nearcache.judge.entities import PROPER_SWAP, guard_entities
from nearcache.judge.features import FEATURES, features
from nearcache.judge.judge import run_guards

_SWAPPED = FEATURES.index("names_swapped")
_GAP = FEATURES.index("function_gap")


def _features(a: str, b: str) -> list[float]:
    return features(a, b, 0.8, run_guards(a, b)[1])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "2008 Wimbledon final: was it Rafa who won against Roger?",
            "Did Nadal beat Federer in the 2008 Wimbledon final?",
        ),
        (
            "In the Hijri calendar, is Shaban the month just before Ramadan?",
            "Does Ramadan come right after Shaban in the Islamic calendar?",
        ),
    ],
)
def test_names_inside_a_rewording_are_left_to_the_verifier(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        res = guard_entities(x, y)
        assert res.outcome == "neutral"
        assert res.detail.startswith(PROPER_SWAP)
        assert _features(x, y)[_SWAPPED] == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Who won the League of Legends World Championship in 2023?",
            "Who won Valorant Champions in 2023?",
        ),
        ("Who wrote Mrs Dalloway?", "Who wrote Pride and Prejudice?"),
        # rewording on one side only: still another thing named
        ("When did Constantinople fall?", "When did Byzantium fall to the Ottomans?"),
    ],
)
def test_a_name_swap_that_is_the_whole_difference_is_refused(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"
    assert guard_entities(b, a).outcome == "reject"


def test_listed_names_are_refused_however_worded() -> None:
    # names of a listed kind (programming languages) stay a hard refusal
    a, b = "how do I reverse a list in Python", "Reversing an array in Ruby: what's the idiom?"
    assert guard_entities(a, b).outcome == "reject"


def test_names_swapped_is_zero_without_the_soft_case() -> None:
    assert _features("How do I boil an egg?", "how to boil eggs")[_SWAPPED] == 0.0


def test_function_gap_reads_a_change_of_register() -> None:
    same = _features("How do I mirror my NAS with rsync?", "How do I mirror my NAS using rsync?")
    code = _features(
        "rsync -av --delete nas:/share/ ~/mirror/",
        "With rsync, how do I mirror my NAS to my laptop and delete the files I removed?",
    )
    assert same[_GAP] == pytest.approx(0.0)
    assert 0.2 < code[_GAP] <= 1.0


@pytest.mark.parametrize(
    ("snippet", "question"),
    [
        (
            "LAG(col) OVER (ORDER BY ts) to read the prior row",
            "How do I get the previous row's value in SQL?",
        ),
        (
            'get_node("Player/Sprite2D") or $Player/Sprite2D',
            "How do I get a node by path in GDScript?",
        ),
    ],
)
def test_a_snippet_against_its_question_is_left_to_the_verifier(
    snippet: str, question: str
) -> None:
    # the snippet's words read as names ("LAG", "ts") that the question need not repeat
    for a, b in ((snippet, question), (question, snippet)):
        res = guard_entities(a, b)
        assert res.outcome == "neutral"
        assert res.detail.startswith("names read in code")


def test_two_questions_or_two_snippets_naming_other_things_still_refuse() -> None:
    assert (
        guard_entities("How do I read a CSV in pandas?", "How do I read a CSV in Polars?").outcome
        == "reject"
    )
    assert (
        guard_entities("df.groupby('a') in pandas", "df.group_by('a') in Polars").outcome
        == "reject"
    )
