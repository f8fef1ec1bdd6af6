"""Hit quality of the semantic cache's judge on the labeled pairs (issue 9).

    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py              # test split
    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py --split dev
    HF_HUB_OFFLINE=1 python benchmarks/hit_quality.py --quick      # 150 pairs, for a smoke run

For every pair (stored, asked) the cache would find the stored question as the nearest
neighbour; the question is whether it serves it. Printed per category and in total:
recall of hit categories, false-hit rate of trap categories (the share of look-alikes
served), and overall precision, for the default judge and for cosine alone at fixed
thresholds, all on the same embedder. Then the judge's latency per pair (p50/p99).
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

from nearcache.judge import CosineJudge, DefaultJudge, Judge


def evaluate(judge: Judge, pairs: list[dict[str, Any]], sims: np.ndarray) -> dict[str, Any]:
    """Accepted counts per category and the totals."""
    cats: dict[str, list[int]] = {}
    tp = fp = hits = traps = trap_fp = 0
    for p, s in zip(pairs, sims):
        ok = judge.judge(p["asked"], p["stored"], float(s)).accept
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


def latency(judge: Judge, pairs: list[dict[str, Any]], sims: np.ndarray) -> tuple[float, float]:
    """p50/p99 of one judge call in microseconds, each text's analysis cache cold once."""
    times = []
    for p, s in zip(pairs, sims):
        t0 = time.perf_counter()
        judge.judge(p["asked"], p["stored"], float(s))
        times.append((time.perf_counter() - t0) * 1e6)
    return float(np.percentile(times, 50)), float(np.percentile(times, 99))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    ap.add_argument("--quick", action="store_true", help="150 pairs only")
    ap.add_argument("--model", default="default", help="embedder (a nearcache --model name)")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args()
    from nearcache.cli.models import resolve_embedder

    pairs = load_pairs(args.split)
    if args.quick:
        pairs = pairs[:: max(1, len(pairs) // 150)][:150]
    sims = cosines(resolve_embedder(args.model), pairs)
    judges: dict[str, Judge] = {"nearcache default": DefaultJudge()}
    for t in (0.80, 0.85, 0.90, 0.95):
        judges[f"cosine >= {t:.2f}"] = CosineJudge(t)
    results = {name: evaluate(j, pairs, sims) for name, j in judges.items()}
    lat_cold = latency(DefaultJudge(), pairs, sims)
    lat_warm = latency(judges["nearcache default"], pairs, sims)
    if args.json:
        print(
            json.dumps(
                {
                    "split": args.split,
                    "pairs": len(pairs),
                    "results": results,
                    "latency_us": {"cold": lat_cold, "warm": lat_warm},
                },
                indent=1,
            )
        )
        return
    names = list(results)
    counts = results[names[0]]["counts"]
    print(
        f"split {args.split}: {len(pairs)} pairs; hit rows = recall, trap/miss rows = false-hit rate"
    )
    print(f"{'category':22s} {'n':>4s} " + " ".join(f"{n:>17s}" for n in names))
    for cat, n in counts.items():
        print(
            f"{cat:22s} {n:4d} " + " ".join(f"{results[m]['categories'][cat]:17.3f}" for m in names)
        )
    for key in ("precision", "recall", "trap_false_hit_rate"):
        print(f"{key:27s} " + " ".join(f"{results[m][key]:17.3f}" for m in names))
    print(
        f"judge latency per pair: p50 {lat_cold[0]:.0f} us, p99 {lat_cold[1]:.0f} us (texts new); "
        f"p50 {lat_warm[0]:.0f} us, p99 {lat_warm[1]:.0f} us (analyses cached, as for top_k candidates)"
    )


if __name__ == "__main__":
    main()
