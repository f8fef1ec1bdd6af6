"""Excuses: a reading that shows a guard's refusal is about context, not the question.

"I resigned last week. Does my employer have to pay out my unused annual leave?" and "I
resigned last week *after four years and had 8 days of leave left*. Does my employer have
to pay out my unused annual leave?" ask the same thing: both end with the same question,
word for word, and one text's context is the other's with words only added. The
``numbers`` and ``time`` guards refuse such a pair for the added "four years" / "8 days";
:func:`excused` reads them on the two questions instead. Only those two guards are
excused: an added "not", a changed name or a qualifier that narrows the question
("and tramadol") is still read by the negation and entity guards and by the verifier.

Limits: a number in the added context that does change the answer ("I'm 15.") is only
weighed by the verifier; context that is reworded rather than added to is not excused.
"""

from __future__ import annotations

from collections.abc import Callable

from .context import _runs
from .tokens import pair_cache
from .types import GuardResult

__all__ = ["added_context", "excused"]

Guard = Callable[[str, str], GuardResult]


@pair_cache
def added_context(a: str, b: str) -> tuple[str, str] | None:
    """The two final questions when ``a`` and ``b`` (of two sentences or more each) end
    with the same question word for word and the sentences before it in one are those of
    the other with words only added; else ``None``."""
    ra, rb = _runs(a), _runs(b)
    if len(ra) < 2 or len(rb) < 2 or ra[-1][1] != rb[-1][1]:
        return None
    ca = [w for _, ws in ra[:-1] for w in ws]
    cb = [w for _, ws in rb[:-1] for w in ws]
    if ca == cb:
        return None
    short, long_ = (ca, cb) if len(ca) < len(cb) else (cb, ca)
    rest = iter(long_)
    if not all(w in rest for w in short):
        return None
    return ra[-1][0], rb[-1][0]


def excused(guard: Guard) -> Guard:
    """``guard``, read on the two final questions when it refuses a pair whose context is
    only added to (:func:`added_context`)."""

    def read(a: str, b: str) -> GuardResult:
        res = guard(a, b)
        if res.outcome != "reject":
            return res
        questions = added_context(a, b)
        if questions is None:
            return res
        again = guard(*questions)
        if again.outcome == "reject":
            return res
        return GuardResult(again.outcome, f"{again.detail} (context added: {res.detail})")

    read.__name__ = getattr(guard, "__name__", "guard")
    read.__doc__ = guard.__doc__
    return read
