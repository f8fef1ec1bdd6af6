"""Negation said in words: a text that uses a negative word agrees with a negated text.

"doesn't contain gluten" / "gluten-free", "didn't compile" / "failed to compile",
"without eggs" / "eggless", "no match" / "unmatched": the negation guard counts cues such
as "not" and "without"; when one text has more, the words here (a short list of verbs and
adjectives that hold a negation, -free and -less words, un- adjectives) say the same
negation on the other side (:func:`negative_words`).

"other than" says "except"; "free" says "without" a payment ("free on trains" / "without a
ticket", :func:`free_for_unpaid`), and "before" says "without" in a question of extent ("how
much cash ... without declaring it" / "cash limit before you declare",
:func:`before_for_without`). "other than" is no cue, so "in a language *other than* German" /
"in German" is read by :func:`other_than_added`, and a "-free" word naming what the other text
says is there ("free of caffeine" / "contain caffeine") by :func:`free_of_named`. "avoid",
or an act judged bad or barred ("Is it unsafe to", "a bad idea to", "prohibited from"),
against a text asking a permission ("Can I ...", "... -- can I ...?") or what is good is
read by :func:`avoid_turned`.

Limits: the list is short and English; an un- word is any word of six or more letters
starting with "un" except a few that are not negated ("under", "until", "unpack"...).
"""

from __future__ import annotations

from .align import align
from .tokens import STOPWORDS, Text, analyze, stem, wordset

__all__ = [
    "NEGATIVE_STEMS",
    "NEGATIVE_WORDS",
    "avoid_turned",
    "before_for_without",
    "doubled",
    "free_for_unpaid",
    "free_of_named",
    "negated_in_words",
    "negative_words",
    "other_than_added",
    "un_word",
    "without_said",
]

#: Words whose meaning holds a negation: a text that uses one agrees with a negated text.
NEGATIVE_WORDS = wordset(
    "fail refuse unable lack missing absent unused empty avoid prevent stop skip suppress "
    "silence forget omit exclude neglect ignore instead impossible illegal unsafe unknown "
    "quit cease zero false"
)
NEGATIVE_STEMS = frozenset(stem(w) for w in NEGATIVE_WORDS)
#: What "without" must name for "free" to say it: a payment.
_PAID = wordset(
    "pay paying paid fee fees charge charges charging cost costs ticket tickets fare fares"
)
_NOT_UN = ("under", "uni", "unless", "until", "unto", "unpack", "unzip")


def un_word(w: str) -> bool:
    """An adjective negated by its un- prefix ("unusual", "unsafe", "uncommon")."""
    return w.startswith("un") and len(w) >= 6 and w.isalpha() and not w.startswith(_NOT_UN)


def _joined_suffix(low: str, theirs: set[str]) -> bool:
    """ "eggless", "sugarfree", "rootless": a word of the other text written with a
    negating suffix."""
    for suffix in ("less", "free"):
        base = low.removesuffix(suffix)
        if base != low and len(base) >= 3 and stem(base) in theirs:
            return True
    return False


def negative_words(t: Text, other: Text) -> list[str]:
    """Words of ``t`` that carry a negation in their meaning ("fail", "refuse",
    "gluten-free", "skip") and that ``other`` lacks: "doesn't contain gluten" and
    "gluten-free" agree in polarity."""
    theirs = {stem(tok.low) for tok in other.tokens}
    out = []
    for tok in t.tokens:
        if tok.low == "other" and _next_is(t, tok.index, "than") and "other" not in theirs:
            out.append("other than")  # "all columns other than id" / "... except id"
            continue
        parts = tok.low.split("-")
        suffixed = parts[-1] in ("free", "less") and len(parts) > 1  # "gluten-free"
        suffixed = suffixed or _joined_suffix(tok.low, theirs)  # "eggless" / "without eggs"
        suffixed = suffixed and stem(tok.low) not in theirs  # "tax-free" in both says nothing
        prefixed = un_word(tok.low) and tok.low not in other.words  # "unmatched" / "no match"
        if (
            suffixed
            or prefixed
            or (stem(tok.low) in NEGATIVE_STEMS and stem(tok.low) not in theirs)
        ):
            out.append(tok.low)
    return out


def doubled(t: Text, at: int) -> bool:
    """A negative word stands within three tokens after the token at ``at``: the two say
    a double negative ("*stop forgetting*", "*prevent* a loaf *failing*")."""
    return any(stem(tok.low) in NEGATIVE_STEMS for tok in t.tokens[at + 1 : at + 4])


