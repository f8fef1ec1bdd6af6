"""Calendar names the time guard reads: months, weekdays, holidays, rate words ("daily"),
and their misspellings.

Months and weekdays map to their numbers (``"jan"`` and ``"january"`` to 1, ``"mon"`` to
1); holidays with a fixed date map to (month, day), movable ones are marks by name.
:func:`misspelled` reads a misspelled month, weekday or one-word holiday ("decmber",
"thurday", "christmass") as the name it stands for.

Limits: English names only; the solstices are read as June 21 and December 21 (the
northern ones); a misspelling must keep the name's first two letters (or swap them) and
be at least five letters long.
"""

from __future__ import annotations

import re

from .align import similar_spelling
from .tokens import word_cache, wordset

__all__ = [
    "ABBREV_DAYS",
    "DATE",
    "DECADE",
    "decade_at",
    "SHORT_PERIODS",
    "YEAR_NEXT",
    "not_a_month",
    "AMBIGUOUS_MONTHS",
    "FIXED",
    "FREQUENCY",
    "FULL_DAYS",
    "FULL_MONTHS",
    "HOLIDAY_STARTS",
    "LONGEST_NAME",
    "MONTHS",
    "MOVABLE",
    "WEEKDAYS",
    "misspelled",
]

_MONTH_NAMES = (
    "january jan|february feb|march mar|april apr|may|june jun|july jul|"
    "august aug|september sep sept|october oct|november nov|december dec"
)
MONTHS = {name: i + 1 for i, names in enumerate(_MONTH_NAMES.split("|")) for name in names.split()}
FULL_MONTHS = {names.split()[0]: i + 1 for i, names in enumerate(_MONTH_NAMES.split("|"))}
#: "mid-June", "early-March", "late-December": the month.
MONTHS.update({f"{p}-{m}": n for m, n in FULL_MONTHS.items() for p in ("mid", "early", "late")})
AMBIGUOUS_MONTHS = frozenset({"may", "mar", "jan", "jun", "dec", "march", "aug", "sep", "oct"})
_DAY_NAMES = (
    "monday mon mondays|tuesday tue tues tuesdays|wednesday wed wednesdays|"
    "thursday thu thur thurs thursdays|friday fri fridays|saturday sat saturdays|"
    "sunday sun sundays"
)
WEEKDAYS = {name: i + 1 for i, names in enumerate(_DAY_NAMES.split("|")) for name in names.split()}
FULL_DAYS = {names.split()[0]: i + 1 for i, names in enumerate(_DAY_NAMES.split("|"))}
ABBREV_DAYS = frozenset({"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"})
#: Holidays with a fixed date (month, day); the others are marks by name.
FIXED = {
    "christmas": (12, 25),
    "xmas": (12, 25),
    "xmas eve": (12, 24),
    "christmas eve": (12, 24),
    "new year's eve": (12, 31),
    "new year's day": (1, 1),
    "new year's": (1, 1),
    "halloween": (10, 31),
    "valentine's day": (2, 14),
    "independence day": (7, 4),
    "boxing day": (12, 26),
    "st. patrick's day": (3, 17),
    "st patrick's day": (3, 17),
    # the northern solstices on the day they most often fall (June 20 and December 22 in
    # some years; in the southern hemisphere summer and winter are swapped)
    "summer solstice": (6, 21),
    "winter solstice": (12, 21),
}
MOVABLE = wordset("easter thanksgiving hanukkah ramadan diwali passover") | {
    *("good friday", "black friday", "cyber monday", "ash wednesday", "palm sunday"),
    *("labor day", "memorial day", "columbus day", "mother's day", "father's day"),
    *("presidents day", "presidents' day", "veterans day", "mardi gras", "super bowl sunday"),
}
LONGEST_NAME = 3
HOLIDAY_STARTS = frozenset(name.split()[0] for name in (*FIXED, *MOVABLE))
#: Words that name a rate by its period ("daily", "per annum", "twice-weekly").
FREQUENCY = {
    "hourly": "hour",
    "daily": "day",
    "nightly": "night",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    **dict.fromkeys(("yearly", "annually", "annual", "annum"), "year"),  # "per annum"
    **dict.fromkeys(("mph", "kph", "kmh"), "hour"),  # a speed is a rate: "60 mph"
    **dict.fromkeys(("rpm", "bpm"), "minute"),
}
#: Decades ("1990s", "'90s"), dates in digits ("2024-03-05", "3/5/2024") and a year that
#: makes the word before it a month ("may 2026").
DECADE = re.compile(r"^(?:1[1-9]|20)?\d0s$|^'\d0s$")
DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})|^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
YEAR_NEXT = re.compile(r"1\d{3}|20\d\d")
#: Periods written short after "per" or "/" ("$120/yr", "per wk").
SHORT_PERIODS = {"yr": "year", "yrs": "year", "mo": "month", "mth": "month", "wk": "week"}
SHORT_PERIODS.update({"qtr": "quarter", "wknd": "weekend"})
SHORT_PERIODS.update({"hr": "hour", "hrs": "hour", "min": "minute", "mins": "minute"})
#: Words before a month name that make a lowercase "apr" the month ("due in apr").
_MONTH_CUES = frozenset({"in", "on", "by", "until", "till", "since", "from", "of", "early", "late"})


