"""Guard (``time``): both texts must ask about the same time.

"Will it rain in London tomorrow?" / "Did it rain in London yesterday?", "the 2014 World
Cup" / "the 2018 World Cup", "open on Sunday" / "open on Monday". The guard reads:

* years: four-digit numbers from ``1000`` to ``2099`` without a unit or currency beside
  them (so a port or a price is a number, but "1492 or 1592" are years on both sides;
  a round hundred such as ``2000`` only after "in", "since", "by", a month...),
  decades (``1990s``/``'90s``);
* dates in words or digits: "July 4", "4th of July", "the fourth of July", "9/11/2001"
  (month first when it can be), "2024-03-05"; holidays with a fixed date ("Christmas Day"
  is December 25, "New Year's Day" January 1) and movable ones by name ("Good Friday");
* months (``January``/``Jan``; "May" and the other months that are also words only when
  capitalized mid-sentence or beside a day number or a year, "may 2026", "in may"; "APR"
  is the annual rate and "MAR", "DEC" in capitals acronyms unless a date stands beside),
  weekdays (``Mon`` only capitalized and beside a date or after "on"/"every"/"next"...),
  seasons after "in"/"in the"/"this"/"next"...;
* relative days and periods: today, tonight ("this evening"), tomorrow, yesterday ("last
  night" is "yesterday evening"), this/next/last week/month/year/weekend (also "this qtr",
  "last wk"), "N days ago" ("back"), "a month and a day ago"; days counted from today ("one
  day before today" is yesterday), spans ("the last two weeks" = "since 2 weeks ago"), a
  rate against one period's span ("daily" / "in 24 hours"), years in words (:mod:`.spans`);
* times written as code: formats, cron, SQL intervals, ``date.today()`` (:mod:`.codetimes`).

Each becomes a canonical mark ("month:7", "day:4", "rel:day+1", "year:2014"); the pair is
rejected when one side has a mark the other lacks and does not say another way
(:mod:`.timematch`: "this weekend" / "this Sunday", "YYYY-MM-DD" / "2024-03-05", "12 months
ago" / "last year"). Misspelled month and weekday names count ("decmber", "thurday").
*Weak* marks never reject by themselves but match a strong one: a lowercase "march" with no
day beside it, "now"/"currently"/"right now"/"the current date" (the present, like
"today"). A time written only inside quotes or code on one side ("parse '2024-03-05' into a
datetime") is an example: it does not reject alone; nor does a time one side tells when
only one text asks in a full question (:func:`.timematch.reworded_untimed`). Numbers read in
dates are left out of the numbers guard. Limits: no calendar arithmetic ("next Friday"
and its date differ; "last month" in January is not "December"); "3/4/2024" is March 4.
"""

from __future__ import annotations

from .align import similar_spelling
from .calnames import ABBREV_DAYS as _ABBREV_DAYS
from .calnames import AMBIGUOUS_MONTHS as _AMBIGUOUS_MONTHS
from .calnames import DATE, SHORT_PERIODS, YEAR_NEXT, decade_at, not_a_month
from .calnames import FIXED as _FIXED
from .calnames import FREQUENCY as _FREQUENCY
from .calnames import HOLIDAY_STARTS as _HOLIDAY_STARTS
from .calnames import LONGEST_NAME as _LONGEST_NAME
from .calnames import MONTHS as _MONTHS
from .calnames import MOVABLE as _MOVABLE
from .calnames import WEEKDAYS as _WEEKDAYS
from .calnames import misspelled as _misspelled
from .codetimes import cron, formats, intervals, present_call, shapes
from .excuses import excuse
from .numwords import SMALL, TENS, UNITS, ordinal_value, word_value
from .phases import phase_changed
from .repeats import repeat_changed
from .spans import (
    added_ago,
    back_as_ago,
    days_ago,
    last_span,
    part_of_day,
    shifted_day,
    since_ago,
    spoken_year,
)
from .stages import stage_changed
from .timematch import Examples, reworded_untimed, unmatched
from .tokens import STOPWORDS, Text, Token, analyze, text_cache, wordset
from .types import NEUTRAL, PASS, REJECT, GuardResult

