"""tail_added / guard_entities: one text is the other plus a restriction at its end."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.tails import tail_added


@pytest.mark.parametrize(
    ("short", "long"),
    [
        # Three content words or more at the end.
        (
            "javascript format a date as a string",
            "javascript format a date as a string in the Berlin timezone with seconds dropped",
        ),
        (
            "How do I bake sourdough bread?",
            "How do I bake sourdough bread at high altitude in winter?",
        ),
        # Two after a word opening a condition or clause.
        ("Can I fly with a cat?", "Can I fly with a cat if it has kidney disease?"),
        ("How do I water succulents?", "How do I water succulents while travelling abroad?"),
        ("Is it safe to run every day?", "Is it safe to run every day during a heatwave?"),
        # One after a condition opener, also past a pronoun after the last shared word.
        ("Can I return a sofa?", "Can I return a sofa if it was assembled?"),
        ("Is it OK to feed my dog rice?", "Is it OK to feed my dog rice when he is diabetic?"),
        (
            "Can I deduct a laptop in the year I bought it?",
            "Can I deduct a laptop in the year I bought it if I rent it out?",
        ),
        # An auxiliary right after the noun of "How many ..." is that question's, not a
        # new question after a topic.
        (
            "How many vacation days do I get?",
            "How many vacation days do I get as a part-time nurse?",
        ),
        (
            "How many moons does Jupiter have?",
            "How many of Jupiter's moons can I spot with cheap binoculars?",
        ),
    ],
)
def test_an_added_restriction_at_the_end_rejects(short: str, long: str) -> None:
    assert tail_added(short, long) is not None
    assert tail_added(long, short) is not None
    assert guard_entities(short, long).outcome == "reject"
    assert "restriction" in guard_entities(long, short).detail


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # One word added: the scope guard and the verifier weigh it.
        ("How do I reverse a string?", "How do I reverse a string in Kotlin?"),
        # Two words without an opener of a condition.
        ("How do I reverse a string?", "How do I reverse a string in modern Kotlin?"),
        # A topic, then its question.
        ("What does `npm ci` do?", "npm ci -- what happens to my lockfile and node modules?"),
        ("What does rsync do?", "rsync: when should I use it over scp and sftp?"),
        ("What does rsync do?", "rsync can I use it over scp and sftp?"),
        # The shorter text says something the longer lacks (here a number).
        ("Is the museum open on jan 2?", "Is the museum open on the second day of January?"),
        # Words added in the middle, not at the end.
        (
            "How do I export a table to CSV?",
            "How do I export a large partitioned table with headers to CSV?",
        ),
        # Courtesy at the end.
        ("How do I rename a git branch?", "How do I rename a git branch? thanks in advance"),
        ("How do I rename a git branch?", "How do I rename a git branch, thanks for any help"),
        # The same words.
        ("How do I rename a git branch?", "how do i rename a git branch"),
        # A misspelt function word after an opener is a typo, not a restriction.
        (
            "Who gets the house if my partner dies without a will?",
            "who gets the house if my partner dies without a wil",
        ),
    ],
)
def test_no_tail_is_read(a: str, b: str) -> None:
    assert tail_added(a, b) is None
    assert tail_added(b, a) is None
