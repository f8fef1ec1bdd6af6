"""How the verifier is estimated and chosen: leave-one-split-out cross-validation and the
selection rule (docs/judge.md, "Calibration").

Each split of the pool is one author or one batch (train, train2, dev, probe..probe5).
Holding a whole split out -- the verifier fit on the others, the held-out split scored by
the whole judge -- is the nearest the pool comes to questions written by someone else: a
random fold shares its authors' habits with the training folds. (The guards are still
written while reading every split, so even this estimate is optimistic for unseen text;
the margins below are set with that in mind.)

The rule: a served wrong answer costs ``COST`` missed hits. For each candidate (model
class and regularization) the threshold maximizes the held-out utility -- hits served
minus ``COST`` x wrong pairs served (look-alikes and unrelated), counted over every
split's leave-one-split-out scores -- among thresholds keeping pooled precision >=
``TARGET_PRECISION`` and pooled recall >= ``MIN_RECALL``; the candidate with the highest
utility wins, and among those within ``TOLERANCE`` of it the simpler class, then the
fewest wrong pairs served held out, then the stronger regularization, then the higher
floor (the floors are candidates of the same rule: :func:`choose_floor`). Within the
tolerance the utilities tie, so the tie goes to the fewer wrong answers the issue ranks
first, and to the higher floor, the cheapest refusal of unrelated questions, whose
held-out cost is the pool's thinnest estimate (they are about 4% of its pairs). Until
session 32 the lower floor won such ties.
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
#: A wrong hit served costs this many hits missed: a threshold step must serve 30 true
#: hits per wrong one it lets through (97% precision at the margin). The binding target
#: is the unseen look-alike rate, and recall has room (0.69-0.84 unseen at cost 20,
#: against 0.6). Raised from 20 in session 23: with more rules written on the pool, its
#: held-out estimate let the threshold fall (0.9095 -> 0.8806) and the unseen sets served
#: more look-alikes (21 -> 24 of 1,179). 30 and 40 choose the same verifier. Lowered to
#: 25 in session 25 (15 splits) by the coordinator's rule on the blind totals: as many
#: blind sets miss a target as at 30, the worst one by less, one look-alike fewer. Kept at
#: 25 in session 26 (17 splits); neither cost's retrain shipped: both chose an interactions
#: model that served more blind look-alikes (39 / 34 of 2,161) than session 25's weights
#: with session 26's guards (30, 3 of 14 sets missing a target against 5 / 4), which ship.
#: Session 27: with the ``asks_other`` feature the rule itself picks a linear model (utility
#: 2,706 against the interactions class's best 2,598) at floor 0.50.
COST = 25
TARGET_PRECISION = 0.985
#: Pooled held-out recall floor: unseen sets ran up to 0.15 below it (blind4 0.672 at a
#: pooled 0.817), so 0.75 keeps them near the 0.6 target.
MIN_RECALL = 0.75
#: Relative utility within which candidates tie (then the simpler one wins).
TOLERANCE = 0.01
#: The highest floor tried: the floors are the percentile one and every step of 0.05
#: above it up to this. With 17 splits the percentile fell to 0.45 and the rule tried
#: 0.45-0.55 (session 27: the pairs at 0.45-0.50 served more unrelated questions than
#: hits held out); with 22 it fell to 0.40, and the rule's floor 0.50 (N2, session 32)
#: cost the newest authors' held-out recall (0.737 -> 0.712) and did not ship. A floor refuses for good the heavy paraphrases under it,
#: which the newest authors write most, so it is capped here rather than chosen by the
#: pool's held-out utility, where the older authors weigh most.
HIGHEST_FLOOR = 0.45


def floors(lowest: float, highest: float = HIGHEST_FLOOR) -> list[float]:
    """The floors tried: ``lowest`` and every step of 0.05 above it up to ``highest``
    (``lowest`` alone if it is higher)."""
    out = [round(lowest, 2)]
    while round(out[-1] + 0.05, 2) <= highest + 1e-9:
        out.append(round(out[-1] + 0.05, 2))
    return out


def leave_one_split_out(
    pool: Pool, live: np.ndarray, l2: float, interactions: Sequence[Sequence[str]] = ()
) -> np.ndarray:
    """Every pair's judge score from a verifier fit on the other splits only."""
    scores = np.zeros(len(pool.pairs))
    for split in dict.fromkeys(pool.split.tolist()):
        held = pool.split == split
        train = ~held & live
        v = fit(pool.x[train], pool.y[train], l2, interactions, pool.shadow_x[~held & pool.shadow])
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
        shadow = pool.shadow_x[(fold != f) & pool.shadow]
        v = fit(pool.x[train], pool.y[train], l2, interactions, shadow)
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
        "wrong": n_acc - tp,
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


