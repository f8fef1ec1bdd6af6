"""Short names made of initials and a number: "CS2" is "Counter-Strike 2", "S2" is
"Sentinel-2", "F1" is "Formula 1" (initials without a number, "LOTR", are read in
:mod:`.entities`).

A short form is the first letters of one to four consecutive words followed by the number
written right after them. The entity guard reads a name on one side as named on the other
when one text writes the short form of a run of words and a number the other text writes
in full.

Limits: only digits close the run ("Mario Kart 8 Deluxe" / "MK8DX" is not read); a
Roman numeral is no number here ("FCS II" / "FCS2").
"""

from __future__ import annotations

from .tokens import analyze, text_cache

__all__ = ["long_form_named", "short_forms"]

_MAX_WORDS = 4


@text_cache
def short_forms(text: str) -> dict[str, frozenset[str]]:
    """Every short form ``text`` spells in full, with the words it abbreviates:
    "Counter-Strike 2" -> ``{"cs2": {"counter", "strike"}, "s2": {"strike"}}``."""
    parts: list[str] = []  # word parts in order; "" breaks a run (symbols, mixed tokens)
    for tok in analyze(text).tokens:
        if tok.kind == "sym":
            parts.append("")
            continue
        parts.extend(p if p.isalpha() or p.isdigit() else "" for p in tok.low.split("-"))
    out: dict[str, set[str]] = {}
    for j, number in enumerate(parts):
        if not number.isdigit():
            continue
        for n in range(1, _MAX_WORDS + 1):
            run = parts[max(0, j - n) : j]
            if len(run) < n or not all(p.isalpha() for p in run):
                break
            out.setdefault("".join(p[0] for p in run) + number, set()).update(run)
    return {k: frozenset(v) for k, v in out.items()}


def long_form_named(name: str, own: str, other: str) -> bool:
    """``name`` (a name of ``own``) is part of words and a number that ``other`` writes as
    their short form ("Sentinel-2" / "S2", "Counter-Strike" 2 / "cs2")."""
    first = name.replace("-", " ").split()[0] if name.strip() else ""
    if not first:
        return False
    short = {tok.low for tok in analyze(other).tokens if tok.kind == "word"}
    return any(k in short for k, words in short_forms(own).items() if first in words)
