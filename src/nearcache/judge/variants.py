"""A name before a product's code that makes it another product: "IRA" / "Roth IRA".

"Can I withdraw from my 401(k) at 55?" and the same with "my Roth 401(k)" share every
word but one (the verifier scores such pairs about 1), yet the two accounts are taxed
differently. A code-like product name -- an acronym ("IRA", "SSD") or a number with
letters ("401k", "S24"; not an ordinal: "March 3rd") -- with a capitalized word right
before it on one side ("Roth 401k", "Galaxy S24") names a variant of it; the entities
guard rejects the pair when the other text writes the same code plainly (after an
article, a possessive, any function word, a symbol or at a sentence start) and never
with a qualifier (the qualifying word may qualify another code there: "roll my 401(k)
into a Roth IRA").

Limits: only capitalized qualifiers (a lowercase "traditional IRA" is an extra word, the
verifier's); a qualifier after the code ("S24 Ultra") is not read; a maker's name before
a model code ("Samsung S24" / "my S24") reads as a variant too; codes the tokenizer
splits ("403b" is 403 and b) are not read.
"""

from __future__ import annotations

from .tokens import STOPWORDS, Token, analyze, text_cache

__all__ = ["qualified_codes", "variant_named"]

_ORDINAL = ("st", "nd", "rd", "th")  # "March 3rd" is a date, not a product


def _code(tok: Token) -> bool:
    """A code-like name: an acronym of 2+ capitals or a number with letters ("401k")."""
    if tok.literal:
        return False
    if tok.kind == "num":
        return any(c.isalpha() for c in tok.low) and not tok.low.endswith(_ORDINAL)
    return tok.kind == "word" and len(tok.text) >= 2 and tok.text.isupper()


@text_cache
def qualified_codes(text: str) -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    """(qualifier, code) pairs of ``text`` ("roth", "401k") and the codes it writes
    plainly, after a function word, a symbol or at a sentence start."""
    toks = analyze(text).tokens
    named: set[tuple[str, str]] = set()
    plain: set[str] = set()
    for i, tok in enumerate(toks):
        if not _code(tok):
            continue
        prev = toks[i - 1] if i else None
        if prev is None or prev.kind == "sym" or prev.sent != tok.sent or prev.low in STOPWORDS:
            plain.add(tok.low)
        elif prev.capitalized and not prev.text.isupper() and prev.low not in STOPWORDS:
            named.add((prev.low, tok.low))
    return frozenset(named), frozenset(plain)


def variant_named(a: str, b: str) -> tuple[str, str] | None:
    """(qualifier, code) when one text names a variant of a code the other writes
    plainly and never with that qualifier (see the module docstring), or None."""
    named_a, plain_a = qualified_codes(a)
    named_b, plain_b = qualified_codes(b)
    if not (named_a or named_b):
        return None
    for named, plain, other in ((named_a, plain_b, named_b), (named_b, plain_a, named_a)):
        for qualifier, code in sorted(named - other):
            if code in plain and not any(c == code for _, c in other):
                return qualifier, code
    return None
