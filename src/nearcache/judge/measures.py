"""Quantities the numbers guard reads in more than one spelling, and counts against "all".

* times of day: "02:00" is "2 am", "14:30" is "2:30 pm" (:func:`clock`);
* one duration, length, mass or volume in another unit: "12 months" is "a year", "24
  hours" is "a day" (:func:`size`);
* a noun counted as one in one text and quantified as all or many in the other ("drop one
  column" / "drop every column", :func:`one_against_all`);
* an age said without a number: "a toddler" is one to three, "in his forties" forty to
  forty-nine (:func:`age_ranges`), so "a 2-year-old" and "a 40-year-old man" agree with
  them; "60 miles per hour" is "60 mph" (:func:`speed`).
"""

from __future__ import annotations

import math
import re

from .numwords import DENOMINATORS, ORDINALS, SINGLE_DENOMINATORS
from .tokens import STOPWORDS, Token, analyze, stem, text_cache, wordset

__all__ = [
    "Quantity",
    "age_decade",
    "age_ranges",
    "ages",
    "clock",
    "denominator",
    "fmt",
    "in_age_range",
    "one_against_all",
    "percents",
    "period",
    "size",
    "sizes",
    "speed",
]

Quantity = tuple[str, str, bool, bool]  # (value, unit, weak, literal)


def fmt(value: float) -> str:
    """A number as the guards write it: "2", "0.5", "1e+20"."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:.6g}"


_MINUTES = re.compile(r"^[0-5]\d$")
_HALVES = frozenset({"am", "pm"})
#: Units of one dimension and their size in its base: a duration written in another
#: unit is the same quantity ("12 months" / "a year", "24 hours" / "one day").
_SIZES = {
    **{u: ("s", f) for u, f in (("s", 1), ("min", 60), ("h", 3600), ("day", 86400))},
    "week": ("s", 604800),
    "fortnight": ("s", 1209600),
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


def sizes(value: str, unit: str) -> frozenset[tuple[str, float]]:
    """:func:`size`, and for whole weeks that make whole months the months too: "four
    weeks" is "a month", "13 weeks" three months (4 weeks or 52/12 a month); a Fahrenheit
    temperature is also the whole Celsius degree nearest to it ("57 F" is "14 C"), and
    from 100 C up the nearest ten, as oven settings are given ("350 F" is "180 C")."""
    exact = size(value, unit)
    if exact is None:
        return frozenset()
    if unit == "degf" and math.isfinite(exact[1]):  # "9" * 400 F reads as inf: no rounding
        celsius = (exact[1] - 32) * 5 / 9
        near = {float(round(celsius))} | ({float(round(celsius, -1))} if celsius >= 100 else set())
        return frozenset({exact, *(("degc", c) for c in near)})
    if unit != "week":
        return frozenset((exact,))
    try:
        n = float(value)
    except ValueError:
        return frozenset((exact,))
    months = {m for m in (n / 4, round(n * 12 / 52, 6)) if m.is_integer() and m >= 1}
    return frozenset({exact, *(("mo", m) for m in months)})


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
_NOT_COUNTING = wordset("which the that this each every any no at")
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


#: Stages of life by the ages they cover, in years ("a toddler" is one to three).
_STAGES = {
    "newborn": (0, 0),
    "infant": (0, 1),
    "baby": (0, 1),
    "toddler": (1, 3),
    "preschooler": (3, 5),
    "teen": (13, 19),
    "teenager": (13, 19),
    "adolescent": (10, 19),
    "minor": (0, 17),
}
_DECADES = {w: 10 * (i + 2) for i, w in enumerate(["twenties", "thirties", "forties", "fifties"])}
_DECADES.update(
    {w: 10 * (i + 6) for i, w in enumerate(["sixties", "seventies", "eighties", "nineties"])}
)
_OWNERS = wordset("his her their my your our one's early mid late")
_AGE_UNITS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25}


@text_cache
def age_ranges(text: str) -> tuple[tuple[float, float], ...]:
    """The ages ``text`` names without a number, as (youngest, oldest) in years: a stage
    of life ("a toddler": 1-3, "a teenager": 13-19) or a decade of someone's life ("in
    his forties", "in her 40s", "in my early thirties": 40-49...)."""
    toks = analyze(text).tokens
    out: list[tuple[float, float]] = []
    for i, t in enumerate(toks):
        low = "baby" if t.low == "babies" else t.low
        low = low[:-1] if low not in _STAGES and low[:-1] in _STAGES else low  # "toddlers"
        if low in _STAGES:
            lo, hi = _STAGES[low]
            out.append((float(lo), hi + 0.999))
        elif i and toks[i - 1].low in _OWNERS:
            decade = _DECADES.get(t.low)
            if decade is None and t.low[:-1].isdigit() and t.low.endswith("0s"):
                decade = int(t.low[:-1])  # "in his 40s"
            if decade is not None and 20 <= decade <= 90:
                out.append((float(decade), decade + 9.999))
    return tuple(out)


