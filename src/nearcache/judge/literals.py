"""Quoted code that differs only in its symbols: "LIKE 'foo%'" / "LIKE '%foo%'".

The tokenizer reads the words of a quoted or backticked example and drops most of its
symbols, so "Does an index speed up a LIKE 'foo%' query" and "... LIKE '%foo%' query"
have the same words, and every guard sees the same question; yet a prefix pattern and an
infix pattern are answered differently (so are ``x++`` / ``++x``, ``a == b`` / ``a = b``,
``**kwargs`` / ``*kwargs``). The entities guard rejects a pair when both texts quote
examples (in backticks, single or double quotes), the two sets of examples hold the same
letters and digits, and yet differ as written -- up to case, spaces, a trailing ``()``
and punctuation around them (``sorted()`` is ``sorted``; `` `.gitignore` `` is
``gitignore``).

The same words with other code symbols ("does $< mean the target and $@ the first
prerequisite" / "$@ ... $<", "does === coerce but == not") and one quoted example each
around the same words written with other symbols ("does `a == b` compare identity" /
"`a is b`", "`iter().take(3).rev()`" / "`iter().rev().take(3)`") are other code too:
:func:`symbols_changed`, :func:`example_changed`. Examples that differ only in their
words (a variable renamed, "`np.array`" / "`numpy.array`") are not read.

Two quoted messages that share few words around the same question ("Why does git say
"fatal: refusing to merge unrelated histories"" / "... "fatal: not a git repository""; a
phrase to translate) are other messages: :func:`quote_changed`.

One setting given other values ("a producer with acks=1" / "acks=all", "scope="function""
/ "scope="module"", "aria-live="assertive"" / "="polite"") asks about another
configuration: :func:`setting_changed`. Two spreadsheet errors ("the #REF! error" / "the
#N/A error", "#VALUE!" / "######") are other errors: :func:`sheet_error_changed`. A name
with a prime (``foldl'``, ``f'``) is another function than the same name without it, which
the tokenizer reads alike: :func:`prime_changed`.

Limits: an example quoted on one side only, or written without quotes, is not read (the
numbers and entities guards read unquoted code their way); other examples that differ in
their words too are the entities guard's names or the verifier's.
"""

from __future__ import annotations

import re

from .spellings import SHEET_ERROR, squeeze
from .tokens import text_cache

__all__ = [
    "command_changed",
    "example_changed",
    "literal_changed",
    "literals",
    "prime_changed",
    "quote_changed",
    "setting_changed",
    "sheet_error_changed",
    "symbols_changed",
]

_QUOTED = re.compile(r"`([^`]+)`|(?<!\w)'([^'\n]+)'(?!\w)|\"([^\"\n]+)\"|“([^”\n]+)”")
_QUOTES = frozenset("`'\"“")
_SPACE = re.compile(r"\s+")
_EDGES = ".,;:?!"
_BACKTICKED = re.compile(r"`([^`]+)`")
_WORD = re.compile(r"[a-z0-9]+")
#: A quoted message has at least this many words; two share less than this share of them
#: to be other messages, while the words around them share at least ``_SAME_REST``.
_MESSAGE = 3
_OTHER = 1 / 3
_SAME_REST = 0.6
#: Runs of symbols that carry meaning in code ("$<", "===", "!=", "->", "%"); "!!!" alone
#: is emphasis; a "?" right after them, not ending the text, is code too (".*?" is lazy).
_CODE_SYMBOLS = re.compile(
    r"[$@<>=+*&|%#^~\\!-]*[$@<>=+*&|%#^~\\][$@<>=+*&|%#^~\\!-]*(?:\?(?=\s*\w))?"
)
_SKELETON = re.compile(r"[\w\s]+")
#: ``key=value`` with no space around "=" or one on each side ("After= make" is no
#: setting); not "==", "!=", "<=", "=>"; the value quoted or up to a separator.
_SETTING = re.compile(
    r"(?<![\w.:=!<>-])([a-z_][\w.-]*)(?:=|\s=\s)(?![=>])"
    r"(\"[^\"\n]*\"|'[^'\n]*'|[^\s,;)\]}&?\"'`]+)"
)


@text_cache
def literals(text: str) -> tuple[tuple[str, str], ...]:
    """The quoted examples of ``text``: (as written up to case and spaces, letters and
    digits only)."""
    out: list[tuple[str, str]] = []
    if not _QUOTES.intersection(text):
        return ()  # most texts quote nothing
    for m in _QUOTED.finditer(text):
        raw = next(g for g in m.groups() if g is not None)
        written = _SPACE.sub("", raw.lower()).strip(_EDGES).removesuffix("()")
        out.append((written, squeeze(written)))
    return tuple(out)


