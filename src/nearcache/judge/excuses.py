"""Excuses: a reading that shows a guard's refusal is about context, not the question.

"I resigned last week. Does my employer have to pay out my unused annual leave?" and "I
resigned last week *after four years and had 8 days of leave left*. Does my employer have
to pay out my unused annual leave?" ask the same thing: both end with the same question,
word for word, and one text's context is the other's with words only added (or one text
is the other with context put before it: "We added two partitions yesterday and since then
the kafka consumer lag keeps increasing, what to check?"). The ``numbers`` and ``time``
guards would refuse such a pair for the added "four years" / "8 days"; each reads its
refusal again on the two questions (:func:`excuse`), so the public guards and the judge
answer alike. Only those two guards are excused: an added "not", a changed name or a
qualifier that narrows the question ("and tramadol") is still read by the negation and
entity guards and by the verifier.

"a present worth thirty *pounds*" / "a *£30* gift": the word "pound" is a weight unit to
the tokenizer, so the ``numbers`` guard reads 30 lb against 30 GBP. When one text writes an
amount in pounds sterling ("£", "GBP") and the other says "pound(s)" and never "£" or
"lb", :func:`excuse` reads that word as GBP (:func:`sterling`); the amounts must still
agree.

Limits: a number in the added context that does change the answer ("I'm 15.") is only
weighed by the verifier; context that is reworded rather than added to is not excused.
"£30" against "30 pounds" of weight is read as money.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .context import sentence_runs
from .tokens import analyze, pair_cache
from .types import GuardResult

__all__ = ["added_context", "excuse", "sterling"]

Guard = Callable[[str, str], GuardResult]

#: The fewest tokens a question needs to be read alone after context put before it.
_TAIL = 4
_POUND = re.compile(r"\bpounds?\b", re.IGNORECASE)
_STERLING = re.compile(r"£|\bgbp\b", re.IGNORECASE)
_WEIGHT = re.compile(r"\blbs?\b", re.IGNORECASE)


@pair_cache
def added_context(a: str, b: str) -> tuple[str, str] | None:
    """The two final questions when ``a`` and ``b`` (of two sentences or more each) end
    with the same question word for word and the sentences before it in one are those of
    the other with words only added; the shorter text twice when the longer one ends with
    all of it, token for token (context put before it); else ``None``."""
    ta, tb = _lows(a), _lows(b)
    short, whole = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    if len(short) >= _TAIL and whole[-len(short) :] == short:
        text = a if short is ta else b
        return text, text
    ra, rb = sentence_runs(a), sentence_runs(b)
    if len(ra) < 2 or len(rb) < 2 or ra[-1][1] != rb[-1][1]:
        return None
    ca = [w for _, ws in ra[:-1] for w in ws]
    cb = [w for _, ws in rb[:-1] for w in ws]
    if ca == cb:
        return None
    fewer, more = (ca, cb) if len(ca) < len(cb) else (cb, ca)
    rest = iter(more)
    if not all(w in rest for w in fewer):
        return None
    return ra[-1][0], rb[-1][0]


def _lows(text: str) -> tuple[str, ...]:
    """Every token of ``text``, lowercased, without the symbols that end it ("?"), so a
    question asked with or without its "?" still ends the longer text token for token."""
    lows = [t.low for t in analyze(text).tokens]
    while lows and not any(ch.isalnum() for ch in lows[-1]):
        lows.pop()
    return tuple(lows)


def sterling(a: str, b: str) -> tuple[str, str] | None:
    """``(a, b)`` with "pound(s)" read as GBP in the text that says it when the other writes
    an amount in sterling and neither says "lb"; else ``None``."""
    if _WEIGHT.search(a) or _WEIGHT.search(b):
        return None
    if _STERLING.search(b) and _POUND.search(a) and not _STERLING.search(a):
        return _POUND.sub("GBP", a), b
    if _STERLING.search(a) and _POUND.search(b) and not _STERLING.search(b):
        return a, _POUND.sub("GBP", b)
    return None


def excuse(guard: Guard, a: str, b: str, res: GuardResult, *, money: bool = False) -> GuardResult:
    """``res``, the result of ``guard`` on ``(a, b)``; when it refuses, ``guard`` read again
    on the two final questions of a pair whose context is only added to
    (:func:`added_context`) and, with ``money``, on the texts with "pound" read as GBP
    (:func:`sterling`): the first reading it does not refuse answers instead."""
    if res.outcome != "reject":
        return res
    for label, reading in _MONEY if money else _CONTEXT:
        texts = reading(a, b)
        if texts is None:
            continue
        again = guard(*texts)
        if again.outcome != "reject":
            return GuardResult(again.outcome, f"{again.detail} ({label}: {res.detail})")
    return res


Reading = Callable[[str, str], tuple[str, str] | None]
_CONTEXT: tuple[tuple[str, Reading], ...] = (("context added", added_context),)
_MONEY: tuple[tuple[str, Reading], ...] = (*_CONTEXT, ("pounds as GBP", sterling))