#: Words before "90s" that make it a decade (or an age), not 90 seconds.
_DECADE_CUES = frozenset({"the", "'", "early", "mid", "late", "my", "his", "her", "their", "your"})


def decade_at(low: str, prev: str) -> bool:
    """Whether ``low`` ("1990s", "'90s", "90s") is a decade: four digits from 1100s to
    2090s always; two digits only after "the", an apostrophe, "early"/"mid"/"late" or a
    possessive ("the 90s", "in my 30s"), since "a timeout of 30s" is 30 seconds and
    "1000s of users" thousands."""
    if not DECADE.match(low):
        return False
    return len(low) == 5 or low[0] == "'" or prev in _DECADE_CUES


def not_a_month(text: str, prev: str, dated: bool) -> str | None:
    """What an abbreviated month name says when no day or year stands beside it (``dated``
    false) and it is not the month: ``every:year`` (read as a weak mark) for "APR", the
    annual percentage rate (also "apr" unless a word such as "in" or "by" comes before
    it); ``""`` (no time) for the other three-letter abbreviations written in capitals
    ("MAR report", "DEC alpha"); None when it is the month ("Apr 5", "in Apr", "JAN
    2024")."""
    low = text.lower()
    if dated or low in FULL_MONTHS:
        return None
    if low == "apr" and (text.isupper() or (text.islower() and prev not in _MONTH_CUES)):
        return "every:year"
    return "" if text.isupper() and len(text) == 3 else None


ONE_WORD_HOLIDAYS = ("christmas", "halloween", "thanksgiving", "easter")


def _spelled_like() -> dict[str, list[tuple[str, list[str]]]]:
    """Names a misspelling may stand for, by their first two letters (also swapped, as a
    typo may swap them): (name, its marks)."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    named: list[tuple[str, list[str]]] = []
    for name in ONE_WORD_HOLIDAYS:
        fixed = FIXED.get(name)
        marks = [f"holiday:{name}"] if fixed is None else [f"month:{fixed[0]}", f"day:{fixed[1]}"]
        named.append((name, marks))
    named += [(name, [f"month:{n}"]) for name, n in FULL_MONTHS.items()]
    named += [(name, [f"weekday:{n}"]) for name, n in FULL_DAYS.items()]
    for name, marks in named:
        for key in {name[:2], name[1::-1]}:
            out.setdefault(key, []).append((name, marks))
    return out


_SPELLED_LIKE = _spelled_like()


@word_cache
def misspelled(low: str) -> tuple[str, ...]:
    """The marks of a misspelled month, weekday or one-word holiday ("decmber"); a
    comparative ("easier", "earliest") is a word of its own, not a misspelled "Easter", and
    so is a word made from a name by a suffix ("eastern")."""
    if len(low) < 5 or not low.isalpha() or low.endswith(("ier", "iest")):
        return ()
    for name, marks in _SPELLED_LIKE.get(low[:2], ()):
        if low.startswith(name) and low[len(name) :] in ("n", "ly", "ish", "y"):
            continue  # "eastern": the name and a suffix ("christmass" is a typo)
        if abs(len(name) - len(low)) <= 2 and similar_spelling(low, name):
            return tuple(marks)
    return ()
