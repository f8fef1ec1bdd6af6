"""Finding the question inside a text that adds context around it.

"I'm 34 and had two espressos. Is a heart rate of 100 normal after coffee?" asks what
"Is a heart rate of 100 normal after coffee?" asks: the first sentence is context. When
one text has several sentences and the other has one, the guards that look for a single
differing token (numbers, negation, time, names) compare the other text with the sentence
of this one that shares the most content words with it, provided that sentence covers
most of the other text. When both texts have several sentences (a question of function
words only, "Can I tell him?", counts as one) and the longer one holds all of the
other's sentences in a row, word for word (up to case and punctuation), the longer one
is reduced to that run: the sentences around it are context; else neither is reduced.
The verifier's features read the reduced texts too (:func:`focus`, without the mending
below); the cosine, from the embedder, is of both texts whole. Those whole texts still
weigh in it (the surface overlap, the length ratio, a "context" flag), and they make an
added context sentence look like a paraphrase ("Quick question before I commit to
anything. Is a swimmer disqualified for doing a flip turn in a backstroke race?" /
"... in a breaststroke race?"): so the judge also scores the two reduced questions alone
when the context dropped names none of the words they do not share (:func:`bare_pair`),
and keeps the lower score. A context that says the other's leftover word ("I'm new to
Python. What does ...?" / "Python: what does ...?") is read whole.

A short word one letter from a number or day word the other text says in the same place
(the words on both sides the same: "a team of *thre* for glacier travel" / "a team of
*three* for ...", "restocked *daly* at" / "restocked *daily* at") is read as that word
(:func:`guard_texts`): the tokenizer reads such misspellings alone only from five letters
(:mod:`.spellings`), since a short word is too often another word.

When the guards refuse a pair whose one side is statements around one question ("My lad
has been riding it for two years. How do I stop a bike chain from squeaking?") and the
other one sentence sharing too few words for :func:`focus` ("squeaky chain on a bicycle,
what fixes it"), they read that question alone (:func:`asked_texts`): a figure, day or
"never" said only in the context is no difference of the question.

Limits: a context sentence that does change the answer ("I'm on Windows.") is only
weighed by the verifier, not by these guards, and so is a context's time against one the
other text folds into its single sentence ("I just set it up. Why ...?" / "set it up three
days ago, is it ...?"); a real word one letter from a number word
between the same words ("a team of tree" / "a team of three") is read as it too.
"""

from __future__ import annotations

import re

from .align import align
from .answers import asks
from .spellings import edit_distance
from .tokens import STOPWORDS, Token, analyze, pair_cache, stem, text_cache
from .vocab import NOT_CONTENT, wordset

__all__ = ["asked_texts", "bare_pair", "focus", "guard_texts", "one_sentence", "sentence_runs"]

#: The number and day words a short misspelling is read as, beside the same words.
_MARKERS = frozenset(
    w for w in NOT_CONTENT | wordset("daily weekly monthly yearly hourly") if len(w) > 3
)

_COVER = 0.6


