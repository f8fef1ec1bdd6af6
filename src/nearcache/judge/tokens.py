"""Reading a question once: tokens, sentences, content words and stems, cached per text.

Every guard looks at the same analysis of a text, so a text is analysed once (an LRU
cache keyed by the text) and the asked question, compared with up to ``top_k`` stored
ones, costs its analysis only once per lookup. Work is capped: only the first
:data:`MAX_CHARS` characters are read, so a 100k-character query costs no more than a
long paragraph.

English first: stop words, stems and the other lexicons are English. A text written
mostly in another script is flagged (``latin`` is False) and the guards stay neutral on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from .fields import labels
from .spellings import SHIFT_CUES, ends_sheet_error, respell, rewrite, shifts
from .vocab import (
    ASKED,
    CONTRACTIONS,
    COUNTING,
    GOING,
    IRREGULAR,
    NOT_CONTENT,
    NOT_PLURAL,
    STOPWORDS,
    asks_count,
    asks_event,
    bare_motion,
    singular,
    verdict_tag,
    wordset,
)

__all__ = [
    "CACHE_SIZE",
    "clear_caches",
    "pair_cache",
    "text_cache",
    "word_cache",
    "MAX_CHARS",
    "STOPWORDS",
    "Text",
    "Token",
    "analyze",
    "stem",
    "wordset",
]

#: Characters of a text the judge reads; the rest is ignored (bounded work).
MAX_CHARS = 2000
#: Entries of each per-text (and per-pair) analysis cache: a stored question recurs as a
#: candidate of many lookups, so its analysis is computed once while it stays in cache.
CACHE_SIZE = 4096

F = TypeVar("F", bound=Callable[..., Any])
_TEXT_CACHES: list[Any] = []
_PAIR_CACHES: list[Any] = []
_WORD_CACHES: list[Any] = []


def text_cache(fn: F) -> F:
    """Cache ``fn`` of one text in a bounded LRU (thread-safe; see :data:`CACHE_SIZE`)."""
    wrapped = lru_cache(maxsize=CACHE_SIZE)(fn)
    _TEXT_CACHES.append(wrapped)
    return wrapped  # type: ignore[return-value]


def pair_cache(fn: F) -> F:
    """Cache ``fn`` of a pair of texts: the guards of one pair share its alignment. Only
    for what several readers of one pair ask: a new pair's cache entries are kept for the
    garbage collector to walk, so a reader asked once a judgement is better uncached."""
    wrapped = lru_cache(maxsize=CACHE_SIZE)(fn)
    _PAIR_CACHES.append(wrapped)
    return wrapped  # type: ignore[return-value]


def word_cache(fn: F) -> F:
    """Cache ``fn`` of one word in a bounded LRU: words recur across texts."""
    wrapped = lru_cache(maxsize=4 * CACHE_SIZE)(fn)
    _WORD_CACHES.append(wrapped)
    return wrapped  # type: ignore[return-value]


def clear_caches(*, texts: bool = True, pairs: bool = True, words: bool = False) -> None:
    """Empty the per-text and/or per-pair (and per-word) caches (benchmarks measure cold
    and warm runs; words recur across texts, so their stems usually stay cached)."""
    chosen = (_TEXT_CACHES if texts else []) + (_PAIR_CACHES if pairs else [])
    for fn in chosen + (_WORD_CACHES if words else []):
        fn.cache_clear()


# Code spans, IPs/CIDR/dotted versions, numbers with separators, decimals, words with
# inner apostrophes/hyphens/dots/underscores (identifiers, file names), then symbols.
_TOKEN = re.compile(
    r"(?i:\b[cf]#|\bc\+\+|\.net\b)"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b"
    r"|\b\d+[a-zA-Z]+-\d+\b"
    r"|\d+(?:\.\d+){2,}(?:/\d+)?|\d+\.\d+\.\d+\.\d+/\d+|\d+(?:\.\d+)?/\d+"
    r"|\d+(?:st|nd|rd|th|k|K)\b|\d*0s\b|\d+\.\d+[kK]\b"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
    r"|\d*\.\d+|\d+"
    r"|[^\W\d]\w*(?:(?:['\u2019\-.]|::)\w+)*(?:\(\)|(?<=s)'(?!\w))?"
    r"|->|=>|[%$\u20ac\u00a3\u00b0+<>=&#@/?!.,;:]"
)
# The same tokens, for a text with no digit, "#", "+" or ".net" (about half of questions):
# every alternative of _TOKEN before the word one needs one of those, so only the word
# and symbol alternatives can match, and this shorter pattern scans ~2x faster.
_WORD_TOKEN = re.compile(
    r"[^\W\d]\w*(?:(?:['\u2019\-.]|::)\w+)*(?:\(\)|(?<=s)'(?!\w))?"
    r"|->|=>|[%$\u20ac\u00a3\u00b0+<>=&#@/?!.,;:]"
)
_NEEDS_FULL = re.compile(r"(?i)[\d#+]|\.net")


def _scanner(raw: str) -> re.Pattern[str]:
    """The token pattern for ``raw``: the short one when it finds the same tokens."""
    return _TOKEN if _NEEDS_FULL.search(raw) else _WORD_TOKEN


_SENT_END = frozenset("?!.;")
_DIGIT = re.compile(r"\d")
# Quoted, back-ticked and bracketed spans: examples and code, not the question's own terms.
_LITERAL = re.compile(
    r"\"[^\"]*\"|\u201c[^\u201d]*\u201d|`[^`]*`|(?<!\w)'[^']*'(?!\w)"
    r"|\([^()]*\)|\[[^\]]*\]|\{[^{}]*\}"
)
_QUOTES = re.compile("[\"\u201c`'(\\[{]")
# Code written without quotes: a chunk with a digit and a symbol inside a word that only
# code writes ("ubuntu@1.2.3.4", "HEAD~4", "2>&1", "(int)3.7"); its numbers are values.
_CODE_CHUNK = re.compile(r"\S*(?:\w[@~]\w|[<>]&|\)[\w.]|\w;\S)\S*")
_CODE_CUES = re.compile(r"[@~&;)]")


def _pause(raw: str, at: int, spans: list[tuple[int, int]]) -> bool:
    """The sentence-end symbol at ``at`` ends no sentence: a dot of "...", the end of a
    spreadsheet error ("#REF!") or any symbol inside backticked code ("`vec![0; 10]`")."""
    if raw[at] == "." and (raw[at + 1 : at + 2] == "." or raw[at - 1 : at] == "."):
        return True
    return ends_sheet_error(raw, at) or any(a < at < b and raw[a] == "`" for a, b in spans)


def _strip_accents(s: str) -> str:
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@lru_cache(maxsize=4 * CACHE_SIZE)
def stem(word: str) -> str:
    """A light English suffix stripper: plural, possessive, -ing, -ed, -ly; a final -e
    dropped so "delete", "deleted" and "deleting" meet. Lowercase input."""
    w = word.replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    elif w.endswith("s'"):
        w = w[:-1]  # "parents'": a plural possessive
    if w in NOT_PLURAL:
        return w
    w = singular(IRREGULAR.get(w, w))
    n = len(w)
    if n > 5 and w.endswith("ing"):
        w = w[:-3]
    elif n == 5 and w.endswith(("uing", "ying")) and w[0] not in "aeiou":
        w = w[:-4] + ("ue" if w[1] == "u" else "ie")  # "suing" -> "sue", "tying" -> "tie"
    elif n > 4 and w.endswith("ied"):
        w = w[:-3] + "y"
    elif (n > 4 and w.endswith("ed") and not w.endswith("eed")) or (n > 5 and w.endswith("ly")):
        w = w[:-2]
    elif n == 4 and w.endswith("ed") and (w[0] in "aeiou" or w[1] in "aeiou"):
        w = w[:-1]  # "sued", "used", "owed"
    n = len(w)
    if n > 3 and w[-1] == w[-2] and w[-1] not in "lsz" and w[-1].isalpha():
        w = w[:-1]  # running -> runn -> run
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


class Token(NamedTuple):
    """One token: ``text`` as written, ``low`` lowercased (accents kept), ``kind`` one of
    ``word``, ``num``, ``code``, ``sym``; ``sent`` its sentence number ("..." and a ";"
    in backticked code end none); ``initial`` whether it opens a sentence
    (capitalization there says nothing about a name); ``literal`` whether it is part of
    a quoted or bracketed example or a code value (``x=5``)."""

    text: str
    low: str
    kind: str
    index: int  # type: ignore[assignment]  # the token's position (shadows tuple.index)
    sent: int
    initial: bool
    literal: bool = False  # inside quotes, backticks or brackets, or right after "="

    @property
    def capitalized(self) -> bool:
        """Starts with an upper-case letter somewhere other than a sentence start."""
        return not self.initial and self.kind == "word" and self.text[:1].isupper()


_WORD_CACHES.append(stem)


@dataclass(frozen=True)
class Text:
    """The analysis of one text, shared by every guard (see :func:`analyze`)."""

    raw: str
    tokens: tuple[Token, ...]
    words: tuple[str, ...]  # lowercased word/num/code tokens, in order
    content: tuple[str, ...]  # stems of content words, in order
    terms: tuple[tuple[str, int], ...]  # (stem, token index) of each content word
    latin: bool  # written mostly in Latin letters (the guards' lexicons apply)
    empty: bool  # nothing to read (empty, whitespace, only symbols or emoji)

    @property
    def content_set(self) -> frozenset[str]:
        return frozenset(self.content)


def _is_latin(text: str) -> bool:
    if text.isascii():
        return True
    letters = latin = 0
    for ch in text[:400]:
        if ch.isalpha():
            letters += 1
            if ch.isascii() or "LATIN" in unicodedata.name(ch, ""):
                latin += 1
    return letters == 0 or latin * 2 >= letters


def _kind(tok: str) -> str:
    c = tok[0]
    if c.isdigit() and "-" in tok and any(ch.isalpha() for ch in tok):
        return "word"  # a grade or model name: "5W-30"
    if len(tok) > 1 and (tok[-1] in "#+" or tok.lower() == ".net"):
        return "word"
    if c.isdigit() or (c == "." and len(tok) > 1):
        return "num"
    if c.isalpha() or c == "_":
        return "word"
    return "sym"


#: "take" after "it" says a duration or an effort, not an action ("does it take").
_TAKE = frozenset({"take", "takes", "took", "taking", "taken"})
#: A Roman numeral after a name ("Diablo IV", "Henry VIII"), II to XXXIX.
_ROMAN = re.compile(r"^(?=[IVX]{2})X{0,3}(?:IX|IV|V?I{0,3})$")


def _parts(word: str) -> tuple[str, ...]:
    """A hyphenated word's parts ("3-month-old" -> month, old), stop words and the words
    another guard owns dropped ("three-way", "twenty-one-day" -> day, as "3-way" and "21
    day" are read); a name that starts with digits ("5w-30") stays whole."""
    if word[:1].isdigit():
        return (word,)
    return tuple(
        p
        for p in word.split("-")
        if p and not p.isdigit() and p not in STOPWORDS and p not in NOT_CONTENT
    )


#: The stop words that are verbs, by the stems of their inflections ("needed" stems to
#: "need", "needs" to "nee"): "gets", "needed", "tried" are no more a topic than "get".
_LIGHT_VERBS = frozenset(
    stem(w + end)
    for w in ("get", "give", "need", "want", "tell", "know", "let", "help", "explain", "try")
    for end in ("", "s", "ed", "ing")
)


def _content(low: str) -> bool:
    """A content word: not a function word (also with a clitic: "when's", "it'll"), nor
    a word another guard owns (numbers, months, weekdays, relative days)."""
    if low in STOPWORDS or low in NOT_CONTENT or stem(low) in _LIGHT_VERBS:
        return False
    head, sep, _ = low.partition("'")
    return not (sep and head in STOPWORDS)


def _shouting(tokens: list[Token], n_words: int) -> bool:
    """The whole text is in capitals (most of its words)."""
    return sum(t.text.isupper() for t in tokens if t.kind == "word") * 2 > n_words


def _acronym(tok: Token, prev: str, shouting: bool) -> bool:
    """A function word written in capitals is a name or a keyword ("the US", "SQL WHERE",
    "blood type A"), unless the whole text is in capitals; "us" after "the" is one too."""
    if tok.low == "us" and prev == "the":
        return True
    if shouting or not tok.text.isupper() or tok.low == "i":
        return False
    return len(tok.text) > 1 or not tok.initial


@word_cache
def _word(tok: str) -> tuple[str, str]:
    """A token's ``(kind, low)``: tokens recur across texts, so each is read once."""
    kind = _kind(tok)
    if kind == "sym":
        return kind, tok
    low = tok.lower()
    if not low.isascii():
        low = _strip_accents(low).replace("\u2019", "'")
    return kind, respell(CONTRACTIONS.get(low, low))


@word_cache
def _term_stems(low: str) -> tuple[bool, tuple[str, ...]]:
    """Whether a word is a content word, and the stems it adds as a term (its parts' if
    hyphenated)."""
    return _content(low), tuple(stem(p) for p in (_parts(low) if "-" in low else (low,)))


def _next_low(tokens: list[Token], at: int) -> str:
    return tokens[at + 1].low if at + 1 < len(tokens) else ""


@text_cache
def analyze(text: str) -> Text:
    """Tokenize and index ``text`` (at most :data:`MAX_CHARS` characters). Never raises."""
    raw = rewrite(text[:MAX_CHARS]) if isinstance(text, str) else ""
    tokens: list[Token] = []
    sent = 0
    initial = True
    spans = [m.span() for m in _LITERAL.finditer(raw)] if _QUOTES.search(raw) else []
    if _CODE_CUES.search(raw):
        spans += [m.span() for m in _CODE_CHUNK.finditer(raw) if _DIGIT.search(m.group())]
    after_equals = False
    new = tuple.__new__  # Token(...) without the keyword-handling constructor
    words: list[str] = []
    for m in _scanner(raw).finditer(raw):
        tok = m.group()
        kind, low = _word(tok)
        if kind == "sym":
            tokens.append(new(Token, (tok, tok, kind, len(tokens), sent, False, False)))
            after_equals = tok == "="
            if tok in _SENT_END and not _pause(raw, m.start(), spans):
                sent += 1
                initial = True
            continue
        literal = after_equals or (bool(spans) and any(a <= m.start() < b for a, b in spans))
        tokens.append(new(Token, (tok, low, kind, len(tokens), sent, initial, literal)))
        words.append(low)
        initial = after_equals = False
    if SHIFT_CUES.intersection(words):  # "the past 7 days" is "the last 7 days"
        for i, said in shifts([t.low for t in tokens]).items():
            tokens[i] = tokens[i]._replace(low=said)
        words = [t.low for t in tokens if t.kind != "sym"]
    if raw.count(":") >= 2:  # pasted output: its field labels are not names
        fields = labels(tokens)
        tokens = [t._replace(initial=True) if t.index in fields else t for t in tokens]
    terms: list[tuple[str, int]] = []
    shouting: bool | None = None  # read only when a capitalized function word needs it
    prev = ""
    for t in tokens:
        if t.kind == "word":
            content, stems = _term_stems(t.low)
            if not content and (t.text.isupper() or (t.low == "us" and prev.lower() == "the")):
                if shouting is None:
                    shouting = _shouting(tokens, len(words))
                content = _acronym(t, prev.lower(), shouting)
            if content and prev[:1].isupper() and _ROMAN.match(t.text):
                content = False  # "Diablo IV", "World War II": the numbers guard's
            elif content and t.low in _TAKE and prev.lower() == "it":
                content = False  # "how long does it take to renew" is "how long to renew"
            elif content and t.low in COUNTING and asks_count(t.low, prev.lower(), tokens, t.index):
                content = False  # "how many hosts" / "number of hosts" / "# hosts"
            elif content and t.low in ASKED and asks_event(t.low, prev.lower(), tokens, t.index):
                content = False  # "date of the Super Bowl", "what took place", "what happened"
            elif content and t.low in GOING and bare_motion(t.text, _next_low(tokens, t.index)):
                content = False  # "does the invoice go to the importer" / "invoice -> importer"
            if content:
                terms.extend([(st, t.index) for st in stems])
        prev = t.text
    if terms and verdict_tag(words):
        last = max(i for i, t in enumerate(tokens) if t.kind != "sym")
        terms = [x for x in terms if x[1] != last]  # "sublet w/o approval - allowed?"
    return Text(
        raw=raw,
        tokens=tuple(tokens),
        words=tuple(words),
        content=tuple([s for s, _ in terms]),
        terms=tuple(terms),
        latin=_is_latin(raw),
        empty=not words,
    )
