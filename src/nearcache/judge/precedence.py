"""Which of two things comes first, read across a rewording.

"If a Kafka consumer crashes *before* committing its offset, is the record read again?" /
"When a Kafka consumer dies *after* it has already committed the offset, does the broker
hand the record out again?" keep the two events in the same places and turn the word
that orders them; "Can my landlord raise the rent *after* I sign the lease?" / "*Before*
I have even signed a lease, can the landlord put the rent up?" moves the clause too. The
antonyms guard reads "before" / "after" only while the texts share most of their words,
so such a rewording reaches the verifier, which reads a paraphrase.

Each text is read for one ordering (:func:`ordering`): the event of its clause and the
event its one "before" / "after" / "prior to" / "ahead of" / "earlier, sooner, later
than" governs (up to a comma, a sentence end or a question's inverted auxiliary: "after
eating *can I* swim"), first and second; a preference or a ranking says the same ("Does
pip read the environment *before* pip.conf" / "Does pip *prefer* pip.conf *over* the
environment", "pip.conf *takes precedence over* the environment", "X *overrides* Y").
The two texts' content words are paired (:func:`.align.align`: stems, synonyms, typos;
and a clipped form, "ack" / "acknowledged"); when the first of one text pairs with the
second of the other and the second with the first, and fewer words pair in place, the
order turned (:func:`order_turned`). The converse keeps the pairing in place ("X before
Y" / "Y after X") and passes. "While" / "during" count as ordering words (a text with one
of them and a "before" has two) but turn nothing here: "while X" against "after X" is the
time guard's (:mod:`.phases`).

Not read: a text with two ordering words ("before or after", "after X but before Y"), one
offered as an alternative ("first or after clicking"), one with nothing after it ("the
day before"), a word standing on both sides of one text's ordering (it pairs either way),
"until", "since", "then" and "wait for".
"""

from __future__ import annotations

from typing import NamedTuple

from .align import align
from .tokens import Text, analyze, text_cache, wordset
from .vocab import AUXILIARIES

__all__ = ["Ordering", "order_turned", "ordering"]

#: Ordering words: the clause's event comes first ("before") or second ("after"); a
#: two-word one by its first word and the word that must follow it.
_ORDER_WORDS: dict[str, tuple[str, str | None]] = {
    "before": ("before", None),
    "after": ("after", None),
    "prior": ("before", "to"),
    "ahead": ("before", "of"),
    "earlier": ("before", "than"),
    "sooner": ("before", "than"),
    "later": ("after", "than"),
    "while": ("during", None),
    "during": ("during", None),
}
_PREFER = wordset("prefer prefers preferred preferring favour favours favor favors")
_OVER = wordset("over to")
_RANK_VERBS = wordset("override overrides overrule overrules supersede supersedes")
_RANK_NOUNS = wordset("priority precedence")
_ALTERNATIVE = wordset("or and")
_STOPS = frozenset((",", ";", ":", "?", "!", "(", ")"))
_SUBJECTS = wordset("i you we they he she it the a an my your this that there")


#: Every word that may open an ordering (a quick test before reading a text).
_TRIGGERS = frozenset(_ORDER_WORDS) | _PREFER | _RANK_VERBS | _RANK_NOUNS


class Ordering(NamedTuple):
    """Token index spans (start, end) of what comes first and what comes second."""

    first: tuple[int, ...]
    second: tuple[int, ...]
    word: str


def _clause_end(t: Text, start: int) -> int:
    """The token index where the clause opened at ``start`` ends (exclusive)."""
    toks = t.tokens
    i = start
    while i < len(toks):
        tok = toks[i]
        if _stop(t, i) or (tok.kind == "sym" and tok.text in _STOPS):
            return i
        if (
            i > start
            and tok.low in AUXILIARIES
            and i + 1 < len(toks)
            and toks[i + 1].low in _SUBJECTS
            and toks[i - 1].low not in _SUBJECTS
        ):
            return i  # "after eating can I swim": the question resumes
        i += 1
    return i


def _stop(t: Text, i: int) -> bool:
    """Token ``i`` ends a sentence: "?", "!", or a "." before a capital or the end (not
    the dot of a path or a name: "~/.aws", "os.path")."""
    tok = t.tokens[i]
    if tok.text in ("?", "!"):
        return True
    if tok.text != ".":
        return False
    return i + 1 >= len(t.tokens) or t.tokens[i + 1].text[:1].isupper()


def _sentence(t: Text, at: int) -> range:
    start = at
    while start > 0 and not _stop(t, start - 1):
        start -= 1
    end = at
    while end < len(t.tokens) and not _stop(t, end):
        end += 1
    return range(start, end)


def _governed(t: Text, at: int) -> tuple[int, ...] | None:
    """The tokens after the ordering word at ``at`` (and the word it needs: "prior *to*")
    up to its clause's end, or None."""
    start = at + 1
    needs = _ORDER_WORDS[t.tokens[at].low][1]
    if needs is not None:
        if start >= len(t.tokens) or t.tokens[start].low != needs:
            return None
        start += 1
    end = _clause_end(t, start)
    span = tuple(range(start, end))
    return span if any(t.tokens[i].kind != "sym" for i in span) else None


