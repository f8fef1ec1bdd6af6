"""Direction inside one hyphenated word: "a *parent-to-child* gift" / "a *child-to-parent*
gift", "*server-to-client* push" / "*client-to-server* push". The tokenizer keeps such a
compound as one word and the alignment pairs it by its parts, so the order guard never
sees its two ends trade places; :func:`link_swapped` compares the compounds themselves.

Read: two words of one text joined by a relational word (to, from, into, onto, over, on)
inside one token, and the same two words the other way round in the other text, neither
text having both orders. Not read: a compound with the same word at both ends ("peer-to-
peer", "end-to-end"), symmetric links ("server-and-client", "A-vs-B"), and one text
writing the compound as separate words ("from parent to child").
"""

from __future__ import annotations

from .tokens import analyze, text_cache

__all__ = ["link_swapped"]

_LINKS = frozenset(["to", "from", "into", "onto", "over", "on"])


@text_cache
def _links(text: str) -> frozenset[tuple[str, str, str]]:
    """(first end, link word, second end) of every "x-to-y" compound in ``text``."""
    t = analyze(text)
    if "-" not in " ".join(t.words):
        return frozenset()  # no word with hyphens: no compound
    out = set()
    for tok in t.tokens:
        parts = tok.low.split("-")
        if tok.kind != "word" or len(parts) != 3:
            continue
        x, link, y = parts
        if link in _LINKS and x and y and x != y and x.isalpha() and y.isalpha():
            out.add((x, link, y))
    return frozenset(out)


def link_swapped(a: str, b: str) -> tuple[str, str] | None:
    """The compound of ``a`` whose ends ``b`` names the other way round, as its two
    spellings ("parent-to-child", "child-to-parent"), or None."""
    la, lb = _links(a), _links(b)
    for x, link, y in sorted(la):
        if (y, link, x) in lb and (x, link, y) not in lb and (y, link, x) not in la:
            return f"{x}-{link}-{y}", f"{y}-{link}-{x}"
    return None
