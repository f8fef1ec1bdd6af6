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

Limits: an example quoted on one side only, or written without quotes, is not read (the
numbers and entities guards read unquoted code their way); examples that differ in their
words too are the entities guard's names or the verifier's.
"""

from __future__ import annotations

import re

from .tokens import pair_cache, text_cache

__all__ = ["literal_changed", "literals"]

_QUOTED = re.compile(r"`([^`]+)`|(?<!\w)'([^'\n]+)'(?!\w)|\"([^\"\n]+)\"|“([^”\n]+)”")
_QUOTES = frozenset("`'\"“")
_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\W_]+")
_EDGES = ".,;:?!"


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
        out.append((written, _SEPARATORS.sub("", written)))
    return tuple(out)


@pair_cache
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
