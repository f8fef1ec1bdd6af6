"""Opposite ends of one measure said in other words are another question (antonym guard)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms
from nearcache.judge.scales import _CUES, SCALES, scale_turned
from nearcache.judge.types import NEUTRAL, REJECT


@pytest.mark.parametrize(
    ("a", "b", "words"),
    [
        (
            "which garden jobs in spring are the quickest to finish",
            "Before the season starts, what chores in the vegetable patch take the longest?",
            ("quickest", "longest"),
        ),
        (
            "Why has the water pressure in my shower increased since the plumber came?",
            "after the boiler service my shower flow went down, what could cause that",
            ("increased", "went down"),
        ),
        (
            "My electricity bill is higher this winter though we use the heater less, why?",
            "the power bill dropped this month and I wonder what lowered it",
            ("higher", "lowered"),
        ),
        (
            "Can I register several hives at once with the beekeeping association?",
            "I keep bees; how do I sign up a single colony with the local association",
            ("several", "single"),
        ),
        (
            "How do I see the oldest message in a long WhatsApp chat?",
            "whatsapp group: jump to the latest message someone posted",
            ("oldest", "latest"),
        ),
        (
            "In the shop's till software, how do I reprint the most recent receipt?",
            "Our cafe's POS: can I print the first receipt of the day again?",
            ("most recent", "first"),
        ),
        (
            "Why does the oil pressure on my van keep dropping at idle?",
            "van oil pressure gauge shoots up when it's idling, what does that mean",
            ("dropping", "shoots up"),
        ),
        (
            "Is it best to prune apple trees at the start of winter?",
            "orchard: cutting back the apples late in winter, good idea",
            ("start of", "late in"),
        ),
        (
            "can I take my holiday days in the last week of term",
            "As a teaching assistant, may I book leave in the first week of the school term?",
            ("last week of", "first week of"),
        ),
    ],
)
def test_opposite_ends_in_other_words_reject(a: str, b: str, words: tuple[str, str]) -> None:
    assert scale_turned(a, b) == words
    assert scale_turned(b, a) == words[::-1]
    result = guard_antonyms(a, b)
    assert result.outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the measure asked, no end named
        (
            "How soon can my dog go for walks after being neutered?",
            "dog neutered, how long till walks",
        ),
        # a wish against a complaint: one need
        ("Why is my old laptop so slow?", "how do I make an old laptop faster"),
        # a comparison turned round
        (
            "Is a bike chain faster to clean than a cassette?",
            "Is a cassette slower to clean than a chain?",
        ),
        # two things counted
        ("one login for multiple databases?", "a single login with a user in each database"),
        # a period and an occasion, not a rank
        (
            "customers whose first order was in the last year",
            "which customers ordered for the first time within the past year",
        ),
        # alternatives name both ends
        ("Should the dose go up or down?", "raise or lower the dose"),
        # the same end in other words
        ("Which orders are the newest?", "show me the latest orders"),
        (
            "steps for the month-end close in a small shop",
            "closing the books at the end of a month",
        ),
    ],
)
def test_no_opposite_ends_pass(a: str, b: str) -> None:
    assert scale_turned(a, b) is None
    assert scale_turned(b, a) is None


def test_a_reworded_pair_with_opposites_elsewhere_is_still_left_to_the_verifier() -> None:
    a = "Why is my internet slow only at night?"
    b = "my wifi crawls in the evenings but is fine during the day"
    assert guard_antonyms(a, b).outcome == NEUTRAL


def test_the_cue_gate_lets_through_every_word_the_scan_reads() -> None:
    assert {w for ends in SCALES.values() for side in ends for w in side} <= _CUES
    assert {"up", "down", "recent", "start", "beginning", "end", "early", "late"} <= _CUES
    assert {"year-end", "month-end", "quarter-end"} <= _CUES
