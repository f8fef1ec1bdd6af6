"""The pair features the verifier weighs.

Guards say "provably different" or nothing; most look-alikes that slip past them differ in
one content word ("Can dogs eat grapes?" / "Can cats eat grapes?") or add a qualifier
("... a nested list"), while true paraphrases change several words for synonyms or none
that matter. The features describe that shape, on the question itself when one side adds
a context sentence (:func:`.context.focus`):

* the embedding cosine and surface overlap (character trigrams, length ratio);
* the alignment (:mod:`.align`): content words without a counterpart on each side, as
  counts and shares, whether the difference is one word for one word or on one side only,
  how many pairs needed a synonym, a typo or a derivation to meet, and whether the words
  left over are names or listed words;
* the word order (:mod:`.order`): a moved block, the share of shared terms that changed
  order;
* the question words ("how" / "why"; a yes/no question against a wh-question);
* ``function_gap``: how far the two texts' shares of function words lie apart -- a
  rewording changes the register ("rsync -av --delete nas:/share/ ~/mirror/" against
  "With rsync, how do I mirror my NAS ...?"), a look-alike changes a word and keeps the
  rest;
* every guard's signal (-1 reject, 0 neutral, +1 pass) and what the soft ones noticed;
* ``asks_other``: the two questions ask for different kinds of answer (:mod:`.answers`),
  weighed by how far the cosine lies under :data:`LOW_COSINE` -- where unrelated
  questions on one topic meet heavy paraphrases;
* ``names_swapped``: each text names a proper name the other does not, inside a
  rewording (the entity guard's soft case, :data:`.entities.PROPER_SWAP`);
* ``crossed``: the shape of a role swap the guards let through (:func:`_crossed`). The
  guards refuse every such look-alike of the pool, so the pool's live pairs cannot teach
  its weight: the training fits it on the refused ones (``benchmarks/verifier_fit.py``);
* ``numbers_changed`` / ``negation_changed``: the same shape for a figure or a negation
  a guard lets through -- every content word has a counterpart, but the figures differ
  ("... in Python 3.11?" / "... in Python 3.12?") or so does the count of negation cues,
  and no guard vouched for them (the numbers or time guard, the negation guard passing).
  The guards refuse every such look-alike of the pool, and their weights are fit the
  same way as ``crossed``'s;
* ``apart``: the share of content words without a counterpart (the larger side's),
  weighed by how far the cosine lies under :data:`LOW_COSINE` -- two questions on one
  topic that share little ("Does list.sort() return a new list?" / "How do I sort a
  dictionary by value?") against a heavy paraphrase, whose words still meet. Without it
  the low trigram overlap both have reads as a rewording, and the threshold must rise to
  refuse the unrelated ones, which costs the paraphrases.

All are cheap set operations on the cached analyses of the two texts.
"""

from __future__ import annotations

from collections.abc import Mapping

from .align import align
from .answers import AUXILIARIES, other_answer
from .context import focus
from .direction import SYMMETRIC_EXCUSE
from .entities import PROPER_SWAP
from .lexicon import lexicon
from .negcues import negations
from .order import exchange, inversions
from .roles import shared_order
from .tokens import STOPWORDS, analyze, pair_cache, text_cache
from .types import GuardResult

__all__ = ["FEATURES", "LOW_COSINE", "PAIRABLE", "features"]

_WH = frozenset({"how", "why", "what", "when", "where", "who", "which", "whom", "whose"})
_GUARDS = ("numbers", "negation", "antonyms", "direction", "time", "entities", "scope")

