"""Quantities the numbers guard reads in more than one spelling, and counts against "all".

* times of day: "02:00" is "2 am", "14:30" is "2:30 pm" (:func:`clock`);
* one duration, length, mass or volume in another unit: "12 months" is "a year", "24
  hours" is "a day" (:func:`size`);
* a noun counted as one in one text and quantified as all or many in the other ("drop one
  column" / "drop every column", :func:`one_against_all`).
"""

from __future__ import annotations

import re

from .tokens import STOPWORDS, Token, analyze, stem, text_cache, wordset

__all__ = ["clock", "one_against_all", "size"]

_MINUTES = re.compile(r"^[0-5]\d$")
_HALVES = frozenset({"am", "pm"})
#: Units of one dimension and their size in its base: a duration written in another
#: unit is the same quantity ("12 months" / "a year", "24 hours" / "one day").
_SIZES = {
    **{u: ("s", f) for u, f in (("s", 1), ("min", 60), ("h", 3600), ("day", 86400))},
    "week": ("s", 604800),
    **{u: ("mo", f) for u, f in (("month", 1), ("year", 12), ("decade", 120))},
    "century": ("mo", 1200),
    **{u: ("m", f) for u, f in (("mm", 0.001), ("cm", 0.01), ("m", 1), ("km", 1000))},
    **{u: ("g", f) for u, f in (("mg", 0.001), ("g", 1), ("kg", 1000))},
    **{u: ("l", f) for u, f in (("ml", 0.001), ("l", 1))},
}
#: Calendar durations that are a year without being whole months.
_YEAR_LIKE = {("365", "day"), ("52", "week")}


def clock(toks: tuple[Token, ...], i: int) -> tuple[tuple[str, str, bool], int] | None:
    """A time of day "14:30", "02:00", "2:30 pm" as (hour on the 12-hour clock with
    ":MM" unless on the hour, "am"/"pm" or "" when the text does not say, weak), tokens
    read: so "02:00" is "2 am" and "14:30" is "2:30 pm"; a bare "2:30" matches either."""
    low = toks[i].low
    if not (low.isdigit() and len(low) <= 2 and i + 2 < len(toks) and toks[i + 1].low == ":"):
        return None
    mins = toks[i + 2].low
    if not _MINUTES.match(mins) or int(low) > 23:
        return None
    if i + 4 < len(toks) and toks[i + 3].low == ":" and toks[i + 4].kind == "num":
        return None  # "1:30:00": a duration
    hour, step = int(low), 3
    half = toks[i + 3].low if i + 3 < len(toks) else ""
    if half in _HALVES:
        step = 4
    elif hour == 0 or hour > 12 or (hour == 12 and mins == "00") or low[0] == "0":
        half = "pm" if hour >= 12 else "am"  # written on the 24-hour clock
    else:
        half = ""
    hour = hour % 12 or 12
    return (str(hour) if mins == "00" else f"{hour}:{mins}", half, False), step


def size(value: str, unit: str) -> tuple[str, float] | None:
    """A quantity's dimension and size in the dimension's base unit ("12 months" and "1
    year" are ("mo", 12)), the unit itself for other units, None without a unit."""
    if not unit:
        return None
    if (value, unit) in _YEAR_LIKE:
        return ("mo", 12.0)
    try:
        x = float(value)
    except ValueError:
        return (unit, 0.0) if unit else None
    dim, factor = _SIZES.get(unit, (unit, 1))
    return (dim, round(x * factor, 6))


_ONE = wordset("one single")
_NOT_COUNTING = wordset("which the that this each every any no at of")
_MANY = wordset("all every each both multiple several many")
_SKIP = wordset("the of my your our their his her its these those")


@text_cache
def _counted(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Stems of the nouns counted as one ("one namespace", "a single row") and of those
    quantified as all or many ("every property", "all of the namespaces")."""
    toks = analyze(text).tokens
    one: set[str] = set()
    many: set[str] = set()
    for i, t in enumerate(toks[:-1]):
        if t.low in _ONE and (i == 0 or toks[i - 1].low not in _NOT_COUNTING):
            nxt = toks[i + 1]
            if nxt.kind == "word" and nxt.low not in STOPWORDS:
                one.add(stem(nxt.low))
        elif t.low in _MANY and not t.literal:
            j = i + 1
            while j < len(toks) and toks[j].low in _SKIP:
                j += 1
            if j < len(toks) and toks[j].kind == "word" and toks[j].low not in STOPWORDS:
                many.add(stem(toks[j].low))
    return frozenset(one), frozenset(many)


def one_against_all(a: str, b: str) -> str | None:
    """A noun counted as one in one text and quantified as all or many in the other
    ("make one property optional" / "make every property optional")."""
    one_a, many_a = _counted(a)
    one_b, many_b = _counted(b)
    for ones, many, other_ones, other_many in (
        (one_a, many_b, one_b, many_a),
        (one_b, many_a, one_a, many_b),
    ):
        both = (ones & many) - other_ones - other_many
        if both:
            return min(both)
    return None
