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
and it is a feature, never a guard. Whether a text asks in a full question at all
(:func:`asks`, also after a short topic: "In Godot 4, how do I ...") lets the numbers and
time guards leave a figure or a time that only a keyword query or a snippet adds to the
verifier (:func:`asked_otherwise`), and the entities guard reads whether a text counts
(the quantity kind: "How many ... including the coach?", :func:`.qualifiers.count_widened`).
The kinds ``asks_other`` compares stay those of the first three words: reading past the
topic there too cost held-out look-alikes.

The kind is read from the first three words of the text (the verifier passes the
questions after any context sentence, :func:`.context.focus`): "how much / many / long /
far / old ..." a quantity; "why", "when", "where", "who" their own kinds; a text opening
with an auxiliary ("Is", "Can", "Does") asks yes or no. Any other "how" (a way, a
manner) and "what", "which", "whose" are one loose kind: "What's the best way to ...?" /
"How do I ...?" ask the same. A question word with a clitic ("what's", "how'd", "who's")
is read bare. A text that opens otherwise (a keyword query, a code snippet) has no kind.

Limits: English only; "what is the price of" is not read as a quantity; a question word
after the third word is not read.
"""

from __future__ import annotations

import re

from .tokens import analyze, pair_cache, text_cache, wordset
from .vocab import AUXILIARIES

__all__ = ["AUXILIARIES", "answer_kind", "asked_otherwise", "asks", "other_answer"]

_QUANTITY = wordset(
    "much many long far old big often fast tall high hot cold heavy large late early soon"
)
#: The question words and the kind of answer each asks for ("how" is read apart: a
#: quantity or the loose kind).
_KINDS = {
    "why": "why",
    "when": "when",
    "where": "where",
    "who": "who",
    "whom": "who",
    "what": "what",
    "which": "what",
    "whose": "what",
}


#: A topic before the question: "In Godot 4, how do I ...", "SQLAlchemy 2.0: does ..." (at
#: most :data:`_TOPIC_WORDS` words, colon included).
_TOPIC = re.compile(r"\s*(?:in\s[^,:?]*,|[^,:?]*:)\s+", re.IGNORECASE)
_TOPIC_WORDS = 10

#: Clitics a question word carries ("what's", "how'd", "who're"): the word is read bare.
_CLITICS = frozenset({"s", "d", "re", "ll", "ve"})


def _bare(word: str) -> str:
    """``word`` without a clitic ("what's" -> "what"; "whats" is read with its apostrophe
    by :func:`.tokens.analyze`)."""
    head, mark, tail = word.partition("'")
    return head if mark and tail in _CLITICS else word


@text_cache
def answer_kind(text: str) -> str | None:
    """ "quantity", "what" (the loose kind: a way, a manner, a thing), "why", "when",
    "where", "who" or "yes/no": the kind of answer ``text`` asks for (module docstring),
    or None."""
    return _kind(analyze(text).words)


@text_cache
def asks(text: str) -> bool:
    """Whether ``text`` asks a question of a kind (:func:`answer_kind`), also after a short
    topic ("In Godot 4, how do I ...", "SQLAlchemy 2.0: does ..."); a keyword query or a
    snippet does not."""
    if answer_kind(text) is not None:
        return True
    topic = _TOPIC.match(text)
    return (
        topic is not None
        and len(topic.group().split()) <= _TOPIC_WORDS
        and _kind(analyze(text[topic.end() :]).words) is not None
    )


def _kind(words: tuple[str, ...]) -> str | None:
    for i, w in enumerate(map(_bare, words[:3])):
        if w == "how":
            return "quantity" if words[i + 1 : i + 2] and words[i + 1] in _QUANTITY else "what"
        if w in _KINDS:
            return _KINDS[w]
    return "yes/no" if words and words[0] in AUXILIARIES else None


@pair_cache
def other_answer(a: str, b: str) -> bool:
    """Whether the two texts ask for two different kinds of answer."""
    x, y = answer_kind(a), answer_kind(b)
    return x is not None and y is not None and x != y


def asked_otherwise(a: str, b: str) -> bool:
    """Whether one text asks a question of a kind (:func:`asks`: "How many ...", "Can I
    ...", "In Rust, does ...") and the other none (a keyword query, a snippet: "4000
    kWh/yr UK -> how many 400W panels?"). The look-alikes of the pool keep the form of
    their question, so a figure or a time only such a rewording adds is left to the
    verifier (:mod:`.numbers`, :func:`.timematch.reworded_untimed`)."""
    return asks(a) != asks(b)