#: Feature names, in the order :func:`features` returns them.
FEATURES: tuple[str, ...] = (
    "cosine",
    "content_min",
    "only_max",
    "only_min",
    "only_frac_max",
    "only_frac_min",
    "substitution",
    "one_sided",
    "identical",
    "inexact_pairs",
    "typo_pairs",
    "extra_names",
    "extra_known",
    "moved",
    "inversions",
    "context",
    "trigram_jaccard",
    "length_ratio",
    "wh_mismatch",
    "yes_no_vs_wh",
    "function_gap",
    *(f"guard:{g}" for g in _GUARDS),
    "names_one_side",
    "asks_other",
    "names_swapped",
    "crossed",
    "numbers_changed",
    "negation_changed",
    "apart",
)

#: The cosine under which a change in the kind of answer asked for counts (``asks_other``
#: is ``LOW_COSINE - cosine`` there, 0 above), and so do unshared words (``apart``): the
#: unrelated pairs of the pool lie at 0.5-0.7, its paraphrases that change the kind mostly
#: above.
LOW_COSINE = 0.75

#: Where ``only_frac_max`` lies in :func:`_shape`'s tuple (read by ``apart``).
_ONLY_FRAC_MAX = FEATURES.index("only_frac_max") - 1

#: The shape features whose pairwise products the training may offer the verifier as
#: further inputs (``Verifier(interactions=...)``): how much a high cosine or a shared
#: trigram says depends on whether one side adds words, swaps one or reorders them.
PAIRABLE: tuple[str, ...] = (
    "cosine",
    "only_max",
    "only_frac_max",
    "substitution",
    "one_sided",
    "identical",
    "trigram_jaccard",
    "inversions",
    "inexact_pairs",
    "extra_known",
)


@text_cache
def _trigrams(text: str) -> frozenset[str]:
    s = " ".join(analyze(text).words)
    if len(s) < 3:
        return frozenset((s,))
    return frozenset(map("".join, zip(s, s[1:], s[2:])))  # every s[i : i + 3]


@text_cache
def _opening(text: str) -> tuple[frozenset[str], bool]:
    """The question words among the first three words, and whether it opens like a
    yes/no question ("Is", "Can", "Does")."""
    words = analyze(text).words
    wh = frozenset(w for w in words[:3] if w in _WH)
    return wh, bool(words) and words[0] in AUXILIARIES and not wh


@text_cache
def _function_share(text: str) -> float:
    """The share of the words of ``text`` that are function words (``STOPWORDS``)."""
    words = analyze(text).words
    return sum(1 for w in words if w in STOPWORDS) / max(len(words), 1)


def _extras(words: tuple[str, ...]) -> tuple[int, int]:
    """How many left-over stems are listed names, and how many are other listed words."""
    lex = lexicon()
    names = sum(1 for w in words if lex.is_name(w))
    known = sum(1 for w in words if not lex.is_name(w) and lex.known(w))
    return names, known


def features(a: str, b: str, similarity: float, guards: Mapping[str, GuardResult]) -> list[float]:
    """The feature vector of a pair (see :data:`FEATURES`)."""
    sim = max(-1.0, min(1.0, float(similarity)))
    ent = guards.get("entities")
    low = LOW_COSINE - sim
    shape = _shape(a, b)
    figures, negated = _changed(a, b)
    return [
        sim,
        *shape,
        *(guards[g].signal if g in guards else 0.0 for g in _GUARDS),
        1.0 if ent is not None and ent.outcome == "neutral" and "one side" in ent.detail else 0.0,
        low if low > 0 and other_answer(*focus(a, b)) else 0.0,
        1.0 if ent is not None and ent.detail.startswith(PROPER_SWAP) else 0.0,
        1.0 if not _excused(guards.get("direction")) and _crossed_either(a, b) else 0.0,
        1.0 if figures and not (_passed(guards, "numbers") or _passed(guards, "time")) else 0.0,
        1.0 if negated and not _passed(guards, "negation") else 0.0,
        low * shape[_ONLY_FRAC_MAX] if low > 0 else 0.0,
    ]


def _passed(guards: Mapping[str, GuardResult], name: str) -> bool:
    return name in guards and guards[name].signal > 0


