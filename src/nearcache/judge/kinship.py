"""Generations of a relative: "great-grandparents" / "great-great-grandparents", "a great
uncle" / "a great great uncle". Each "great" before a kinship word is one generation more,
so the texts name another relative when they share the word with another count.

Read: "great" written apart or joined by hyphens, any number of times, right before a
word starting with "grand" (grandparent, grandmother, grandchildren, grandson...) or
before aunt, uncle, nephew, niece; "grand" before aunt, uncle, nephew, niece counts as
one "great" ("grand-uncle" is "great-uncle"). Not read: "great" as praise elsewhere
("a great dad"), a generation said in words ("my grandmother's mother").
"""

from __future__ import annotations

from .tokens import analyze, text_cache, word_cache

__all__ = ["generation_changed"]

_SIDE = ("aunt", "auntie", "uncle", "nephew", "niece")
_CUES = ("grand", "aunt", "uncle", "nephew", "niece")


@word_cache
def _kin(word: str) -> tuple[str, int] | None:
    """The kinship word's base and the generations its own "grand" adds, or None."""
    w = word.removesuffix("'s").removesuffix("s'")
    if w.endswith("ren"):
        w = w[:-3]  # grandchildren
    w = w.removesuffix("s") if len(w) > 4 else w
    for side in _SIDE:
        if w == side:
            return side, 0
        if w == "grand" + side:
            return side, 1
    if w.startswith("grand") and len(w) > 6:
        return w, 0
    return None


@text_cache
def _generations(text: str) -> frozenset[tuple[str, int]]:
    """(kinship word, generations) of every relative ``text`` names."""
    t = analyze(text)
    said = " ".join(t.words)
    if not any(w in said for w in _CUES):
        return frozenset()  # every kinship word holds one of them ("grand", "aunt"...)
    words: list[str] = []
    for tok in t.tokens:
        if tok.kind == "word":
            words += [p for p in tok.low.split("-") if p]
    out = set()
    for i, w in enumerate(words):
        kin = _kin(w)
        if kin is None:
            continue
        n, j = kin[1], i - 1
        if kin[0] in _SIDE and j >= 0 and words[j] == "grand":
            n, j = n + 1, j - 1  # "grand-uncle", "grand uncle"
        while j >= 0 and words[j] == "great":
            n, j = n + 1, j - 1
        out.add((kin[0], n))
    return frozenset(out)


def generation_changed(a: str, b: str) -> tuple[str, str] | None:
    """A relative both texts name, with other generations in each ("great-grandparents" /
    "great-great-grandparents"), as written in words; None otherwise."""
    ga, gb = _generations(a), _generations(b)
    if not ga or not gb:
        return None
    for word in sorted({w for w, _ in ga} & {w for w, _ in gb}):
        na = {n for w, n in ga if w == word}
        nb = {n for w, n in gb if w == word}
        if na.isdisjoint(nb):
            return " ".join(["great"] * min(na) + [word]), " ".join(["great"] * min(nb) + [word])
    return None
