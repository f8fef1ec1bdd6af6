"""Words written another way, read as the word they stand for before any guard runs.

* :func:`rewrite` -- spellings of one token in the raw text: "w/o" is "without", "401(k)"
  "401k", "59\u00bd" "59 1/2", "-20\u00b0C", "-20C" and "1.5C" a temperature.
* :data:`SHORT_FORMS` -- short forms people type for one word ("thru", "tmrw", "pics").
* Misspellings of the number, day and frequency words the numbers and time guards read
  ("fouth", "secound", "tommorow", "monthy"): one edit away (two for words of 8+ letters),
  the first letter kept, never a real word (:data:`REAL_NEIGHBOURS`: "forth" is not
  "fourth", "teeth" not "tenth") nor a plural ("hundreds").
* :func:`shifts` -- words that say "last" / "next" before a period ("the past 7 days",
  "the coming week"), and "forth" after an article ("the forth official").
* :func:`similar_code` -- a code name with one part mistyped ("sesion.execute"); the
  alignment pairs it with the name it mistypes. :func:`squeeze` writes a name in any
  style (snake, camel, dotted, "()") as its letters and digits.

The tokenizer (:func:`.tokens.analyze`) reads the text through :func:`rewrite` and each
token through :func:`respell` (and :func:`shifts` where :data:`SHIFT_CUES` occur), so the
alignment, the guards and the verifier all see "through" and "fourth". Months, weekdays
and holidays are read misspelled by the time guard itself (:func:`.calnames.misspelled`).

Limits: only the words listed or read here; a misspelling two edits away from a short
number word ("fuorth"), or a real word typed for one ("forth" after no article), stays
unread; a letter C or F after a spaced number ("grade 5 C") stays a letter.
"""

from __future__ import annotations

import re

from .vocab import NOT_CONTENT, STOPWORDS, wordset

__all__ = [
    "REAL_NEIGHBOURS",
    "SHIFT_CUES",
    "SHEET_ERROR",
    "SHORT_FORMS",
    "edit_distance",
    "ends_sheet_error",
    "respell",
    "rewrite",
    "shifts",
    "similar_code",
    "squeeze",
]

#: Short forms typed for one word (each a common chat or note spelling, not a name).
SHORT_FORMS = {
    "thru": "through",
    "tho": "though",
    "altho": "although",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "tmw": "tomorrow",
    "yday": "yesterday",
    "tonite": "tonight",
    "nite": "night",
    "bday": "birthday",
    "pic": "picture",
    "pics": "pictures",
    "rx": "prescription",
    "abt": "about",
    "b4": "before",
    "fem": "feminine",
    "masc": "masculine",
    "convo": "conversation",
    "vid": "video",
    "vids": "videos",
}

#: The number and day words whose misspellings are read (the ones of 5+ letters: shorter
#: ones are too near other words).
_TARGETS = frozenset(
    w
    for w in NOT_CONTENT
    | wordset("tomorrow yesterday tonight today daily weekly monthly yearly nightly hourly")
    | wordset("annual annually quarterly fortnightly")
    if len(w) >= 5 and w.isalpha()
)
_LETTERS = {w: frozenset(w) for w in _TARGETS}
_BY_LETTER: dict[str, tuple[str, ...]] = {}
for _w in sorted(_TARGETS):
    _BY_LETTER[_w[0]] = (*_BY_LETTER.get(_w[0], ()), _w)

#: Real English words one edit from a number or day word: never read as its misspelling.
REAL_NEIGHBOURS = wordset(
    "forth forts forte firth match marco marsh marche steven severn sevens sturdy teeth "
    "tents thirsty there threw thirds augusta auguste augusto eighties thirties seventies "
    "fifties sixties forties nineties twenties todays weakly quarters annul fortnight "
    "fortnights"
)


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein distance (adjacent swaps count one), stopping past ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit or len(set(a) ^ set(b)) > 2 * limit:
        return limit + 1  # an edit changes at most two letters of the set (a cheap bound)
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _misspelled_number(low: str) -> str | None:
    """The number, day or frequency word ``low`` misspells, if any (see the module
    docstring)."""
    if (
        len(low) < 5
        or not low.isalpha()
        or low in _TARGETS
        or low in REAL_NEIGHBOURS
        or low in STOPWORDS
        or (low.endswith("s") and low[:-1] in _TARGETS)  # "hundreds", "fourths"
    ):
        return None
    letters = set(low)
    for word in _BY_LETTER.get(low[0], ()):
        n = min(len(word), len(low))
        limit = 2 if n >= 8 else 1
        if abs(len(word) - len(low)) > limit or len(letters ^ _LETTERS[word]) > 2 * limit:
            continue  # each edit changes at most two letters of the set: a cheap test first
        if n < 6 and len(word) == len(low) and sorted(word) != sorted(low):
            continue  # a short word one letter off is often another word
        if edit_distance(low, word, limit) <= limit:
            return word
    return None


#: Words that shift a period as "last" and "next" do ("the past 24 hours", "the coming
#: week"), and the periods after which they do (a count may stand between).
_SHIFTS = {"past": "last", "previous": "last", "coming": "next", "upcoming": "next"}
_PERIODS = wordset(
    "second seconds minute minutes min mins hour hours hr hrs h day days night nights week "
    "weeks wk wks weekend month months mo quarter quarters year years yr yrs decade decades"
)


_OWNERS = wordset("the a my his her their our your its")
#: The words :func:`shifts` reads: a text without any is not scanned.
SHIFT_CUES = frozenset({*_SHIFTS, "forth"})


