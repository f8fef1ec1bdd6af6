"""What one text adds around its question that names nothing of the other text: a
lead-in before a colon ("Can you tell me: can X ...", "Quick question, sorry if it's
obvious: ...") or a sentence of its own ("Been arguing about this with a friend all
evening. Does X ...?"). Such an aside cannot change who does what to whom in the
question, yet it shifts word positions and brings clause words of its own ("before a
meeting tomorrow"), so the direction guard reads the roles once more without it
(:func:`without_asides`).

A lead-in or sentence that shares a content word with the other text is kept: it may
name a party ("My cat has a cold. Can I catch it from her?"), so it is part of the
question. :mod:`.context` reduces a text to the sentence the other matches only when
that sentence covers the other text or repeats it word for word; a swapped question
does neither, hence this narrower reading here.
"""

from __future__ import annotations

import re

from .context import one_sentence, sentence_runs
from .tokens import analyze

__all__ = ["without_asides"]

#: A lead-in: at most eight words (no sentence end, no colon) then ": " and the question.
#: Not "std::vector", "http://", "10:30" (no space after the colon there).
_LEAD_IN = re.compile(r"^\s*((?:[^\s:.?!]+[ \t]+){0,7}[^\s:.?!]+)\s*:\s+(?=\S)")


def _content(text: str) -> frozenset[str]:
    return frozenset(analyze(text).content)


def _drop_lead_in(text: str, other: frozenset[str]) -> str:
    m = _LEAD_IN.match(text)
    if m is None or _content(m.group(1)) & other:
        return text
    rest = text[m.end() :]
    return rest if len(analyze(rest).content) >= 2 else text


def _sentence_slices(text: str) -> list[str]:
    """Each sentence of ``text`` as written (the tokens rejoined would read otherwise:
    "the CFO 's boss"), or none when a token cannot be found in place."""
    t = analyze(text)
    raw, pos = t.raw, 0
    bounds: dict[int, list[int]] = {}
    for tok in t.tokens:
        i = raw.find(tok.text, pos)
        if i < 0:
            return []
        pos = i + len(tok.text)
        bounds.setdefault(tok.sent, [i, pos])[1] = pos
    return [raw[i:j] for i, j in bounds.values()]


def _drop_sentences(text: str, other: frozenset[str]) -> str:
    if one_sentence(text) or len(sentence_runs(text)) < 2:
        return text  # one sentence (read for every pair: :func:`.context.focus`) has one run
    sents = _sentence_slices(text)
    if len(sents) < 2:
        return text
    kept = [s for s in sents if _content(s) & other]
    if not kept or len(kept) == len(sents):
        return text
    return " ".join(kept)


def _one_side(text: str, other: str) -> str:
    theirs = _content(other)
    return _drop_lead_in(_drop_sentences(text, theirs), theirs)


def without_asides(a: str, b: str) -> tuple[str, str] | None:
    """``(a, b)`` with the asides of each (see the module docstring) left out, or None
    when neither has one."""
    ra, rb = _one_side(a, b), _one_side(b, a)
    return None if (ra, rb) == (a, b) else (ra, rb)
