"""A number changed beside a word both texts keep: "Diablo 4" / "diablo 5", "on the 700
scale" / "(1400 scale)".

The numbers guard leaves a figure only one text gives to the verifier when just one of the
two asks in a full question (a keyword query, a snippet: :func:`.answers.asked_otherwise`):
such rewordings add figures. A figure that stands right beside a content word the other
text writes beside *another* number was not added but changed, and a reworded look-alike
changes it so ("what is the max level in Diablo 4 season 5" / "diablo 5 s5 max level?").

Limits: the neighbour must be the next or previous word, written alike (up to stem);
function words are no neighbours ("in 2 weeks" / "in 3 days").
"""

from __future__ import annotations

from .measures import Quantity, fmt
from .numwords import ordinal_value, word_value
from .tokens import STOPWORDS, Text, Token, stem

__all__ = ["number_changed"]


def _value(tok: Token) -> str | None:
    """The number ``tok`` writes (digits or a number word), as quantities write it."""
    if tok.kind == "num":
        try:
            return fmt(float(tok.low.replace(",", "")))
        except ValueError:
            return None
    found = word_value(tok.low) or ordinal_value(tok.low)
    return str(found) if found else None


def _beside(t: Text) -> dict[str, set[str]]:
    """Each content word of ``t`` (stemmed) -> the numbers written right next to it."""
    toks = t.tokens
    out: dict[str, set[str]] = {}
    for i, tok in enumerate(toks):
        value = _value(tok)
        if value is None:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(toks) and toks[j].kind == "word" and toks[j].low not in STOPWORDS:
                out.setdefault(stem(toks[j].low), set()).add(value)
    return out


def number_changed(extra: list[Quantity], given: Text, lacking: Text) -> bool:
    """A strong figure of ``extra`` (only ``given`` writes it) stands beside a content word
    that ``lacking`` writes beside another number."""
    values = {v for v, _, weak, literal in extra if not weak and not literal}
    if not values:
        return False
    theirs = _beside(lacking)
    for word, mine in _beside(given).items():
        if mine & values and theirs.get(word, set()) - mine:
            return True
    return False