def shifts(lows: list[str]) -> dict[int, str]:
    """The positions in ``lows`` (a text's lowercase tokens) of "past", "previous",
    "coming", "upcoming" before a period ("the past 7 days"), with "last" or "next", the
    word each says there ("in the past", "past midnight", "coming soon" keep theirs); and
    of "forth" after an article or a possessive ("the forth official": "fourth"; "back
    and forth" keeps it)."""
    out: dict[int, str] = {}
    for i, low in enumerate(lows):
        if low == "forth" and i and lows[i - 1] in _OWNERS:
            out[i] = "fourth"
        said = _SHIFTS.get(low)
        if said is None:
            continue
        nxt = lows[i + 1 : i + 3]
        if nxt[:1] and (
            nxt[0] in _PERIODS or (nxt[0].isdigit() and nxt[1:] and nxt[1] in _PERIODS)
        ):
            out[i] = said
    return out


def respell(low: str) -> str:
    """The word a lowercase token stands for: a listed short form's word, the number or
    day word it misspells, or itself."""
    short = SHORT_FORMS.get(low)
    if short is not None:
        return short
    return _misspelled_number(low) or low


# Spellings that mean the same token: "w/o" is "without", "401(k)" is "401k", and
# vulgar fractions ("59\u00bd") are read as "59 1/2". Backticks only mark code.
_REWRITES = (
    (re.compile(r"(?i)\bw/o(?:ut)?\b"), " without "),
    (re.compile(r"(?i)\u00b0\s*([fc])\b"), r" deg\1 "),
    (
        re.compile(r"(?<![\w.])(-\d{1,3}(?:\.\d)? ?|\d{1,3}(?:\.\d)?)([CF])\b"),
        r"\1 deg\2 ",
    ),  # "-20C" is "-20 \u00b0C"
    (re.compile(r"(?i)\b(km|mi)\s*/\s*h(?:r|our)?\b"), r"\1h"),
    (re.compile(r"(?i)\bm\s*/\s*s\b"), "mps"),
    (re.compile(r"(?i)\bw/(?=\s)"), " with "),
    (re.compile(r"(\d)\(k\)"), r"\1k"),
    (re.compile("\u2192|\u27f6|(?<!-)->|=>"), " to "),  # "USD -> EUR", "USD \u2192 EUR"
)
_REWRITE_CHARS = re.compile(r"/|\(k\)|->|=>|\d ?[CF]\b")  # the rewrites apply only where these are
_INITIALS = re.compile(r"\b(?:[A-Za-z]\.){2,}(?!\w)")
_VULGAR = {"\u00bd": " 1/2", "\u00bc": " 1/4", "\u00be": " 3/4", "\u2153": " 1/3", "\u2154": " 2/3"}


def _initials(m: re.Match[str]) -> str:
    return m.group(0).replace(".", "") + " "


def rewrite(raw: str) -> str:
    """``raw`` with the spellings above written one way (see :data:`_REWRITES`)."""
    if "." in raw:
        raw = _INITIALS.sub(_initials, raw)  # "U.S." is "US"
    if raw.isascii() and not _REWRITE_CHARS.search(raw):
        return raw
    for ch, rep in _VULGAR.items():
        if ch in raw:
            raw = raw.replace(ch, rep)
    for pattern, rep in _REWRITES:
        raw = pattern.sub(rep, raw)
    return raw


#: The errors a spreadsheet shows in a cell, in any case ("#REF!", "#n/a", "#DIV/0!", a
#: column too narrow: "#####"); not a Markdown heading ("### Setup": three to six "#" opening
#: a line, one space, a capital letter).
SHEET_ERROR = re.compile(
    r"(?<![\w#])(#(?:n/a|div/0!|name\?|(?:null|value|ref|num|spill|calc|field|busy|"
    r"blocked|connect|unknown)!|getting_data)|(?!(?<![^\n])#{3,6} (?-i:[A-Z]))#{3,})(?![\w#])",
    re.IGNORECASE,
)


def ends_sheet_error(raw: str, at: int) -> bool:
    """The "!" or "?" at ``at`` ends a spreadsheet error ("the #REF! error", "#NAME?"), so
    it ends no sentence."""
    if raw[at] not in "!?" or "#" not in raw[max(0, at - 12) : at]:
        return False
    found = SHEET_ERROR.match(raw, raw.rfind("#", max(0, at - 12), at))
    return found is not None and found.end() == at + 1


_PARTS = re.compile(r"[._]")
_SEPARATORS = re.compile(r"[\W_]+")


def squeeze(text: str) -> str:
    """``text`` with every separator removed (an identifier in any style: "max_len",
    "maxLen", "max-len" -> "maxlen"; case is kept)."""
    return _SEPARATORS.sub("", text)


def similar_code(a: str, b: str) -> bool:
    """Whether code name ``a`` is ``b`` with one part (between dots or underscores)
    mistyped: two letters swapped or a double letter typed once (``sesion.execute``,
    ``os.path.joni``); never a letter more (``json.loads``) or another (``slice``)."""
    parts, theirs = _PARTS.split(a), _PARTS.split(b)
    if len(parts) < 2 or len(parts) != len(theirs):
        return False
    changed = [(x, y) for x, y in zip(parts, theirs, strict=True) if x != y]
    if len(changed) != 1 or not (changed[0][0].isalpha() and changed[0][1].isalpha()):
        return False
    x, y = sorted(changed[0], key=len)
    if len(x) == len(y):
        return sorted(x) == sorted(y) and edit_distance(x, y, 1) <= 1
    return len(y) == len(x) + 1 and any(
        y[i] == y[i + 1] and y[:i] + y[i + 1 :] == x for i in range(len(y) - 1)
    )
