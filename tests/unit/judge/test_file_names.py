"""The file-name reading of entities: a capitalized dotted name is a file only with a
file's ending ("Main.java", "README.md"); otherwise it is code ("Object.seal",
"Math.floor"), compared with the other code names of the pair."""

from __future__ import annotations

import pytest

from nearcache.judge import guard_entities
from nearcache.judge.entities import entities


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("what does Object.seal do", "object.seal", "code"),
        ("is Math.trunc the same as rounding", "math.trunc", "code"),
        ("why won't Main.java compile", "main.java", "file"),
        ("where do I put README.md", "readme.md", "file"),
        ("run main.py with arguments", "main.py", "file"),
    ],
)
def test_kind_of_dotted_names(text: str, name: str, kind: str) -> None:
    assert (name, kind) in entities(text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("does Object.seal stop new properties", "does Object.assign stop new properties"),
        ("is Math.trunc faster than Math.ceil", "is Math.round faster than Math.ceil"),
    ],
)
def test_two_code_names_differ(a: str, b: str) -> None:
    assert guard_entities(a, b).outcome == "reject"
