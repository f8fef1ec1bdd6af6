"""How the verifier is estimated and chosen: leave-one-split-out cross-validation and the
selection rule (docs/judge.md, "Calibration").

Each split of the pool is one author or one batch (train, train2, dev, probe..probe5).
Holding a whole split out -- the verifier fit on the others, the held-out split scored by
the whole judge -- is the nearest the pool comes to questions written by someone else: a
random fold shares its authors' habits with the training folds. (The guards are still
written while reading every split, so even this estimate is optimistic for unseen text;
the margins below are set with that in mind.)

The rule: for each regularization, the threshold is the lowest whose leave-one-split-out
figures meet every margin (pooled precision >= ``TARGET_PRECISION`` and look-alike
false-hit rate <= ``TARGET_TRAP_RATE``; each held-out split's look-alike rate <=
``TARGET_SPLIT_TRAP_RATE`` and precision >= ``TARGET_SPLIT_PRECISION``); among the
regularizations whose pooled recall there is within ``TOLERANCE`` of the best, the one
serving the fewest look-alikes wins, then the strongest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from verifier_fit import INTERACTIONS, Pool, fit, judge_scores

#: The regularizations tried.
L2S = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
#: The model classes tried, simplest first: the plain features, then with every product
#: of two shape features (``verifier_fit.INTERACTIONS``).
CLASSES: dict[str, tuple[tuple[str, str], ...]] = {"linear": (), "interactions": INTERACTIONS}
TOLERANCE = 0.01
TARGET_PRECISION = 0.985
#: Pooled leave-one-split-out look-alike rate: an eighth of the 2% target. The session-20
#: judge served 0.24% of the pool's look-alikes this way against 2.3% of the unseen sets'
#: (blind..blind4 together): the guards are written on pool pairs, so unseen text runs at
#: ~10x this estimate, and the threshold buys little of that back (docs/judge.md).
TARGET_TRAP_RATE = 0.0025
#: Every held-out split (one author's phrasing, unseen by the verifier that scores it).
TARGET_SPLIT_TRAP_RATE = 0.010
TARGET_SPLIT_PRECISION = 0.97


def leave_one_split_out(
    pool: Pool, live: np.ndarray, l2: float, interactions: Sequence[Sequence[str]] = ()
) -> np.ndarray:
    """Every pair's judge score from a verifier fit on the other splits only."""
    scores = np.zeros(len(pool.pairs))
    for split in dict.fromkeys(pool.split.tolist()):
        held = pool.split == split
        v = fit(pool.x[~held & live], pool.y[~held & live], l2, interactions)
        scores[held] = judge_scores(v, pool, np.flatnonzero(held), live)
    return scores


def folds(groups: list[str], k: int, seed: int) -> np.ndarray:
    """Fold of each pair: whole groups are dealt to folds in a seeded order."""
    names = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(names))
    fold_of = {names[g]: n % k for n, g in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def out_of_fold(
    pool: Pool,
    live: np.ndarray,
    l2: float,
    k: int,
    seed: int,
    interactions: Sequence[Sequence[str]] = (),
) -> np.ndarray:
    """Grouped K-fold judge scores (a base question and its variants never straddle
    folds, but authors do): the in-author figure, printed beside the estimate."""
    fold = folds(pool.groups, k, seed)
    scores = np.zeros(len(pool.pairs))
    for f in range(k):
        train = (fold != f) & live
        test = np.flatnonzero(fold == f)
        v = fit(pool.x[train], pool.y[train], l2, interactions)
        scores[test] = judge_scores(v, pool, test, live)
    return scores


def metrics(
    scores: np.ndarray, pool: Pool, t: float, mask: np.ndarray | None = None
) -> dict[str, float]:
    """Precision, recall, look-alike false-hit rate (and counts) at threshold ``t``."""
    m = np.ones(len(scores), dtype=bool) if mask is None else mask
    acc = (scores >= t) & m
    hit = pool.y == 1
    tp, n_acc = int((acc & hit).sum()), int(acc.sum())
    traps, served = int((m & pool.trap).sum()), int((acc & pool.trap).sum())
    return {
        "precision": tp / n_acc if n_acc else 1.0,
        "recall": tp / max(int((m & hit).sum()), 1),
        "trap_false_hit_rate": served / max(traps, 1),
        "traps_served": served,
        "traps": traps,
        "accepted": n_acc,
    }


def per_split(scores: np.ndarray, pool: Pool, t: float) -> dict[str, dict[str, float]]:
    """:func:`metrics` of each split on its own."""
    return {
        s: metrics(scores, pool, t, pool.split == s) for s in dict.fromkeys(pool.split.tolist())
    }


def meets_margins(scores: np.ndarray, pool: Pool, t: float) -> bool:
    """Whether threshold ``t`` meets every margin of the rule (module docstring)."""
    m = metrics(scores, pool, t)
    if m["precision"] < TARGET_PRECISION or m["trap_false_hit_rate"] > TARGET_TRAP_RATE:
        return False
    return all(
        s["trap_false_hit_rate"] <= TARGET_SPLIT_TRAP_RATE
        and s["precision"] >= TARGET_SPLIT_PRECISION
        for s in per_split(scores, pool, t).values()
    )


def operating_threshold(scores: np.ndarray, pool: Pool) -> float | None:
    """The lowest threshold meeting every margin, or None."""
    for t in sorted({round(float(s), 4) for s in scores if s > 0}):
        if meets_margins(scores, pool, t):
            return t
    return None


def select(pool: Pool, live: np.ndarray) -> tuple[str, float, np.ndarray, float]:
    """The rule (module docstring) over every model class and regularization:
    ``(class, l2, its leave-one-split-out scores, threshold)``."""
    tried: list[tuple[str, int, float, float, float, np.ndarray, float]] = []
    for rank, (kind, interactions) in enumerate(CLASSES.items()):
        for l2 in L2S:
            scores = leave_one_split_out(pool, live, l2, interactions)
            t = operating_threshold(scores, pool)
            m = metrics(scores, pool, t) if t is not None else {"recall": 0.0, "traps_served": 1e9}
            print(
                f"  {kind:12s} l2={l2:<5} threshold {t}  leave-one-split-out recall"
                f" {m['recall']:.3f}  look-alikes served {m['traps_served']}"
            )
            tried.append((kind, rank, l2, m["recall"], m["traps_served"], scores, t or 1.0))
    best = max(x[3] for x in tried)
    kind, _, l2, _, _, scores, t = min(
        (x for x in tried if x[3] >= best - TOLERANCE), key=lambda x: (x[4], x[1], -x[2])
    )
    return kind, l2, scores, t


def split_table(scores: np.ndarray, pool: Pool, t: float) -> str:
    """Per held-out split and pooled: precision, recall, look-alikes served."""
    rows = [*per_split(scores, pool, t).items(), ("pooled", metrics(scores, pool, t))]
    lines = [f"{'held out':10s} {'P':>6s} {'R':>6s} {'look-alikes served':>20s}"]
    for name, m in rows:
        served = f"{m['traps_served']}/{m['traps']} ({m['trap_false_hit_rate']:.2%})"
        lines.append(f"{name:10s} {m['precision']:6.3f} {m['recall']:6.3f} {served:>20s}")
    return "\n".join(lines)
