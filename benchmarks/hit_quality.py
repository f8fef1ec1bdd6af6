"""Hit quality of the semantic cache's judge on the labeled pairs (issue 9).

    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py              # test split
    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py --split dev
    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py --quick      # 150 pairs, for a smoke run
    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py --cv         # the pool, each split held out

For every pair (stored, asked) the cache would find the stored question as the nearest
neighbour; the question is whether it serves it. Printed per category and in total:
recall of hit categories, false-hit rate of trap and miss categories (the share served),
and overall precision, for the default judge, for cosine alone at fixed thresholds and for
GPTCache's default similarity evaluation, all on the same embedder. ``--cv`` prints the
default judge's figures on the training pool with each split (one author or batch) scored by
a verifier fit on the other splits only -- per held-out split and pooled -- beside grouped
5-fold (authors shared between folds): the honest numbers for the pairs it was fit on.

GPTCache's default semantic setup ranks a candidate by ``SearchDistanceEvaluation`` (max
distance 4, smaller is closer) over the faiss L2 distance of the two embeddings and serves
it when the rank reaches ``Config().similarity_threshold`` (0.8) of the range; GPTCache's
own classes compute it here (``pip install gptcache``), on the squared L2 distance of the
two unit vectors, as its faiss store returns it.

Latency: the judge alone per pair (the cosine is given), in microseconds, measured three
ways: ``warm`` -- both texts' analyses cached, the pair new (a lookup's further candidates);
``lookup`` -- the asked text new, the stored one cached (a lookup's first candidate);
``cold`` -- every cache empty. Best p50/p99 of three passes, since the machine is shared.
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
from judge_data import SPLITS
from judge_pairs import cosines, is_hit, load_pairs

from nearcache.judge import CosineJudge, DefaultJudge, Judge, Verdict, clear_caches


class GPTCacheDefault:
    """GPTCache's default similarity evaluation, as its adapter applies it."""

    def __init__(self) -> None:
        from gptcache.config import Config
        from gptcache.similarity_evaluation import SearchDistanceEvaluation

        self.evaluation = SearchDistanceEvaluation()
        low, high = self.evaluation.range()
        threshold = (high - low) * Config().similarity_threshold  # cache_factor 1.0
        self.rank_threshold = min(max(threshold, low), high)

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        distance = max(0.0, 2.0 - 2.0 * float(similarity))  # squared L2 of unit vectors
        rank = self.evaluation.evaluation({}, {"search_result": (distance, None)})
        ok = self.rank_threshold <= rank
        return Verdict(ok, rank / 4.0, None if ok else "floor")


