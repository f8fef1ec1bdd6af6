"""What kind of answer a question asks for: a quantity, a way to do something, a yes or
no, a reason, a time, a place or a person.

Two questions on one topic that ask for different kinds of answer are different
questions: "How long is a day on Mars?" (a duration) / "Is Mars closer to the Sun than
Earth?" (yes or no), "How do I sort a dictionary by value?" (a way) / "Does list.sort()
return a new list?" (yes or no). The embedding puts such pairs at a cosine of 0.5-0.7,
where heavy paraphrases of one question also lie, and their low word overlap reads like
a paraphrase's; the kind of answer tells them apart. Paraphrases change it too ("what's
the right temperature to ..." / "At what temperature should ..." keep it; "Can I keep my
number when I switch?" / "How do I keep my number ...?" do not), so the verifier weighs
a change of kind by how low the cosine is (:data:`.features.FEATURES`, ``asks_other``),
and it is a feature, never a guard.

The kind is read from the first three words of the question (after any context
sentence, :func:`.context.focus`): "how much / many / long / far / old ..." a quantity;
"how do I / can you / to ..." a way; "how" otherwise, "what", "which" and "whose" are
too loose to tell (they pair with each other and with a way); "why", "when", "where",
"who" their own kinds; a text opening with an auxiliary ("Is", "Can", "Does") asks yes or
no. A text that opens otherwise (a keyword query, a code snippet) has no kind.

Limits: English only; "what is the price of" is not read as a quantity; a question word
after the third word is not read.
"""

from __future__ import annotations

from .tokens import analyze, pair_cache, text_cache, wordset

__all__ = ["answer_kind", "other_answer"]

_QUANTITY = wordset(
    "much many long far old big often fast tall high hot cold heavy large late early soon"
)
_AUX = wordset(
    "is are was were can could does do did should will would has have had may might must shall am"
)
_DOER = wordset("i you we one")
_KINDS = {"why": "why", "when": "when", "where": "where", "who": "who", "whom": "who"}
_LOOSE = frozenset({"how", "way", "what"})


@text_cache
def answer_kind(text: str) -> str | None:
    """ "quantity", "way", "how", "what", "why", "when", "where", "who" or "yes/no": the
    kind of answer ``text`` asks for (module docstring), or None."""
    words = analyze(text).words
    for i, w in enumerate(words[:3]):
        if w == "how":
            nxt = words[i + 1 : i + 3]
            if nxt[:1] and nxt[0] in _QUANTITY:
                return "quantity"
            if nxt[:1] == ("to",) or (len(nxt) == 2 and nxt[0] in _AUX and nxt[1] in _DOER):
                return "way"
            return "how"
        if w in _KINDS:
            return _KINDS[w]
        if w in ("what", "which", "whose"):
            return "what"
    return "yes/no" if words and words[0] in _AUX else None


@pair_cache
def other_answer(a: str, b: str) -> bool:
    """Whether the two texts ask for two different kinds of answer (the loose kinds
    "how", "way" and "what" count as one)."""
    x, y = answer_kind(a), answer_kind(b)
    return x is not None and y is not None and x != y and not {x, y} <= _LOOSE