__all__ = ["TimeInfo", "guard_time", "time_info", "time_marks"]

_PER = frozenset({"per", "every", "each", "/"})  # "calories/day" is "calories per day"
_DAY_CUES = frozenset({"on", "every", "next", "last", "this", "by", "until", "till", "from"})
_SEASONS = {"autumn": "fall", **{s: s for s in ("spring", "summer", "fall", "winter")}}
_RELATIVE = {"today": "day+0", "tonight": "night+0", "tomorrow": "day+1", "yesterday": "day-1"}
_COUNTS = wordset("times once twice thrice")
_PRESENT = frozenset({"now", "currently", "nowadays", "presently"})
_NOW_PAIRS = {("right", "now"), *(("current", w) for w in ("date", "time", "day", "datetime"))}
_PERIODS = wordset(
    "week weekend month year quarter season night morning evening afternoon decade century semester"
)
_RATES = _PERIODS | {"day", "hour", "minute"}
_SHIFT = {"this": "+0", "current": "+0", "next": "+1", "coming": "+1", "upcoming": "+1"}
_SHIFT.update({"last": "-1", "previous": "-1", "past": "-1", "following": "+1"})
_IN = frozenset({"in", "during", "through", "until", "by", "every", *_SHIFT})  # "in (the) fall"
_YEAR_CUE = wordset("in since of from until till by before after during year circa around the")
#: Every word the time reader looks at twice (the others can only be misspellings).
_TRIGGERS = frozenset(
    [*_MONTHS, *_WEEKDAYS, *_RELATIVE, *_PRESENT, "right", *_SHIFT, "ago", *_FREQUENCY]
) | frozenset([*_RATES, *(p + "s" for p in _RATES), *_SEASONS])


class TimeInfo:
    """What a text says about time: ``strong`` marks, ``weak`` marks, the subset of
    strong marks found only in literal examples, and the token indices read as parts of
    dates (``consumed``; the numbers guard skips them). ``examples`` holds each date written
    in digits as (the format patterns it fits, its marks), so a format named on the other
    side can claim it as its example."""

    __slots__ = ("consumed", "examples", "literal", "strong", "weak")

    def __init__(
        self,
        strong: frozenset[str],
        weak: frozenset[str],
        literal: frozenset[str],
        consumed: frozenset[int],
        examples: Examples = (),
    ) -> None:
        self.strong, self.weak, self.literal, self.consumed = strong, weak, literal, consumed
        self.examples = examples


class _Reader:
    """One pass over a text's tokens, collecting marks."""

    def __init__(self, t: Text) -> None:
        self.toks = t.tokens
        self.marks: dict[str, bool] = {}  # mark -> every occurrence is literal
        self.weak: set[str] = set()
        self.consumed: set[int] = set()
        self.examples: list[tuple[tuple[str, ...], frozenset[str]]] = []

    def add(self, mark: str, *tokens: Token) -> None:
        literal = all(t.literal for t in tokens)
        self.marks[mark] = self.marks.get(mark, True) and literal
        self.consumed.update(t.index for t in tokens)

    def low(self, i: int) -> str:
        return self.toks[i].low.removesuffix("'s") if 0 <= i < len(self.toks) else ""


def _names(r: _Reader, i: int) -> int:
    """Holidays starting at token ``i``: the number of tokens read (0 if none)."""
    if r.toks[i].low not in _HOLIDAY_STARTS:
        return 0
    for n in range(_LONGEST_NAME, 0, -1):
        if i + n > len(r.toks):
            continue
        name = " ".join(t.low for t in r.toks[i : i + n])
        if name in _FIXED:
            month, day = _FIXED[name]
            r.add(f"month:{month}", *r.toks[i : i + n])
            r.add(f"day:{day}", *r.toks[i : i + n])
            return n
        if name in _MOVABLE:
            r.add(f"holiday:{name}", *r.toks[i : i + n])
            return n
    return 0


