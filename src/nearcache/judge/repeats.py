"""A first time against a time again: "wax a *new* snowboard before the *first* ride" /
"wax my snowboard *again* after it sat all summer".

Doing a thing the first time and doing it again are two questions (what a new board needs
is not what a stored one needs), yet the two texts share their topic and the verifier
reads a rewording. One text says the act is repeated ("again", "once more", "a second
time") and the other says it is the first ("first", "for the first time", "initial",
"brand new", "new" right before a noun), neither text saying the other's.

Limits: a repeat said by a "re-" verb ("recheck") counts only as a repeat that blocks the
rule when the other text has its verb ("check ... again" / "recheck"); "first" as an
order of steps ("first boil it") reads as a first time.
"""

from __future__ import annotations

from .tokens import STOPWORDS, Text, analyze, wordset

__all__ = ["repeat_changed"]

_AGAIN = wordset("again anew")
_PHRASES = (("once", "more"), ("second", "time"), ("one", "more", "time"))
_PHRASE_STARTS = frozenset(p[0] for p in _PHRASES)
_FIRST = wordset("first initial initially")


def _repeated(t: Text, other: Text) -> bool:
    words = t.words
    if _AGAIN & set(words):
        return True
    if not _PHRASE_STARTS.isdisjoint(words) and any(
        w == p[0] and tuple(words[i : i + len(p)]) == p
        for i, w in enumerate(words)
        for p in _PHRASES
    ):
        return True
    theirs = set(other.words)
    return any(w.startswith("re") and len(w) > 5 and w[2:] in theirs for w in words)


def _first(t: Text) -> bool:
    words = t.words
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w in _FIRST or (w == "new" and nxt and nxt not in STOPWORDS):
            return True
    return False


def repeat_changed(a: str, b: str) -> bool:
    """One text asks about doing a thing again, the other about doing it the first time."""
    ta, tb = analyze(a), analyze(b)
    ra, rb = _repeated(ta, tb), _repeated(tb, ta)
    if ra == rb:
        return False
    again, once = (ta, tb) if ra else (tb, ta)
    return _first(once) and not _first(again)
