"""The draft reader of benchmarks/judge_draft.py: what it makes of each line kind."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import judge_draft as draft  # noqa: E402


def test_every_line_kind() -> None:
    groups = draft.parse(
        "# chess\n"
        "S Can a pawn move backwards?\n"
        "h paraphrase | do pawns ever go back?\n"
        "t antonym | Can a pawn move forwards? | the other way\n"
        "x t role | Can a king capture a queen?\n"
        "m | How long is a blitz game?\n"
    )
    assert len(groups) == 1
    hit, trap, swapped, miss = groups[0]
    assert (hit["label"], hit["category"], hit["note"]) == ("hit", "paraphrase", "")
    assert trap["note"] == "the other way" and trap["stored"] == "Can a pawn move backwards?"
    assert swapped["stored"] == "Can a king capture a queen?"
    assert swapped["asked"] == "Can a pawn move backwards?"
    assert (miss["category"], miss["asked"]) == ("unrelated", "How long is a blitz game?")
    assert {p["domain"] for p in groups[0]} == {"chess"}


def test_a_pipe_without_spaces_stays_inside_the_question() -> None:
    (group,) = draft.parse("# shell\nS list big files\nh code | `du -ah /var|sort -h|tail`\n")
    assert group[0]["asked"] == "`du -ah /var|sort -h|tail`"


def test_a_spaced_pipe_inside_a_question_is_refused_with_its_line() -> None:
    with pytest.raises(ValueError, match="line 3: more than two ' \\| ' separators"):
        draft.parse("# shell\nS list big files\nh code | `du -ah /var | sort -h | tail`\n")


def test_every_committed_draft_still_reads() -> None:
    drafts = sorted((ROOT / "benchmarks" / "data" / "judge" / "drafts").glob("*.txt"))
    assert drafts
    for path in drafts:
        assert draft.parse(path.read_text(encoding="utf-8")), path.name