def _date_token(r: _Reader, tok: Token) -> bool:
    m = DATE.match(tok.low)
    if m is None:
        return False
    if tok.literal:  # a quoted example: its exact form is what is asked about
        r.add(f"written:{tok.low}", tok)
    if m.group(1):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        first, second, year = int(m.group(4)), int(m.group(5)), int(m.group(6))
        month, day = (first, second) if first <= 12 else (second, first)
        year += 2000 if year < 50 else (1900 if year < 100 else 0)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    marks = (f"year:{year}", f"month:{month}", f"day:{day}")
    for mark in marks:
        r.add(mark, tok)
    fits = shapes(tok.low)
    if fits:
        r.examples.append((fits, frozenset((*marks, f"written:{tok.low}"))))
    return True


def _day_beside(r: _Reader, i: int) -> Token | None:
    """The day number written beside the month at ``i``: "July 4", "4 July", "the 4th of
    July", "fourth of July"."""
    candidates = [i + 1, i - 1]
    if r.low(i - 1) == "of":
        candidates.append(i - 2)
    for k in candidates:
        if 0 <= k < len(r.toks) and r.toks[k].kind != "sym":
            value = ordinal_value(r.toks[k].low)
            if value is not None and 1 <= value <= 31 and len(r.toks[k].low) <= 9:
                return r.toks[k]
    return None


def _month(r: _Reader, i: int, low: str) -> None:
    tok = r.toks[i]
    prev = r.low(i - 1)
    day = _day_beside(r, i)
    dated = day is not None or bool(YEAR_NEXT.fullmatch(r.low(i + 1)))  # "may 2026"
    if (acronym := not_a_month(tok.text, prev, dated)) is not None:  # "APR", "MAR report"
        r.consumed.add(i)
        return r.weak.update({acronym} - {""})  # weak: "APR" / "interest rate" pass
    named = tok.capitalized and (low != "may" or prev in ("in", "of", "early", "late"))
    named = named or (prev == "in" and low == "may") or dated
    if low in _AMBIGUOUS_MONTHS and day is None and not named:
        if low != "may":
            r.weak.add(f"month:{_MONTHS[low]}")  # "in march": a month, or a verb
        return
    r.add(f"month:{_MONTHS[low]}", tok)
    if day is not None:
        r.add(f"day:{ordinal_value(day.low)}", day)


def _rate_typo(r: _Reader, i: int, low: str) -> None:
    """ "every nigth", "per yr", "/mo": a misspelled or short period after a rate word."""
    period = SHORT_PERIODS.get(low)
    if period is None and len(low) >= 4:
        period = next((p for p in _RATES if similar_spelling(low, p)), None)
    if period is not None:
        r.add(f"every:{period}", r.toks[i - 1], r.toks[i])


