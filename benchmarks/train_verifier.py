"""Train the judge's verifier and write its calibration (deterministic; re-run at will).

    HF_HUB_OFFLINE=1 python benchmarks/train_verifier.py                 # default embedder
    HF_HUB_OFFLINE=1 python benchmarks/train_verifier.py --model st:...  # another embedder
    HF_HUB_OFFLINE=1 python benchmarks/train_verifier.py --dry-run       # only prints

Retraining for another embedder is this one command: everything below is fit again and
both files record the embedder's fingerprint. What it does:

1. reads ``benchmarks/data/judge/train.jsonl``, ``train2.jsonl``, ``dev.jsonl``,
   ``probe.jsonl``, ``probe2.jsonl``, ``probe3.jsonl`` and ``probe4.jsonl`` as one pool
   (never ``test``, ``blind``, ``blind2``, ``blind3`` or ``blind4``; the splits come from
   several authors) and embeds the questions with the embedder;
2. the *floor* is the cosine below which almost no hit of the pool lies (its 2nd
   percentile, rounded down to 0.05): recall-oriented;
3. every pair runs the guards; pairs under the floor or rejected by a hard guard are
   decided (score 0), the others are featurized (``nearcache.judge.features``);
4. the verifier is a logistic regression whose weights keep the sign their meaning gives
   (cosine, identical content and a guard's pass can only raise the score; words
   without a counterpart, extra names, terms that changed order and a changed question
   word can only lower it), L2-regularized, fit by
   L-BFGS-B (SciPy) on standardized features: no randomness;
5. the regularization is chosen by *grouped* K-fold cross-validation over the pool (a
   group -- a base question and its variants -- never straddles folds), repeated with
   several fold assignments: among those whose mean recall at the default operating
   point is within 0.01 of the best, the one with the lowest mean out-of-fold look-alike
   false-hit rate wins, then the strongest;
6. the out-of-fold scores of the whole judge (0 for floor and guard rejections) form the
   calibration pool: every bound in the table gets the lowest threshold whose one-sided
   95% Clopper-Pearson upper bound on the share of wrong hits stays within it
   (``nearcache.calibrate``); the default threshold is the lowest whose out-of-fold
   precision is >= 0.985 and look-alike false-hit rate <= 0.2% in every repetition (a
   margin under the 0.97 / 2% targets, for questions written by other people: the
   precision-first choice, at the price of some recall) and that also proves a share of
   wrong hits <= 2% (the table's row); the report records the bound it reaches;
7. the final verifier is fit on the whole pool; ``src/nearcache/judge/data/verifier.json``
   and ``calibration.json`` are written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from judge_pairs import cosines, is_hit, load_pairs

from nearcache.judge.features import FEATURES, features
from nearcache.judge.judge import run_guards, same_words
from nearcache.judge.verifier import Verifier
from nearcache.semantic.calibrate import calibrate

PKG_DATA = Path(__file__).resolve().parents[1] / "src" / "nearcache" / "judge" / "data"
#: The splits the verifier is fit and its threshold chosen on (never ``test``).
#: ``probe`` (a fourth author, new domains) is in the pool; its other half, ``blind``, is
#: never used here: it stays the unseen-data check, read only as aggregates. The same holds
#: for ``probe2`` (a fifth author, in the pool) and ``blind2`` (never in it), and for
#: ``probe3`` (a sixth author, in the pool) and ``blind3`` (never in it), and for ``probe4``
#: (a seventh author, in the pool) and ``blind4`` (never in it).
POOL_SPLITS = ("train", "train2", "dev", "probe", "probe2", "probe3", "probe4")
_PREFIX = {
    "train": "tr-",
    "train2": "t2-",
    "dev": "dv-",
    "probe": "pb-",
    "probe2": "p2-",
    "probe3": "p3-",
    "probe4": "p4-",
}
BOUNDS = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2)
#: The regularizations tried (session 20 added the values below 0.3, the edge of the grid
#: chosen in session 19: they reached the same out-of-fold recall and look-alike rate).
L2S = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
TOLERANCE = 0.01
#: The default threshold also proves this bound on the share of wrong hits (95%).
DEFAULT_BOUND = 0.02
TARGET_PRECISION = 0.985
#: The pooled out-of-fold look-alike false-hit rate: a tenth of the 2% target, because
#: questions written by other people served 7-9x the pooled rate (sessions 19-20: 0.35%
#: pooled against 2.4-2.6% on blind+blind2+blind3(+blind4) together), and the guards,
#: written while reading pool pairs, remove pool look-alikes better than unseen ones, so
#: the pooled rate at a given threshold keeps falling as guards are added (0.5% until
#: session 19, 0.4% in session 19).
TARGET_TRAP_RATE = 0.002
#: Every split of the pool (each an author's phrasing) must also keep its own out-of-fold
#: look-alike false-hit rate within this, in every run: a margin under the 2% target
#: that one author's habits cannot hide inside the pooled rate.
TARGET_SPLIT_TRAP_RATE = 0.015
#: The sign each weight must keep (+1 can only raise the score, -1 only lower it).
SIGNS = {
    "cosine": 1,
    "identical": 1,
    "only_max": -1,
    "only_min": -1,
    "only_frac_max": -1,
    "only_frac_min": -1,
    "substitution": -1,
    "extra_names": -1,
    "names_one_side": -1,
    "wh_mismatch": -1,
    "yes_no_vs_wh": -1,
    # Terms that changed order are evidence of other roles, never of the same question
    # (the guards remove the exchanges they read, so what is left in the pool is mostly
    # hits, and an unconstrained weight would reward the exchanges they miss).
    "inversions": -1,
    # A guard's signal is -1 reject, 0 neutral, +1 pass: passing can only raise the score.
    **{f"guard:{g}": 1 for g in ("numbers", "negation", "antonyms", "direction", "time")},
    **{f"guard:{g}": 1 for g in ("entities", "scope")},
}


class Pool:
    """The labeled pairs with everything the training needs, computed once."""

    def __init__(self, pairs: list[dict[str, Any]], sims: np.ndarray) -> None:
        self.pairs = pairs
        self.sims = sims
        rows, rejected, same = [], [], []
        for p, s in zip(pairs, sims):
            hard, results = run_guards(p["asked"], p["stored"])
            rows.append(features(p["asked"], p["stored"], float(s), results))
            rejected.append(hard)
            same.append(same_words(p["asked"], p["stored"]))
        self.x = np.array(rows, dtype=np.float64)
        self.rejected = rejected
        self.same = np.array(same)
        self.y = np.array([is_hit(p) for p in pairs], dtype=np.float64)
        self.trap = np.array([p["label"] == "trap" for p in pairs])
        self.groups = [p["group"] for p in pairs]

    def live(self, floor: float) -> np.ndarray:
        """Pairs the verifier decides: over the floor and through every hard guard."""
        return np.array([s >= floor and r is None for s, r in zip(self.sims, self.rejected)])


def fit(x: np.ndarray, y: np.ndarray, l2: float) -> Verifier:
    """The sign-constrained L2 logistic regression (see the module docstring)."""
    from scipy.optimize import minimize

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
    ] + [(None, None)]
    res = minimize(loss, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return Verifier(res.x[:d].tolist(), float(res.x[d]), mean.tolist(), scale.tolist(), FEATURES)


def judge_scores(v: Verifier, pool: Pool, idx: np.ndarray, live: np.ndarray) -> np.ndarray:
    """The whole judge's score: 0 when the floor or a guard rejected, 1 for the same
    words in the same order, else the verifier's."""
    out = np.zeros(len(idx))
    for n, i in enumerate(idx):
        if live[i]:
            out[n] = 1.0 if pool.same[i] else v.score(pool.x[i].tolist())
    return out


