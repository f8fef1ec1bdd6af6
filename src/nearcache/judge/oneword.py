"""Two texts that differ in one small word the other guards do not read as a name.

"count rows where column A is "red" *or* column B is "large"" / "... *and* column B ...":
the condition changed, and "and" / "or" are function words no other guard compares.
"Does `a.extend(b)` change *a*?" / "... change *b*?": one letter naming a variable is no
name to the entities guard (names have two characters or more), yet the question is
about the other variable; two such words exchanged ("copy a's properties onto b" / "copy
b's properties onto a") are read the same way. Read only when every other word is the
same, in the same order: "one meaning-bearing change, the wording otherwise kept".

Limits: "a" is a letter only where no word follows it ("change a?"); "i" is never one.
"""

from __future__ import annotations

from .tokens import Text, analyze, pair_cache

__all__ = ["one_word_changed"]

_CONNECTIVES = frozenset({"and", "or"})


def _letter(t: Text, word: str) -> bool:
    """``word`` is one letter naming a thing in ``t``, not the article or the pronoun."""
    if len(word) != 1 or not word.isalpha() or word == "i":
        return False
    if word != "a":
        return True
    toks = t.tokens
    return any(
        tok.low == "a" and (k + 1 == len(toks) or toks[k + 1].kind != "word")
        for k, tok in enumerate(toks)
    )


@pair_cache
def one_word_changed(a: str, b: str) -> tuple[str, str] | None:
    """(the word of ``a``, of ``b``) when the texts have the same words in the same order
    but one (or two exchanged), and the two are "and" / "or" or two letters naming things
    ("'s" aside); else None."""
    ta, tb = analyze(a), analyze(b)
    wa, wb = ta.words, tb.words
    if len(wa) != len(wb):
        return None
    diff = [(x.removesuffix("'s"), y.removesuffix("'s")) for x, y in zip(wa, wb) if x != y]
    swapped = len(diff) == 2 and diff[0] == diff[1][::-1]  # "copy a's ... onto b" / "b's ... a"
    if len(diff) != 1 and not swapped:
        return None
    x, y = diff[0]
    if {x, y} == _CONNECTIVES or (_letter(ta, x) and _letter(tb, y)):
        return x, y
    return None
