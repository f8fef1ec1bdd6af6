"""Words written short: a shortening without its vowels ("acct" for "account") and the
words a code identifier is built of ("spec.selector", "x_train"). Read by the alignment
(:mod:`.align`) so a shortened word or an identifier meets the words it stands for."""

from __future__ import annotations

import re

from .tokens import STOPWORDS, stem, word_cache

__all__ = ["contraction", "identifier_parts"]

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


@word_cache
def identifier_parts(text: str) -> frozenset[str]:
    """The stems of the words a dotted or snake_case identifier is built of
    ("spec.selector" -> spec, selector; "memory_profiler" -> memory, profil); empty for a
    plain word and for a camelCase name alone ("StringBuilder" is not a string). Parts of
    fewer than three letters and stopwords are left out."""
    if not _JOINED.search(text):
        return frozenset()
    parts = (w.lower() for w in _PART.findall(text) if len(w) >= 3 and not w.isdigit())
    return frozenset(stem(w) for w in parts if w not in STOPWORDS)
