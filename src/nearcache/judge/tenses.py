"""Past against future: the same event asked about before and after it happens.

"Did the package arrive before Christmas?" and "Will the package arrive before
Christmas?" share every content word and embed at ~0.88; the first asks what happened,
the second what will happen, and the answer to one ("yes, on the 23rd") does not answer
the other. The antonyms guard rejects a pair when one text speaks only in the future
(an auxiliary "will", "won't", "shall" or a contraction with "'ll": "I'll", "it'll") and
the other only in the past ("did", "didn't", "was", "wasn't", "were", "weren't").

A text with markers of both ("Will I get a refund if the item was damaged?") has no
single tense and is not read, nor is a text with neither ("Does the package arrive
...?"): the present often stands for the future in a question ("When does the sale
end?" / "When will the sale end?"). "Will" as a noun ("my will", "a living will", "free
will") is no marker, nor is anything quoted or written as code.

Limits: only the auxiliaries are read, not verbs in the past ("What happened in 1066" /
"What will happen in 2066" is left to the time guard and the verifier); "would", "going
to" and "used to" are not read; a text whose tense lies in a context sentence the
question does not repeat is compared on the focused question (``context.py``). English
only.
"""

from __future__ import annotations

from .tokens import analyze, text_cache, wordset

__all__ = ["tense", "tense_changed"]

_FUTURE = wordset("will won't wont shall shan't")
_PAST = wordset("did didn't didnt was wasn't wasnt were weren't werent")
#: Words before which "will" is a noun: "my will", "a living will", "free will".
_NOUN_BEFORE = wordset("a the my your his her our their its living free ill good own")


@text_cache
def tense(text: str) -> str | None:
    """ "future" or "past" when ``text``'s auxiliaries speak of one time only, else None."""
    t = analyze(text)
    if not t.latin:
        return None
    words = t.words
    if _FUTURE.isdisjoint(words) and _PAST.isdisjoint(words) and "'ll" not in " ".join(words):
        return None  # no auxiliary of either time
    future = past = False
    prev = ""
    for tok in t.tokens:
        if tok.kind != "word" or tok.literal:
            prev = tok.low if tok.kind == "word" else ""
            continue
        w = tok.low
        if (w in _FUTURE and not (w == "will" and prev in _NOUN_BEFORE)) or w.endswith("'ll"):
            future = True
        elif w in _PAST:
            past = True
        prev = w
    if future == past:
        return None
    return "future" if future else "past"


def tense_changed(a: str, b: str) -> tuple[str, str] | None:
    """The two tenses when one text asks in the future and the other in the past."""
    x, y = tense(a), tense(b)
    if x is None or y is None or x == y:
        return None
    return x, y