@text_cache
def _sentences(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    t = analyze(text)
    out: list[tuple[str, frozenset[str]]] = []
    toks = t.tokens
    start = 0
    for i in range(len(toks) + 1):
        if i == len(toks) or (i + 1 < len(toks) and toks[i + 1].sent != toks[i].sent):
            part = toks[start : i + 1]
            words = frozenset(
                stem(x.low) for x in part if x.kind != "sym" and x.low not in STOPWORDS
            )
            if words:
                out.append((" ".join(x.text for x in part), words))
            start = i + 1
    return tuple(out)


@pair_cache
def focus(a: str, b: str) -> tuple[str, str]:
    """``(a, b)`` with a context-laden side reduced to the sentence that matches the other."""
    if one_sentence(a) and one_sentence(b):
        return a, b  # the common case: nothing to focus on
    sa, sb = _sentences(a), _sentences(b)
    if len(sa) > len(sb) > 1:
        return _contained(a, b), b
    if len(sb) > len(sa) > 1:
        return a, _contained(b, a)
    if len(sa) > 1 and len(sb) == 1:
        if len(sentence_runs(b)) > 1:
            return _contained(a, b), b
        return (a if _covered(sa, sb[0][1]) else _best(sa, sb[0][1], a)), b
    if len(sb) > 1 and len(sa) == 1:
        if len(sentence_runs(a)) > 1:
            return a, _contained(b, a)
        return a, (b if _covered(sb, sa[0][1]) else _best(sb, sa[0][1], b))
    return a, b


@pair_cache
def bare_pair(a: str, b: str) -> tuple[str, str] | None:
    """The two questions :func:`focus` reduces ``a`` and ``b`` to, when it dropped context
    and the questions differ in words neither whole text says on the other side; else
    ``None`` (nothing dropped, nothing differs, or the context says what differs)."""
    fa, fb = focus(a, b)
    if fa == a and fb == b:
        return None
    al = align(fa, fb)
    if not (al.only_a or al.only_b):
        return None
    said_a, said_b = _stems(a), _stems(b)
    if any(w in said_b for w in al.only_a) or any(w in said_a for w in al.only_b):
        return None
    return fa, fb


@text_cache
def _stems(text: str) -> frozenset[str]:
    return frozenset(stem(w) for w in analyze(text).words)


def _covered(sents: tuple[tuple[str, frozenset[str]], ...], other: frozenset[str]) -> bool:
    """The one sentence of the other text also says most of the sentences here around the
    one it matches: the context is written into it ("im moving next month... how do i
    move my fish" / "I'm moving next month. How do I move my fish?"), not around it."""
    best = max(sents, key=lambda s: len(s[1] & other))
    around = frozenset().union(*(w for s, w in sents if s != best[0]))
    return bool(around) and len(around & other) >= _COVER * len(around)


@text_cache
def one_sentence(text: str) -> bool:
    """Every word of ``text`` stands in one sentence (its sentence runs are one or none)."""
    toks = analyze(text).tokens
    # sentence numbers never fall along a text: its last word is in the first's sentence
    # exactly when every word is
    return not toks or next((t.sent for t in reversed(toks) if t.kind != "sym"), 0) == toks[0].sent


def _best(sents: tuple[tuple[str, frozenset[str]], ...], other: frozenset[str], whole: str) -> str:
    text, words = max(sents, key=lambda s: len(s[1] & other))
    return text if len(words & other) >= _COVER * len(other) else whole


@text_cache
def sentence_runs(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every sentence of ``text``: its text and its lowercase words (symbols left out),
    so two texts can be compared sentence by sentence, word for word (:func:`focus`; the
    excuses of :mod:`.excuses` read a context only added to)."""
    toks = analyze(text).tokens
    out: list[tuple[str, tuple[str, ...]]] = []
    for sent in sorted({t.sent for t in toks}):
        part = [t for t in toks if t.sent == sent]
        words = tuple(t.low for t in part if t.kind != "sym")
        if words:
            out.append((" ".join(t.text for t in part), words))
    return tuple(out)


def _contained(longer: str, shorter: str) -> str:
    """The run of ``longer``'s sentences that repeats ``shorter``'s sentences word for
    word, or ``longer`` whole when there is none."""
    big, small = sentence_runs(longer), [w for _, w in sentence_runs(shorter)]
    n = len(small)
    for i in range(len(big) - n + 1):
        if [w for _, w in big[i : i + n]] == small:
            return " ".join(t for t, _ in big[i : i + n])
    return longer


@pair_cache
def guard_texts(a: str, b: str) -> tuple[str, str]:
    """What the guards other than ``scope`` read: :func:`focus`, then each short word one
    letter from a number or day word the other text says between the same words read as
    that word (see the module docstring)."""
    fa, fb = focus(a, b)
    return _mended(fa, fb), _mended(fb, fa)


def _mended(text: str, other: str) -> str:
    toks, theirs = analyze(text).tokens, analyze(other).tokens
    marks = [j for j, t in enumerate(theirs) if t.low in _MARKERS]
    if not marks:
        return text
    for i, tok in enumerate(toks):
        low = tok.low
        if tok.kind != "word" or not 3 <= len(low) <= 4 or low in STOPWORDS or low in _MARKERS:
            continue
        for j in marks:
            word = theirs[j].low
            same_place = word[0] == low[0] and _between_same(toks, i, theirs, j)
            if same_place and edit_distance(low, word, 1) <= 1:
                return _mended(re.sub(rf"\b{re.escape(tok.text)}\b", word, text, count=1), other)
    return text


def _between_same(toks: tuple[Token, ...], i: int, theirs: tuple[Token, ...], j: int) -> bool:
    """The tokens before and after ``toks[i]`` are those before and after ``theirs[j]``."""
    before = (toks[i - 1].low if i else "") == (theirs[j - 1].low if j else "")
    after_i = toks[i + 1].low if i + 1 < len(toks) else ""
    after_j = theirs[j + 1].low if j + 1 < len(theirs) else ""
    return before and after_i == after_j


@pair_cache
def asked_texts(a: str, b: str) -> tuple[str, str] | None:
    """The guard texts with a side led by context reduced to its one question, when
    :func:`focus` kept that side whole (its sentences share too few words with the
    other's one sentence, as a heavy paraphrase's do, or the other has no statement of
    its own) and its other sentences are statements; else ``None``. The judge reads them
    when the whole texts are refused."""
    if (one_sentence(a) and one_sentence(b)) or focus(a, b) != (a, b):
        return None
    qa: str | None = a
    qb: str | None = b
    if _unstated(b) and not _unstated(a):
        qa = _asked(a)
    elif _unstated(a) and not _unstated(b):
        qb = _asked(b)
    else:
        return None
    if qa is None or qb is None:
        return None
    return _mended(qa, qb), _mended(qb, qa)


def _unstated(text: str) -> bool:
    """One sentence, or parts none of which is a statement closed by a period ("kettle
    and toaster on together?? why"): no context sentence to drop."""
    return one_sentence(text) or not any(t.endswith((". ", ".")) for t, _ in sentence_runs(text))


def _asked(text: str) -> str | None:
    """The one question of a text whose other sentences are statements, else None. A
    "statement" worded as a question ("Can I take St." of "Can I take St. John's wort?")
    is a question cut short by an abbreviation's period: then None."""
    runs = [t for t, _ in sentence_runs(text)]
    marked = [t for t in runs if t.endswith("?")]
    if len(marked) != 1 or not all(t.endswith((".", "!", "?")) for t in runs):
        return None
    if any(asks(t) for t in runs if t != marked[0]):
        return None
    return marked[0]
