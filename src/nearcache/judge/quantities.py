"""Reading quantities: every number a text carries, in any form, as a canonical value.

The numbers guard (:mod:`.numbers`) compares what this module reads:

* digits ``1000``, ``1,000``, decimals ``0.5``/``.5``, fractions ``1/2``, suffixes ``10k``;
  ranges with dots ``1..10`` (1 and 10);
  spoken decimals "two point five"; a repeating decimal by its period ("0.999..." =
  "zero point nine repeating" = ``0.9...``);
* number words ``two``, ``twenty-one``, ``a hundred``, ``2 million``, ``half``,
  ``dozen``, with their unit ("two and a half hours", "half an hour"); "noon" and
  "midnight" as weak times of day (12 pm / 12 am);
* ordinals ``2nd``/``second``/``2`` (the same value), ``twice``, Roman numerals after a
  name (``World War II``);
* percentages ``5%``/``5 percent``, units ``16 GB``/``16gb``/``16 gigabytes``, ``5pm``,
  times of day and speeds (:mod:`.measures`); European thousands ``10.000``; ``8.0`` = ``8``;
* versions, IP addresses and CIDR blocks (``3.11.2``, ``10.0.0.0/8``) literally;
* digits inside identifiers (``ipv4``, ``x86``, ``python3``) and a number naming a kind
  ("a 3-way handshake", "a 2-for-1 split") as *weak* quantities (they reject only
  against another number), a numeronym's digits (``k8s``, ``i18n``) as none. "401k"
  stays an amount: read as a name it would let "my 401(k)" / "my HSA" pass.

Limits: "one" and "first" alone are too often not numbers ("which one", "first time"),
so they are weak; a version with a trailing zero (``3.10``) is read literally unless a
unit, a scale or a currency measures it ("2.50 m"); other scripts and number words of other
languages are not read.
"""

from __future__ import annotations

import re

from .calnames import decade_at
from .codes import statuses
from .dates import time_info
from .measures import Quantity, clock, denominator, fmt, period, speed
from .numwords import DENOMINATORS, ROMAN, SINGLE_DENOMINATORS, roman_value
from .numwords import FRACTIONS as _FRACTIONS
from .numwords import ORDINALS as _ORDINALS
from .numwords import SCALES as _SCALES
from .numwords import SMALL as _SMALL
from .numwords import TENS as _TENS
from .numwords import TIMES as _TIMES
from .numwords import UNITS as _UNITS
from .tokens import Text, Token, analyze, text_cache

__all__ = ["Quantity", "quantities"]

_PREFIX_UNITS = frozenset({"$", "\u20ac", "\u00a3"})
_MIXED = re.compile(r"\d+(?:\.\d+)?")
_DIGIT = re.compile(r"\d")
#: Words that can start a quantity (the others are skipped at once).
_DAY_HOURS = {"noon": "12", "midday": "12", "midnight": "12"}
_NUMERIC = frozenset(
    [*_SMALL, *_TENS, *_SCALES, *_ORDINALS, *_TIMES, *_FRACTIONS, *_DAY_HOURS, "couple"]
)
_A_OF = ("a", "of")
_RATIO = re.compile(r"^(\d+)/(\d+)$")
#: The extension of a file name with digits in it ("in.mp4", "a.h264", "x.7z").
_EXTENSION = re.compile(r"(?<=\w)\.(?:mp4|mp3|m4a|m4v|3gp|h264|h265|bz2|7z|ps1|p12)$")
_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3}){1,2}$")
_WHOLE = re.compile(r"^\d+\.0+$")
_UNIT_AFTER = frozenset({"a", "per", "each", "every", "one", "split", "nano", "milli"})
_AFTER_DURATION = frozenset({"of", "and", "or", "to", "ago", "later", "longer", "more", "per"})


def _unit(tokens: tuple[Token, ...], j: int) -> str:
    if j < len(tokens):
        t = tokens[j]
        low = t.low.split("-")[0] if t.kind == "word" else t.low  # "3-month-old"
        if low == "in" and j + 1 < len(tokens) and tokens[j + 1].kind in ("word", "num"):
            return ""  # "30 in python": a preposition, not inches
        if t.kind in ("word", "sym") and low in _UNITS and low != "k":
            return _UNITS[low]
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


