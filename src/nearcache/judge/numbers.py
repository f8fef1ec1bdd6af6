"""Guard: numbers and quantities must agree.

"When did World War I end?" and "... World War II ...?" embed close together, yet one
answer is 1918 and the other 1945. This guard reads every quantity in both texts, in any
form, and rejects the pair when they differ:

* digits ``1000``, ``1,000``, decimals ``0.5``/``.5``, fractions ``1/2``, suffixes ``10k``;
* number words ``two``, ``twenty-one``, ``a hundred``, ``2 million``, ``half``, ``dozen``;
* ordinals ``2nd``/``second``/``2`` (the same value), ``twice``, Roman numerals after a
  name (``World War II``);
* percentages ``5%``/``5 percent``, units ``16 GB``/``16gb``/``16 gigabytes``, ``5pm``;
* versions, IP addresses and CIDR blocks (``3.11.2``, ``10.0.0.0/8``) compared literally;
* digits inside identifiers (``ipv4``/``ipv6``, ``x86``/``x64``, ``python3``): they
  only reject against another number, since a name such as "H2O" or "B12" says the same
  as "water" or "vitamin B".

Limits: "one" and "first" alone are too often not numbers ("which one", "first time"),
so they never reject by themselves; a single-dot decimal is a number, so ``3.10``
equals ``3.1``; other scripts and number words of other languages are not read.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .tokens import Text, Token, analyze
from .types import NEUTRAL, PASS, REJECT, GuardResult

__all__ = ["Quantity", "guard_numbers", "quantities", "word_value"]

_SMALL = {
    w: i
    for i, w in enumerate(
        (  # noqa: SIM905
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        ).split()
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        (  # noqa: SIM905
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
            "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
            "nineteenth twentieth"
        ).split()
    )
}
_ORDINALS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100})
_FRACTIONS = {"half": 0.5, "halves": 0.5, "quarter": 0.25, "quarters": 0.25, "dozen": 12.0}
_TIMES = {"once": 1, "twice": 2, "thrice": 3, "double": 2, "triple": 3}
_UNITS = {
    "%": "%",
    "percent": "%",
    "pct": "%",
    "percentage": "%",
    "kb": "kb",
    "kilobyte": "kb",
    "kilobytes": "kb",
    "kib": "kb",
    "mb": "mb",
    "megabyte": "mb",
    "megabytes": "mb",
    "mib": "mb",
    "gb": "gb",
    "gig": "gb",
    "gigs": "gb",
    "gigabyte": "gb",
    "gigabytes": "gb",
    "gib": "gb",
    "tb": "tb",
    "terabyte": "tb",
    "terabytes": "tb",
    "tib": "tb",
    "mbps": "mbps",
    "gbps": "gbps",
    "ghz": "ghz",
    "mhz": "mhz",
    "hz": "hz",
    "km": "km",
    "kms": "km",
    "kilometer": "km",
    "kilometers": "km",
    "kilometre": "km",
    "kilometres": "km",
    "mi": "mi",
    "mile": "mi",
    "miles": "mi",
    "m": "m",
    "meter": "m",
    "meters": "m",
    "metre": "m",
    "metres": "m",
    "cm": "cm",
    "centimeter": "cm",
    "centimeters": "cm",
    "mm": "mm",
    "millimeter": "mm",
    "millimeters": "mm",
    "ft": "ft",
    "foot": "ft",
    "feet": "ft",
    "in": "in",
    "inch": "in",
    "inches": "in",
    "kg": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "g": "g",
    "gram": "g",
    "grams": "g",
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "oz": "oz",
    "ounce": "oz",
    "ounces": "oz",
    "l": "l",
    "liter": "l",
    "liters": "l",
    "litre": "l",
    "litres": "l",
    "ml": "ml",
    "milliliter": "ml",
    "milliliters": "ml",
    "cup": "cup",
    "cups": "cup",
    "tbsp": "tbsp",
    "tablespoon": "tbsp",
    "tablespoons": "tbsp",
    "tsp": "tsp",
    "teaspoon": "tsp",
    "teaspoons": "tsp",
    "c": "degc",
    "celsius": "degc",
    "f": "degf",
    "fahrenheit": "degf",
    "am": "am",
    "pm": "pm",
    "ms": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "seconds": "s",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
    "mph": "mph",
    "kmh": "kmh",
    "kph": "kmh",
    "w": "w",
    "watt": "w",
    "watts": "w",
    "kw": "kw",
    "kwh": "kwh",
    "v": "v",
    "volt": "v",
    "volts": "v",
    "mah": "mah",
    "px": "px",
    "pt": "pt",
    "dpi": "dpi",
    "fps": "fps",
    "rpm": "rpm",
    "x": "x",
    "usd": "usd",
    "dollar": "usd",
    "dollars": "usd",
    "$": "usd",
    "eur": "eur",
    "euro": "eur",
    "euros": "eur",
    "\u20ac": "eur",
    "gbp": "gbp",
    "\u00a3": "gbp",
    "cents": "cent",
    "cent": "cent",
    "calorie": "kcal",
    "calories": "kcal",
    "kcal": "kcal",
    "degrees": "deg",
    "degree": "deg",
    "\u00b0": "deg",
    "k": "thousand",
}
_PREFIX_UNITS = frozenset({"$", "\u20ac", "\u00a3"})
_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_MIXED = re.compile(r"\d+(?:\.\d+)?")
_UNIT_AFTER = frozenset({"a", "per", "each", "every", "one", "split", "nano", "milli"})

Quantity = tuple[str, str, bool]  # (value, unit, weak)


def word_value(word: str) -> int | None:
    """The value of a digit string or a number word up to nineteen, else None."""
    if word.isdigit():
        return int(word)
    return _SMALL.get(word)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:.6g}"


def _roman(text: str) -> int:
    total = 0
    prev = 0
    for ch in reversed(text):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _unit(tokens: tuple[Token, ...], j: int) -> str:
    if j < len(tokens):
        t = tokens[j]
        if t.kind in ("word", "sym") and t.low in _UNITS and t.low != "k":
            return _UNITS[t.low]
        if t.low == "per" and j + 1 < len(tokens) and tokens[j + 1].low in ("cent", "centum"):
            return "%"
    return ""


def _number_words(tokens: tuple[Token, ...], i: int) -> tuple[float, int] | None:
    """Parse a run of number words from ``i``: (value, tokens consumed)."""
    total = current = 0.0
    j = i
    seen = False
    while j < len(tokens):
        w = tokens[j].low
        parts = w.split("-") if "-" in w else [w]
        if all(p in _SMALL or p in _TENS for p in parts):
            current += sum(_SMALL.get(p, 0) + _TENS.get(p, 0) for p in parts)
        elif w in _SCALES and (True):
            scale = _SCALES[w]
            current = max(current, 1.0) * scale
            if scale >= 1000:
                total += current
                current = 0.0
        elif (
            w == "and"
            and seen
            and j + 1 < len(tokens)
            and (tokens[j + 1].low in _SMALL or tokens[j + 1].low in _TENS)
        ):
            pass
        else:
            break
        seen = True
        j += 1
    return (total + current, j - i) if seen else None


def _scan(text: Text) -> list[Quantity]:
    toks = text.tokens
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        low = t.low
        step = 1
        q: tuple[str, bool] | None = None  # (value, weak)
        unit = ""
        if t.kind == "num" and low[-1].isalpha():
            if low[-1] == "s":
                q = ("decade:" + low[-3:], False)
            elif low[-1] == "k":
                q = (_fmt(float(low[:-1]) * 1000), False)
            else:
                q = (low[:-2], False)
        elif t.kind == "num":
            if low.count(".") >= 2 or ("/" in low and "." in low):
                q = ("lit:" + low, False)
            elif "/" in low:
                num, _, den = low.partition("/")
                q = (_fmt(float(num) / float(den)) if float(den) else low, False)
            else:
                value = float(low.replace(",", ""))
                nxt = toks[i + 1].low if i + 1 < len(toks) else ""
                if nxt in _SCALES:
                    value *= _SCALES[nxt]
                    step = 2
                q = (_fmt(value), False)
            unit = _unit(toks, i + step)
            if unit:
                step += 1
            elif i > 0 and toks[i - 1].low in _PREFIX_UNITS:
                unit = _UNITS[toks[i - 1].low]
        elif t.kind == "word" and any(c.isdigit() for c in low):
            for m in _MIXED.finditer(low):
                rest = low[m.end() :].strip("-")
                val = float(m.group())
                if rest == "k" and m.start() == 0:
                    val, rest = val * 1000, ""
                u = _UNITS.get(rest, "") if m.start() == 0 else ""
                out.append((_fmt(val), u, not u))
            i += 1
            continue
        elif t.kind == "word":
            parsed = _number_words(toks, i)
            if parsed is not None:
                value, step = parsed
                q = (_fmt(value), low == "one" and step == 1)
                unit = _unit(toks, i + step)
                if unit:
                    step += 1
            elif low in _ORDINALS and not (
                low == "second" and i > 0 and (toks[i - 1].low in _UNIT_AFTER)
            ):
                q = (str(_ORDINALS[low]), low == "first")
            elif low in _TIMES:
                q = (str(_TIMES[low]), low in ("once", "double", "triple"))
            elif low in _FRACTIONS:
                q = (_fmt(_FRACTIONS[low]), False)
            elif t.text.isupper() and _roman_ok(toks, i):
                q = (_fmt(_roman(t.text)), False)
        if q is not None and not unit and not q[0].startswith("lit:"):
            q, step = _plus_fraction(toks, i + step, q, step)
        if q is not None:
            out.append((q[0], unit, q[1]))
        i += step
    return out


def _plus_fraction(
    toks: tuple[Token, ...], j: int, q: tuple[str, bool], step: int
) -> tuple[tuple[str, bool], int]:
    """ "59 and a half" is 59.5, "2 1/2" is 2.5."""
    words = [t.low for t in toks[j : j + 3]]
    add = None
    if words[:3] == ["and", "a", "half"]:
        add, used = 0.5, 3
    elif words and "/" in words[0] and toks[j].kind == "num" and "." not in words[0]:
        num, _, den = words[0].partition("/")
        if float(den) and float(num) < float(den):
            add, used = float(num) / float(den), 1
    if add is None:
        return q, step
    try:
        return (_fmt(float(q[0]) + add), q[1]), step + used
    except ValueError:
        return q, step


def _roman_ok(toks: tuple[Token, ...], i: int) -> bool:
    text = toks[i].text
    if not _ROMAN.match(text) or not text:
        return False
    if len(text) >= 2:
        return True
    # A lone "I" is the pronoun unless it follows a capitalized name ("World War I").
    if text != "I" or i == 0 or not toks[i - 1].capitalized:
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is None or nxt.kind == "sym" or nxt.low in ("end", "start", "begin", "and", "in")


@lru_cache(maxsize=4096)
def quantities(text: str) -> tuple[Quantity, ...]:
    """Every quantity in ``text`` as ``(value, unit, weak)``; ``weak`` marks "one"/"first"."""
    return tuple(_scan(analyze(text)))


def _show(qs: list[Quantity]) -> str:
    return ", ".join(v.removeprefix("lit:") + (u and " " + u) for v, u, _ in qs)


def guard_numbers(a: str, b: str) -> GuardResult:
    """Reject when the two texts carry different quantities (see the module docstring)."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: numbers not read")
    qa, qb = list(quantities(a)), list(quantities(b))
    if not qa and not qb:
        return GuardResult(NEUTRAL, "no numbers")
    ca = Counter(v for v, _, _ in qa)
    cb = Counter(v for v, _, _ in qb)
    only_a = [q for q in qa if ca[q[0]] > cb.get(q[0], 0)]
    only_b = [q for q in qb if cb[q[0]] > ca.get(q[0], 0)]
    strong = [q for q in only_a + only_b if not q[2]]
    if strong or (only_a and only_b):
        if only_a and only_b:
            return GuardResult(REJECT, f"numbers differ: {_show(only_a)} vs {_show(only_b)}")
        side = "first" if only_a else "second"
        return GuardResult(REJECT, f"only in the {side} text: {_show(only_a or only_b)}")
    units_a = {v: u for v, u, _ in qa if u}
    for v, u, _ in qb:
        other = units_a.get(v)
        if u and other and other != u:
            return GuardResult(REJECT, f"units differ: {v} {other} vs {v} {u}")
    if only_a or only_b:
        return GuardResult(NEUTRAL, f"only a weak number on one side: {_show(only_a or only_b)}")
    return GuardResult(PASS, f"same numbers: {_show(qa)}")