def folds(groups: list[str], k: int, seed: int) -> np.ndarray:
    """Fold of each pair: whole groups are dealt to folds in a seeded order."""
    names = sorted(set(groups))
    order = np.random.default_rng(seed).permutation(len(names))
    fold_of = {names[g]: n % k for n, g in enumerate(order)}
    return np.array([fold_of[g] for g in groups])


def out_of_fold(pool: Pool, live: np.ndarray, l2: float, k: int, seed: int) -> np.ndarray:
    """Out-of-fold judge scores of every pair."""
    fold = folds(pool.groups, k, seed)
    scores = np.zeros(len(pool.pairs))
    for f in range(k):
        train = (fold != f) & live
        test = np.flatnonzero(fold == f)
        scores[test] = judge_scores(fit(pool.x[train], pool.y[train], l2), pool, test, live)
    return scores


def metrics(scores: np.ndarray, pool: Pool, t: float) -> dict[str, float]:
    acc = scores >= t
    tp = int((acc & (pool.y == 1)).sum())
    n_acc = int(acc.sum())
    return {
        "precision": tp / n_acc if n_acc else 1.0,
        "recall": tp / max(int(pool.y.sum()), 1),
        "trap_false_hit_rate": int((acc & pool.trap).sum()) / max(int(pool.trap.sum()), 1),
        "accepted": n_acc,
    }


