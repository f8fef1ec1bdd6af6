"""A failure reported to ask what to do, against a question about the normal course.

"how long do I wait for the TOEFL score after the test" and "TOEFL results never came
even after the normal wait, what should I do" share the topic, and the negation guard
leaves a reworded pair's negation to the verifier ("never came" may be said in other
words). But the second reports that something went wrong and asks for a remedy, while the
first asks how things go when nothing did: the stored answer (the normal wait) does not
answer it. A paraphrase of a complaint is a complaint: its other side states the trouble
too ("damaged", "late", a negation of its own) or asks how to fix, handle or report it.

:func:`remedy_refused` reads a pair the negation guard found negated on one side only
(``negated``, against ``plain``): it refuses when ``negated`` asks what to do ("what
should I do", "what now", "what are my options", "who do I contact") and ``plain`` asks a
question of its own kind -- no remedy, no how-to ("how do I ...", "is there any way"), no
trouble named (:data:`_TROUBLE`) and no negation.

Limits: the remedy and trouble words listed here only; a complaint whose other side names
its trouble with a word not listed passes on to the verifier. English only.
"""

from __future__ import annotations

from .negcues import negations
from .pronouns import MINE
from .tokens import Text, stem, wordset

__all__ = ["remedy_asked", "remedy_refused"]

#: Words after "what <aux> I/we" that ask for a remedy: "what should I do".
_AUX = wordset("should do can shall must could would")
_WE = wordset("i we")
#: "who do I contact", "who should we call".
_TURN_TO = wordset("contact call complain email write phone")
#: Single words closing a remedy question: "what now", "what next", "my options".
_NEXT = wordset("now next")
_OPTIONS = wordset("options rights recourse")

#: Stems of words that name a trouble: a text saying one reports what went wrong.
_TROUBLE = frozenset(
    stem(w)
    for w in wordset(
        "wrong lost missing miss missed late delayed delay stuck broken broke damaged problem"
        " issue error fail failed failing refused rejected denied declined bounced cancelled"
        " canceled stolen forgot mistake overdue complain complaint fix help handle report"
        " still yet"
    )
)
#: How-to openings the other side may ask instead of a remedy: "how do I", "any way".
_HOW = wordset("how where")
_WAY = wordset("way")
_SOME = wordset("any a no")


def remedy_asked(t: Text) -> bool:
    """``t`` asks what to do: "what should I do", "what do we do now", "what now", "what
    next", "what are my options", "who do I contact"."""
    w = t.words
    for i, low in enumerate(w):
        nxt = w[i + 1 : i + 4]
        if low == "what" and nxt[:1] and nxt[0] in _NEXT:
            return True
        last = nxt[2] if len(nxt) == 3 and nxt[0] in _AUX and nxt[1] in _WE else ""
        if (low == "what" and last == "do") or (low == "who" and last in _TURN_TO):
            return True
        if low in MINE and nxt[:1] and nxt[0] in _OPTIONS:
            return True
    return False


def _asks_how(t: Text) -> bool:
    """``t`` asks how to act: "how do I ...", "where can we ...", "any way around it"
    (not "how long" or "how much": those ask a fact)."""
    w = t.words
    for i, low in enumerate(w):
        nxt = w[i + 1 : i + 3]
        if low in _HOW and len(nxt) == 2 and nxt[0] in _AUX and nxt[1] in _WE:
            return True
        if low in _WAY and i and w[i - 1] in _SOME:
            return True
    return False


def remedy_refused(plain: Text, negated: Text) -> str | None:
    """Why the pair differs when ``negated`` (the text with more negation cues)
    reports a failure to ask what to do and ``plain`` asks a question of another kind,
    naming no trouble; None otherwise."""
    if not remedy_asked(negated) or remedy_asked(plain) or _asks_how(plain):
        return None
    if negations(plain.raw) or any(stem(w) in _TROUBLE for w in plain.words):
        return None
    return "a failure reported to ask what to do, against a question of the normal course"
