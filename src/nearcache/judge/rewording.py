"""How much of a question another text keeps: the reader behind "left to the verifier
in a reworded question".

A look-alike keeps the wording and changes one word; a paraphrase says the question in
other words, and an opposite or a negation in it may be said otherwise or left implied
("Why is my internet slow only at night?" / "my wifi crawls in the evenings but is fine
during the day"). The antonyms guard (:mod:`.antonyms`) and the negation guard
(:mod:`.negation`) leave such a pair to the verifier when fewer than half of a text's
content words have a counterpart in the other (:func:`.align.align`: stems, synonyms,
typos). English only, like :mod:`.align`.
"""

from __future__ import annotations

from .align import align
from .tokens import Text

__all__ = ["REWORDED", "paired_terms", "rewords"]

#: A text is reworded by the other when fewer than this share of its content words has a
#: counterpart there.
REWORDED = 0.5


def paired_terms(a: str, b: str) -> tuple[frozenset[int], frozenset[int]]:
    """The indices (into ``Text.terms``) of the content words of ``a`` and of ``b`` that have
    a counterpart in the other text."""
    al = align(a, b)
    return frozenset(i for i, _, _ in al.pairs), frozenset(j for _, j, _ in al.pairs)


def rewords(t: Text, paired: frozenset[int]) -> bool:
    """``t`` has content words and fewer than :data:`REWORDED` of them are ``paired``."""
    return bool(t.terms) and len(paired) < REWORDED * len(t.terms)