def in_age_range(value: str, unit: str, ranges: tuple[tuple[float, float], ...]) -> bool:
    """Whether the age ``value`` ``unit`` ("40" "year", "3" "month") lies in one of
    ``ranges`` (:func:`age_ranges`)."""
    if unit not in _AGE_UNITS or not ranges:
        return False
    try:
        years = float(value) * _AGE_UNITS[unit]
    except ValueError:
        return False
    return any(lo <= years <= hi for lo, hi in ranges)


def age_decade(value: str, ranges: tuple[tuple[float, float], ...]) -> bool:
    """Whether ``value`` is a decade mark ("decade:40s") that one of ``ranges`` names."""
    if not value.startswith("decade:") or not value[7:-1].isdigit():
        return False
    start = float(value[7:-1])
    return any(lo == start and hi - lo > 9 for lo, hi in ranges)


#: "60 miles per hour" is "60 mph".
_SPEEDS = {"mi": "mph", "km": "kmh"}


def speed(toks: tuple[Token, ...], j: int, unit: str) -> str:
    """The speed unit when a distance ``unit`` is followed at ``j`` by "per hour" / "an
    hour" ("60 miles per hour" is "60 mph"), else ""."""
    if unit not in _SPEEDS or j + 1 >= len(toks):
        return ""
    per, hour = toks[j].low, toks[j + 1].low
    return _SPEEDS[unit] if per in ("per", "an", "a", "/") and hour in ("hour", "h", "hr") else ""


def percents(qa: list[Quantity], qb: list[Quantity]) -> tuple[list[Quantity], list[Quantity]]:
    """Drop a percentage and the fraction it equals ("50%" / "half")."""
    pa = {fmt(float(v) / 100): v for v, u, _, _ in qa if u == "%" and v.replace(".", "").isdigit()}
    pb = {fmt(float(v) / 100): v for v, u, _, _ in qb if u == "%" and v.replace(".", "").isdigit()}
    fa = {v for v, u, _, _ in qa if not u and v in pb}
    fb = {v for v, u, _, _ in qb if not u and v in pa}
    if not fa and not fb:
        return qa, qb
    used_a, used_b = {pb[v] for v in fa}, {pa[v] for v in fb}
    qa = [q for q in qa if not ((not q[1] and q[0] in fa) or (q[1] == "%" and q[0] in used_b))]
    qb = [q for q in qb if not ((not q[1] and q[0] in fb) or (q[1] == "%" and q[0] in used_a))]
    return qa, qb


def ages(
    qa: list[Quantity], qb: list[Quantity], a: str, b: str
) -> tuple[list[Quantity], list[Quantity]]:
    """Drop an age in years (months...) that the other text names without a number ("a
    40-year-old" / "in his forties", "a 2-year-old" / "a toddler"), with the decade, and
    an upper bound on an age that a stage from birth ends at ("under 18" / "a minor")."""
    ra, rb = age_ranges(a), age_ranges(b)
    ra, rb = tuple(r for r in ra if r not in rb), tuple(r for r in rb if r not in ra)
    if not ra and not rb:  # "my baby at 9 months" / "my baby at 19 months": not an age word
        return qa, qb
    qa = [q for q in qa if not (q[0] in _under(a) and _starts_at(float(q[0]), rb))]
    qb = [q for q in qb if not (q[0] in _under(b) and _starts_at(float(q[0]), ra))]
    in_b = [q for q in qb if in_age_range(q[0], q[1], ra)]
    in_a = [q for q in qa if in_age_range(q[0], q[1], rb)]
    qa = [q for q in qa if q not in in_a and not (in_b and age_decade(q[0], ra))]
    qb = [q for q in qb if q not in in_b and not (in_a and age_decade(q[0], rb))]
    return qa, qb


@text_cache
def _under(text: str) -> frozenset[str]:
    """Numbers ``text`` gives as an upper bound on an age: "under 18", "younger than 13"."""
    toks = analyze(text).tokens
    out = set()
    for i, t in enumerate(toks[1:], 1):
        prev = toks[i - 1].low
        bound = prev in ("under", "below") or (prev == "than" and toks[i - 2].low == "younger")
        if bound and t.kind == "num" and t.low.isdigit():
            out.add(t.low)
    return frozenset(out)


def _starts_at(bound: float, ranges: tuple[tuple[float, float], ...]) -> bool:
    """Whether an age range from birth ends just below ``bound`` ("a minor": under 18)."""
    return any(lo == 0 and bound - 0.01 <= hi < bound for lo, hi in ranges)


def denominator(toks: tuple[Token, ...], j: int, count: float) -> int:
    """The denominator written at ``j`` after a number word ("eighths" in "three eighths",
    "third" in "one third"), else 0."""
    low = toks[j].low if j < len(toks) else ""
    return DENOMINATORS.get(low, 0) or (SINGLE_DENOMINATORS.get(low, 0) if count == 1 else 0)


def period(toks: tuple[Token, ...], i: int) -> bool:
    """ "third quarter", "second half": after an ordinal, a part of a year or a game, not a
    fraction (an ordinal is never a fraction's count: "three quarters" is)."""
    prev = toks[i - 1].low if i else ""
    return toks[i].low in ("quarter", "half") and (
        prev in ORDINALS or (prev[:-2].isdigit() and prev[-2:] in ("st", "nd", "rd", "th"))
    )