def _digits(toks: tuple[Token, ...], i: int) -> tuple[tuple[str, bool] | None, str, int]:
    """A number written in digits at ``i``: (value, weak), unit, tokens read."""
    low = toks[i].low
    step = 1
    if low[-1].isalpha():
        if low[-1] == "s":
            if decade_at(low, toks[i - 1].low if i else "") or not low[:-1].isdigit():
                return ("decade:" + low[-3:], False), "", 1
            if low.endswith("00s"):  # "100s of files", "1000s of users": hundreds, thousands
                return None, "", 1
            return (low[:-1], False), "s", 1  # "a timeout of 30s": seconds
        if low[-1] == "k":
            return (fmt(float(low[:-1]) * 1000), False), "", 1
        return (low[:-2], False), "", 1  # an ordinal: "2nd"
    if _THOUSANDS.match(low) and (low.count(".") >= 2 or low.endswith("00")):
        low = low.replace(".", "")  # "10.000", "1.000.000": thousands, the European way
    elif _WHOLE.match(low):
        low = low.partition(".")[0]  # "8.0", "5.00": a whole number
    elif low.count(".") >= 2 or ("/" in low and "." in low) or _version(toks, i, low):
        return ("lit:" + low, False), "", 1  # versions: "3.10" is not "3.1"
    if "/" in low:
        num, _, den = low.partition("/")
        x, y = float(num), float(den)
        return (fmt(x / y) if y else low, False), "", 1
    value = float(low.replace(",", ""))
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    repeats = _repeating(toks, i)
    if "." in low and repeats:
        return (_period(low) + "...", False), "", 1 + repeats  # "0.999..." is not 0.999
    if nxt in _SCALES:
        value *= _SCALES[nxt]
        step = 2
    after = toks[i + step].low if i + step < len(toks) else ""
    unit = _unit(toks, i + step) or ("s" if after == "second" else "")  # "a 45 second ad"
    if unit:
        step += 1
        rate = speed(toks, i + step, unit)  # "60 miles per hour"
        unit, step = (rate, step + 2) if rate else (unit, step)
    elif i > 0 and toks[i - 1].low in _PREFIX_UNITS:
        unit = _UNITS[toks[i - 1].low]
    return (fmt(value), not unit and _kind(toks, i + step)), unit, step


def _version(toks: tuple[Token, ...], i: int, low: str) -> bool:
    """A decimal with a trailing zero ("3.10") is a version unless a unit, a scale or a
    currency measures it ("2.50 m", "2.50m", "$1.50", "2.50 million")."""
    if "." not in low or low[-1] != "0":
        return False
    nxt = toks[i + 1].low if i + 1 < len(toks) else ""
    priced = i > 0 and toks[i - 1].low in _PREFIX_UNITS
    return not (nxt in _SCALES or _unit(toks, i + 1) or priced)


def _kind(toks: tuple[Token, ...], j: int) -> bool:
    """A number naming a kind, not counting ("a 3-way handshake", "a four-way stop", "a
    2-for-1 split")."""
    return j < len(toks) and (toks[j].low == "way" or toks[j].low.startswith("for-"))


