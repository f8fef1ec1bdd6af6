"""Finding the question inside a text that adds context around it.

"I'm 34 and had two espressos. Is a heart rate of 100 normal after coffee?" asks what
"Is a heart rate of 100 normal after coffee?" asks: the first sentence is context. When
one text has several sentences and the other has one, the guards that look for a single
differing token (numbers, negation, time, names) compare the other text with the sentence
of this one that shares the most content words with it, provided that sentence covers
most of the other text. The verifier still sees both texts whole.

Limits: a context sentence that does change the answer ("I'm on Windows.") is only
weighed by the verifier, not by these guards.
"""

from __future__ import annotations

from .tokens import STOPWORDS, analyze, pair_cache, stem, text_cache

__all__ = ["focus"]

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
    if _one_sentence(a) and _one_sentence(b):
        return a, b  # the common case: nothing to focus on
    sa, sb = _sentences(a), _sentences(b)
    if len(sa) > 1 and len(sb) == 1:
        return _best(sa, sb[0][1], a), b
    if len(sb) > 1 and len(sa) == 1:
        return a, _best(sb, sa[0][1], b)
    return a, b


@text_cache
def _one_sentence(text: str) -> bool:
    toks = analyze(text).tokens
    return not toks or all(t.sent == toks[0].sent for t in toks if t.kind != "sym")


def _best(sents: tuple[tuple[str, frozenset[str]], ...], other: frozenset[str], whole: str) -> str:
    text, words = max(sents, key=lambda s: len(s[1] & other))
    return text if len(words & other) >= _COVER * len(other) else whole