def utility(scores: np.ndarray, pool: Pool, t: float, cost: float = COST) -> float:
    """Hits served minus ``cost`` x wrong pairs served at threshold ``t``."""
    acc = scores >= t
    hits = int((acc & (pool.y == 1)).sum())
    return float(hits - cost * (int(acc.sum()) - hits))


def operating_threshold(scores: np.ndarray, pool: Pool, cost: float = COST) -> float | None:
    """The threshold of highest :func:`utility` (the lowest among equals) keeping pooled
    precision >= ``TARGET_PRECISION`` and recall >= ``MIN_RECALL``, or None."""
    best: tuple[float, float] | None = None
    for t in sorted({round(float(s), 4) for s in scores if s > 0}):
        m = metrics(scores, pool, t)
        if m["recall"] < MIN_RECALL:
            break  # recall only falls as the threshold rises
        if m["precision"] < TARGET_PRECISION:
            continue
        u = utility(scores, pool, t, cost)
        if best is None or u > best[0]:
            best = (u, t)
    return None if best is None else best[1]


#: One candidate of the rule: (utility, class rank, wrong pairs served, l2, floor, class,
#: leave-one-split-out scores, threshold).
Candidate = tuple[float, int, int, float, float, str, np.ndarray, float]


def candidates(
    pool: Pool, live: np.ndarray, cost: float = COST, floor: float = 0.0
) -> list[Candidate]:
    """Every model class and regularization on the pairs ``live`` (those over ``floor``
    and through the guards), each with its leave-one-split-out scores, operating
    threshold and utility (a wrong hit costing ``cost`` missed ones)."""
    tried: list[Candidate] = []
    for rank, (kind, interactions) in enumerate(CLASSES.items()):
        for l2 in L2S:
            scores = leave_one_split_out(pool, live, l2, interactions)
            t = operating_threshold(scores, pool, cost)
            u = utility(scores, pool, t, cost) if t is not None else float("-inf")
            m = metrics(scores, pool, t if t is not None else 2.0)
            print(
                f"  {kind:12s} l2={l2:<5} threshold {t}  utility {u:.0f}  recall"
                f" {m['recall']:.3f}  precision {m['precision']:.4f}"
                f"  look-alikes served {m['traps_served']}  wrong {m['wrong']}"
            )
            wrong = int(m["wrong"]) if t is not None else 0
            tried.append((u, rank, wrong, l2, floor, kind, scores, t or 1.0))
    return tried


def pick(tried: list[Candidate]) -> Candidate:
    """The rule's choice: the highest utility, and among the candidates within
    ``TOLERANCE`` of it the simpler class, then the fewest wrong pairs served, then the
    stronger regularization, then the higher floor."""
    best = max(c[0] for c in tried)
    near = [c for c in tried if c[0] >= best - TOLERANCE * abs(best)]
    return min(near, key=lambda c: (c[1], c[2], -c[3], -c[4]))


def select(
    pool: Pool, live: np.ndarray, cost: float = COST
) -> tuple[str, float, np.ndarray, float]:
    """The rule (module docstring) over every model class and regularization on the
    pairs ``live``: ``(class, l2, its leave-one-split-out scores, threshold)``."""
    _, _, _, l2, _, kind, scores, t = pick(candidates(pool, live, cost))
    return kind, l2, scores, t


def choose_floor(
    pool: Pool, lowest: float, cost: float = COST, highest: float = HIGHEST_FLOOR
) -> tuple[float, str, float, np.ndarray, float]:
    """The rule applied to every candidate of every floor (:func:`floors`) at once, so a
    floor is never passed over for a tie broken inside it: ``(floor, class, l2, scores,
    threshold)``."""
    tried: list[Candidate] = []
    for floor in floors(lowest, highest):
        print(f" floor {floor:.2f}:")
        tried += candidates(pool, pool.live(floor), cost, floor)
    _, _, _, l2, floor, kind, scores, t = pick(tried)
    print(f" chosen: floor {floor:.2f}, {kind} l2={l2}, threshold {t}")
    return floor, kind, l2, scores, t


def split_table(scores: np.ndarray, pool: Pool, t: float) -> str:
    """Per held-out split and pooled: precision, recall, look-alikes served."""
    rows = [*per_split(scores, pool, t).items(), ("pooled", metrics(scores, pool, t))]
    lines = [f"{'held out':10s} {'P':>6s} {'R':>6s} {'look-alikes served':>20s}"]
    for name, m in rows:
        served = f"{m['traps_served']}/{m['traps']} ({m['trap_false_hit_rate']:.2%})"
        lines.append(f"{name:10s} {m['precision']:6.3f} {m['recall']:6.3f} {served:>20s}")
    return "\n".join(lines)
