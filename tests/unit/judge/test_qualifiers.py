"""Scope qualifiers ("only", "first", "last") on one side of otherwise equal texts; a count
of another set ("including ...", "in total") on one side (count_widened)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.qualifiers import count_widened, qualifier_added, qualifiers


@pytest.mark.parametrize(
    ("a", "b", "cls"),
    [
        (
            "How do I read the lines of a file?",
            "How do I read only the first line of a file?",
            "first",
        ),
        ("Which planets have rings?", "Which planets only have rings?", "only"),
        (
            "Who was the prime minister of Canada?",
            "Who was the last prime minister of Canada?",
            "last",
        ),
        ("git: undo commits on a branch", "git: undo the last commits on a branch", "last"),
        ("Can I deduct my home office", "Can I deduct solely my home office", "only"),
        ("who was the frist emperor of china", "Who was the emperor of China?", "first"),
    ],
)
def test_restriction_on_one_side_rejects(a: str, b: str, cls: str) -> None:
    assert qualifier_added(a, b) == cls
    assert qualifier_added(b, a) == cls
    assert guard_entities(a, b).outcome == "reject"
    assert "scope" in guard_entities(b, a).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("restart only one pod", "restart one pod"),  # emphasis before a number
        ("Is it not only slow but wrong?", "Is it slow but wrong?"),
        ("Should I stretch first?", "Should I stretch?"),  # an adverb of order
        ("What did I spend last week?", "What did I spend?"),  # a date: the time guard's
        ("read only the first line", "read just the first line"),  # a counterpart
        ("the first line of a file", "the initial line of a file"),
        ("whats the latest train to Leeds", "what's the latest train to Leeds"),
        ("read the `only` flag", "read the flag"),  # quoted: an example, not a restriction
        ("read the first line of a file", "read the first line of a file"),
        ("Which planets have rings?", "Which moons only have craters?"),  # other words differ
        ("the final exam dates", "the last exam dates"),  # one class
        ("rust get the lsat item of a vec", "rust get the last item of a vec"),  # a typo
    ],
)
def test_no_restriction_added(a: str, b: str) -> None:
    assert qualifier_added(a, b) is None
    assert qualifier_added(b, a) is None


def test_classes_read_from_a_text() -> None:
    restricts, named = qualifiers("just read only the first line")
    assert restricts == {"only", "first"}
    assert named == {"only", "first"}
    restricts, named = qualifiers("what's the latest I can arrive")
    assert restricts == frozenset()
    assert named == {"last"}


@pytest.mark.parametrize(
    ("a", "b", "words"),
    [
        (
            "How many people sit on a jury including the alternates?",
            "How many jurors hear a criminal trial?",
            "including",
        ),
        (
            "How many calories are in a club sandwich in total?",
            "How many calories does the bread of a club sandwich add?",
            "in total",
        ),
        (
            "how long is the flight to Tokyo not counting the layover",
            "How long does the flight to Tokyo take?",
            "not counting",
        ),
        (
            "How do I count the rows of a sheet, excluding the header?",
            "How do I count the rows of a sheet?",
            "excluding",
        ),
    ],
)
def test_a_count_of_another_set_rejects(a: str, b: str, words: str) -> None:
    assert count_widened(a, b) == words
    assert count_widened(b, a) == words
    result = guard_entities(a, b)
    assert result.outcome == "reject" and "counts another set" in result.detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Not a count: listing every file including those in subfolders is a way to list.
        (
            "python: walk a folder and get every file including the ones in subfolders",
            "How do I list all files in a directory recursively in Python?",
        ),
        # Both texts widen the count.
        (
            "How many seats does the hall have including the boxes?",
            "How many seats in total does the hall have?",
        ),
        # The word quoted as code, or no such word at all.
        ("How many rows does `SELECT ... EXCLUDING` return?", "How many rows does it return?"),
        ("How many moons does Mars have?", "how many moons has mars got"),
    ],
)
def test_no_count_of_another_set(a: str, b: str) -> None:
    assert count_widened(a, b) is None
    assert count_widened(b, a) is None
