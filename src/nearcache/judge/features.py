"""The pair features the verifier weighs.

Guards say "provably different" or nothing; most look-alikes that slip past them differ in
one content word ("Can dogs eat grapes?" / "Can cats eat grapes?") while most true
paraphrases change several words or none that matter. The features describe that shape:
the embedding cosine, how many content words of each side have no counterpart
(:mod:`.align`), whether the difference is a single-word substitution, surface overlap
(content words and character trigrams), length ratio, the question word, and each guard's
signal (-1 reject, 0 neutral, +1 pass). All are cheap set operations on cached analyses.
"""

from __future__ import annotations

from collections.abc import Mapping

from .align import align
from .tokens import analyze
from .types import GuardResult

__all__ = ["FEATURES", "features"]

_WH = frozenset({"how", "why", "what", "when", "where", "who", "which", "whom", "whose"})

#: Feature names, in the order :func:`features` returns them.
FEATURES: tuple[str, ...] = (
    "cosine",
    "cosine_sq",
    "only_a",
    "only_b",
    "only_max",
    "only_frac_max",
    "only_frac_min",
    "substitution",
    "one_sided",
    "identical_content",
    "same_sequence",
    "content_jaccard",
    "trigram_jaccard",
    "length_ratio",
    "wh_mismatch",
    "sentences_differ",
    "guard:numbers",
    "guard:negation",
    "guard:antonyms",
    "guard:direction",
    "guard:time",
    "guard:entities",
    "guard:scope",
    "names_one_side",
)


def _trigrams(text: str) -> frozenset[str]:
    s = " ".join(analyze(text).words)
    return frozenset(s[i : i + 3] for i in range(max(1, len(s) - 2)))


def features(a: str, b: str, similarity: float, guards: Mapping[str, GuardResult]) -> list[float]:
    """The feature vector of a pair (see :data:`FEATURES`)."""
    ta, tb = analyze(a), analyze(b)
    al = align(a, b)
    na, nb = len(set(ta.content)), len(set(tb.content))
    oa, ob = len(al.only_a), len(al.only_b)
    fa, fb = oa / max(na, 1), ob / max(nb, 1)
    sa, sb = ta.content_set, tb.content_set
    union = len(sa | sb)
    ga, gb = _trigrams(a), _trigrams(b)
    la, lb = len(ta.words), len(tb.words)
    wa = {w for w in ta.words[:3] if w in _WH}
    wb = {w for w in tb.words[:3] if w in _WH}
    sents_a = ta.tokens[-1].sent if ta.tokens else 0
    sents_b = tb.tokens[-1].sent if tb.tokens else 0
    sim = max(-1.0, min(1.0, float(similarity)))
    ent = guards.get("entities")
    return [
        sim,
        sim * sim,
        min(oa, 6) / 6.0,
        min(ob, 6) / 6.0,
        min(max(oa, ob), 6) / 6.0,
        max(fa, fb),
        min(fa, fb),
        1.0 if oa == 1 and ob == 1 else 0.0,
        1.0 if (oa == 0) != (ob == 0) else 0.0,
        1.0 if oa == 0 and ob == 0 else 0.0,
        1.0 if ta.content == tb.content else 0.0,
        len(sa & sb) / union if union else 1.0,
        len(ga & gb) / max(len(ga | gb), 1),
        min(la, lb) / max(la, lb, 1),
        1.0 if wa and wb and not (wa & wb) else 0.0,
        1.0 if sents_a != sents_b else 0.0,
        *(
            guards[g].signal if g in guards else 0.0
            for g in ("numbers", "negation", "antonyms", "direction", "time", "entities", "scope")
        ),
        1.0 if ent is not None and ent.outcome == "neutral" and "one side" in ent.detail else 0.0,
    ]
