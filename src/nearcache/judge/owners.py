"""Whose thing, and who the speaker is: a term owned by one party in one text and by
another the first text also names, or the speaker said to be one party in one text and
another in the other, for :mod:`.markers`.

A possessive names the owner of the term right after it ("*my* car insurance", "*my
friend's* car insurance", "keep *a's* values"). When a term both texts give an owner is
owned by the speaker in one text and by the friend in the other, and each text names
the other's owner elsewhere ("cover *a friend* driving my car" / "cover *me* driving my
friend's car"), the two texts set the same parties in other roles: whose policy pays,
whose values win ("does `a.update(b)` keep a's values" / "... keep b's values"). An
owner the other text does not name is another party altogether, or a paraphrase ("my
work laptop" / "my company's laptop"), and not read.

The speaker's own role reads the same way: "I'm *X*" (or "I am", "as *X*" opening a
sentence; articles skipped) in one text and "I'm *Y*" in the other, each text naming the
other's role elsewhere ("I'm *skippering* a yacht and one of my *crew* wants to leave" /
"I'm *crew* on a yacht and the *skipper* wants me to leave"; "I'm a *German* freelancer
and my client in Austria" / "I'm an *Austrian* freelancer and my client in Germany").
A role the other text does not name is another question, or the same one reworded
("if I'm part-time" / "if I'm a salaried employee"), and not read.

Owners read: a noun with a possessive ending and the speaker's "my" / "our"; not "his",
"her", "their", "its" (a pronoun stands in for a party already named: "my
great-grandfather's marriage certificate" / "*his* marriage certificate").
"""

from __future__ import annotations

import re

from .acts import terms_at
from .tokens import Text, analyze, text_cache

__all__ = ["owner_changed", "speaker_changed"]

_POSS = ("'s", "\u2019s", "s'", "s\u2019")
#: The speaker's possessives and the words that name the speaker elsewhere.
_SPEAKER = {"my": "i", "our": "we"}
_SPEAKER_NAMES = {"i": "i", "me": "i", "myself": "i", "mine": "i", "we": "we", "us": "we"}
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
#: Words that say who the speaker is, by the words that follow them; "as" only opening a
#: sentence ("As a seller, can I ...").
_SELF = {("i'm",): 1, ("i\u2019m",): 1, ("im",): 1, ("i", "am"): 2}
_SKIPPED = frozenset({"a", "an", "the", "one"})


def _owner_of(low: str) -> str | None:
    """The owner a possessive token names ("friend's" -> "friend", "my" -> "i")."""
    if low in _SPEAKER:
        return _SPEAKER[low]
    for end in _POSS:
        if low.endswith(end) and len(low) > len(end):
            return low[: -len(end)]
    return None


@text_cache
def _owners(text: str) -> dict[str, frozenset[str]]:
    """Each term right after a possessive (outside quotes and code), by its lowercase
    word, with its owners."""
    toks, terms = analyze(text).tokens, terms_at(text)
    out: dict[str, set[str]] = {}
    for k, x in enumerate(toks[:-1]):
        owner = None if x.literal else _owner_of(x.low)
        if owner is not None and k + 1 in terms:
            out.setdefault(toks[k + 1].low, set()).add(owner)
    return {term: frozenset(owners) for term, owners in out.items()}


@text_cache
def _named(text: str) -> frozenset[str]:
    """The parties ``text`` names: its words (a possessive without its ending), the
    identifiers in its code, the speaker ("i", "we") by any of its words."""
    out: set[str] = set()
    for x in analyze(text).tokens:
        low = _owner_of(x.low) or x.low
        out.add(_SPEAKER_NAMES.get(low, low))
        out.update(m.lower() for m in _IDENTIFIER.findall(x.text))
    return frozenset(out)


def owner_changed(ta: Text, tb: Text) -> tuple[str, str, str] | None:
    """A term owned in both texts by owners that differ, each named in the other text
    (see the module docstring): the term and its two owners; else None."""
    oa, ob = _owners(ta.raw), _owners(tb.raw)
    na, nb = _named(ta.raw), _named(tb.raw)
    for term, xs in oa.items():
        ys = ob.get(term)
        if ys and xs.isdisjoint(ys) and ys <= na and xs <= nb:
            return term, min(xs), min(ys)
    return None


@text_cache
def _self_role(text: str) -> tuple[str, str] | None:
    """The stem and word of the first term after the speaker's "I'm" / "I am" / a
    sentence-opening "as" (articles skipped), else None."""
    t = analyze(text)
    toks, stems = t.tokens, {i: s for s, i in t.terms}
    for k, x in enumerate(toks):
        words = tuple(y.low for y in toks[k : k + 2])
        size = _SELF.get(words[:1]) or _SELF.get(words) or (x.low == "as" and x.initial)
        if not size:
            continue
        j = k + int(size)
        while j < len(toks) and toks[j].low in _SKIPPED:
            j += 1
        if j in stems and toks[j].kind == "word" and "-" not in toks[j].text:
            return stems[j], toks[j].low
        return None
    return None


def speaker_changed(ta: Text, tb: Text) -> tuple[str, str, str] | None:
    """The speaker said to be one party in one text and another in the other, each named
    in the other text (see the module docstring): "I" and the two roles; else None."""
    ra, rb = _self_role(ta.raw), _self_role(tb.raw)
    if ra is None or rb is None or ra[0] == rb[0]:
        return None
    if ra[0] in tb.content_set and rb[0] in ta.content_set:
        return "I", ra[1], rb[1]
    return None