def literal_changed(a: str, b: str) -> tuple[str, str] | None:
    """Two quoted examples, one from each text, with the same letters and digits written
    with other symbols, when the two texts quote the same letters and digits and neither
    quotes the other's form; else None."""
    la, lb = literals(a), literals(b)
    if not la or not lb:
        return None
    if {s for _, s in la} != {s for _, s in lb}:
        return None
    wa, wb = {w for w, _ in la}, {w for w, _ in lb}
    squeezed = {w: s for w, s in (*la, *lb)}
    for x in sorted(wa - wb):  # a text quoting both forms compares them: not a change
        for y in sorted(wb - wa):
            if squeezed[x] == squeezed[y]:
                return x, y
    return None


@text_cache
def _commands(text: str) -> tuple[tuple[str, frozenset[str], tuple[str, ...]], ...]:
    """Each backticked example of two or more parts: (its first word, its options -- the
    parts opening with "-" --, the words of its other parts in order)."""
    out = []
    for raw in _BACKTICKED.findall(text.lower()) if "`" in text else ():
        parts = raw.split()
        if len(parts) < 2:
            continue
        flags = frozenset(p for p in parts[1:] if p.startswith("-"))
        words = tuple(w for p in parts[1:] if not p.startswith("-") for w in _WORD.findall(p))
        out.append((parts[0], flags, words))
    return tuple(out)


def command_changed(a: str, b: str) -> tuple[str, str] | None:
    """(what differs in ``a``, in ``b``) when each text quotes one command in backticks,
    the same program, and the two give it other options ("`rsync -a --delete src/ dst/`"
    / "`rsync -a src/ dst/`") or the same arguments in another order ("`cp b.txt a.txt`"
    / "`cp a.txt b.txt`", "`scp file host:.`" / "`scp host:file .`"); else None."""
    ca, cb = _commands(a), _commands(b)
    if len(ca) != 1 or len(cb) != 1 or ca[0][0] != cb[0][0] or ca == cb:
        return None
    (_, fa, wa), (_, fb, wb) = ca[0], cb[0]
    if wa == wb:
        return " ".join(sorted(fa - fb)) or "-", " ".join(sorted(fb - fa)) or "-"
    if sorted(wa) == sorted(wb):
        return " ".join(wa), " ".join(wb)
    return None


def _jaccard(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x or y else 1.0


def _one_quote_each(a: str, b: str) -> tuple[str, str] | None:
    """The one quoted example of ``a`` and of ``b``, or None unless each quotes one."""
    qa = _QUOTED.findall(a) if _QUOTES.intersection(a) else []
    qb = _QUOTED.findall(b) if len(qa) == 1 else []
    if len(qa) != 1 or len(qb) != 1:
        return None
    return next(g for g in qa[0] if g), next(g for g in qb[0] if g)


def quote_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the quote of ``a``, of ``b``) when each text quotes one message of several words,
    the two messages share less than a third of their words and the words around them
    are mostly the same (the same question about another message); else None. An error
    quoted in one text and described or answered by a command in the other is not read
    (the rest differs there)."""
    quotes = _one_quote_each(a, b)
    if quotes is None:
        return None
    ra, rb = quotes
    wa, wb = set(_words_of(ra)), set(_words_of(rb))
    if min(len(wa), len(wb)) < _MESSAGE or _jaccard(wa, wb) >= _OTHER:
        return None
    rest_a, rest_b = set(_around_quotes(a)), set(_around_quotes(b))
    return (ra, rb) if _jaccard(rest_a, rest_b) >= _SAME_REST else None


def _words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.lower()))


@text_cache
def _around_quotes(text: str) -> tuple[str, ...]:
    """The words of ``text`` outside its quotes, lowercased, in order."""
    return _words_of(_QUOTED.sub(" ", text))


def symbols_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the code symbols of ``a``, of ``b``) when the two texts have the same words in
    the same order but other code symbols ("$< ... $@" / "$@ ... $<"); else None."""
    sa, sb = _CODE_SYMBOLS.findall(a), _CODE_SYMBOLS.findall(b)
    if sa == sb or _words_of(a) != _words_of(b):
        return None
    return " ".join(sa) or "-", " ".join(sb) or "-"


