"""Times the time guard reads by counting: days counted from a named day, spans of the
last few days or weeks, a rate against one period's span, and years said in words.

* "one day before today" is "yesterday", "the day after tomorrow" is two days ahead, "3
  days ago" is three days back (:func:`shifted_day`, :func:`days_ago`): relative days are
  compared as offsets from today, however they are written;
* "the last two weeks", "the past 3 days" and "since 2 weeks ago" (``git log
  --since="2 weeks ago"``) name one span (:func:`last_span`), a bare "2 weeks ago" another
  (a day, not the days since);
* "daily" is a rate per day: it asks what "in 24 hours" or "within a day" asks, and
  "weekly" what a "rolling 7-day" window asks (:func:`one_period_spans`); a rate in
  percent is yearly unless said otherwise ("7% a year" / "at 7%", :func:`rated`);
* "nineteen eighty-four" is the year 1984, "twenty twenty-four" 2024 (:func:`spoken_year`);
* "yesterday evening" is "last night", "tomorrow evening" "tomorrow night"
  (:func:`part_of_day`);
* "five years back" says "five years ago" (:func:`back_as_ago`);
* "a month and a day ago" is one time back from today (:func:`added_ago`; compared in days
  by :func:`.timematch.same_past`).

Limits: days are counted only from today, tomorrow and yesterday.
"""

from __future__ import annotations

import itertools
import re

from .measures import size
from .numwords import SMALL, TENS, UNITS, word_value
from .tokens import MAX_CHARS, Token, analyze, text_cache

__all__ = [
    "PERIOD_UNITS",
    "added_ago",
    "back_as_ago",
    "days_ago",
    "last_span",
    "one_period_spans",
    "part_of_day",
    "rated",
    "shifted_day",
    "since_ago",
    "spoken_year",
]

_BASE = {"today": 0, "tomorrow": 1, "yesterday": -1}
_SIGN = {"before": -1, "after": 1}
_LAST = {"last": "last", "past": "last", "previous": "last", "next": "next", "coming": "next"}
#: Words that turn "N units ago" into the span since then.
_SINCE = frozenset({"since", "--since", "after", "--after"})
_BACK = frozenset({"min", "h", "day", "week", "month", "year"})
_SPAN_UNITS = frozenset({"min", "h", "day", "week", "month", "year"})
#: Words before a duration that make it the span a rate is counted over ("in 24 hours").
_OVER = frozenset({"in", "within", "per", "over", "every", "each", "a", "for", "during"})
#: Words that make "N units" a moving window a rate is counted over ("rolling 7-day").
_WINDOWS = frozenset({"rolling", "trailing", "moving", "sliding"})
#: A rate's period as the numbers guard writes its unit.
PERIOD_UNITS = {"minute": "min", "hour": "h", "day": "day", "week": "week", "month": "month"}
PERIOD_UNITS["year"] = "year"


def _count(tok: Token) -> int | None:
    return 1 if tok.low in ("a", "an", "the") else word_value(tok.low)


def shifted_day(toks: tuple[Token, ...], i: int) -> tuple[int, int] | None:
    """The offset from today of "N days before/after <today|tomorrow|yesterday>" ending
    at the relative day ``toks[i]`` ("one day before today" -1, "the day after tomorrow"
    +2), and the index of its first token; None when no count comes before it."""
    base = _BASE.get(toks[i].low.removesuffix("'s"))
    if base is None or i < 3 or toks[i - 1].low not in _SIGN:
        return None
    unit = toks[i - 2].low
    if unit not in ("day", "days"):
        return None
    n = _count(toks[i - 3])
    if n is None:
        return None
    return base + _SIGN[toks[i - 1].low] * n, i - 3


def days_ago(count: str, unit: str) -> str | None:
    """ "3 days ago" as the relative day it names (``rel:day-3``), else None."""
    n = 1 if count in ("a", "an", "one") else word_value(count)
    return None if n is None or unit != "day" else f"rel:day-{n}"


def _unit(tok: Token) -> str:
    u = UNITS.get(tok.low.strip("'\"`"), "") if tok.kind == "word" else ""  # "'7 days'"
    return u if u in _SPAN_UNITS else ""


def last_span(toks: tuple[Token, ...], i: int) -> tuple[str, int] | None:
    """ "last two weeks" / "past 3 days" / "next 7 days" starting at ``toks[i]`` as
    (``last:2:week``, tokens read), else None."""
    if toks[i].low not in _LAST or i + 2 >= len(toks):
        return None
    n, unit = word_value(toks[i + 1].low), _unit(toks[i + 2])
    if n is None or not unit:
        return None
    return f"{_LAST[toks[i].low]}:{n}:{unit}", 3


def back_as_ago(toks: tuple[Token, ...], i: int) -> bool:
    """ "five years back" with "back" at ``toks[i]``: a count and a unit of time before
    it, so it says "ago" ("get my money back" does not)."""
    if i < 2 or _unit(toks[i - 1]) not in _BACK or toks[i - 2].low == "the":
        return False  # "the weeks back home"
    return _count(toks[i - 2]) is not None


