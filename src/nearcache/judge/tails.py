"""An added restriction: one text is the other with a clause or condition at its end.

"python datetime get yesterday's date" and "... get yesterday's date in UTC with the time
set to midnight" share every content word of the shorter text, in order; the longer one
only goes on. A cosine near 0.9 and identical content make the verifier score such pairs
high, yet the end narrows the question: the shorter text's answer does not give the UTC
midnight. The entities guard rejects a pair when

* every content word of the shorter text has a counterpart in the longer one, and every
  number of the shorter text is written in the longer one too (so "open on jan 1" /
  "open on New Year's Day" is not read as an addition);
* the longer text's words without a counterpart all come after its last shared word (a
  *tail*), in the same sentence as that word (a new sentence is context, not a
  restriction); and
* the tail does not open a question ("git stash -- what happens to my changes?" names a
  topic, then asks about it; an auxiliary after the noun of a question opened by a
  question word is that question's: "How many of Saturn's moons *can* I see with a
  backyard telescope?"), and holds at least three content words, or two after a
  word that opens a condition or a clause ("with", "within", "inside", "after", "where",
  "whereas", "so that"), or one after a word that opens a condition ("if", "unless", "when",
  "whenever", "while", "without", "except", "until", "once", "during"), said between the
  last shared word and the tail ("... bought it *if* they also use it for *personal*
  things", "... to drink *if* I *boil* it first").

A tail word that is no word but one letter from a function word of the shorter text
("dies without a *wil*" / "... a will") is a typo, not an addition.

Limits: an addition in the middle of the text ("set the time in UTC to midnight for
yesterday's date") or one of a single word is left to the verifier (the scope guard
reports it), as is any pair whose shorter text says something the longer one lacks. A
long tail that does not change the answer ("... for a project I'm working on"), or a
condition that does not ("... if relevant"), is rejected. English only.
"""

from __future__ import annotations

from .align import align
from .lexicon import lexicon
from .roles import QUESTION_WORDS
from .spellings import edit_distance
from .tokens import STOPWORDS, Text, analyze, wordset
from .vocab import ASKING

__all__ = ["tail_added"]

#: Words that open a condition or a clause restricting the question.
_OPENERS = wordset(
    "with without while when whenever if unless during inside within except after until "
    "where whereas once so"
)
#: Openers of a condition: after one of these, one content word restricts the question.
_CONDITIONS = wordset("if unless when whenever while without except until once during")
#: Words of courtesy, not of the question ("..., thanks in advance for any help").
_COURTESY = wordset("thanks thank please help advance appreciated appreciate cheers")
_LONG = 3
_SHORT = 2


def _numbers(text: str) -> frozenset[str]:
    return frozenset(t.low for t in analyze(text).tokens if t.kind == "num")


def _tail(longer: str, shorter: str, paired: set[int]) -> tuple[str, ...] | None:
    """The content words of ``longer`` after its last term in ``paired`` (term indices),
    when no other term lacks a pair and the tail stays in that sentence: the opener and
    the tail's stems (a misspelt function word of ``shorter`` is none); else None."""
    t = analyze(longer)
    last = max(t.terms[n][1] for n in paired)
    lost = _function_words(shorter) - set(t.words)
    stems: list[str] = []
    first = len(t.tokens)
    for n, (st, idx) in enumerate(t.terms):
        if n in paired:
            continue
        if idx < last:
            return None  # a word without a counterpart before the end: not a tail
        if t.tokens[idx].sent != t.tokens[last].sent:
            return None  # a sentence after the question: context
        first = min(first, idx)
        low = t.tokens[idx].low
        if low not in _COURTESY and not _typed_for(low, lost):
            stems.append(st)
    rest = [tok.low for tok in t.tokens[last + 1 :] if tok.kind != "sym"]
    opener, second = [*rest, "", ""][:2]
    inverted = opener not in QUESTION_WORDS and _asked_before(t, last)
    if (opener in ASKING and not inverted) or (opener in ("when", "where") and second in ASKING):
        return None  # a topic, then its question: "git stash: what happens to my changes?"
    before = [tok.low for tok in t.tokens[last + 1 : first]]
    opener = next((w for w in before if w in _OPENERS), opener)  # "bought it *if* they ..."
    return (opener, *dict.fromkeys(stems))


def _asked_before(t: Text, last: int) -> bool:
    """The sentence of token ``last`` opened its question with a question word before it,
    so an auxiliary right after ``last`` is that question's ("How many of Saturn's moons
    *can* I see ...", "How many vacation days *do* I get ..."), not a new one."""
    sent = t.tokens[last].sent
    return any(tok.low in QUESTION_WORDS for tok in t.tokens[:last] if tok.sent == sent)


def _function_words(text: str) -> frozenset[str]:
    """The function words of ``text`` of three letters or more ("will", "the")."""
    return frozenset(w for w in analyze(text).words if len(w) >= 3 and w in STOPWORDS)


def _typed_for(low: str, lost: frozenset[str]) -> bool:
    """``low`` is no word but a function word of ``lost`` mistyped ("dies without a *wil*"
    / "... a will": "will" is no content word, so the typo looks like one)."""
    return (
        bool(lost) and not lexicon().known(low) and any(edit_distance(low, f, 1) <= 1 for f in lost)
    )


def tail_added(a: str, b: str) -> str | None:
    """The words one text adds at its end to all of the other (see the module
    docstring), or None."""
    al = align(a, b)
    if al.matched < 2 or (al.only_a and al.only_b) or not (al.only_a or al.only_b):
        return None
    longer, shorter, own = (a, b, 0) if al.only_a else (b, a, 1)
    if not _numbers(shorter) <= _numbers(longer):
        return None
    paired: set[int] = {int(p[own]) for p in al.pairs}
    found = _tail(longer, shorter, paired)
    if found is None:
        return None
    opener, *stems = found
    need = 1 if opener in _CONDITIONS else _SHORT if opener in _OPENERS else _LONG
    return " ".join(stems) if len(stems) >= need else None
