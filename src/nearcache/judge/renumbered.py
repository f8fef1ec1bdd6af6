"""A number changed beside a word both texts keep: "Diablo 4" / "diablo 5", "on the 700
scale" / "(1400 scale)".

The numbers guard leaves a figure only one text gives to the verifier when just one of the
two asks in a full question (a keyword query, a snippet: :func:`.answers.asked_otherwise`):
such rewordings add figures. A figure that stands right beside a content word the other
text writes beside *another* number was not added but changed, and a reworded look-alike
changes it so ("what is the max level in Diablo 4 season 5" / "diablo 5 s5 max level?").

A number's role changed: "a breakpoint that stops when a variable *equals 5*" / "that
stops after it has been *hit 5 times*": the same figure counts how often a thing happens
in one text and is a value compared with in the other (:func:`count_against_value`).

Limits: the neighbour must be the next or previous word, written alike (up to stem);
function words are no neighbours ("in 2 weeks" / "in 3 days").
"""

from __future__ import annotations

from .measures import Quantity, fmt
from .numwords import ordinal_value, word_value
from .tokens import STOPWORDS, Text, Token, stem

__all__ = ["count_against_value", "number_changed"]

#: Words right before a number that compare a value with it ("when x equals 5", "> 5").
_COMPARING = frozenset(
    (  # noqa: SIM905
        "equals equal equalling exceeds exceed above below under over than == = > < >= <= !="
    ).split()
)


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


def _roles(t: Text) -> tuple[set[str], set[str]]:
    """The numbers of ``t`` that count occurrences ("5 times") and those a value is
    compared with ("equals 5", "== 5", "greater than 5")."""
    toks = t.tokens
    counts: set[str] = set()
    compared: set[str] = set()
    for i, tok in enumerate(toks):
        value = _value(tok) if tok.kind == "num" else None
        if value is None:
            continue
        if i + 1 < len(toks) and toks[i + 1].low == "times":
            counts.add(value)
        elif i > 0 and toks[i - 1].low in _COMPARING:
            compared.add(value)
    return counts, compared


def count_against_value(a: Text, b: Text) -> str | None:
    """A figure that counts occurrences in one text only and is a compared value in the
    other ("hit 5 times" / "equals 5"), or None."""
    (count_a, value_a), (count_b, value_b) = _roles(a), _roles(b)
    for figure in sorted((count_a - count_b) & value_b | (count_b - count_a) & value_a):
        return figure
    return None
