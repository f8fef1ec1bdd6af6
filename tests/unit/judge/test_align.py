"""align(): one-to-one pairing of content words; spelling rules; compounds and phrases."""

from __future__ import annotations

import pytest

from nearcache.judge.align import align, similar_spelling
from nearcache.judge.tokens import analyze, stem


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "how do i remove duplicates from a list in pyhton",
            "How do I remove duplicates from a list in Python?",
        ),
        ("how do i login", "how do I log in"),
        ("did brazil win the semifinal", "Did Brazil win the semi-final?"),
        ("flight from NYC to London", "flight from New York to London"),
        ("is scotland part of the UK", "Is Scotland part of the United Kingdom?"),
        ("does react depend on react-dom", "Does React depend on ReactDOM?"),
        ("cron job that runs evry 5 minuts", "cron job that runs every 5 minutes"),  # "evry"
        ("How do I delete a file?", "how to remove a file"),  # synonyms
        ("What year did the Berlin Wall fall?", "The Berlin Wall fell in what year?"),  # irregular
        ("what does the -r flag do in rm", "What does the -r flag do in rm?"),
        (
            "do hotels in japan add a service charge to the bil",
            "Do hotels add a service charge to the bill in Japan?",
        ),
        ("can i edit 4k h265 footage", "Can I edit 4K H.265 footage?"),  # a standard's dot
        ("how do i trim my budgies claws", "How do I trim my budgie's claws?"),  # apostrophe
    ],
)
def test_paraphrase_surfaces_align_fully(a: str, b: str) -> None:
    al = align(a, b)
    assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


def test_a_dot_between_digits_is_kept() -> None:
    al = align("is v1.2 safe", "is v12 safe")
    assert al.only_a == ("v1.2",) and al.only_b == ("v12",)


def test_pairs_are_positions_and_the_rest_is_left_over() -> None:
    al = align("can dogs eat grapes", "can cats eat grapes")
    assert al.only_a == ("dog",) and al.only_b == ("cat",) and al.matched == 2
    ta, tb = analyze("can dogs eat grapes"), analyze("can cats eat grapes")
    assert [(ta.terms[i][0], tb.terms[j][0]) for i, j, _ in al.pairs] == [
        ("eat", "eat"),
        ("grap", "grap"),
    ]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("pyhton", "python", True),
        ("recieve", "receive", True),
        ("dya", "day", True),  # three letters: a swap of neighbours
        ("wil", "will", True),  # or a final doubled letter written once
        ("pas", "pass", True),
        ("god", "good", False),  # not inside the word: often another word
        ("act", "acct", False),
        ("hav", "have", False),  # other letters dropped from three-letter words stay apart
        ("bat", "bait", False),
        ("wil", "wail", False),
        ("cat", "act", False),
        ("sang", "song", False),  # short words one letter apart are other words
        ("austria", "australia", False),
        ("ipv4", "ipv6", False),  # never across digits
        ("import", "export", False),
        ("iran", "iraq", False),  # two listed names
        ("loose", "lose", True),  # a well-known confusion
    ],
)
def test_spelling_rules(a: str, b: str, same: bool) -> None:
    assert similar_spelling(a, b) is same
    assert similar_spelling(b, a) is same  # either text may be the misspelled one


def test_stems_and_analysis() -> None:
    assert stem("sued") == stem("sue") and stem("used") == "use"
    assert stem("https") == "https" and stem("fell") == "fall"
    t = analyze("why dont you ask the U.S. team?")
    assert "don't" in t.words and "us" in t.words and "us" in t.content


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("tickets for the superbowl", "tickets for the Super Bowl"),
        ("where is the bookstore", "where is the book store"),
        ("a good screenshot tool", "a good screen shot tool"),
    ],
)
def test_a_word_written_as_two_pairs_whole_before_a_prefix_could(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        al = align(x, y)
        assert al.only_a == () and al.only_b == (), (al.only_a, al.only_b)


def test_an_ellipsis_is_a_pause_not_a_sentence_end() -> None:
    t = analyze("bananas... safe for dogs?")
    assert {tok.sent for tok in t.tokens} == {0}
    assert {tok.sent for tok in analyze("bananas. safe for dogs?").tokens} == {0, 1}