def operating_threshold(runs: list[np.ndarray], pool: Pool) -> float | None:
    """The lowest threshold meeting the precision and trap-rate margins in every run."""
    for t in sorted({round(float(s), 4) for r in runs for s in r if s > 0}):
        ms = [metrics(r, pool, t) for r in runs]
        if all(
            m["precision"] >= TARGET_PRECISION and m["trap_false_hit_rate"] <= TARGET_TRAP_RATE
            for m in ms
        ) and all(
            m["trap_false_hit_rate"] <= TARGET_SPLIT_TRAP_RATE
            for r in runs
            for m in per_split(r, pool, t).values()
        ):
            return t
    return None


def select(pool: Pool, live: np.ndarray, k: int, repeats: int) -> tuple[float, list[np.ndarray]]:
    """Among the regularizations whose mean out-of-fold recall at the operating point is
    within ``TOLERANCE`` of the best, the one serving the fewest look-alikes out of fold
    (a false hit costs more than a miss), then the strongest (the simpler model, for
    questions written by other people, when the data cannot tell them apart)."""
    tried: list[tuple[float, float, float, list[np.ndarray]]] = []
    for l2 in L2S:
        runs = [out_of_fold(pool, live, l2, k, seed) for seed in range(repeats)]
        t = operating_threshold(runs, pool)
        ms = [metrics(r, pool, t) for r in runs] if t is not None else []
        rec = float(np.mean([m["recall"] for m in ms])) if ms else 0.0
        fhr = float(np.mean([m["trap_false_hit_rate"] for m in ms])) if ms else 1.0
        print(f"  l2={l2:<5} threshold {t}  mean out-of-fold recall {rec:.3f}  look-alikes {fhr:.4f}")
        tried.append((l2, rec, round(fhr, 4), runs))
    best = max(rec for _, rec, _, _ in tried)
    near = [x for x in tried if x[1] >= best - TOLERANCE]
    l2, _, _, runs = min(near, key=lambda x: (x[2], -x[0]))
    return l2, runs


def table(scores: np.ndarray, pool: Pool) -> list[dict[str, Any]]:
    """Bound -> threshold rows (Clopper-Pearson on the out-of-fold scores)."""
    rows = []
    scored = [(float(s), bool(y)) for s, y in zip(scores, pool.y) if s > 0]
    for d in BOUNDS:
        cal = calibrate(None, scored, max_false_hit_rate=d)
        t = cal.threshold
        rows.append(
            {
                "max_false_hit_rate": d,
                "accept_threshold": t,
                "precision": cal.precision,
                "upper_bound": cal.upper_bound,
                "recall": None if t is None else metrics(scores, pool, t)["recall"],
            }
        )
        print(f"  bound {d:<5} -> threshold {t}")
    return rows


def upper_bound(scores: np.ndarray, pool: Pool, t: float) -> float:
    """The one-sided 95% Clopper-Pearson upper bound on the share of wrong hits among
    the pairs accepted at ``t``."""
    from scipy.stats import beta

    acc = scores >= t
    n, wrong = int(acc.sum()), int((acc & (pool.y == 0)).sum())
    return 1.0 if n == 0 or wrong == n else float(beta.ppf(0.95, wrong + 1, n - wrong))


def per_split(scores: np.ndarray, pool: Pool, t: float) -> dict[str, dict[str, float]]:
    """Out-of-fold precision, recall and trap false-hit rate of each split of the pool
    (train2 has another author than train and dev: the nearest thing to unseen data)."""
    out = {}
    for split in POOL_SPLITS:
        mask = np.array([p["id"].startswith(_PREFIX[split]) for p in pool.pairs])
        acc = (scores >= t) & mask
        tp = int((acc & (pool.y == 1)).sum())
        out[split] = {
            "precision": tp / max(int(acc.sum()), 1),
            "recall": tp / max(int((mask & (pool.y == 1)).sum()), 1),
            "trap_false_hit_rate": int((acc & pool.trap).sum())
            / max(int((mask & pool.trap).sum()), 1),
        }
    return out