def _next_is(t: Text, i: int, word: str) -> bool:
    return i + 1 < len(t.tokens) and t.tokens[i + 1].low == word


#: Words that ask how far a thing can go: "how much cash ... without declaring it".
_EXTENT = wordset("much many far long limit limits maximum minimum max min")


def without_said(t: Text, other: Text) -> list[str]:
    """The words of ``t`` that say what a "without" of ``other`` says
    (:func:`free_for_unpaid`, :func:`before_for_without`)."""
    return free_for_unpaid(t, other) + before_for_without(t, other)


def before_for_without(t: Text, other: Text) -> list[str]:
    """ "before" in ``t`` when ``other`` says "without" the same word and one of them asks
    how far a thing can go: "How much cash can I bring in *without declaring* it?" /
    "cash limit *before* you have to *declare*", "the minimum distance to move a hive
    *without losing* foragers" / "how far ... *before* the bees get *lost*". Not where
    neither asks an extent ("cancel without paying a fee" / "cancel before paying")."""
    if "before" not in t.words or "without" not in other.words:
        return []
    if not (set(t.words) | set(other.words)) & _EXTENT:
        return []
    words, theirs = t.words, other.words
    later = {
        stem(w)
        for i, b in enumerate(words)
        if b == "before"
        for w in words[i + 1 : i + 7]
        if w not in STOPWORDS
    }
    named = [
        next((w for w in theirs[i + 1 : i + 4] if w not in STOPWORDS), "")
        for i, w in enumerate(theirs)
        if w == "without"
    ]
    return ["before"] if all(w and stem(w) in later for w in named) else []


def free_for_unpaid(t: Text, other: Text) -> list[str]:
    """ "free" in ``t`` when ``other`` says "without" a payment and not "free": "Are
    children under 5 free on trains?" / "Do kids under five travel without a ticket?",
    "stay free of any pet charge" / "without paying a pet fee". Not for "without" anything
    else ("free" / "without an adult" differ)."""
    if "free" not in t.words or "free" in other.words:
        return []
    words = other.words
    paid = any(
        w == "without" and any(x in _PAID for x in words[i + 1 : i + 4])
        for i, w in enumerate(words)
    )
    return ["free"] if paid else []


def _other_than(t: Text) -> int | None:
    """The token index of the first "other than" of ``t`` outside code and quotes."""
    toks = t.tokens
    return next(
        (
            i
            for i in range(1, len(toks))
            if toks[i].low == "than" and toks[i - 1].low == "other" and not toks[i].literal
        ),
        None,
    )


def other_than_added(a: str, b: str) -> str | None:
    """ "other than" in one text only, excluding a term the other text names, when that
    text says no negation in words: "run a job on everything other than tags" / "run a
    job only on tags", "sung in a language other than German" / "sung in German". Not
    when the excluded term is not named there ("divided by anything other than 1 and
    itself" / "is 91 a prime number": a paraphrase)."""
    ta, tb = analyze(a), analyze(b)
    at_a, at_b = _other_than(ta), _other_than(tb)
    if at_a is not None and at_b is None:
        mine, other, at, own = ta, tb, at_a, 0
    elif at_b is not None and at_a is None:
        mine, other, at, own = tb, ta, at_b, 1
    else:
        return None
    if negative_words(other, mine):
        return None  # "skip the id column" / "all columns other than id"
    first = next((n for n, (_, idx) in enumerate(mine.terms) if idx > at), None)
    paired = {p[own] for p in align(a, b).pairs}
    return "other than" if first is not None and first in paired else None


def _freed(t: Text) -> dict[str, str]:
    """What ``t`` says something is free of, by stem: "caffeine-free", "free of
    caffeine", "free from gluten" (the first word after "of"/"from")."""
    out: dict[str, str] = {}
    if "free" not in " ".join(t.words):
        return out  # both readings need the word
    toks = t.tokens
    for i, tok in enumerate(toks):
        base = tok.low.removesuffix("-free")
        if base != tok.low and base:
            out[stem(base)] = tok.low
        elif tok.low == "free" and i + 2 < len(toks) and toks[i + 1].low in ("of", "from"):
            out[stem(toks[i + 2].low)] = " ".join(x.low for x in toks[i : i + 3])
    return out


