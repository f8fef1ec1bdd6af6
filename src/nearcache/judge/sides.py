"""Terms that change sides, for :mod:`.crossing`: a shared term on one side of a clause
word or a contrast word in one text and on the other side in the other.

Crossing compares the order of two shared terms said once each; a swap of two events
or of the two sides of a contrast often moves only one such term, the other said twice
or hidden in code ("delete a customer's *orders* when the customer is deleted" /
"delete the customer when the customer's *orders* are deleted"; "does `a.view()` share
memory with a, unlike `a.copy()`" / "does `a.copy()` ..., unlike `a.view()`"). The word
that opens the clause or the contrast is the fixed point: said once in each text, a term
before it in one text and after it in the other changed sides -- unless the clause moved
whole with its word (then the term keeps its side), which this reading sees as no
change. :func:`.crossing.crossed` asks its explanations of each term found here (a
pronoun standing in, the act moved into an -ing clause, a heading, the asked phrase).

A side is the stretch a word of ``side:`` (``data/crossing.txt``: words that open a
clause and nothing else, or a contrast) opens, up to the next clause mark or sentence,
or the main clause ("").
"""

from __future__ import annotations

from collections import Counter

from .acts import TABLES, Place, opened, partners
from .tokens import analyze, text_cache

__all__ = ["changed_sides", "sides"]

_OPENERS = TABLES["side"]


@text_cache
def sides(text: str) -> tuple[str, ...]:
    """Each token's side: the word of ``side:`` that opened its stretch, "" for the main
    clause (:func:`.acts.opened`)."""
    return opened(text, _OPENERS)


@text_cache
def _inner(text: str) -> frozenset[str]:
    """The opening words said once in ``text``, none opening its sentence (an opening
    clause without its comma would run to the end: "if 4 workers build a wall in 6 days
    how long would 8 workers take")."""
    toks = analyze(text).tokens
    found = Counter(x.low for x in toks if x.low in _OPENERS and not x.literal)
    return frozenset(x.low for x in toks if found[x.low] == 1 and not x.literal and not x.initial)


def changed_sides(a: str, b: str) -> tuple[tuple[Place, str], ...]:
    """Each shared term (its places in ``a`` and ``b``) that stands on the side of an
    opening word in one text and outside it in the other, with that word; the word
    said once in each text, inside its sentence (:func:`_inner`), and the term before
    it in one text and after it in the other: a term after the word in both left its
    side only where a comma closes the clause in one text ("when its wet is that
    normal" / "when wet, is that normal")."""
    fixed = _inner(a) & _inner(b)
    if not fixed:
        return ()
    sa, sb = sides(a), sides(b)
    at_a, at_b = _at(a, fixed), _at(b, fixed)
    out: list[tuple[Place, str]] = []
    for i, j in partners(a, b)[0].items():
        pair = {sa[i], sb[j]}
        crossed = len(pair) == 2 and "" in pair and (word := max(pair)) in fixed
        if crossed and (i < at_a[word]) != (j < at_b[word]):
            out.append(((i, j), word))
    return tuple(out)


def _at(text: str, words: frozenset[str]) -> dict[str, int]:
    """The token index of each of ``words`` (each said once) in ``text``."""
    return {x.low: x.index for x in analyze(text).tokens if x.low in words and not x.literal}
