"""One of a kind ("one app") is not the kind said as a bare plural ("apps")."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_antonyms
from nearcache.judge.singled import single_turned
from nearcache.judge.tokens import stem
from nearcache.judge.types import REJECT
from nearcache.judge.vocab import singular


@pytest.mark.parametrize(
    ("kind", "one", "noun"),
    [
        (
            "How do I back up photos from my phone to Google Drive?",
            "How do I back up one photo from my phone to Google Drive?",
            "photo",
        ),
        (
            "how to unsubscribe from newsletters in gmail",
            "how to unsubscribe from a single newsletter in gmail",
            "newsletter",
        ),
        (
            "Can I get a refund for train tickets I bought online?",
            "Can I get a refund for one ticket I bought online?",
            "ticket",
        ),
        (
            "does the landlord have to fix windows that do not close",
            "does the landlord have to fix one window that does not close",
            "window",
        ),
    ],
)
def test_one_of_the_kind_is_refused(kind: str, one: str, noun: str) -> None:
    assert single_turned(one, kind) == (f"one {noun}", f"{noun}s")
    assert single_turned(kind, one) == (f"{noun}s", f"one {noun}")
    for a, b in ((kind, one), (one, kind)):
        assert guard_antonyms(a, b).outcome == REJECT


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("how do I delete two photos at once", "how do I delete one photo"),  # counted
        ("how do I block all apps", "how do I block one app"),  # quantified
        ("copy the edits from one photo onto the other photos", "sync edits across photos"),
        ("which one of the apps uses the most battery", "which apps use the most battery"),
        ("Can I take a single bag on Ryanair?", "how many bags can I take on ryanair"),
        ("Is one coffee a day bad?", "Is coffee bad for you?"),
    ],
)
def test_counted_quantified_or_said_both_ways_is_not_read(a: str, b: str) -> None:
    assert single_turned(a, b) is None
    assert single_turned(b, a) is None


@pytest.mark.parametrize(
    ("one", "kind"),
    [
        ("how do I label one box for shipping", "how do I label boxes for shipping"),
        ("best place to visit in one city in spain", "best places to visit in cities in spain"),
        ("can I skip one class this week", "can I skip classes this week"),
    ],
)
def test_plurals_are_read_as_the_stems_read_them(one: str, kind: str) -> None:
    noun = one.split(" one ")[1].split()[0]
    plural = next(w for w in kind.split() if w != noun and stem(w) == stem(noun))
    assert singular(plural) == noun
    found = single_turned(one, kind)
    assert found is not None and found[0] == f"one {noun}"