def example_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the example of ``a``, of ``b``) when each text quotes one example, the words
    around them are the same in the same order, and the examples are written with other
    symbols ("`a == b`" / "`a is b`") or their calls in another order; else None."""
    quotes = _one_quote_each(a, b)
    if quotes is None or _around_quotes(a) != _around_quotes(b):
        return None
    ra, rb = quotes
    wa, wb = _words_of(ra), _words_of(rb)
    if _SKELETON.sub("", ra) != _SKELETON.sub("", rb) or (wa != wb and sorted(wa) == sorted(wb)):
        return ra, rb
    return None  # the same symbols and another name at most ("`x.sort()`" / "`lst.sort()`")


@text_cache
def _settings(text: str) -> dict[str, frozenset[str]]:
    """The values ``text`` gives each setting it writes as ``key=value``, lowercased and
    unquoted."""
    out: dict[str, set[str]] = {}
    for key, value in _SETTING.findall(text.lower()) if "=" in text else ():
        value = value.strip("\"'").rstrip(_EDGES)
        if value:
            out.setdefault(key, set()).add(value)
    return {k: frozenset(v) for k, v in out.items()}


def setting_changed(a: str, b: str) -> tuple[str, str] | None:
    """(``key=value`` of ``a``, of ``b``) when both texts set one key and share none of
    its values ("acks=1" / "acks=all"; "acks=all / acks=-1" / "acks=all" share one, and
    "true" / "\"true\"" are one value); else None."""
    sa, sb = _settings(a), _settings(b)
    for key in sorted(sa.keys() & sb.keys()):
        if not sa[key] & sb[key]:
            return f"{key}={'/'.join(sorted(sa[key]))}", f"{key}={'/'.join(sorted(sb[key]))}"
    return None


@text_cache
def _sheet_errors(text: str) -> frozenset[str]:
    """The spreadsheet errors ``text`` names, uppercased ("#####" for any run of "#")."""
    if "#" not in text:
        return frozenset()
    found = (m.upper() for m in SHEET_ERROR.findall(text))
    return frozenset("#####" if e.startswith("##") else e for e in found)


def sheet_error_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the errors of ``a``, of ``b``) when both texts name spreadsheet errors and share
    none ("the #REF! error" / "the #N/A error"); else None."""
    ea, eb = _sheet_errors(a), _sheet_errors(b)
    if not ea or not eb or ea & eb:
        return None
    return " ".join(sorted(ea)), " ".join(sorted(eb))


#: A word closed by a prime ("foldl'", "f'"): no quote right before it (a quoted word,
#: "'foldl'"), none of letters after it ("O'Brien", "don't"), not a plural possessive
#: ("the players' union": a word ending in "s").
_PRIMED = re.compile(r"(?<![\w'\u2019])([A-Za-z][A-Za-z0-9_]*[A-Za-rt-z0-9_]|[A-Za-z])'(?![\w'])")

#: A span in single quotes ("'fatal: not a git repository'"): its closing quote is no prime.
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'[^'\n]+'(?!\w)")

#: A Python string literal with a prefix, holding a brace or a backslash (``f'{x:.2f}'``,
#: ``r'\d+'``, ``b'\x00'``): its prefix is no primed name.
_PREFIXED_STRING = re.compile(
    r"(?<![\w'])(?:[fFrRbBuU]|[rR][bBfF]|[bBfF][rR])'[^'\n]*[{\\][^'\n]*'"
)


@text_cache
def _primed(text: str) -> frozenset[str]:
    """The names ``text`` writes with a prime, without it: the tokenizer drops the prime,
    so ``foldl'`` and ``foldl`` would otherwise read as one name."""
    if "'" not in text:
        return frozenset()
    unquoted = _PREFIXED_STRING.sub(" ", text)  # "f'{x:.2f}'"
    unquoted = _SINGLE_QUOTED.sub(" ", unquoted)  # "'fatal: not a git repository'"
    return frozenset(m.group(1) for m in _PRIMED.finditer(unquoted))


@text_cache
def _bare_words(text: str) -> frozenset[str]:
    """The words ``text`` writes with no prime after them: a name primed on one side
    counts as changed only when the other side writes it bare, never primed."""
    return frozenset(m.group(0) for m in re.finditer(r"(?<![\w'])[A-Za-z][\w]*(?!['\w])", text))


def prime_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the name as ``a`` writes it, as ``b`` does) when one text writes a name with a
    prime and the other the same name without one, never with it ("foldl'" / "foldl");
    else None."""
    for x, y, flip in ((a, b, False), (b, a, True)):
        for name in sorted(_primed(x) - _primed(y)):
            if name in _bare_words(y):
                pair = (name + "'", name)
                return (pair[1], pair[0]) if flip else pair
    return None
