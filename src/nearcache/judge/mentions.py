"""One of two mentions of a word turned into its opposite.

"Does a left join keep all rows from the left table?" against "... all rows from the
right table?": both texts say "left" (the join), so a reader that looks for a pole one
text has alone sees nothing opposite, yet the table asked about changed ends. Likewise
"is a LEFT JOIN from orders the same as a LEFT JOIN from customers" / "... the same as a
RIGHT JOIN from customers". This module counts, for each listed opposition
(``data/antonyms.txt``), how often each text names either pole: with the same number of
mentions in both texts but another split between the poles, one mention was turned into
its opposite.

The turned mention must stand where the other text names the other pole (the same word
before or after it: "the *left* table" / "the *right* table").

Limits: counts and neighbours, not a parse; the lexicon's oppositions only; English
only.
"""

from __future__ import annotations

from collections import Counter

from .lexicon import lexicon
from .tokens import analyze, stem, text_cache

__all__ = ["mention_turned", "pole_counts", "pole_rows"]


#: (line, side, word before, word after) of one mention of a pole.
Mention = tuple[int, int, str, str]


@text_cache
def _mentions(text: str) -> tuple[Mention, ...]:
    """Every mention of a listed pole in ``text``, with the words beside it."""
    lex = lexicon()
    words = [tok for tok in analyze(text).tokens if tok.kind != "sym"]
    out = []
    for n, tok in enumerate(words):
        if tok.kind != "word":
            continue
        before = words[n - 1].low if n else ""
        after = words[n + 1].low if n + 1 < len(words) else ""
        for line, side in lex.poles.get(stem(tok.low), ()):
            out.append((line, side, before, after))
    return tuple(out)


@text_cache
def pole_counts(text: str) -> Counter[tuple[int, int]]:
    """How often ``text`` names each pole ((line, side) of the lexicon)."""
    lex = lexicon()
    return Counter(
        pole
        for tok in analyze(text).tokens
        if tok.kind == "word"
        for pole in lex.poles.get(stem(tok.low), ())
    )


def pole_rows(a: str, b: str) -> list[tuple[int, int, int, int, int]]:
    """``(line, a0, a1, b0, b1)`` for every opposition either text names: how often ``a``
    and ``b`` name each of its two poles (:func:`pole_counts`)."""
    ca, cb = pole_counts(a), pole_counts(b)
    lines = sorted({line for line, _ in ca} | {line for line, _ in cb})
    return [(line, ca[(line, 0)], ca[(line, 1)], cb[(line, 0)], cb[(line, 1)]) for line in lines]


def _in_place(old: tuple[Mention, ...], new: tuple[Mention, ...], line: int, side: int) -> bool:
    """A mention of pole ``side`` in ``new`` stands where ``old`` (which names only the
    other pole) names the other pole: the same word before it or after it."""
    return any(
        (before and before == b) or (after and after == f)
        for ln, s, before, after in new
        if ln == line and s == side
        for ln2, s2, b, f in old
        if ln2 == line and s2 == 1 - side
    )


def mention_turned(a: str, b: str) -> tuple[str, str] | None:
    """The two poles (as written) of an opposition that both texts name equally often in
    another split, one mention turned into its opposite in place, or None."""
    for line, a0, a1, b0, b1 in pole_rows(a, b):
        if a0 + a1 != b0 + b1 or a0 == b0 or a0 + a1 < 2:
            continue
        if min(a0, a1) and min(b0, b1):
            continue  # both texts name both poles: compared, not turned
        ma, mb = _mentions(a), _mentions(b)
        old, new, lacked = (
            (ma, mb, 0 if a0 == 0 else 1) if not min(a0, a1) else (mb, ma, 0 if b0 == 0 else 1)
        )
        if _in_place(old, new, line, lacked):
            return _words(a, b, line)
    return None


def _words(a: str, b: str, line: int) -> tuple[str, str]:
    """The two poles of ``line`` as written in the texts."""
    lex = lexicon()
    found = ["", ""]
    for text in (a, b):
        for tok in analyze(text).tokens:
            for ln, side in lex.poles.get(stem(tok.low), ()) if tok.kind == "word" else ():
                if ln == line and not found[side]:
                    found[side] = tok.low
    return found[0], found[1]
