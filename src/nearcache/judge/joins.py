"""A symmetric frame (what joins two crossing terms), for :mod:`.crossing`: when the words
between them let them trade places.

A frame of alternatives or of a symmetric relation (``either:`` in
``data/crossing.txt``: or, vs, compare, between, difference ...) lets its sides trade
whatever they hold ("from the day the letter is sent *or* the day it is received").
The joining connectives (and, but, while, with ...) let trade only the terms they join
directly, in both texts -- nothing but connectives, other terms, determiners and "to"
between them ("the seller *and the* buyer").
"""

from __future__ import annotations

from .acts import DETERMINERS, TABLES, Place, terms_at
from .connectives import symmetric
from .roles import SYMMETRIC
from .tokens import Text

__all__ = ["framed"]

#: What may stand between two terms a symmetric frame joins, besides other terms ("a cough
#: but *no* fever").
_JOINED = SYMMETRIC | DETERMINERS | {"to", "no"}
_EITHER = TABLES["either"]


def _frame(t: Text, lo: int, hi: int) -> str | None:
    """The symmetric frame between tokens ``lo`` < ``hi``: ``either`` when its sides may
    trade whatever they hold (``either:``: "from the day the letter is sent *or* the day
    it is received", "can Celsius be *compared with* Fahrenheit"), ``joined`` when it
    joins the terms themselves -- nothing but its connectives, other terms, determiners
    and "to" between them ("the seller *and the* buyer"), else None. A joined frame lets
    the terms trade places only when it joins them in both texts: two clauses joined by
    "and", "but" or "while" whose verbs, objects or subjects traded while the rest stayed
    are other facts ("paid my tax on time *but* filed the return late" / "filed my return
    on time *but* paid my tax late", "I'm the policyholder *and my* son is a named
    driver" / "my son is the policyholder and I'm a named driver")."""
    between = [x for x in t.tokens[lo + 1 : hi] if x.kind != "sym"]
    if not symmetric(tuple(x.low for x in between)):
        return None
    if any(x.low in _EITHER for x in between):
        return "either"
    terms = terms_at(t.raw)
    return "joined" if all(x.index in terms or x.low in _JOINED for x in between) else None


def framed(texts: tuple[Text, Text], xs: Place, ys: Place) -> bool:
    """The frames between the terms at ``xs`` and ``ys`` (x first in the first text) let
    them trade places: an ``either`` frame in one text, or a ``joined`` one in both."""
    (ax, bx), (ay, by) = xs, ys
    fa, fb = _frame(texts[0], ax, ay), _frame(texts[1], by, bx)
    return "either" in (fa, fb) or fa == fb == "joined"
