"""How much of a question another text keeps: the reader behind "left to the verifier
in a reworded question".

A look-alike keeps the wording and changes one word; a paraphrase says the question in
other words, and an opposite or a negation in it may be said otherwise or left implied
("Why is my internet slow only at night?" / "my wifi crawls in the evenings but is fine
during the day"). The antonyms guard (:mod:`.antonyms`) and the negation guard
(:mod:`.negation`) leave such a pair to the verifier when fewer than half of a text's
content words have a counterpart in the other (:func:`.align.align`: stems, synonyms,
typos). English only, like :mod:`.align`.

A rewording still asks the same kind of question (:func:`asked_otherwise`): "Did the
United States buy Alaska from Russia?" (yes or no) and "Why is Alaska not connected to
the rest of the US?" (a cause) share a name and not a question, so a negation in one of
them is no paraphrase's doing.
"""

from __future__ import annotations

from .align import align
from .tokens import Text, analyze, text_cache, wordset
from .vocab import AUXILIARIES

__all__ = ["REWORDED", "asked_otherwise", "paired_terms", "question_kind", "rewords"]

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


_OPEN = wordset("what what's whats")
_KINDS = {"why": "why", "which": "which", "who": "who", "whom": "who", "whose": "who"}
#: "where" and "when" ask a place or a time only before an auxiliary ("When is ...");
#: before anything else they open a clause ("When a child class has its own ...,").
_PLACE_TIME = wordset("where when")
_YES_NO = AUXILIARIES | wordset(
    "don't doesn't didn't can't won't wouldn't shouldn't couldn't isn't aren't wasn't "
    "weren't hasn't haven't"
)


@text_cache
def question_kind(text: str) -> str | None:
    """The kind of question ``text`` asks, read from the word that opens it (the first
    sentence ending in "?", else the first): "yes/no" (an auxiliary), "why" ("how come"
    too), "how" (a way), "how much" ("how" before any other word: "how long", "how
    early"), "which", "who", "where", "when", "what" (asks anything); None for a text
    that opens otherwise ("docker exits at once", "if ..., does it count?")."""
    toks = analyze(text).tokens
    asked = next((tok.sent for tok in toks if tok.low == "?"), 0)
    words = [tok.low for tok in toks if tok.sent == asked and tok.kind == "word"]
    if not words:
        return None
    first, nxt = words[0], words[1] if len(words) > 1 else ""
    if first in _YES_NO:
        return "yes/no"
    if first == "how":
        if nxt == "come":
            return "why"
        return "how" if not nxt or nxt in _YES_NO or nxt == "to" else "how much"
    if first in _PLACE_TIME:
        return first if nxt in _YES_NO or nxt.endswith("'s") else None
    if first in _OPEN:
        return "what"
    return _KINDS.get(first)


def asked_otherwise(a: str, b: str) -> bool:
    """Both texts open with a question word and ask different kinds of question ("Did
    ...?" / "Why ...?", "How do I ...?" / "Which ...?"): they are two questions, not one
    reworded. "What" asks anything but yes or no ("what's a polite hour" / "how early")."""
    ka, kb = question_kind(a), question_kind(b)
    if ka is None or kb is None or ka == kb:
        return False
    return "yes/no" in (ka, kb) or "what" not in (ka, kb)