def _word(r: _Reader, i: int) -> None:
    tok = r.toks[i]
    low = tok.low.removesuffix("'s")
    if low.endswith("s") and low[:-1] in _RELATIVE:
        low = low[:-1]  # "yesterdays date"
    low = "ago" if low == "back" and back_as_ago(r.toks, i) else low  # "five years back"
    head, _, tail = low.rpartition("-")
    if tail in _FREQUENCY and head in _COUNTS:
        mark = f"every:{_FREQUENCY[tail]}"  # "twice-weekly": the count stays the numbers guard's
        r.marks[mark] = r.marks.get(mark, True) and tok.literal
        return
    if (low in SMALL or low in TENS) and (year := spoken_year(low, r.low(i + 1))):
        r.add(f"year:{year}", tok, r.toks[i + 1])  # "nineteen eighty-four"
        return
    if low not in _TRIGGERS:  # most words: only a misspelling can still be a time
        if len(low) >= 5 and low not in STOPWORDS:
            for mark in _misspelled(low):
                r.add(mark, tok)
        if i and r.toks[i - 1].low in _PER:
            _rate_typo(r, i, low)
        return
    prev, nxt = r.low(i - 1), r.low(i + 1)
    span = last_span(r.toks, i)
    if span is not None:  # "the last two weeks"
        r.add(span[0], *r.toks[i : i + span[1]])
    elif low in _MONTHS:
        _month(r, i, low)
    elif low in _WEEKDAYS:
        if low not in _ABBREV_DAYS or _abbreviated_day(r, i):
            r.add(f"weekday:{_WEEKDAYS[low]}", tok)
            if prev in _SHIFT:  # "next Friday" / "last Friday"
                r.add(f"rel:weekday{_SHIFT[prev]}", r.toks[i - 1], tok)
    elif low in _RELATIVE:
        shifted, part = shifted_day(r.toks, i), part_of_day(r.toks, i)
        if part is not None:  # "yesterday evening" is "last night"
            r.add(f"rel:{part}", tok, r.toks[i + 1])
        elif shifted is None:
            r.add(f"rel:{_RELATIVE[low]}", tok)
        else:  # "one day before today" is yesterday
            r.add(f"rel:day{shifted[0]:+d}", *r.toks[shifted[1] : i + 1])
    elif low in _PRESENT or (low, nxt) in _NOW_PAIRS:
        r.weak.add("rel:day+0")  # "now", "right now", "the current date"
    elif low in _SHIFT and (period := SHORT_PERIODS.get(nxt, nxt)) in _PERIODS:
        period = "night" if period == "evening" else period  # "this evening" is "tonight"
        r.add(f"rel:{period}{_SHIFT[low]}", tok, r.toks[i + 1])
    elif low == "ago" and i >= 2:
        count = word_value(r.low(i - 2))
        unit = UNITS.get(prev, prev.rstrip("s"))  # "2 yrs ago" is "2 years ago"
        counted = since_ago(r.toks, i) or days_ago(r.low(i - 2), unit)  # "since 2 weeks ago"
        said = f"ago:{r.low(i - 2) if count is None else count}:{unit}"
        start, said = added_ago(r.toks, i) or (i - 2, counted or said)  # "a month and a day"
        r.add(said, *r.toks[start : i + 1])
    elif low in _FREQUENCY:
        r.add(f"every:{_FREQUENCY[low]}", tok)
    elif low.rstrip("s") in _RATES and _per(r, i):
        r.add(f"every:{low.rstrip('s')}", r.toks[i - 1], tok)
    elif low in _RATES and prev in ("a", "an"):
        r.weak.add(f"every:{low}")  # "steps a day": a rate, or "a day off"
    elif low in _SEASONS and (prev in _IN or (prev == "the" and r.low(i - 2) in _IN)):
        r.add(f"season:{_SEASONS[low]}", tok)


def _per(r: _Reader, i: int) -> bool:
    """A period as a rate: "per day", "every week", "twice a month", "8 hours a night"."""
    prev = r.low(i - 1)
    if prev in _PER or (prev == "single" and r.low(i - 2) == "every"):
        return True  # "every single day"
    before = r.toks[i - 2] if i >= 2 else None
    return (
        prev in ("a", "an")
        and before is not None
        and (before.kind == "num" or before.low in UNITS or before.low in _COUNTS)
        and before.low != "in"  # "in a year" is a time from now, not inches a year
    )


def _abbreviated_day(r: _Reader, i: int) -> bool:
    """ "Sun", "Sat", "Wed" are weekdays only when written as such beside a date cue."""
    tok = r.toks[i]
    if not (tok.text[:1].isupper() and tok.text[1:].islower()) or r.low(i - 1) == "the":
        return False
    nxt = r.toks[i + 1] if i + 1 < len(r.toks) else None
    return r.low(i - 1) in _DAY_CUES or (
        nxt is not None and (nxt.kind == "num" or nxt.low in _MONTHS or nxt.low == ",")
    )


