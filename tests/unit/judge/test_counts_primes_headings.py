"""A "one" in the place of the other text's count (the numbers guard), a name with a
prime against the same name without it (literals.prime_changed), a Markdown heading that
is no spreadsheet error (spellings.SHEET_ERROR) and a count asked after a topic
(qualifiers.count_widened)."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities, guard_numbers
from nearcache.judge.literals import prime_changed, sheet_error_changed
from nearcache.judge.oneword import one_word_changed
from nearcache.judge.qualifiers import count_widened
from nearcache.judge.spellings import SHEET_ERROR
from nearcache.judge.types import REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does git rebase -i let me merge two commits into one?",
            "... merge two commits into two?",
        ),
        (
            "A three-broker cluster lost a disk on one of them. Can producers still write?",
            "A three-broker cluster lost a disk on two of them. Can producers still write?",
        ),
        (
            "When two swimmers tie, does the one in the lower lane place higher?",
            "When two swimmers tie, does the two in the lower lane place higher?",
        ),
    ],
)
def test_one_where_the_other_counts_more_differs(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == REJECT
    assert guard_numbers(b, a).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In Python, how do I merge two dicts so that the second one wins?",
            "In Python, how do I merge two dicts so that the second wins?",
        ),
        ("Should I put one space or two after a period?", "one or two spaces after a period?"),
        ("Which one is faster, a list or a tuple?", "Is a list or a tuple faster?"),
    ],
)
def test_one_as_a_pronoun_still_does_not_reject(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != REJECT
    assert guard_numbers(b, a).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is foldl' strict in Haskell?", "Is foldl strict in Haskell?"),
        ("Why does foldl leak memory even with foldl'?", "Why does foldl leak memory?"),
        ("what is f' of x here", "what is f of x here"),
    ],
)
def test_a_primed_name_is_another_name(a: str, b: str) -> None:
    assert prime_changed(a, b) is not None
    assert prime_changed(b, a) is not None
    assert guard_entities(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is 'foldl' strict?", "Is foldl strict?"),  # a quoted word
        ("Why does git say 'fatal: not a git repository'?", "git: fatal: not a git repository"),
        ("Can the players' union strike?", "Can the players union strike?"),
        ("Is O'Brien's law real?", "Is OBrien law real?"),
        ("foldl vs foldl' in Haskell", "difference between foldl' and foldl"),
    ],
)
def test_no_prime_read_in_quotes_possessives_or_both(a: str, b: str) -> None:
    assert prime_changed(a, b) is None


def test_markdown_heading_is_no_spreadsheet_error() -> None:
    assert SHEET_ERROR.findall("### Setup\nHow do I install it?") == []
    assert SHEET_ERROR.findall("notes\n#### Install steps") == []
    assert SHEET_ERROR.findall("Excel shows ##### in the cell") == ["#####"]
    assert SHEET_ERROR.findall("#### in my cell, why?") == ["####"]
    heading = "### Setup\nWhy does the cell show #REF!?"
    assert sheet_error_changed(heading, "Why does the cell show #REF!?") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "My son joined an under-10 club. How many players are on a team including the coach?",
            "My son joined an under-10 club. How many players are on a team?",
        ),
        (
            "For an under-10 team in our league, how many players are there including the coach?",
            "For an under-10 team in our league, how many players are there?",
        ),
        (
            "I need to know how many players are on the field including the goalkeeper",
            "I need to know how many players are on the field",
        ),
    ],
)
def test_count_asked_after_a_topic_is_read(a: str, b: str) -> None:
    assert count_widened(a, b) == "including"
    assert count_widened(b, a) == "including"


def test_no_count_no_widening() -> None:
    a = "For our local league, which players are on the field including the coach?"
    assert count_widened(a, "For our local league, which players are on the field?") is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("set a 5m timeout on the job", "set a 5 minute timeout on the job"),
        ("scrape interval of 5m in Prometheus", "scrape interval of 5 minutes in Prometheus"),
        ("a table with 5m rows", "a table with 5 million rows"),
        ("a table with 2.5m rows", "a table with 2.5 million rows"),
        ("a 5m cable", "a 5 metre cable"),
        # the glued number is read as the quantities are: "5.0" is 5, "1,500" is 1500
        ("set a 5.0m timeout on the job", "set a 5 minute timeout on the job"),
        ("a table with 1,500m rows", "a table with 1.5 billion rows"),
    ],
)
def test_a_glued_m_reads_as_the_other_text_reads_it(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome != REJECT
    assert guard_numbers(b, a).outcome != REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("a 5 m cable", "a 5 min cable"),  # spaced: metres
        ("a 5m timeout", "a 10 minute timeout"),
        ("a table with 5m rows", "a table with 50 million rows"),
        ("set a 5.0m timeout", "set a 6 minute timeout"),
        ("a table with 1,500m rows", "a table with 1.6 billion rows"),
    ],
)
def test_a_glued_m_still_differs_from_other_amounts(a: str, b: str) -> None:
    assert guard_numbers(a, b).outcome == REJECT


def test_a_glued_m_past_a_float_does_not_raise() -> None:
    # 400 digits read as inf: "inf" million is no whole number (OverflowError)
    big = "9" * 400
    for b in ("set a 5 minute timeout", "a table with 5 million rows", "a 5m timeout"):
        guard_numbers(f"set a {big}m timeout", b)
        guard_numbers(b, f"a table with {big}.5m rows")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "In Pydantic v2, what replaced the validator decorator?",
            "In Pydantic v2, what replaced the root_validator decorator?",
        ),
        ("What does the rootValidator decorator do?", "What does the validator decorator do?"),
        ("What does the max_len setting do?", "What does the len setting do?"),
        (
            "Can I use ultra-pasteurized milk for mozzarella?",
            "Can I use pasteurized milk for mozzarella?",
        ),
    ],
)
def test_an_identifier_against_its_last_part_is_another_name(a: str, b: str) -> None:
    assert one_word_changed(a, b) is not None
    assert one_word_changed(b, a) is not None
    assert guard_entities(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How do I sort my_list in place?", "How do I sort list in place?"),  # a placeholder
        ("How do I sort tmp_df by date?", "How do I sort df by date?"),
        ("What does the is_ok check do?", "What does the ok check do?"),  # a part too short
        ("How do I re-run failed jobs?", "How do I run failed jobs?"),
    ],
)
def test_a_placeholder_or_short_part_is_no_other_name(a: str, b: str) -> None:
    assert one_word_changed(a, b) is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Can my ISP see the websites I visit when I use HTTPS?",
            "Can my ISP see the websites I visit when I use HTTP?",
        ),
        ("How do I upload a folder with SFTP?", "How do I upload a folder with FTP?"),
    ],
)
def test_an_acronym_a_letter_longer_is_another_name(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == REJECT
    assert guard_entities(b, a).outcome == REJECT


def test_a_misspelled_name_in_lower_case_still_matches() -> None:
    a = "how do I serve my site over https with caddy"
    assert guard_entities(a, "how do I serve my site over htps with caddy").outcome != REJECT