def free_of_named(a: str, b: str) -> str | None:
    """A "-free" word or "free of X" in one text only, X named in the other with no
    negation said in words there: "Which teas are naturally free of caffeine?" / "Which
    teas naturally contain caffeine?". (Against a negated text -- "don't contain
    caffeine" -- the negation guard has already read it as the same negation.)"""
    ta, tb = analyze(a), analyze(b)
    for mine, other in ((ta, tb), (tb, ta)):
        if "free" in other.words or any(w.endswith("-free") for w in other.words):
            continue
        theirs = {stem(w) for w in other.words}
        named = sorted(w for st, w in _freed(mine).items() if st in theirs)
        if named and not negative_words(other, mine):
            return named[0]
    return None


#: What turns a question into what to keep away from ("Which foods should I *avoid*").
_AVOID = stem("avoid")
_SHUN_PHRASES = (("stay", "away"), ("steer", "clear"), ("keep", "away"))
#: Words asking what is good or allowed to do: the other pole of "avoid".
_APPROVING = wordset(
    "good safe safely ok okay fine best allowed recommended healthy doable possible permitted"
)
#: Openers of a yes/no question asking for permission ("Can I reuse ...").
_MAY = wordset("can may")


#: Words that judge an act bad or barred, read before "to" or "from" ("Is it *unsafe to*
#: mix ...", "a *bad idea to* ...", "*prohibited from* ..."): the other pole of "can I".
_DISAPPROVING = wordset(
    "unsafe dangerous risky harmful forbidden prohibited banned illegal unlawful inadvisable"
)
_ACT = wordset("to from")


#: The words one of :func:`_shuns`'s readings starts at (besides a form of "avoid").
_SHUN_STARTS = frozenset({*(p[0] for p in _SHUN_PHRASES), *_DISAPPROVING, "bad"})


def _shuns(t: Text) -> str | None:
    words = t.words
    if _SHUN_STARTS.isdisjoint(words) and _AVOID not in " ".join(words):
        return None  # no reading can start (a form of "avoid" holds the word)
    for i, w in enumerate(words):
        if stem(w) == _AVOID:
            return w
        if tuple(words[i : i + 2]) in _SHUN_PHRASES:
            return " ".join(words[i : i + 2])
        if w in _DISAPPROVING and words[i + 1 : i + 2] and words[i + 1] in _ACT:
            return w
        if w == "bad" and words[i + 1 : i + 3] == ("idea", "to"):
            return "bad idea"
    return None


def avoid_turned(a: str, b: str) -> str | None:
    """ "avoid" / "stay away from", or an act judged bad or barred ("Is it unsafe to ...",
    "a bad idea to ...", "prohibited from ..."), in one text where the other asks what is
    good, safe or allowed, with no negation said in words there: "Which foods should I
    avoid if I have gout?" / "Which foods are good to eat if I have gout?", "Should I avoid
    repairing a torn page with wheat paste?" / "Can I repair ...", "Is it a bad idea to
    mix bleach and vinegar?" / "Can I mix bleach and vinegar?". ("prevent", "without" or "don't" on
    the other side say the same thing: "avoid SQL injection" / "prevent SQL injection";
    "how can I avoid paying tax" / "how can I reduce tax" asks for a way, not a permission.)"""
    ta, tb = analyze(a), analyze(b)
    for mine, other in ((ta, tb), (tb, ta)):
        shun = _shuns(mine)
        if shun is None or _shuns(other) is not None or negative_words(other, mine):
            continue
        if _asks_may(other) or _APPROVING.intersection(other.words):
            return shun
    return None


_ASKERS = wordset("i you we")
_WAYS = wordset("how what where when why which who")


def _asks_may(t: Text) -> bool:
    """``t`` asks for a permission: it opens with "can" / "may", or says "can I" (you, we)
    after other words, not as a way ("9 hr layover -- *can i* leave the airport"; not
    "*how can I* reduce tax")."""
    words = t.words
    if words and words[0] in _MAY:
        return True
    return any(
        w in _MAY and words[i + 1] in _ASKERS and words[i - 1] not in _WAYS
        for i, w in enumerate(words[1:-1], 1)
    )


def negated_in_words(a: str, b: str) -> str | None:
    """A negation said in words in one text only, which no cue counts: "other than"
    (:func:`other_than_added`), "free of" (:func:`free_of_named`) or "avoid" against what
    is good to do (:func:`avoid_turned`)."""
    return other_than_added(a, b) or free_of_named(a, b) or avoid_turned(a, b)