def _read(t: Text) -> _Reader:
    r = _Reader(t)
    low = t.raw.lower()
    for mark in formats(t.raw, low):
        r.marks[mark] = False
    for mark in cron(t.raw):
        r.marks[mark] = True  # a schedule in code: an example unless the other side agrees
    r.weak.update(intervals(t.raw, low))
    if present_call(low):  # "date.today()"
        r.weak.add("rel:day+0")
    i = 0
    while i < len(r.toks):
        tok = r.toks[i]
        if tok.index in r.consumed:
            i += 1
            continue
        n = _names(r, i) if tok.kind == "word" else 0
        if n:
            i += n
            continue
        if tok.kind == "num":
            _number(r, i)
        elif tok.kind == "word":
            _word(r, i)
        i += 1
    return r


def _measured(r: _Reader, i: int) -> bool:
    """A four-digit number with a unit or currency is a quantity, not a year; so is one
    side of a size ("1024x768")."""
    nxt, prev = r.low(i + 1), r.low(i - 1)
    unit = nxt in UNITS and nxt != "in"  # "2023 in inches" is a year
    size = nxt[:1] in ("x", "\u00d7") and nxt[1:].isdigit()
    return unit or size or prev in ("$", "\u20ac", "\u00a3", "#", "port", "-p", ":", "x", "\u00d7")


def _number(r: _Reader, i: int) -> None:
    tok = r.toks[i]
    low = tok.low
    if _date_token(r, tok):
        return
    if low.isdigit() and len(low) == 4 and 1000 <= int(low) <= 2099 and not _measured(r, i):
        cue = r.low(i - 1) in _YEAR_CUE or any(r.low(k) in _MONTHS for k in range(i - 3, i))
        if int(low) % 100 or cue:
            r.add(f"year:{int(low)}", tok)  # "1000 users" is a number, "in 2000" a year
    elif decade_at(low, r.low(i - 1)):
        r.add(f"decade:{low[-3:]}", tok)


@text_cache
def time_info(text: str) -> TimeInfo:
    """Everything the time guard reads in ``text`` (see the module docstring)."""
    r = _read(analyze(text))
    strong = frozenset(r.marks)
    literal = frozenset(m for m, lit in r.marks.items() if lit)
    examples = tuple(r.examples)
    return TimeInfo(strong, frozenset(r.weak) - strong, literal, frozenset(r.consumed), examples)


def time_marks(text: str) -> tuple[str, ...]:
    """The strong time marks of ``text``, sorted."""
    return tuple(sorted(time_info(text).strong))


def guard_time(a: str, b: str) -> GuardResult:
    """Reject when the texts ask about different times, unless only added context made the
    difference (:mod:`.excuses`)."""
    return excuse(_time, a, b, _time(a, b))


def _time(a: str, b: str) -> GuardResult:
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: time not read")
    if repeat_changed(a, b):  # "a new snowboard before the first ride" / "again"
        return GuardResult(REJECT, "a first time against a time again")
    if (event := phase_changed(a, b)) is not None:  # "while cutting" / "after cutting"
        return GuardResult(REJECT, f"during against after: {event!r}")
    if (staged := stage_changed(a, b)) is not None:  # "can I paint" / "I painted yesterday"
        return GuardResult(
            REJECT, f"one act at two stages: {staged[0]!r} {staged[1]} / {staged[2]}"
        )
    ia, ib = time_info(a), time_info(b)
    if not ia.strong and not ib.strong:
        return GuardResult(NEUTRAL, "no dates or times")
    only_a, only_b = unmatched(ia, ib, a, b)
    if only_a or only_b:
        shown = f"{', '.join(sorted(only_a)) or '-'} vs {', '.join(sorted(only_b)) or '-'}"
        quoted = (only_a <= ia.literal) and (only_b <= ib.literal)
        if (quoted and not (only_a and only_b)) or reworded_untimed(only_a, only_b, a, b):
            why = "only in quoted examples" if quoted else "on one side of a reworded question"
            return GuardResult(NEUTRAL, f"times {why}: {shown}")
        return GuardResult(REJECT, f"times differ: {shown}")
    return GuardResult(PASS, f"same time: {', '.join(sorted(ia.strong | ib.strong))}")
