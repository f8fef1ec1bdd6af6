"""Readers that skip a text holding none of their cue words: the skip must never hide a
word the reader's scan would have read."""

from __future__ import annotations

import ast
import inspect
import textwrap

import pytest

from nearcache.judge import negcues
from nearcache.judge.negcues import negations
from nearcache.judge.unknowns import asked_and_given


def _compared_words(fn: object, name: str) -> set[str]:
    """Every string the source of ``fn`` compares variable ``name`` with (``==``, ``in``
    a literal tuple or set)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))  # type: ignore[arg-type]
    out: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Compare) and isinstance(node.left, ast.Name)):
            continue
        if node.left.id != name:
            continue
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.Eq) and isinstance(right, ast.Constant):
                out.add(right.value)
            elif isinstance(op, ast.In) and isinstance(right, (ast.Tuple, ast.Set)):
                out |= {e.value for e in right.elts if isinstance(e, ast.Constant)}
    return out


def _passes_cue_gate(w: str) -> bool:
    return negcues.is_cue(w) or w in negcues._OPENERS or w.startswith(negcues._PREFIXES)


def test_the_cue_gate_lets_through_every_word_the_cue_scan_reads() -> None:
    words = _compared_words(negcues._cues, "w")
    assert {"non", "but", "not", "no"} <= words
    missed = sorted(w for w in words if not _passes_cue_gate(w))
    assert not missed, missed


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Can a non resident open an account?", "non-resident"),
        ("How do I delete everything but the logs?", "except"),
        ("git commit --no-verify: does it skip hooks?", "no-verify"),
        ("Is a not-for-profit taxed?", "not-for-profit"),
        ("Why isn't my code running?", "isn't"),
        ("Can I never sleep?", "never"),
    ],
)
def test_every_kind_of_cue_is_still_read(text: str, cue: str) -> None:
    assert cue in negations(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is a good name for a dog?", (None, frozenset())),
        ("How much do I need to invest?", ("invest", frozenset())),
        ("I invest 1000 dollars", (None, frozenset({("1000", "invest")}))),
    ],
)
def test_asked_and_given_reads_how_and_numbers_alone(
    text: str, expected: tuple[str | None, frozenset[tuple[str, str]]]
) -> None:
    assert asked_and_given(text) == expected