def _period(decimal: str) -> str:
    """A repeating decimal with its repeating digits written once ("0.999" -> "0.9",
    "0.1666" -> "0.16"), so "0.999..." and "0.9 repeating" are one number."""
    whole, _, frac = decimal.partition(".")
    for p in range(1, len(frac) // 2 + 1):
        unit, cut = frac[-p:], frac
        while cut.endswith(unit + unit):
            cut = cut[:-p]
        if cut != frac:
            return f"{whole}.{cut}"
    return decimal


def _point(toks: tuple[Token, ...], j: int, whole: float) -> tuple[str, int] | None:
    """ "zero point nine five" after the whole part, with "point" at ``j``: the decimal
    ("0.95"; "0.9..." when "repeating" follows) and the tokens read from ``j``."""
    digits = ""
    k = j + 1
    while k < len(toks) and _SMALL.get(toks[k].low, 10) < 10 and "-" not in toks[k].low:
        digits += str(_SMALL[toks[k].low])
        k += 1
    if toks[j].low != "point" or not digits or whole != int(whole):
        return None
    value = f"{int(whole)}.{digits}"
    repeats = _repeating(toks, k - 1)
    return (_period(value) + "...", k - j + repeats) if repeats else (value, k - j)


def _repeating(toks: tuple[Token, ...], i: int) -> int:
    """Tokens after a decimal that say its digits repeat ("0.333...", "0.999 repeating")."""
    nxt = [t.low for t in toks[i + 1 : i + 4]]
    if nxt == [".", ".", "."]:
        return 3
    return 1 if nxt[:1] in (["repeating"], ["recurring"]) else 0


def _words(toks: tuple[Token, ...], i: int) -> tuple[tuple[str, bool] | None, str, int]:
    """A number written in words at ``i``: (value, weak), unit, tokens read."""
    low = toks[i].low
    parsed = _number_words(toks, i)
    if parsed is not None:
        value, step = parsed
        spoken = _point(toks, i + step, value) if i + step < len(toks) else None
        if spoken is not None:  # "zero point nine repeating"
            unit = _unit(toks, i + step + spoken[1])
            return (spoken[0], False), unit, step + spoken[1] + (1 if unit else 0)
        den = denominator(toks, i + step, value)
        if den:  # "three eighths", "one third"
            value, step = value / den, step + 1
        unit = _unit(toks, i + step)
        weak = (low == "one" and step == 1) or (not unit and _kind(toks, i + step))
        return (fmt(value), weak), unit, step + (1 if unit else 0)
    head, _, tail = low.partition("-")
    count = _SMALL.get(head, 0) + _TENS.get(head, 0)
    den = DENOMINATORS.get(tail, 0) or (SINGLE_DENOMINATORS.get(tail, 0) if count == 1 else 0)
    if tail and head in _SMALL and den:  # "one-third", "two-thirds", "three-quarters"
        return (fmt(count / den), False), "", 1
    if tail in _ORDINALS and head in _TENS and tail not in ("second", "hundredth"):  # 21st
        return (str(count + _ORDINALS[tail]), False), "", 1
    if tail and head == "half":  # "half-life" is "half life", "half-hour" half an hour
        return ("0.5", False), _UNITS.get(tail.split("-")[0], ""), 1
    if tail and (head in _SMALL or head in _TENS):  # "four-year", "twelve-week-old"
        unit = _UNITS.get(tail.split("-")[0], "")
        if unit:
            return (fmt(_SMALL.get(head, 0) + _TENS.get(head, 0)), False), unit, 1
    if tail and tail[:1].isalpha() and (head in _SMALL or head in _TENS):
        # "three-way", "two-step": the count "3-way" and "three way" say, weak (a name
        # more than a quantity: "two-factor", "one-off"); "twenty-one-day" is 21 days
        first, _, rest = tail.partition("-")
        if head in _TENS and 0 < _SMALL.get(first, 0) < 10:
            count, tail = count + _SMALL[first], rest
        unit = _UNITS.get(tail.split("-")[0], "")
        return (fmt(count), not unit), unit, 1
    if tail and tail[:1].isalpha() and head in _ORDINALS and head != "second":
        return (str(_ORDINALS[head]), True), "", 1  # "third-party" as "third party"
    if tail and head in _TIMES:  # "twice-weekly" counts twice
        return (str(_TIMES[head]), head in ("once", "double", "triple")), "", 1
    if low in _ORDINALS and not _a_second(toks, i):
        return (str(_ORDINALS[low]), low == "first"), "", 1
    if low in _TIMES:
        return (str(_TIMES[low]), low in ("once", "double", "triple")), "", 1
    if low == "couple" and 0 < i < len(toks) - 1 and (toks[i - 1].low, toks[i + 1].low) == _A_OF:
        return ("2", True), "", 2  # "a couple of metres": about two, weak
    if low in _FRACTIONS and not period(toks, i):
        after = toks[i + 1].low if i + 1 < len(toks) else ""
        unit = _unit(toks, i + 2) if after in ("a", "an") else ""  # "half an hour"
        return (fmt(_FRACTIONS[low]), False), unit, 3 if unit else 1
    if low in _DAY_HOURS:  # "at noon": weak, so it only meets another time of day
        return (_DAY_HOURS[low], True), "pm" if low == "noon" else "am", 1
    roman = toks[i].text.removesuffix("'s")  # "Elizabeth II's reign"
    if roman.isupper() and _roman_ok(roman, toks, i):
        return (fmt(roman_value(roman)), False), "", 1
    if roman[:2] == "WW" and roman[2:] and ROMAN.match(roman[2:]):  # "WWII": World War II
        return (fmt(roman_value(roman[2:])), False), "", 1
    return None, "", 1


def _ratio(low: str) -> bool:
    """ "80/20", "50/50", "24/7": two numbers side by side, not a fraction; so are two
    HTTP statuses of one class ("301/302", "502/504")."""
    m = _RATIO.match(low)
    return m is not None and (
        int(m[1]) >= int(m[2]) or int(m[1]) + int(m[2]) == 100 or statuses(m[1], m[2])
    )


def _a_second(toks: tuple[Token, ...], i: int) -> bool:
    """ "a second" / "per second" / "split second" is a duration, unless a noun follows
    ("a second class stamp", "a second opinion")."""
    if toks[i].low != "second" or i == 0 or toks[i - 1].low not in _UNIT_AFTER:
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is None or nxt.kind != "word" or nxt.low in _AFTER_DURATION


def _numeronym(low: str, m: re.Match[str]) -> bool:
    """Digits between two letters of a word: "k8s", "i18n", "a11y"."""
    inside = m.start() > 0 and m.end() < len(low) and "." not in m.group()
    return inside and low[m.start() - 1].isalpha() and low[m.end()].isalpha()


def _mixed(tok: Token) -> list[Quantity]:
    """Digits inside a word: "ipv4", "16gb", "python3" (weak unless a unit follows); a
    numeronym's digits, between letters ("k8s", "i18n", "a11y"), and a file extension's
    ("in.mp4", "song.mp3") are no number at all."""
    out = []
    ext = _EXTENSION.search(tok.low)
    for m in _MIXED.finditer(tok.low):
        if _numeronym(tok.low, m) or (ext is not None and m.start() >= ext.start()):
            continue
        rest = tok.low[m.end() :].strip("-")
        val = float(m.group())
        if rest == "k" and m.start() == 0:
            val, rest = val * 1000, ""
        u = _UNITS.get(rest, "") if m.start() == 0 else ""
        grade = tok.low[:1].isdigit() or tok.low[:2] == "ww"  # "10W-30", "4K", "WW2"
        out.append((fmt(val), u, not (u or grade), tok.literal))
    return out


def _scan(text: Text, dated: frozenset[int]) -> list[Quantity]:
    toks = text.tokens
    out: list[Quantity] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        step = 1
        try:
            if i in dated or t.kind not in ("num", "word"):
                pass
            elif (
                t.kind == "word"
                and t.low.partition("-")[0] not in _NUMERIC
                and not t.text.removesuffix("'s").isupper()
            ):
                if _DIGIT.search(t.low):
                    out.extend(_mixed(t))
            elif t.kind == "word" and _DIGIT.search(t.low):
                out.extend(_mixed(t))
            elif t.kind == "num" and (end := _range_end(toks, i)) is not None:
                out.append((end, "", False, t.literal))  # "1..10": 10, not .10
            elif t.kind == "num" and (reading := clock(toks, i)) is not None:
                q4, step = reading
                out.append((*q4, t.literal))
            elif _ratio(t.low):
                parts = t.low.split("/")
                pct = "%" if sum(map(int, parts)) == 100 else ""  # "50/50": 50% each
                out.extend((fmt(float(v)), pct, False, t.literal) for v in parts)
            else:
                q, unit, step = _digits(toks, i) if t.kind == "num" else _words(toks, i)
                if q is not None and not unit and not q[0].startswith("lit:"):
                    q, step = _plus_fraction(toks, i + step, q, step)
                    unit = _unit(toks, i + step)  # "two and a half hours"
                    step += 1 if unit else 0
                if q is not None:
                    hashed = i > 0 and toks[i - 1].text == "#"  # "Ticket #4417": an id
                    out.append((q[0], unit, q[1], t.literal or hashed))
        except (ValueError, ZeroDivisionError, OverflowError):
            step = 1  # a digit of another script ("²"): not a quantity we read
        i += max(step, 1)
    return out


def _range_end(toks: tuple[Token, ...], i: int) -> str | None:
    """The end of a range written with dots ("1..10", "1...5"): the digits of the ``.10``
    token at ``i`` after a number and a dot, as a whole number; else None."""
    low = toks[i].low
    if not (low.startswith(".") and low[1:].isdigit()) or i < 2 or toks[i - 1].low != ".":
        return None
    k = i - 2 if toks[i - 2].low != "." else i - 3
    return fmt(float(low[1:])) if k >= 0 and toks[k].kind == "num" else None


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
        return (fmt(float(q[0]) + add), q[1]), step + used
    except ValueError:
        return q, step


def _roman_ok(text: str, toks: tuple[Token, ...], i: int) -> bool:
    if not ROMAN.match(text) or not text:
        return False
    if len(text) >= 2:
        return True
    # A lone "I" is the pronoun unless it follows a capitalized name ("World War I").
    if text != "I" or i == 0 or not toks[i - 1].capitalized:
        return False
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is None or nxt.kind == "sym" or nxt.low in ("end", "start", "begin", "and", "in")


@text_cache
def quantities(text: str) -> tuple[Quantity, ...]:
    """Every quantity in ``text`` as ``(value, unit, weak, literal)``: ``weak`` marks
    "one"/"first" and digits inside names, ``literal`` a number inside quotes, brackets or
    code (``timeout=5``). Parts of dates are left to the time guard."""
    return tuple(_scan(analyze(text), time_info(text).consumed))
