"""Which quantity is asked for: "If I invest $1,000, how much will I have?" against "How
much do I need to invest to have $1,000?".

Both texts hold the same number and the same two verbs; only which one the number
belongs to and which one "how much" asks about changed: a future value against a present
value, a dose against a weight, a price against a budget. A "how much" / "how many"
question asks about the first verb after it (past auxiliaries, pronouns and "need to" /
"have to"); a number belongs to the content word right before it (articles and currency
signs skipped). The direction guard rejects two texts where the number's verb in each is
the verb the other asks about, and the two verbs differ.

Limits: only "how much" and "how many" questions; one asked verb and one verb per number;
verbs compared by stem ("invest" / "investment" differ); English only.
"""

from __future__ import annotations

from .tokens import analyze, stem, text_cache, wordset

__all__ = ["asked_and_given", "unknown_swapped"]

_SKIP = wordset(
    "do does did will would should could can i you we they he she it to must shall am is "
    "are was were be"
)
_BEFORE_TO = wordset("need needs have has ought want")  # "need to invest": the next verb
_NOT_OWNER = wordset(
    "of in on at for with by from to into and or than after before within per is are was "
    "were be been over under about around"
)
_BEFORE_NUMBER = wordset("a an the my $ € £ only just exactly")


@text_cache
def asked_and_given(text: str) -> tuple[str | None, frozenset[tuple[str, str]]]:
    """The verb stem a "how much/many" question asks about (or None), and each number of
    ``text`` with the stem of the content word right before it."""
    t = analyze(text)
    toks = t.tokens
    if "how" not in t.words and not any(tok.kind == "num" for tok in toks):
        return None, frozenset()  # the common case: no question of amount, no number
    asked = None
    given: set[tuple[str, str]] = set()
    for i, tok in enumerate(toks):
        if tok.low == "how" and i + 1 < len(toks) and toks[i + 1].low in ("much", "many"):
            j = i + 2
            while j < len(toks) and (
                toks[j].low in _SKIP
                or toks[j].kind == "num"
                or (toks[j].low in _BEFORE_TO and j + 1 < len(toks) and toks[j + 1].low == "to")
            ):
                j += 1
            if asked is None and j < len(toks) and toks[j].kind == "word":
                asked = stem(toks[j].low)
        if tok.kind != "num":
            continue
        k = i - 1
        while k >= 0 and (toks[k].low in _BEFORE_NUMBER or toks[k].kind == "sym"):
            k -= 1
        if k >= 0 and toks[k].kind == "word" and toks[k].low not in _NOT_OWNER:
            given.add((tok.low, stem(toks[k].low)))
    return asked, frozenset(given)


def unknown_swapped(a: str, b: str) -> tuple[str, str] | None:
    """``(verb asked in a, verb asked in b)`` when each text gives a shared number to the
    verb the other asks about; None otherwise."""
    asked_a, given_a = asked_and_given(a)
    if asked_a is None or not given_a:
        return None
    asked_b, given_b = asked_and_given(b)
    if asked_b is None or asked_a == asked_b:
        return None
    for number, verb in given_a:
        if verb == asked_b and (number, asked_a) in given_b:
            return asked_a, asked_b
    return None