def _marks(t: Text) -> list[int]:
    """The ordering words of ``t``: every "before" / "after", and a two-word one's first
    word when its second follows ("earlier" only before "than")."""
    out = []
    for x in t.tokens:
        word = _ORDER_WORDS.get(x.low)
        if word is None:
            continue
        nxt = t.tokens[x.index + 1].low if x.index + 1 < len(t.tokens) else ""
        if word[1] is None or nxt == word[1] or x.low == "prior":
            out.append(x.index)
    return out


@text_cache
def ordering(text: str) -> Ordering | None:
    """The one ordering ``text`` states (see the module docstring), or None."""
    t = analyze(text)
    if not t.latin or _TRIGGERS.isdisjoint(t.words):
        return None  # most texts: no ordering word at all
    marks = _marks(t)
    prefs = [x.index for x in t.tokens if x.low in _PREFER]
    ranks = [x.index for x in t.tokens if _ranks(t, x.index)]
    if len(marks) + len(prefs) + len(ranks) != 1:
        return None
    if ranks:
        return _ranking(t, ranks[0])
    if prefs:
        at = prefs[0]
        end = _clause_end(t, at + 1)
        over = next((i for i in range(at + 1, end) if t.tokens[i].low in _OVER), None)
        if over is None or over == at + 1 or over + 1 >= end:
            return None
        return Ordering(tuple(range(at + 1, over)), tuple(range(over + 1, end)), "prefer")
    at = marks[0]
    if at > 0 and t.tokens[at - 1].low in _ALTERNATIVE:
        return None  # "first or after clicking": both orders asked
    governed = _governed(t, at)
    if governed is None:
        return None
    rest = tuple(i for i in _sentence(t, at) if i != at and i not in governed)
    word = _ORDER_WORDS[t.tokens[at].low][0]
    if word == "before":
        return Ordering(rest, governed, word)
    return Ordering(governed, rest, word)


def _ranks(t: Text, at: int) -> bool:
    """Token ``at`` ranks the clause's subject over what follows: "override(s)",
    "supersede(s)", "overrule(s)", or "priority" / "precedence" before "over"."""
    low = t.tokens[at].low
    if low in _RANK_VERBS:
        return True
    nxt = t.tokens[at + 1].low if at + 1 < len(t.tokens) else ""
    return low in _RANK_NOUNS and nxt == "over"


def _ranking(t: Text, at: int) -> Ordering | None:
    """ "X takes priority over Y", "X overrides Y": X (from its clause's start) first."""
    start = at
    while start > 0 and not _stop(t, start - 1) and t.tokens[start - 1].text not in _STOPS:
        start -= 1
    after = at + (2 if t.tokens[at].low in _RANK_NOUNS else 1)
    end = _clause_end(t, after) if after < len(t.tokens) else after
    if start == at or after >= end:
        return None
    return Ordering(tuple(range(start, at)), tuple(range(after, end)), t.tokens[at].low)


def _paired(a: str, b: str) -> list[tuple[int, int]]:
    """Token indices of the content words of ``a`` and ``b`` paired by the alignment, and
    of words left unpaired whose stem (three letters or more) opens the other's ("ack" /
    "acknowledged": a clipped verb)."""
    ta, tb = analyze(a), analyze(b)
    pairs = align(a, b).pairs
    out = [(ta.terms[i][1], tb.terms[j][1]) for i, j, _ in pairs]
    left_a = [ta.terms[i] for i in range(len(ta.terms)) if i not in {p[0] for p in pairs}]
    left_b = [tb.terms[j] for j in range(len(tb.terms)) if j not in {p[1] for p in pairs}]
    for sa, ia in left_a:
        for sb, ib in left_b:
            short, long_ = sorted((sa, sb), key=len)
            if len(short) >= 3 and long_.startswith(short):
                out.append((ia, ib))
                break
    return out


def _on_both_sides(text: str, o: Ordering) -> frozenset[int]:
    """Token indices of content words whose stem stands on both sides of the ordering
    ("how much will I have *after* 10 years" at 5% a *year*): they pair either way."""
    terms = analyze(text).terms
    first = {s for s, i in terms if i in o.first}
    second = {s for s, i in terms if i in o.second}
    return frozenset(i for s, i in terms if s in first and s in second)


def order_turned(a: str, b: str) -> tuple[str, str] | None:
    """The two ordering words when the texts order the same two things the other way
    round (see the module docstring), else None."""
    oa, ob = ordering(a), ordering(b)
    if oa is None or ob is None or "during" in (oa.word, ob.word):
        return None  # "while X" / "after X" is the time guard's (:mod:`.phases`)
    m = [[0, 0], [0, 0]]  # m[side in a][side in b]: content words paired
    both_a, both_b = _on_both_sides(a, oa), _on_both_sides(b, ob)
    for i, j in _paired(a, b):
        side_a = 0 if i in oa.first else 1 if i in oa.second else None
        side_b = 0 if j in ob.first else 1 if j in ob.second else None
        if side_a is None or side_b is None or i in both_a or j in both_b:
            continue
        m[side_a][side_b] += 1
    kept, crossed = m[0][0] + m[1][1], m[0][1] + m[1][0]
    if m[0][1] >= 1 and m[1][0] >= 1 and crossed > kept:
        return oa.word, ob.word
    return None
