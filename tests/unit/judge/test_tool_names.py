"""Tools, engines and libraries written in lower case or opening the text are names too
(``data/names.txt``): one named on each side is a different question."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities

REJECT = "reject"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Mercurial stash: will my new, never-added files be stashed too?",
            "Does git stash include untracked files?",
        ),
        (
            "polars: numbers stored as text with commas, how to make floats",
            "In pandas, how do I parse '1,234.50' as floats?",
        ),
        (
            "Podman run -p 8080:80, is that host to container?",
            "How do I forward port 8080 to a Docker container?",
        ),
        ("How do I debug a segfault with gdb?", "How do I debug a segfault with valgrind?"),
        ("does duckdb support window functions", "Does SQLite support window functions?"),
    ],
)
def test_a_tool_on_each_side_differs(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == REJECT, guard_entities(a, b)
    assert guard_entities(b, a).outcome == REJECT


def test_an_alias_is_the_same_tool() -> None:
    assert (
        guard_entities("svn: how do I undo a commit", "subversion: how do I undo a commit").outcome
        != REJECT
    )
