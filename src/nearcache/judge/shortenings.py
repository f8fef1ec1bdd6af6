"""Words written short: a shortening without its vowels ("acct" for "account"), the
words a code identifier is built of ("spec.selector", "x_train") and the words an acronym
spells ("BOL" for "bill of lading"). Read by the alignment (:mod:`.align`) so a
shortened word, an identifier or an acronym meets the words it stands for."""

from __future__ import annotations

import re

from .lexicon import lexicon
from .tokens import STOPWORDS, Text, Token, stem, word_cache, wordset

__all__ = ["LABELS", "acronyms", "contraction", "identifier_parts", "identifier_words", "labels"]

_VOWELS = frozenset("aeiou")


def contraction(a: str, b: str) -> bool:
    """One word is the other with its vowels and some consonants left out, as people
    shorten words: "acct"/"account", "svc"/"service", "pkg"/"package", "mgmt"/"management",
    "qty"/"quantity". The short word has 3-5 letters, opens with the long one's letter,
    has no vowel after it and runs through the long word in order, not as its start."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not (3 <= len(short) <= 5 and len(long_) >= len(short) + 2 and short.isalpha()):
        return False
    if short[0] != long_[0] or not _VOWELS.isdisjoint(short[1:]) or not long_.isalpha():
        return False
    if long_.startswith(short.rstrip("s")):
        return False  # "egg" / "eggless": a word and its derivation, not a shortening
    rest = iter(long_[1:])
    return all(c in rest for c in short[1:])


#: The words of an identifier: "x_train" -> x, train; "spec.selector" -> spec, selector.
_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_JOINED = re.compile(r"[A-Za-z0-9][._][A-Za-z]")


def identifier_words(raw: str) -> list[str]:
    """The words of an identifier in any style, lower case, digits apart: "x_train" -> x,
    train; "useLayoutEffect" -> use, layout, effect; "utf8Encode" -> utf, 8, encode. One
    reading for every module that splits identifiers."""
    return [w.lower() for w in _PART.findall(raw)]


@word_cache
def identifier_parts(text: str) -> frozenset[str]:
    """The stems of the words a dotted or snake_case identifier is built of
    ("spec.selector" -> spec, selector; "memory_profiler" -> memory, profil); empty for a
    plain word and for a camelCase name alone ("StringBuilder" is not a string). Parts of
    fewer than three letters and stopwords are left out."""
    if not _JOINED.search(text):
        return frozenset()
    parts = (w for w in identifier_words(text) if len(w) >= 3 and not w.isdigit())
    return frozenset(stem(w) for w in parts if w not in STOPWORDS)


#: Nouns that only say what kind of thing a name is: "the DHCPREQUEST message", "a 502
#: Bad Gateway error", "the -p flag", "the useEffect hook", "the album 1989".
LABELS = wordset(
    "error message flag option type year period flight empire album song "
    "function method command statement clause keyword operator decorator hook directive "
    "macro plan tier worker employee person"
)


def labels(t: Text, left: list[int], paired: set[int]) -> list[int]:
    """``left`` (terms of ``t`` without a counterpart) without the kind nouns
    (:data:`LABELS`) standing right beside a paired term, a number or a code span: "the
    year 1066" / "1066", "package requests" is not listed ("install a Python package" is
    not "install Python")."""
    near = {t.terms[i][1] for i in paired}
    near |= {k for k, tok in enumerate(t.tokens) if tok.kind in ("num", "code") or tok.literal}
    out = []
    for i in left:
        idx = t.terms[i][1]
        if t.tokens[idx].low in LABELS and (idx - 1 in near or idx + 1 in near):
            continue
        out.append(i)
    return out


@word_cache
def _acronym(written: str) -> str | None:
    """The letters of a word that may be an acronym: 2-5 letters, no listed word, written
    in capitals or in lower case ("LOTR", "ctr"; "NDAs" is NDA); None otherwise."""
    text = (
        written.removesuffix("s")
        if len(written) > 2 and written[-1] == "s" and written[:-1].isupper()
        else written
    )
    cased = text.isupper() or text.islower() or sum(c.isupper() for c in text) >= 2  # "LoL"
    if not (2 <= len(text) <= 5 and text.isalpha() and cased):
        return None
    low = text.lower()
    if low in STOPWORDS or lexicon().known(low):
        return None
    return low


def _spelled(letters: str, toks: list[Token], start: int, free: set[int]) -> list[int] | None:
    """The token indices of the run opening at ``toks[start]`` whose initials spell
    ``letters`` (function words may be skipped: "bill of lading" is BOL, "lord of the
    rings" LOTR), every content word of it in ``free``; None if there is none."""
    n = 0
    used: list[int] = []
    for tok in toks[start:]:
        if n == len(letters):
            break
        if tok.kind != "word":
            return None
        stop = tok.low in STOPWORDS
        if tok.low[0] == letters[n] and (stop or tok.index in free):
            n += 1
            if not stop:
                used.append(tok.index)
        elif not stop or not used:
            return None
    return used if n == len(letters) and used and toks[start].index in free else None


def acronyms(t1: Text, t2: Text, left1: list[int], left2: list[int]) -> list[tuple[int, int]]:
    """Acronyms left over in ``t1`` and the words of ``t2`` left over whose initials they
    are ("LOTR" / "Lord of the Rings", "ctr" / "click through rate", "BOL" / "bill of
    lading"): ``(term of t1, term of t2)`` pairs; the matched terms leave ``left1`` and
    ``left2``."""
    out: list[tuple[int, int]] = []
    found = [(i, a) for i in left1 if (a := _acronym(t1.tokens[t1.terms[i][1]].text))]
    if not found or not left2:
        return out
    by_token = {t2.terms[j][1]: j for j in left2}
    words = [x for x in t2.tokens if x.kind != "sym"]
    for i, letters in found:
        free = set(by_token)
        for k, first in enumerate(words):
            if first.index not in free or first.low[:1] != letters[0]:
                continue  # a run opens with a content word left over, on the first letter
            run = _spelled(letters, words, k, free)
            if run:
                left1.remove(i)
                for idx in run:
                    j = by_token.pop(idx)
                    left2.remove(j)
                    out.append((i, j))
                break
    return out