def evaluate(accepts: list[bool], pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Accepted share per category and the totals."""
    cats: dict[str, list[int]] = {}
    tp = fp = hits = traps = trap_fp = 0
    for ok, p in zip(accepts, pairs):
        c = cats.setdefault(f"{p['label']}/{p['category']}", [0, 0])
        c[0] += 1
        c[1] += ok
        if is_hit(p):
            hits += 1
            tp += ok
        else:
            fp += ok
            if p["label"] == "trap":
                traps += 1
                trap_fp += ok
    return {
        "categories": {k: v[1] / v[0] for k, v in sorted(cats.items())},
        "counts": {k: v[0] for k, v in sorted(cats.items())},
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / hits if hits else 0.0,
        "trap_false_hit_rate": trap_fp / traps if traps else 0.0,
    }


def latency(judge: Judge, pairs: list[dict[str, Any]], sims: np.ndarray) -> dict[str, list[float]]:
    """Best-of-three p50/p99 (us) of one judge call, warm, lookup-like and cold."""
    out: dict[str, list[float]] = {}
    for mode in ("warm", "lookup", "cold"):
        best: list[float] | None = None
        for _ in range(3):
            times = []
            for p, s in zip(pairs, sims):
                if mode == "cold":
                    clear_caches()
                elif mode == "lookup":
                    clear_caches()
                    judge.judge(p["stored"], p["stored"], 1.0)  # the stored text is known
                    clear_caches(texts=False)
                else:
                    judge.judge(p["asked"], p["stored"], float(s))
                    clear_caches(texts=False)
                t0 = time.perf_counter()
                judge.judge(p["asked"], p["stored"], float(s))
                times.append((time.perf_counter() - t0) * 1e6)
            run = [float(np.percentile(times, 50)), float(np.percentile(times, 99))]
            best = run if best is None or run[0] < best[0] else best
        assert best is not None
        out[mode] = best
    return out


def judges() -> dict[str, Judge]:
    out: dict[str, Judge] = {"nearcache default": DefaultJudge()}
    for t in (0.80, 0.85, 0.90, 0.95):
        out[f"cosine >= {t:.2f}"] = CosineJudge(t)
    try:
        out["gptcache default"] = GPTCacheDefault()
    except ImportError:
        print("gptcache is not installed: its column is left out (pip install gptcache)")
    return out


def cross_validated(model: str) -> tuple[dict[str, Any], str]:
    """The default judge on the training pool (see train_verifier.py), each split scored
    with a verifier fit on the other splits only (leave one split out, the shipped l2 and
    threshold), beside grouped 5-fold and the cosine baselines; and the per held-out split
    table."""
    import train_verifier as tv
    import verifier_cv as cv

    pool, _ = tv.build_pool(model)
    cal = json.loads((tv.PKG_DATA / "calibration.json").read_text("utf-8"))
    live = pool.live(cal["floor"])
    shipped = json.loads((tv.PKG_DATA / "verifier.json").read_text("utf-8"))
    l2, pairs = shipped["meta"]["l2"], shipped.get("interactions", [])
    t = cal["accept_threshold"]
    loso = cv.leave_one_split_out(pool, live, l2, pairs)
    grouped = cv.out_of_fold(pool, live, l2, 5, 0, pairs)
    out = {
        "leave one split out": evaluate(list(loso >= t), pool.pairs),
        "grouped 5-fold": evaluate(list(grouped >= t), pool.pairs),
    }
    for name, j in judges().items():
        if name != "nearcache default":
            accepts = [
                j.judge(p["asked"], p["stored"], float(s)).accept
                for p, s in zip(pool.pairs, pool.sims)
            ]
            out[name] = evaluate(accepts, pool.pairs)
    heading = (
        f"nearcache default ({shipped['meta'].get('class', 'linear')}, l2 {l2}, threshold {t}):\n"
    )
    return out, heading + cv.split_table(loso, pool, t)


def show(split: str, n: int, results: dict[str, Any]) -> None:
    names = list(results)
    counts = results[names[0]]["counts"]
    print(f"split {split}: {n} pairs; hit rows = recall, trap/miss rows = false-hit rate")
    print(f"{'category':22s} {'n':>4s} " + " ".join(f"{m:>18s}" for m in names))
    for cat, k in counts.items():
        row = " ".join(f"{results[m]['categories'][cat]:18.3f}" for m in names)
        print(f"{cat:22s} {k:4d} {row}")
    for key in ("precision", "recall", "trap_false_hit_rate"):
        print(f"{key:27s} " + " ".join(f"{results[m][key]:18.3f}" for m in names))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--split",
        default="test",
        choices=list(SPLITS),
    )
    ap.add_argument(
        "--cv", action="store_true", help="the training pool, leave one split out (default judge)"
    )
    ap.add_argument("--quick", action="store_true", help="150 pairs only")
    ap.add_argument("--model", default="default", help="embedder (a nearcache --model name)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args()
    from nearcache.cli.models import resolve_embedder

    table = None
    if args.cv:
        import train_verifier as tv

        pairs = tv.pool_pairs()[0]
        results, table = cross_validated(args.model)
        split = f"{'+'.join(tv.POOL_SPLITS)} (out of fold)"
        lat = None
    else:
        pairs = load_pairs(args.split)
        if args.quick:
            pairs = pairs[:: max(1, len(pairs) // 150)][:150]
        sims = cosines(resolve_embedder(args.model), pairs)
        results = {
            name: evaluate(
                [j.judge(p["asked"], p["stored"], float(s)).accept for p, s in zip(pairs, sims)],
                pairs,
            )
            for name, j in judges().items()
        }
        split = args.split
        lat = latency(DefaultJudge(), pairs, sims)
    if args.json:
        print(
            json.dumps(
                {
                    "split": split,
                    "pairs": len(pairs),
                    "results": results,
                    "latency_us": lat,
                    "held_out_splits": table,
                },
                indent=1,
            )
        )
        return
    show(split, len(pairs), results)
    if table is not None:
        print(table)
    if lat is not None:
        print(
            "judge latency per pair (p50 / p99 us, best of 3): "
            + "; ".join(f"{mode} {v[0]:.0f} / {v[1]:.0f}" for mode, v in lat.items())
        )


if __name__ == "__main__":
    main()
