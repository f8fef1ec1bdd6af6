"""``nearcache explain "stored" "asked"``: the judge's decision on two questions, step by step.

Embeds both texts with the chosen model, then runs the default judge's explaining path
(:func:`nearcache.judge.explain`): the similarity floor, every guard (also those that
passed or found nothing), the verifier score and the accept threshold.
"""

from __future__ import annotations

from typing import Any

from .common import out_console

__all__ = ["explain_pair", "render_explain"]

_STYLE = {"pass": "green", "reject": "bold red", "neutral": "dim"}


def explain_pair(
    stored: str, asked: str, embedder: Any, max_false_hit_rate: float | None = None
) -> dict[str, Any]:
    """The verdict on serving ``stored``'s answer for ``asked``, as a JSON-ready dict."""
    from ..judge import DefaultJudge, explain

    judge = DefaultJudge(max_false_hit_rate=max_false_hit_rate)
    verdict = explain(stored, asked, embedder=embedder, judge=judge)
    similarity = next((s.score for s in verdict.steps if s.name == "floor"), None)
    return {
        "stored": stored,
        "asked": asked,
        "model": str(getattr(embedder, "fingerprint", "")),
        "similarity": similarity,
        "accept": verdict.accept,
        "score": verdict.score,
        "reason": verdict.reason,
        "accept_threshold": judge.accept_threshold,
        "steps": [
            {"name": s.name, "outcome": s.outcome, "detail": s.detail, "score": s.score}
            for s in verdict.steps
        ],
    }


def render_explain(data: dict[str, Any]) -> None:
    """A table of every step and a one-line decision."""
    from rich.table import Table
    from rich.text import Text

    console = out_console()
    table = Table(title="judge", title_justify="left", show_edge=False, pad_edge=False)
    for name in ("step", "outcome", "score", "detail"):
        table.add_column(name, justify="right" if name == "score" else "left")
    for step in data["steps"]:
        score = "" if step["score"] is None else f"{step['score']:.3f}"
        outcome = Text(step["outcome"], style=_STYLE.get(step["outcome"], ""))
        table.add_row(step["name"], outcome, score, step["detail"])
    console.print(table)
    if data["accept"]:
        line = Text("HIT", style="bold green")
        line.append(f": the stored answer serves the asked question (score {data['score']:.3f})")
    else:
        line = Text("MISS", style="bold red")
        line.append(f": refused by {data['reason']}")
    console.print(line)