def per_category(scores: np.ndarray, pool: Pool, t: float) -> dict[str, float]:
    cats: dict[str, list[int]] = {}
    for s, p in zip(scores, pool.pairs):
        c = cats.setdefault(f"{p['label']}/{p['category']}", [0, 0])
        c[0] += 1
        c[1] += int(s >= t)
    return {k: v[1] / v[0] for k, v in sorted(cats.items())}


def pool_pairs() -> list[dict[str, Any]]:
    """The labeled pairs of every split in :data:`POOL_SPLITS`, in that order."""
    return [p for split in POOL_SPLITS for p in load_pairs(split)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the package data")
    ap.add_argument("--model", default="default", help="embedder (a nearcache --model name)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3, help="fold assignments to average over")
    args = ap.parse_args()

    from nearcache.cli.models import resolve_embedder

    embedder = resolve_embedder(args.model)
    pairs = pool_pairs()
    t0 = time.perf_counter()
    pool = Pool(pairs, cosines(embedder, pairs))
    print(
        f"{len(pairs)} {'+'.join(POOL_SPLITS)} pairs embedded and featurized"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    hit_cos = pool.sims[pool.y == 1]
    # to two decimals first, so a percentile of 0.5499 is 0.55, not floored to 0.50
    floor = float(np.floor(round(float(np.percentile(hit_cos, 2)), 2) * 20) / 20)
    print(f"floor {floor:.2f} (2nd percentile of hit cosines {np.percentile(hit_cos, 2):.3f})")
    live = pool.live(floor)
    l2, runs = select(pool, live, args.folds, args.repeats)
    margin = operating_threshold(runs, pool)
    assert margin is not None, "no threshold meets the margins out of fold"
    rows = table(runs[0], pool)
    proven = next(r["accept_threshold"] for r in rows if r["max_false_hit_rate"] == DEFAULT_BOUND)
    threshold = round(max(margin, proven or 1.0), 4)
    bound = upper_bound(runs[0], pool, threshold)
    print(f"chosen l2={l2}, default threshold {threshold} (margins {margin}, bound {proven})")
    report = {f"out-of-fold run {n}": metrics(r, pool, threshold) for n, r in enumerate(runs)}
    report["wrong-hit share upper bound (95%, run 0)"] = {"default": bound}
    report["per split (run 0)"] = per_split(runs[0], pool, threshold)
    report["per category (run 0)"] = per_category(runs[0], pool, threshold)
    print(json.dumps(report, indent=1))
    final = fit(pool.x[live], pool.y[live], l2)
    fingerprint = str(getattr(embedder, "fingerprint", args.model))
    meta = {
        "model": "sign-constrained logistic regression",
        "l2": l2,
        "pool": {split: len(load_pairs(split)) for split in POOL_SPLITS},
        "cv": {"folds": args.folds, "repeats": args.repeats, "grouped_by": "group"},
        "embedder": fingerprint,
    }
    verifier = Verifier(final.weights, final.bias, final.mean, final.scale, FEATURES, meta)
    print("weights:", ", ".join(f"{n}={w:+.2f}" for n, w in zip(FEATURES, verifier.weights)))
    if args.dry_run:
        return
    (PKG_DATA / "verifier.json").write_text(json.dumps(verifier.to_json(), indent=1) + "\n")
    cal_json = {
        "embedder": fingerprint,
        "floor": floor,
        "accept_threshold": threshold,
        "table": rows,
        "meta": {
            "confidence": 0.95,
            "pool": f"out-of-fold judge scores on {'+'.join(POOL_SPLITS)} (grouped K-fold, run 0)",
            "margins": {
                "precision": TARGET_PRECISION,
                "trap_false_hit_rate": TARGET_TRAP_RATE,
                "trap_false_hit_rate_per_split": TARGET_SPLIT_TRAP_RATE,
            },
            "report": report,
        },
    }
    (PKG_DATA / "calibration.json").write_text(json.dumps(cal_json, indent=1) + "\n")
    print(f"wrote {PKG_DATA / 'verifier.json'} and calibration.json")


if __name__ == "__main__":
    main()