@text_cache
def _figures(text: str) -> tuple[str, ...]:
    return tuple(sorted(t.low for t in analyze(text).tokens if t.kind == "num"))


@pair_cache
def _changed(a: str, b: str) -> tuple[bool, bool]:
    """Every content word has a counterpart (on the question, :func:`.context.focus`),
    and the figures differ / the counts of negation cues differ."""
    fa, fb = focus(a, b)
    al = align(fa, fb)
    if al.only_a or al.only_b:
        return False, False
    return _figures(fa) != _figures(fb), len(negations(fa)) != len(negations(fb))


def _excused(direction: GuardResult | None) -> bool:
    return direction is not None and direction.detail.endswith(SYMMETRIC_EXCUSE)


def _crossed_either(a: str, b: str) -> bool:
    """:func:`_crossed` read both ways, so the feature does not depend on which text is
    asked (the alignment and the order of the shared terms are read from one side)."""
    return _crossed(a, b) or _crossed(b, a)


@pair_cache
def _crossed(a: str, b: str) -> bool:
    """The shape of a role swap ("Did Germany beat Brazil ...?" / "Did Brazil beat
    Germany ...?"): every content word has a counterpart, the shared terms change order,
    and neither a moved block (:func:`.order.exchange` True) nor a fronted phrase
    explains it (the order of three terms or more rotated: "In 2016, did ...?" / "Did
    ... in 2016?")."""
    fa, fb = focus(a, b)
    al = align(fa, fb)
    if al.only_a or al.only_b:
        return False
    seq = shared_order(fa, fb)
    ranked = tuple(sorted(seq))
    if seq == ranked or exchange(fa, fb) is True:
        return False  # the order kept (the common case, asked first: it is the cheaper)
    return len(seq) < 3 or all(seq != ranked[k:] + ranked[:k] for k in range(1, len(seq)))


@pair_cache
def _shape(a: str, b: str) -> tuple[float, ...]:
    """The features that depend on the two texts alone (all but the cosine and the
    guards'), cached per pair."""
    fa, fb = focus(a, b)
    al = align(fa, fb)
    ta, tb = analyze(fa), analyze(fb)
    na, nb = len(set(ta.content)), len(set(tb.content))
    oa, ob = len(al.only_a), len(al.only_b)
    ra, rb = oa / max(na, 1), ob / max(nb, 1)
    inexact = sum(1 for _, _, how in al.pairs if how != "same")
    typos = sum(1 for _, _, how in al.pairs if how == "typo")
    names_a, known_a = _extras(al.only_a)
    names_b, known_b = _extras(al.only_b)
    ga, gb = _trigrams(a), _trigrams(b)
    inter = len(ga & gb)
    la, lb = len(analyze(a).words), len(analyze(b).words)
    wa, yn_a = _opening(fa)
    wb, yn_b = _opening(fb)
    moved = exchange(fa, fb) is True
    return (
        min(na, nb, 10) / 10.0,
        min(max(oa, ob), 4) / 4.0,
        min(min(oa, ob), 4) / 4.0,
        max(ra, rb),
        min(ra, rb),
        1.0 if oa == 1 and ob == 1 else 0.0,
        1.0 if (oa == 0) != (ob == 0) else 0.0,
        1.0 if oa == 0 and ob == 0 else 0.0,
        inexact / max(len(al.pairs), 1),
        min(typos, 3) / 3.0,
        min(names_a + names_b, 3) / 3.0,
        min(known_a + known_b, 3) / 3.0,
        1.0 if moved else 0.0,
        inversions(fa, fb),
        1.0 if (fa, fb) != (a, b) else 0.0,
        inter / max(len(ga) + len(gb) - inter, 1),
        min(la, lb) / max(la, lb, 1),
        1.0 if wa and wb and not (wa & wb) else 0.0,
        1.0 if (yn_a and wb) or (yn_b and wa) else 0.0,
        abs(_function_share(fa) - _function_share(fb)),
    )
