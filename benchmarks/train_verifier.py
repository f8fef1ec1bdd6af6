"""Train the judge's verifier and write its calibration (deterministic; re-run at will).

    HF_HUB_OFFLINE=1 python benchmarks/train_verifier.py                 # default embedder
    HF_HUB_OFFLINE=1 python benchmarks/train_verifier.py --model st:...  # another embedder
    HF_HUB_OFFLINE=1 python benchmarks/train_verifier.py --dry-run       # only prints

Retraining for another embedder is this one command: everything below is fit again and
both files record the embedder's fingerprint. What it does:

1. reads the splits in :data:`POOL_SPLITS` as one pool (never ``test`` nor any
   ``blind*``; each split is one author or batch) and embeds the questions;
2. the *floor* is the cosine below which almost no hit of the pool lies (its 2nd
   percentile, rounded down to 0.05: recall-oriented) or a step of 0.05 above it up to
   ``verifier_cv.HIGHEST_FLOOR``, whichever the rule of step 5 prefers
   (``verifier_cv.choose_floor``); ``--floor`` fixes it (the rule then chooses the rest);
3. every pair runs the guards; pairs under the floor or rejected by a hard guard are
   decided (score 0), the others are featurized (``nearcache.judge.features``);
4. the verifier is a logistic regression whose weights keep the sign their meaning gives
   (``verifier_fit.SIGNS``), L2-regularized, fit by L-BFGS-B on standardized features:
   no randomness; the weight of ``crossed`` (the shape of a role swap, which no live pair
   of the pool has as a look-alike) is then fit on the guard-refused role and direction
   traps of that shape (``verifier_fit.SHADOW_WEIGHT``);
5. the estimate is *leave-one-split-out*: each split is scored by the whole judge with a
   verifier fit on the other splits (``verifier_cv.py``); the model class, the
   regularization and the default threshold are chosen from it by the rule written in
   ``verifier_cv.py`` and docs/judge.md (a wrong hit costs 25 missed hits);
6. those scores form the calibration pool: every bound in the table gets the lowest
   threshold whose one-sided 95% Clopper-Pearson upper bound on the share of wrong hits
   stays within it (``nearcache.calibrate``); the default threshold also proves the 2%
   row; grouped K-fold figures (authors shared between folds) are printed beside them;
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
from judge_pairs import cosines, load_pairs
from verifier_cv import (
    CLASSES,
    COST,
    HIGHEST_FLOOR,
    MIN_RECALL,
    TARGET_PRECISION,
    choose_floor,
    metrics,
    out_of_fold,
    per_split,
    split_table,
)
from verifier_fit import Pool, fit

from nearcache.judge.features import FEATURES
from nearcache.judge.verifier import Verifier
from nearcache.semantic.calibrate import calibrate

PKG_DATA = Path(__file__).resolve().parents[1] / "src" / "nearcache" / "judge" / "data"
#: The splits the verifier is fit and its threshold chosen on, each one author or batch
#: (never ``test``; every ``blindN`` -- the other half of ``probeN``, by the same author --
#: stays the unseen-data check, read only as totals).
POOL_SPLITS = (
    "train",
    "train2",
    "dev",
    "probe",
    "probe2",
    "probe3",
    "probe4",
    "probe5",
    "probe6",
    "probe7",
    "probe8",
    "probe9",
    "probe10",
    "probe11",
    "probe12",
    "probe13",
    "probe14",
    "probe15",
    "probe16",
    "probe17",
    "probe18",
    "probe19",
    "probe20",
)
BOUNDS = (0.01, 0.02, 0.03, 0.05, 0.1, 0.2)
#: The default threshold also proves this bound on the share of wrong hits (95%).
DEFAULT_BOUND = 0.02


def table(scores: np.ndarray, pool: Pool) -> list[dict[str, Any]]:
    """Bound -> threshold rows (Clopper-Pearson on the held-out scores)."""
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


def per_category(scores: np.ndarray, pool: Pool, t: float) -> dict[str, float]:
    cats: dict[str, list[int]] = {}
    for s, p in zip(scores, pool.pairs):
        c = cats.setdefault(f"{p['label']}/{p['category']}", [0, 0])
        c[0] += 1
        c[1] += int(s >= t)
    return {k: v[1] / v[0] for k, v in sorted(cats.items())}


def pool_pairs() -> tuple[list[dict[str, Any]], list[str]]:
    """The labeled pairs of every split in :data:`POOL_SPLITS`, in that order, and the
    split of each."""
    pairs, splits = [], []
    for split in POOL_SPLITS:
        rows = load_pairs(split)
        pairs += rows
        splits += [split] * len(rows)
    return pairs, splits


def build_pool(model: str) -> tuple[Pool, Any]:
    """The pool embedded with ``model`` and featurized, and the embedder."""
    from nearcache.cli.models import resolve_embedder

    embedder = resolve_embedder(model)
    pairs, splits = pool_pairs()
    t0 = time.perf_counter()
    pool = Pool(pairs, cosines(embedder, pairs), splits)
    print(
        f"{len(pairs)} {'+'.join(POOL_SPLITS)} pairs embedded and featurized"
        f" in {time.perf_counter() - t0:.1f} s"
    )
    return pool, embedder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the package data")
    ap.add_argument("--model", default="default", help="embedder (a nearcache --model name)")
    ap.add_argument("--floor", type=float, help="this floor only (default: the rule's)")
    ap.add_argument("--folds", type=int, default=5, help="grouped K-fold, printed for comparison")
    ap.add_argument(
        "--cost", type=float, default=COST, help=f"missed hits a wrong hit costs (rule: {COST})"
    )
    args = ap.parse_args()

    pool, embedder = build_pool(args.model)
    hit_cos = pool.sims[pool.y == 1]
    # to two decimals first, so a percentile of 0.5499 is 0.55, not floored to 0.50
    lowest = float(np.floor(round(float(np.percentile(hit_cos, 2)), 2) * 20) / 20)
    print(
        f"lowest floor {lowest:.2f} (2nd percentile of hit cosines {np.percentile(hit_cos, 2):.3f})"
    )
    if args.floor is not None:
        lowest = highest = args.floor
    else:
        highest = HIGHEST_FLOOR
    floor, kind, l2, scores, margin = choose_floor(pool, lowest, args.cost, highest)
    live = pool.live(floor)
    interactions = CLASSES[kind]
    rows = table(scores, pool)
    proven = next(r["accept_threshold"] for r in rows if r["max_false_hit_rate"] == DEFAULT_BOUND)
    threshold = round(max(margin, proven or 1.0), 4)
    print(
        f"chosen floor {floor:.2f}, {kind} l2={l2}, threshold {threshold}"
        f" (margins {margin}, bound {proven})"
    )
    print("leave one split out, at the default threshold:")
    print(split_table(scores, pool, threshold))
    grouped = out_of_fold(pool, live, l2, args.folds, 0, interactions)
    report: dict[str, Any] = {
        "out-of-fold run (leave one split out)": metrics(scores, pool, threshold),
        "grouped K-fold (authors shared between folds)": metrics(grouped, pool, threshold),
        "wrong-hit share upper bound (95%, leave one split out)": {
            "default": upper_bound(scores, pool, threshold)
        },
        "per held-out split": per_split(scores, pool, threshold),
        "per category (leave one split out)": per_category(scores, pool, threshold),
    }
    print(json.dumps(report, indent=1))
    final = fit(pool.x[live], pool.y[live], l2, interactions, pool.shadow_x[pool.shadow])
    fingerprint = str(getattr(embedder, "fingerprint", args.model))
    meta = {
        "model": "sign-constrained logistic regression"
        + (" with products of shape features" if interactions else ""),
        "class": kind,
        "l2": l2,
        "pool": {split: int((pool.split == split).sum()) for split in POOL_SPLITS},
        "cv": {"estimate": "leave one split out", "splits": list(POOL_SPLITS)},
        "embedder": fingerprint,
    }
    verifier = Verifier(
        final.weights, final.bias, final.mean, final.scale, FEATURES, meta, interactions
    )
    names = [*FEATURES, *("*".join(p) for p in interactions)]
    print("weights:", ", ".join(f"{n}={w:+.2f}" for n, w in zip(names, verifier.weights)))
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
            "pool": f"leave-one-split-out judge scores on {'+'.join(POOL_SPLITS)}",
            "rule": {
                "wrong_hit_cost": args.cost,
                "precision": TARGET_PRECISION,
                "recall": MIN_RECALL,
            },
            "report": report,
        },
    }
    (PKG_DATA / "calibration.json").write_text(json.dumps(cal_json, indent=1) + "\n")
    print(f"wrote {PKG_DATA / 'verifier.json'} and calibration.json")


if __name__ == "__main__":
    main()
