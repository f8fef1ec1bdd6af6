"""guard_entities / guard_time on code written against prose: a value literal or a class
called in the code is no proper name; other names still differ."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities, guard_time
from nearcache.judge.entities import entities


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # value literals of the code ("frozen=True", "FALSE", NaN) name nothing
        ("df.dropna(how='all')", "In pandas, how do I drop rows where every column is NaN?"),
        (
            "How do I read a CSV in R without turning strings into factors?",
            "read.csv(f, stringsAsFactors = FALSE)",
        ),
        (
            '=TEXTJOIN(",",TRUE,A1:A10)',
            "In Excel, how do I join the text of A1:A10 with commas, ignoring blanks?",
        ),
        # a capitalized identifier called or built with "new" is a class of the code
        (
            "new Date(s).toLocaleString() to show UTC in the user's zone?",
            "How do I convert UTC time to local time in JavaScript?",
        ),
        (
            "os.path.exists vs pathlib Path('x').exists()",
            "How do I check if a file exists in Python?",
        ),
        ("=SUM(A1:B2) covers A1, A2, B1, B2 right?", "In Excel, does A1:B2 include B1?"),
    ],
)
def test_code_against_prose_names_nothing_else(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome != "reject"
    assert guard_entities(b, a).outcome != "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Does Path.rmdir raise if the directory isn't empty?",
            "Does Path.unlink raise if the file doesn't exist?",
        ),
        (
            "How do I reduce the size of a Node Docker image",
            "How do I reduce the size of a Python Docker image",
        ),
        ("Is Memcached single-threaded?", "Is Redis single-threaded?"),
        ("Can my Nan claim pension credit?", "Can my Grandad claim pension credit?"),
    ],
)
def test_other_names_still_reject(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"


def test_literals_and_called_classes_are_no_proper_names() -> None:
    assert ("true", "proper") not in entities("@dataclass(frozen=True) to freeze it?")
    assert ("date", "code") in entities("new Date(s).getTime()")
    assert ("nan", "proper") in entities("is it my Nan's turn")  # a word, not NaN


@pytest.mark.parametrize(
    ("a", "b", "outcome"),
    [
        ("carry over into the following year?", "roll over to next year?", "pass"),
        ("carry over into the following year?", "roll over to last year?", "reject"),
    ],
)
def test_following_is_next(a: str, b: str, outcome: str) -> None:
    assert guard_time(a, b).outcome == outcome
