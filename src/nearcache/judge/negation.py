"""Guard: both texts must have the same polarity.

"Can I take ibuprofen with alcohol?" and "... without alcohol?" embed at 0.96 and have
opposite answers. The guard counts negation cues in each text and rejects when the counts
differ: ``not``, every ``n't`` contraction (also typed without the apostrophe: "dont",
"cant"), ``cannot``, ``no``, ``never``, ``none``, ``nobody``, ``nothing``, ``nowhere``,
``neither``, ``nor``, ``without``, ``unless``, ``except``, ``excluding``, ``non-`` words
and "at no time". Two cues of the same polarity in other words ("doesn't work" /
"is not working") pass.

Limits: counting, not parsing, so a double negation ("not without") counts as two and
"hardly"/"barely", lexical negatives ("fail to", "refuse") and sarcasm are not read;
antonyms ("enable"/"disable") are the antonym guard's job. English only.
"""

from __future__ import annotations

from functools import lru_cache

from .tokens import Text, analyze
from .types import NEUTRAL, PASS, REJECT, GuardResult

__all__ = ["guard_negation", "negations"]

_CUES = frozenset(
    (  # noqa: SIM905
        "not no never none nobody nothing nowhere neither nor without unless cannot except "
        "excluding dont cant wont isnt arent wasnt werent doesnt didnt hasnt havent hadnt "
        "shouldnt wouldnt couldnt mustnt neednt aint"
    ).split()
)
_NOT_AFTER = frozenset({"only", "just"})  # "not only ... but also" is not a negation


@lru_cache(maxsize=4096)
def negations(text: str) -> tuple[str, ...]:
    """The negation cues of ``text`` in order (lowercased)."""
    return tuple(_cues(analyze(text)))


def _cues(t: Text) -> list[str]:
    out: list[str] = []
    toks = t.tokens
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        w = tok.low
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if w.endswith("n't") or w in _CUES:
            if w == "not" and nxt in _NOT_AFTER:
                continue
            if w == "no" and (nxt == "." or nxt.isdigit()):
                continue  # "No. 5"
            if w == "no" and i > 0 and toks[i - 1].low == "at" and nxt == "time":
                w = "at no time"
            out.append(w)
        elif w.startswith(("non-", "no-", "--no-")):
            out.append(w)
    return out


def guard_negation(a: str, b: str) -> GuardResult:
    """Reject when one text is negated more often than the other."""
    ta, tb = analyze(a), analyze(b)
    if not (ta.latin and tb.latin):
        return GuardResult(NEUTRAL, "not English: negation not read")
    na, nb = negations(a), negations(b)
    if len(na) != len(nb):
        more, side = (na, "first") if len(na) > len(nb) else (nb, "second")
        return GuardResult(REJECT, f"negation only in the {side} text: {', '.join(more)}")
    if na:
        return GuardResult(PASS, f"both negated: {', '.join(na)} / {', '.join(nb)}")
    return GuardResult(NEUTRAL, "no negation")
