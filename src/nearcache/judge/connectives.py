"""Symmetric connectives and what still marks the terms around them.

"TCP and UDP" is "UDP and TCP", and :mod:`.order` reads a frame made of a symmetric
connective (and, or, vs, with, ...) as no exchange. Three things keep such a frame
one-way:

* a connective between two places joins the places, not the terms ("Is X *above or
  below* Y", "carry X *over or under* Y"); between two times it asks which came first,
  the same question either way round ("Did A come *before or after* B");
* different words mark the terms on either side ("fly *into* Rome and *out of* Milan",
  "needles *for* the ribbing *with* the body yarn", "*replace* curly quotes *with*
  straight quotes");
* alternatives ("Did A buy B *or* did B buy A") are the same question in another order
  only when each subject keeps its verb ("does the maker *pay* the dealer or does the
  dealer *credit* the maker" / "does the dealer pay the maker or does the maker credit
  the dealer" are other alternatives).
"""

from __future__ import annotations

from collections.abc import Sequence

from .roles import ARTICLES, CLAUSE, POSSESSIVE, RELATIONAL, SYMMETRIC, Role
from .tokens import Text, analyze, wordset

__all__ = ["events_first", "marked_apart", "same_alternatives", "symmetric"]

_ALTERNATIVE = wordset("or vs vs. versus")
#: What marks a term's role beside a symmetric connective: a relational word, or "with"
#: (which joins the terms only when nothing else marks the first).
#: Verbs whose object and "with" phrase play different parts ("replace *curly* quotes
#: with *straight* quotes") mark their object.
_MARKS = (
    RELATIONAL
    | {"with"}
    | wordset(
        "replace replaces replaced replacing overwrite overwrites overwrote overwritten fill "
        "fills filled filling cover covers covered covering coat coats coated coating"
    )
)
#: Words after which a connective opens the other side of a comparison ("cheaper to pay
#: with card *than with* cash", "faster with a GPU *unlike with* a CPU"), not a pair.
_SET_AGAINST = frozenset({("than",), ("unlike",)})
#: Words after a connective that set the next term apart ("X *but not* Y", "upgrade X
#: *or only* Y", "X *and just* Y").
_SET_APART = frozenset({("not",), ("only",), ("just",)})
#: Relational words of place (not of time: "before or after" asks which came first).
_TIMES = frozenset({"before", "after"})
_SUBJECTS = wordset("i we you they")
_PLACES = RELATIONAL - _TIMES


def symmetric(words: tuple[str, ...]) -> bool:
    """A symmetric connective joins the terms around the frame ``words``; one between two
    places joins those instead ("Is X *above or below* Y", "carry X *over or under* Y"),
    and one before "not" or "only" sets them against each other ("in table a *but not* in
    table b", "the CRD *or only* the resources"), and so does one after "than" ("pay with
    card *than with* cash"): the frame still relates the terms one way. Between two times
    ("Did A come *before or after* B") it asks which came first, the same question either
    way round."""
    return any(
        w in SYMMETRIC
        and not _sides(words, n) <= _PLACES
        and words[n + 1 : n + 2] not in _SET_APART  # "in table a *but not* in table b"
        and words[n - 1 : n] not in _SET_AGAINST  # "pay with X *than with* Y"
        for n, w in enumerate(words)
    )


def _sides(words: tuple[str, ...], n: int) -> frozenset[str]:
    """The words on both sides of ``words[n]`` ("" for a side at either end)."""
    return frozenset(words[n - 1 : n + 2 : 2]) if 0 < n < len(words) - 1 else frozenset({""})


def events_first(t: Text, words: tuple[str, ...], x: int, y: int) -> bool:
    """The frame ``words`` asks which of two events came first, and the terms at tokens
    ``x`` and ``y`` are the verbs of the events, each after its subject ("should *I
    rehouse* the letters *before or after I digitise* them"): the events may trade
    places, each with what it carries. Two subjects traded around their verbs are other
    events ("does replenishment release before or after a pick wave runs")."""
    toks = t.tokens
    return any(w == "or" and _sides(words, n) == _TIMES for n, w in enumerate(words)) and all(
        k > 0 and toks[k - 1].low in _SUBJECTS for k in (x, y)
    )


def _alternatives(t: Text, keys: Sequence[Role]) -> bool:
    """The text offers alternatives ("Did A buy B *or* did B buy A", "Does the carrier
    bill us, *or* do we bill the carrier"): "or", "vs" or "versus" among its terms."""
    lo, hi = keys[0][1], keys[-1][1]
    return any(x.low in _ALTERNATIVE for x in t.tokens[lo + 1 : hi])


def _lead(t: Text, keys: Sequence[Role]) -> int:
    """How many of the terms stand in a lead set off by a comma or colon before the first
    alternative ("In a concerto, does the soloist follow the conductor or ...")."""
    cut = next(x.index for x in t.tokens if x.low in _ALTERNATIVE)
    end = max((x.index for x in t.tokens[:cut] if x.low in CLAUSE), default=-1)
    return sum(idx < end for _, idx in keys)


def _blocks(t: Text, keys: Sequence[Role]) -> list[tuple[str, ...]]:
    """The first two terms (a subject and its verb) of each alternative the text offers
    (cut at "or", "vs", "versus")."""
    cuts = [x.index for x in t.tokens if x.low in _ALTERNATIVE]
    out: list[list[str]] = [[] for _ in range(len(cuts) + 1)]
    for k, idx in keys:
        out[sum(c < idx for c in cuts)].append(k)
    return sorted(tuple(block[:2]) for block in out)


def same_alternatives(a: str, b: str, ka: Sequence[Role], kb: Sequence[Role]) -> bool:
    """Both texts offer the same alternatives in another order ("Did A buy B or did B buy
    A" / "Did B buy A or did A buy B"; "does the carrier bill us for fuel, or do we bill
    the carrier" / "do we bill the carrier for fuel, or does the carrier bill us"), after
    a lead the same in both ("In a concerto, does the soloist follow the conductor or ...");
    each subject doing the other verb makes other alternatives ("does the maker *pay* the
    dealer or does the dealer *credit* the maker" / "does the dealer pay the maker or does
    the maker credit the dealer")."""
    ta, tb = analyze(a), analyze(b)
    if not _alternatives(ta, ka):
        return False
    if _blocks(ta, ka) == _blocks(tb, kb):
        return True
    na, nb = _lead(ta, ka), _lead(tb, kb)
    return (
        0 < na == nb
        and [k for k, _ in ka[:na]] == [k for k, _ in kb[:nb]]
        and _blocks(ta, ka[na:]) == _blocks(tb, kb[nb:])
    )


def marked_apart(t: Text, x: int, y: int) -> bool:
    """Different relational words mark the terms at tokens ``x`` and ``y`` ("fly *into*
    Rome and *out of* Milan", "needles *for* the ribbing *with* the body yarn"): across a
    symmetric connective each term keeps its role, so exchanging the terms is not a
    reordered list."""
    skip = ARTICLES | POSSESSIVE

    def mark(k: int) -> str | None:
        for tok in reversed(t.tokens[max(0, k - 3) : k]):
            if tok.kind != "sym" and tok.low not in skip:
                return tok.low if tok.low in _MARKS else None
        return None

    mx, my = mark(x), mark(y)
    return mx is not None and my is not None and mx != my
