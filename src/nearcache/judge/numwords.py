"""The vocabulary of quantities: number words, ordinals, fractions and units.

Shared by the numbers guard (which compares quantities) and the time guard (which reads
day numbers and "three days ago"), so both read "twenty-one" or "fourth" alike.
"""

from __future__ import annotations

import re

__all__ = [
    "DENOMINATORS",
    "FRACTIONS",
    "ORDINALS",
    "ROMAN",
    "SCALES",
    "SINGLE_DENOMINATORS",
    "SMALL",
    "TENS",
    "TIMES",
    "UNITS",
    "ordinal_value",
    "roman_value",
    "same_unit",
    "word_value",
]

SMALL = {
    w: i
    for i, w in enumerate(
        (  # noqa: SIM905
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        ).split()
    )
}
TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "trillion": 10**12}
ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        (  # noqa: SIM905
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
            "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
            "nineteenth twentieth"
        ).split()
    )
}
ORDINALS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100})
FRACTIONS = {"half": 0.5, "quarter": 0.25, "dozen": 12.0}
#: Denominators after a number word: "three eighths" is 3/8, "one third" 1/3 ("halves" and
#: "quarters" without a count are no quantity: "the break between halves").
DENOMINATORS = {w + "s": v for w, v in ORDINALS.items() if v >= 3 and w != "second"}
DENOMINATORS.update({"halves": 2, "quarters": 4})
SINGLE_DENOMINATORS = {w: v for w, v in ORDINALS.items() if v >= 3} | {"half": 2, "quarter": 4}
TIMES = {"once": 1, "twice": 2, "thrice": 3, "double": 2, "triple": 3}
UNITS = {
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
    "fortnight": "fortnight",
    "fortnights": "fortnight",
    "month": "month",
    "months": "month",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
    "decade": "decade",
    "decades": "decade",
    "century": "century",
    "centuries": "century",
    "byte": "byte",
    "bytes": "byte",
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
    "ppm": "ppm",
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
    "degf": "degf",
    "degc": "degc",
    "mih": "mph",
    "mps": "mps",
}


def word_value(word: str) -> int | None:
    """The value of a digit string, a number word up to nineteen or a whole ten ("sixty"),
    else None."""
    if word.isdigit():
        return int(word)
    return SMALL.get(word, TENS.get(word))


def ordinal_value(word: str) -> int | None:
    """The value of "4", "4th" or "fourth" (a day of the month), else None."""
    low = word.lower()
    if low.isdigit():
        return int(low)
    if low[:-2].isdigit() and low[-2:] in ("st", "nd", "rd", "th"):
        return int(low[:-2])
    return ORDINALS.get(low)


def same_unit(u: str, v: str) -> bool:
    """Units that can name one quantity: equal, or a bare degree beside a scale."""
    return u == v or ({u[:3], v[:3]} == {"deg"} and "deg" in (u, v))


#: A Roman numeral up to 39 ("II", "XIV"; "World War II", "Elizabeth II").
ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def roman_value(text: str) -> int:
    """The value of a Roman numeral written in capitals ("XIV" -> 14)."""
    total = 0
    prev = 0
    for ch in reversed(text):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total
