"""The verifier's fit: the labeled pool, the sign-constrained logistic regression and the
whole judge's score of a pair (used by ``train_verifier.py``, ``verifier_cv.py`` and
``hit_quality.py --cv``, so all three score pairs the same way)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from judge_pairs import is_hit

from nearcache.judge.features import FEATURES, PAIRABLE
from nearcache.judge.judge import one_side_wordless, run_guards, same_words, verifier_inputs
from nearcache.judge.verifier import Verifier

#: The sign each weight must keep (+1 can only raise the score, -1 only lower it).
SIGNS = {
    "cosine": 1,
    "identical": 1,
    # A text reworded in another register (code, a terse query) against a question.
    "function_gap": 1,
    "only_max": -1,
    "only_min": -1,
    "only_frac_max": -1,
    "only_frac_min": -1,
    "substitution": -1,
    "extra_names": -1,
    "names_one_side": -1,
    "names_swapped": -1,
    "wh_mismatch": -1,
    "yes_no_vs_wh": -1,
    "asks_other": -1,
    # Terms that changed order are evidence of other roles, never of the same question
    # (the guards remove the exchanges they read, so what is left in the pool is mostly
    # hits, and an unconstrained weight would reward the exchanges they miss).
    "inversions": -1,
    # Fit apart, on the guard-refused look-alikes of their shape (:data:`SHADOW_STAGES`).
    "crossed": -1,
    "numbers_changed": -1,
    "negation_changed": -1,
    # Unshared content at a low cosine: another question on the same topic.
    "apart": -1,
    # A guard's signal is -1 reject, 0 neutral, +1 pass: passing can only raise the score.
    **{f"guard:{g}": 1 for g in ("numbers", "negation", "antonyms", "direction", "time")},
    **{f"guard:{g}": 1 for g in ("entities", "scope")},
}


#: The shape features fit in a second stage, each on the guard-refused traps of its kinds
#: (read with every guard neutral) beside the live pairs of the shape: every look-alike of
#: the shape in the pool is refused by a guard, so the live pairs alone would leave its
#: weight at 0 and the verifier would serve the ones a guard misses. ``crossed`` (a role
#: swap): with a guard neutral, 757 of 895 role and 342 of 488 direction traps scored over
#: the threshold (session 31). ``numbers_changed`` / ``negation_changed`` (every content
#: word met, another figure or another count of negation cues, no guard vouching for
#: them): 352 of 464 number, 160 of 331 date and 196 of 381 negation traps (session 32).
SHADOW_STAGES: dict[str, frozenset[str]] = {
    "crossed": frozenset({"role", "direction"}),
    "numbers_changed": frozenset({"number", "date"}),
    "negation_changed": frozenset({"negation"}),
}
#: Each such refused trap counts this much against a live hit of the shape: about the
#: share of a fresh author's role and direction traps the guards let through (probe18,
#: before the guards read it: 12 of its 92 reached the verifier). 0.01-0.3 gave weights
#: of -5 to -8 per unit (session 31): the choice matters little.
SHADOW_WEIGHT = 0.1

#: The product terms of the "interactions" model class: every pair of PAIRABLE features.
INTERACTIONS: tuple[tuple[str, str], ...] = tuple(itertools.combinations(PAIRABLE, 2))


def expand(x: np.ndarray, interactions: Sequence[Sequence[str]]) -> np.ndarray:
    """The feature rows with one product column per interaction appended (the inputs
    :class:`Verifier` computes for itself at scoring time)."""
    at = {n: i for i, n in enumerate(FEATURES)}
    cols = [x[:, at[a]] * x[:, at[b]] for a, b in interactions]
    return np.column_stack([x, *cols]) if cols else x


class Pool:
    """The labeled pairs with everything the training needs, computed once.

    ``splits`` names each pair's split (one author or batch): the unit that
    leave-one-split-out cross-validation holds out."""

    def __init__(self, pairs: list[dict[str, Any]], sims: np.ndarray, splits: list[str]) -> None:
        self.pairs = pairs
        self.sims = sims
        self.split = np.array(splits)
        rows, rejected, same, wordless, bare = [], [], [], [], []
        self.bare_x = np.zeros((len(pairs), len(FEATURES)))
        for n, (p, s) in enumerate(zip(pairs, sims)):
            hard, results = run_guards(p["asked"], p["stored"])
            # the pair's features and the two questions' alone, as the judge reads them
            row, alone = verifier_inputs(p["asked"], p["stored"], float(s), results)
            rows.append(row)
            rejected.append(hard)
            same.append(same_words(p["asked"], p["stored"]))
            wordless.append(one_side_wordless(p["asked"], p["stored"]))
            bare.append(alone is not None)
            if alone is not None:
                self.bare_x[n] = alone
        self.x = np.array(rows, dtype=np.float64)
        self.bare = np.array(bare, dtype=bool)
        self.wordless = np.array(wordless, dtype=bool)
        self.rejected = rejected
        # The refused traps of each second-stage shape and its kinds, read as if no guard
        # had refused them (every refusing signal neutral): they train its weight.
        self.shadow = np.zeros(len(pairs), dtype=bool)
        for name, kinds in SHADOW_STAGES.items():
            self.shadow |= (self.x[:, FEATURES.index(name)] == 1) & np.array(
                [r is not None and p["category"] in kinds for p, r in zip(pairs, rejected)]
            )
        guard = np.array([n.startswith("guard:") for n in FEATURES])
        self.shadow_x = np.where(guard & (self.x < 0), 0.0, self.x)
        self.same = np.array(same)
        self.y = np.array([is_hit(p) for p in pairs], dtype=np.float64)
        self.trap = np.array([p["label"] == "trap" for p in pairs])
        self.groups = [p["group"] for p in pairs]

    def live(self, floor: float) -> np.ndarray:
        """Pairs the verifier decides: over the floor and through every hard guard."""
        return np.array([s >= floor and r is None for s, r in zip(self.sims, self.rejected)])


def fit(
    x: np.ndarray,
    y: np.ndarray,
    l2: float,
    interactions: Sequence[Sequence[str]] = (),
    shadow: np.ndarray | None = None,
) -> Verifier:
    """The sign-constrained L2 logistic regression on standardized features (product
    terms, if any, are free in sign), fit by L-BFGS-B (SciPy): deterministic. Then, if
    ``shadow`` rows (refused look-alikes of the second-stage shapes, :class:`Pool`) are
    given, the weight of each shape of :data:`SHADOW_STAGES` alone is fit again, in turn,
    on the shadow rows and the live rows of that shape (:func:`_shape_weight`)."""
    from scipy.optimize import minimize

    raw = x
    x = expand(x, interactions)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    d = z.shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        logits = z @ w[:d] + w[d]
        p = 1.0 / (1.0 + np.exp(-logits))
        nll = np.logaddexp(0.0, logits).sum() - (y * logits).sum()
        grad = np.append(z.T @ (p - y) + l2 * w[:d], (p - y).sum())
        return float(nll + 0.5 * l2 * (w[:d] ** 2).sum()), grad

    bounds = [
        (0.0, None) if SIGNS.get(n, 0) > 0 else (None, 0.0) if SIGNS.get(n, 0) < 0 else (None, None)
        for n in FEATURES
    ] + [(None, None)] * (len(interactions) + 1)
    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    w, b = res.x[:d], float(res.x[d])
    for name in SHADOW_STAGES if shadow is not None and len(shadow) else ():
        assert shadow is not None
        c = FEATURES.index(name)
        on, rows = raw[:, c] == 1, shadow[shadow[:, c] == 1]
        if not len(rows):
            continue
        logits = np.concatenate([z[on], (expand(rows, interactions) - mean) / scale]) @ w + b
        labels = np.concatenate([y[on], np.zeros(len(rows))])
        weights = np.concatenate([np.ones(int(on.sum())), np.full(len(rows), SHADOW_WEIGHT)])
        extra = _shape_weight(logits, labels, weights)
        w[c] += extra * scale[c]  # the same raw weight added, in standardized units
        b += extra * mean[c]
    return Verifier(w.tolist(), b, mean.tolist(), scale.tolist(), FEATURES, None, interactions)


def _shape_weight(logits: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """The weight (<= 0, per unit of a second-stage shape) that, added to the fitted
    ``logits`` of the pairs of that shape, best fits their labels (weighted log-loss)."""
    from scipy.optimize import minimize_scalar

    def loss(c: float) -> float:
        z = logits + c
        return float((weights * (np.logaddexp(0.0, z) - y * z)).sum())

    return float(minimize_scalar(loss, bounds=(-30.0, 0.0), method="bounded").x)


def judge_scores(v: Verifier, pool: Pool, idx: np.ndarray, live: np.ndarray) -> np.ndarray:
    """The whole judge's score, as ``DefaultJudge`` reaches it: 0 when the floor or a
    guard rejected or one text has no words, 1 for the same words in the same order, else
    the verifier's -- the lower of the pair's and the two questions' alone when the judge
    also scores those (:func:`nearcache.judge.context.bare_pair`)."""
    out = np.zeros(len(idx))
    for n, i in enumerate(idx):
        if not live[i] or pool.wordless[i]:  # no words on one side: never the same
            continue
        if pool.same[i]:
            out[n] = 1.0
            continue
        out[n] = v.judge_score(
            pool.x[i].tolist(), pool.bare_x[i].tolist() if pool.bare[i] else None
        )
    return out
