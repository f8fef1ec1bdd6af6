"""When two different time marks say the same time.

The time guard reads each text's times as marks (:mod:`.dates`); a few pairs of marks
name one time in two ways, and are matched here before a difference rejects:

* "this weekend" and both its days ("on Saturday or Sunday"), or one of them with the same
  shift ("this Sunday" is in this weekend; "on Saturday" alone narrows it and still
  differs) (:func:`weekend_days`);
* a date format and a date written in it ("YYYY-MM-DD" / "2024-03-05": the date is the
  format's example) (:func:`format_examples`);
* a month and the season it falls in ("in October" / "in autumn": :func:`in_season`);
* times back from now said in other units, when the spans they can mean overlap: "a
  month and a day ago" (29-32 days) is "31 days ago", "12 months ago" is "last year", "a
  week ago" "last week", "sixty minutes back" "an hour ago" (:func:`same_past`; a month is
  28-31 days, a year 365-366).

A time told in a statement of one text only, when its question says none and the other
text says none, places the asker's own story ("My employer paid me less this month
because of ... . Does that lower my pension contributions?"): the question is asked the
same way without it (:func:`told`). A time inside the question ("Which queries ran
slowest yesterday?") still differs. A time one text tells when only one of the two asks
in a full question and the other names no period is left to the verifier ("daily baby
aspirin - safe?" / "Is it safe to take baby aspirin?": :func:`reworded_untimed`).

Limits: "last month" is read as "a month ago", not as the calendar month before this one
(so "30 days ago" is last month even on the 31st); "this Saturday" passes against "this
weekend" though it is the narrower question (the verifier still weighs the pair).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .answers import asked_otherwise
from .numwords import word_value
from .spans import PERIOD_UNITS, rated
from .tokens import analyze, stem

if TYPE_CHECKING:
    from .dates import TimeInfo

__all__ = [
    "Examples",
    "format_examples",
    "in_season",
    "reworded_untimed",
    "same_past",
    "told",
    "unmatched",
    "weekend_days",
]

#: Each date written in digits: (the format patterns it fits, its marks).
Examples = tuple[tuple[tuple[str, ...], frozenset[str]], ...]

#: "this weekend" names the coming Saturday and Sunday.
_SAT_SUN = frozenset({"weekday:6", "weekday:7"})


def weekend_days(marks: frozenset[str], other: frozenset[str]) -> frozenset[str]:
    """The marks of ``other`` that name the days of a weekend in ``marks``, and that
    weekend's mark: both days ("Saturday or Sunday" is this weekend), or one of them with
    the same shift ("this Sunday" is in this weekend, "next Sunday" in the next); empty if
    none ("on Saturday" alone narrows "this weekend")."""
    days = other & _SAT_SUN
    if not days:
        return frozenset()
    for shift in ("+0", "+1", "-1"):
        weekend, weekday = f"rel:weekend{shift}", f"rel:weekday{shift}"
        if weekend in marks and days and weekday in other:
            return days | {weekday, weekend}
    if "rel:weekend+0" in marks and days == _SAT_SUN:
        return days | {"rel:weekend+0"}
    return frozenset()


def format_examples(
    marks: frozenset[str], examples: Examples, other: frozenset[str]
) -> frozenset[str]:
    """The marks of dates in ``examples`` written in a format named in ``other``, and those
    formats ("YYYY-MM-DD" / "2024-03-05": the date is the format's example)."""
    out: set[str] = set()
    for fits, date in examples:
        named = {f"format:{f}" for f in fits} & other
        if named:
            out.update(named, date & marks)
    return frozenset(out)


#: Minutes a unit of time back from now can span (a month 28-31 days, a year 365-366).
_DAY = 24 * 60
_MINUTES = {
    "min": (1, 1),
    "h": (60, 60),
    "day": (_DAY, _DAY),
    "week": (7 * _DAY, 7 * _DAY),
    "month": (28 * _DAY, 31 * _DAY),
    "year": (365 * _DAY, 366 * _DAY),
}


def _past_minutes(mark: str) -> tuple[int, int] | None:
    """The minutes back from now a mark can mean, in days for ``rel:day-3`` (3 days),
    ``rel:month-1`` ("last month") and ``ago:1:month`` (28-31 days),
    ``ago:1:month+1:day`` (29-32 days), ``ago:60:min`` / ``ago:an:h`` (60 minutes)."""
    kind, _, rest = mark.partition(":")
    if kind == "rel":
        unit, sign, back = rest.partition("-")
        parts: list[tuple[str, ...]] = (
            [(back, unit)] if sign and (unit == "day" or back == "1") else []
        )
    elif kind == "ago":
        parts = [tuple(p.split(":")) for p in rest.split("+")]
        if any(len(p) != 2 for p in parts):
            return None  # a unit with a colon in it ("12 month::s ago"): no mark to read
    else:
        return None
    low = high = 0
    for count, unit in parts:
        n = 1 if count in ("a", "an") else word_value(count)
        if n is None or unit not in _MINUTES:
            return None
        low, high = low + n * _MINUTES[unit][0], high + n * _MINUTES[unit][1]
    return (low, high) if parts else None


#: The months each season can mean (meteorological, with the month of the solstice or
#: equinox that starts the astronomical one: "in March" can be winter or spring).
_SEASON_MONTHS = {
    "spring": frozenset({3, 4, 5, 6}),
    "summer": frozenset({6, 7, 8, 9}),
    "fall": frozenset({9, 10, 11, 12}),
    "winter": frozenset({12, 1, 2, 3}),
}


def in_season(
    only_a: frozenset[str], only_b: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Both sides without months and seasons that say the same time of year: each month
    of one side falls in a season of the other and each season holds one of its months
    ("now in October or hold off till December" / "in autumn or wait until winter")."""
    sides = (only_a, only_b)
    months = [i for i, m in enumerate(sides) if any(x.startswith("month:") for x in m)]
    seasons = [i for i, m in enumerate(sides) if any(x.startswith("season:") for x in m)]
    if len(months) != 1 or len(seasons) != 1 or months == seasons:
        return only_a, only_b
    named = {int(x[6:]) for x in sides[months[0]] if x.startswith("month:")}
    held = [
        _SEASON_MONTHS.get(x[7:], frozenset()) for x in sides[seasons[0]] if x.startswith("season:")
    ]
    if not all(named & h for h in held) or not all(any(n in h for h in held) for n in named):
        return only_a, only_b
    drop = {x for x in only_a | only_b if x.startswith(("month:", "season:"))}
    return only_a - drop, only_b - drop


def same_past(
    only_a: frozenset[str], only_b: frozenset[str]
) -> tuple[frozenset[str], frozenset[str]]:
    """Both sides without the times back from now the other side says in other units
    ("12 months ago" / "last year": the spans they can mean overlap), and without the
    months and seasons that say one time of year (:func:`in_season`)."""
    only_a, only_b = in_season(only_a, only_b)
    if not only_a or not only_b:
        return only_a, only_b
    back_a = {m: d for m in only_a if (d := _past_minutes(m)) is not None}
    back_b = {m: d for m in only_b if (d := _past_minutes(m)) is not None}
    same = {
        m
        for x, y in ((back_a, back_b), (back_b, back_a))
        for m, d in x.items()
        if any(d[0] <= e[1] and e[0] <= d[1] for e in y.values())
    }
    return only_a - same, only_b - same


#: Marks of a time relative to now: the ones a story tells ("this month", "two years ago").
_TOLD = ("rel:", "ago:")


def told(
    only_a: frozenset[str],
    only_b: frozenset[str],
    a: tuple[str, frozenset[int]],
    b: tuple[str, frozenset[int]],
) -> tuple[frozenset[str], frozenset[str]]:
    """Both sides without the times relative to now that only one side has and that it
    tells outside its questions: that text (``a[0]`` or ``b[0]``) has a sentence with a
    "?", and none of its time tokens (``a[1]``, ``b[1]``: the indices read as times)
    stands in such a sentence."""
    if bool(only_a) == bool(only_b):
        return only_a, only_b
    marks, (text, consumed) = (only_a, a) if only_a else (only_b, b)
    if not consumed or not all(m.startswith(_TOLD) for m in marks):
        return only_a, only_b
    toks = analyze(text).tokens
    asked = {t.sent for t in toks if t.text == "?"}
    if not asked or {toks[i].sent for i in consumed} & asked:
        return only_a, only_b
    return frozenset(), frozenset()


def reworded_untimed(only_a: frozenset[str], only_b: frozenset[str], a: str, b: str) -> bool:
    """Whether a time only one text tells is left to the verifier: the two texts ask in
    other forms (:func:`.answers.asked_otherwise`) and the other names no period at all
    ("in 24 hours" / "weekly" still differ)."""
    if bool(only_a) == bool(only_b) or not asked_otherwise(a, b):
        return False
    return not any(stem(w) in PERIOD_UNITS for w in analyze(b if only_a else a).words)


def unmatched(ia: TimeInfo, ib: TimeInfo, a: str, b: str) -> tuple[frozenset[str], frozenset[str]]:
    """The marks each of ``a`` and ``b`` has and the other does not say in any way."""
    only_a = ia.strong - ib.strong - ib.weak
    only_b = ib.strong - ia.strong - ia.weak
    for first, second in ((only_a, only_b), (only_b, only_a)):
        days = weekend_days(first, second)
        if days:
            only_a, only_b = only_a - days, only_b - days
    if ia.examples or ib.examples:
        drop = format_examples(only_a, ia.examples, only_b)
        drop |= format_examples(only_b, ib.examples, only_a)
        only_a, only_b = only_a - drop, only_b - drop
    only_a, only_b = told(*same_past(only_a, only_b), (a, ia.consumed), (b, ib.consumed))
    return rated(only_a, b, a), rated(only_b, a, b)
