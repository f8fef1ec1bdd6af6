"""``nearcache explain``'s table says which text a guard's "first" and "second" are: the
command takes (stored, asked) but the guards read (asked, stored)."""

from __future__ import annotations

from typing import Any

import pytest

from nearcache.cli.explain import render_explain


def data(detail: str) -> dict[str, Any]:
    step = {"name": "scope", "outcome": "neutral", "detail": detail, "score": None}
    return {"stored": "s", "asked": "a", "accept": False, "reason": "verifier", "steps": [step]}


def test_a_detail_naming_a_side_gets_the_legend(capsys: pytest.CaptureFixture[str]) -> None:
    render_explain(data("only in the first: nested"))
    out = " ".join(capsys.readouterr().out.split())  # the caption wraps at the table's width
    assert "the first text is the asked question, the second the stored one" in out


def test_no_legend_without_a_side(capsys: pytest.CaptureFixture[str]) -> None:
    render_explain(data("every content word has a counterpart"))
    assert "asked question" not in capsys.readouterr().out