def since_ago(toks: tuple[Token, ...], i: int) -> str | None:
    """ "since 2 weeks ago" with "ago" at ``toks[i]``: the span ``last:2:week`` (a flag and
    quotes may stand between: ``--since="2 weeks ago"``), else None."""
    if i < 3 or not _unit(toks[i - 1]):
        return None
    n = _count(toks[i - 2])
    before = [t.low for t in toks[max(0, i - 5) : i - 2] if t.kind == "word"]
    if n is None or not before or before[-1] not in _SINCE:
        return None
    return f"last:{n}:{_unit(toks[i - 1])}"


@text_cache
def one_period_spans(text: str) -> frozenset[str]:
    """The periods (``day``, ``hour``...) ``text`` names as one span a rate is counted
    over: "in 24 hours" and "within a day" are ``day``, "in 60 minutes" ``hour``, a
    moving window ("rolling 7-day", "7 day rolling") ``week``."""
    toks = analyze(text).tokens
    out: set[str] = set()
    for i, t in enumerate(toks[:-1]):
        unit = UNITS.get(toks[i + 1].low, "")
        before = toks[i - 1].low if i else ""
        after = toks[i + 2].low if i + 2 < len(toks) else ""
        window = before in _WINDOWS or after in _WINDOWS  # "a rolling 7-day mean"
        if not (before in _OVER or window) or unit not in _SPAN_UNITS:
            continue
        n = _count(t)
        if n is None:
            continue
        for period, u in PERIOD_UNITS.items():
            if size(str(n), unit) == size("1", u):
                out.add(period)
    return frozenset(out)


def part_of_day(toks: tuple[Token, ...], i: int) -> str | None:
    """ "yesterday evening", "tomorrow night", "today evening" with the day at ``toks[i]``:
    the night it names (``night-1``, ``night+1``, ``night+0``), else None. An evening and
    the night after it are one period here ("this evening" is "tonight")."""
    day = _BASE.get(toks[i].low.removesuffix("'s"))
    nxt = toks[i + 1].low.removesuffix("'s") if i + 1 < len(toks) else ""
    if day is None or nxt not in ("evening", "night"):
        return None
    return f"night{day:+d}"


def spoken_year(first: str, second: str) -> int | None:
    """ "nineteen eighty-four" (1984), "twenty twenty-four" (2024), "eighteen twelve"
    (1812): a year said as two two-digit numbers, else None."""
    hundreds = SMALL.get(first, TENS.get(first))
    if hundreds is None or not 10 <= hundreds <= 20:
        return None
    parts = second.split("-")
    if not all(p in SMALL or p in TENS for p in parts) or len(parts) > 2:
        return None
    rest = sum(SMALL.get(p, 0) + TENS.get(p, 0) for p in parts)
    if not 10 <= rest <= 99 or (len(parts) == 2 and parts[0] not in TENS):
        return None
    return hundreds * 100 + rest


def rated(marks: frozenset[str], other: str, own: str = "") -> frozenset[str]:
    """``marks`` (of the text ``own``) without the rates whose period ``other`` names as
    one span ("daily" / "in 24 hours"), without the spans ``other`` gives as a bare
    duration with no word of its own for when ("in the last 7 days" / "now() - interval
    '7 days'": the numbers guard compares those), and without a yearly rate when both
    texts give the same percentage ("7% a year" / "at 7%": a rate in percent is yearly
    unless said otherwise)."""
    if not any(m.startswith(("every:", "last:")) for m in marks):
        return marks
    if "every:year" in marks and _same_percent(own, other):
        marks = marks - {"every:year"}
    spans = one_period_spans(other)
    said = _durations(other)
    return frozenset(
        m
        for m in marks
        if not (m.startswith("every:") and m[6:] in spans)
        and not (m[:5] == "last:" and m[5:] in said)
    )


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s+cent\b)", re.IGNORECASE)


def _same_percent(own: str, other: str) -> bool:
    """Both texts give one same percentage ("7%", "7 percent")."""
    mine = {float(v) for v in _PERCENT.findall(own[:MAX_CHARS])}
    return bool(mine) and not mine.isdisjoint(float(v) for v in _PERCENT.findall(other[:MAX_CHARS]))


@text_cache
def _durations(text: str) -> frozenset[str]:
    """Durations written as "N unit" (``7:day``), unless a word says when ("ago", "last",
    "next"...)."""
    toks = analyze(text).tokens
    if any(t.low in _LAST or t.low in ("ago", "since", "--since") for t in toks):
        return frozenset()
    out = set()
    for t, u in itertools.pairwise(toks):
        n = word_value(t.low)
        if n is not None and _unit(u):
            out.add(f"{n}:{_unit(u)}")
    return frozenset(out)


def added_ago(toks: tuple[Token, ...], i: int) -> tuple[int, str] | None:
    """ "a month and a day ago" with "ago" at ``toks[i]``: (index of its first token,
    ``ago:1:month+1:day``), else None."""
    if i < 5 or toks[i - 3].low != "and":
        return None
    first, second = _unit(toks[i - 4]), _unit(toks[i - 1])
    n, m = _count(toks[i - 5]), _count(toks[i - 2])
    if not (first in _BACK and second in _BACK) or n is None or m is None:
        return None
    return i - 5, f"ago:{n}:{first}+{m}:{second}"
