"""Guard (``time``): both texts must ask about the same time.

"Will it rain in London tomorrow?" / "Did it rain in London yesterday?", "the 2014 World
Cup" / "the 2018 World Cup", "open on Sunday" / "open on Monday". The guard reads years
(``1500``-``2099``, and ``1000``-``1499`` after "in"/"since"/"of"..., decades ``1990s``/
``'90s``), months (``January``/``Jan``; "May" only capitalized mid-sentence or beside a day
number), weekdays, seasons, holidays written as names ("Good Friday"), and relative days
and periods: today, tonight, tomorrow, yesterday, this/next/last week/month/year/weekend,
"N days ago". Each becomes a canonical mark ("month:7", "rel:day+1", "year:2014"); the
pair is rejected when the marks differ, including a time on one side only.

Limits: calendar arithmetic is not done ("next Friday" and a date that falls on it differ;
"last month" in January is not "December"); the year guard and the numbers guard both read
years, so a year difference is reported by whichever runs first. English only.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .numbers import word_value
from .tokens import STOPWORDS, Text, Token, analyze
from .types import NEUTRAL, PASS, REJECT, GuardResult

__all__ = ["guard_time", "time_marks"]

_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (  # noqa: SIM905
            "january jan|february feb|march mar|april apr|may|june jun|july jul|"
            "august aug|september sep sept|october oct|november nov|december dec"
        ).split("|")
    )
    for name in names.split()
}
_AMBIGUOUS_MONTHS = frozenset({"may", "mar", "jan", "jun", "dec", "march", "aug", "sep", "oct"})
_WEEKDAYS = {
    name: i + 1
    for i, names in enumerate(
        (  # noqa: SIM905
            "monday mon mondays|tuesday tue tues tuesdays|wednesday wed wednesdays|"
            "thursday thu thur thurs thursdays|friday fri fridays|saturday sat saturdays|"
            "sunday sun sundays"
        ).split("|")
    )
    for name in names.split()
}
_ABBREV_DAYS = frozenset({"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"})
_SEASONS = {
    "spring": "spring",
    "summer": "summer",
    "autumn": "fall",
    "fall": "fall",
    "winter": "winter",
}
_RELATIVE = {
    "today": "day+0",
    "tonight": "night+0",
    "tomorrow": "day+1",
    "yesterday": "day-1",
    "now": "now",
    "currently": "now",
    "nowadays": "now",
}
_PERIODS = frozenset(
    {
        "day",
        "week",
        "weekend",
        "month",
        "year",
        "quarter",
        "season",
        "night",
        "morning",
        "evening",
        "afternoon",
        "decade",
        "century",
        "semester",
    }
)
_SHIFT = {
    "this": "+0",
    "current": "+0",
    "next": "+1",
    "coming": "+1",
    "upcoming": "+1",
    "last": "-1",
    "previous": "-1",
    "past": "-1",
}
_YEAR_CUE = frozenset(
    {
        "in",
        "since",
        "of",
        "from",
        "until",
        "till",
        "by",
        "before",
        "after",
        "during",
        "year",
        "circa",
        "around",
        "the",
    }
)
_DECADE = re.compile(r"^(?:1[0-9]|20)?\d0s$|^'\d0s$")


def _marks(t: Text) -> list[str]:
    toks = t.tokens
    out: list[str] = []
    for i, tok in enumerate(toks):
        low = tok.low
        prev = toks[i - 1].low if i > 0 else ""
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if tok.kind == "num" and low.isdigit() and len(low) == 4:
            year = int(low)
            if 1500 <= year <= 2099 or (1000 <= year < 1500 and prev in _YEAR_CUE):
                out.append(f"year:{year}")
        elif tok.kind == "num" and _DECADE.match(low):
            out.append(f"decade:{low[-3:]}")
        elif low in _MONTHS and _month_ok(tok, low, prev, nxt):
            out.append(f"month:{_MONTHS[low]}")
        elif low in _WEEKDAYS and (low not in _ABBREV_DAYS or tok.text[:1].isupper()):
            out.append(f"weekday:{_WEEKDAYS[low]}")
        elif low in _RELATIVE:
            out.append(f"rel:{_RELATIVE[low]}")
        elif low in _SHIFT and nxt in _PERIODS:
            out.append(f"rel:{nxt}{_SHIFT[low]}")
        elif low == "ago" and i >= 2:
            count = word_value(toks[i - 2].low)
            out.append(f"ago:{toks[i - 2].low if count is None else count}:{prev.rstrip('s')}")
        elif low in _SEASONS and (prev in _SHIFT or prev in ("in", "during", "this", "every")):
            out.append(f"season:{_SEASONS[low]}")
        elif nxt in _WEEKDAYS and tok.kind == "word" and low not in STOPWORDS | _SHIFT.keys():
            out.append(f"holiday:{low}")  # "Good Friday", "Black Friday", "Cyber Monday"
    return out


def _month_ok(tok: Token, low: str, prev: str, nxt: str) -> bool:
    if low not in _AMBIGUOUS_MONTHS:
        return True
    near_day = prev.isdigit() or nxt.isdigit() or nxt.rstrip("stndrh").isdigit()
    return near_day or (tok.capitalized and (low != "may" or prev in ("in", "of", "early", "late")))


@lru_cache(maxsize=4096)
def time_marks(text: str) -> tuple[str, ...]:
    """The canonical time marks of ``text`` (see the module docstring)."""
    return tuple(dict.fromkeys(_marks(analyze(text))))


def guard_time(a: str, b: str) -> GuardResult:
    """Reject when the texts ask about different times."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: time not read")
    ma, mb = set(time_marks(a)), set(time_marks(b))
    if not ma and not mb:
        return GuardResult(NEUTRAL, "no dates or times")
    if ma != mb:
        only_a = ", ".join(sorted(ma - mb)) or "-"
        only_b = ", ".join(sorted(mb - ma)) or "-"
        return GuardResult(REJECT, f"times differ: {only_a} vs {only_b}")
    return GuardResult(PASS, f"same time: {', '.join(sorted(ma))}")
