"""What the judge adds to a semantic lookup, at 100k entries (issue 9 target: <= 0.3 ms p50).

One SQLite-backed SemanticCache holds N entries (default 100,000). The stored questions of
the labeled pairs (benchmarks/data/judge, train + dev) are among them; the rest are filler
questions. Lookups ask the pairs' *asked* questions, each once and in a shuffled order,
with a vector near their stored question's (cosine ~0.98), so the judge runs on real
question pairs -- paraphrases and look-alikes alike -- reading each asked question for the
first time, as a semantic lookup does in use (a question asked again is an exact hit),
while the index search, store reads and bookkeeping are the same with and without it. The same lookups run with ``judge=None`` and ``judge="default"``; the
difference of the p50s is the judge's cost.

    python benchmarks/judge_overhead.py              # N = 100,000
    python benchmarks/judge_overhead.py --quick      # N = 5,000
    python benchmarks/judge_overhead.py --breakdown  # also: the judge's own time per lookup

``--breakdown`` judges with a ``DefaultJudge`` (the one ``judge="default"`` builds) wrapped
in a timer, and prints the time spent inside the judge per lookup beside the rest, how many
candidate pairs a lookup judged (closest first, until one is accepted), and the time per
lookup that judged exactly one pair. A lookup whose own stored question is refused goes on
to the next candidates: here random filler vectors, some over the floor, whose texts the
judge reads as strangers at a cosine real text would not give them; hits on such an entry
are counted apart ("on another entry"), since with real vectors they would not be hits.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from nearcache import FunctionEmbedder, SemanticCache
from nearcache.judge import DefaultJudge, Verdict

DIM = 384
DATA = Path(__file__).parent / "data" / "judge"


def pairs() -> list[tuple[str, str]]:
    out = []
    for split in ("train", "dev"):
        for line in (DATA / f"{split}.jsonl").read_text("utf-8").splitlines():
            row = json.loads(line)
            if row["label"] in ("hit", "trap"):
                out.append((row["stored"], row["asked"]))
    return out


def lowrank(n: int, seed: int, rank: int = 64) -> np.ndarray:
    rng = np.random.default_rng(seed)
    basis = rng.standard_normal((rank, DIM)).astype(np.float32)
    x = rng.standard_normal((n, rank)).astype(np.float32) @ basis
    x += 0.4 * rng.standard_normal((n, DIM)).astype(np.float32)
    out: np.ndarray = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def unused(texts: list[str]) -> Any:
    raise AssertionError("every call passes its embedding")


class Timed:
    """A judge that times another: the seconds spent inside it during each lookup."""

    def __init__(self, judge: DefaultJudge) -> None:
        self.inner, self.floor, self.spent, self.calls = judge, judge.floor, [0.0], [0]

    def judge(self, query: str, candidate: str, similarity: float) -> Verdict:
        return self._timed(self.inner.judge, query, candidate, similarity)

    def judge_quick(self, query: str, candidate: str, similarity: float) -> Verdict:
        return self._timed(self.inner.judge_quick, query, candidate, similarity)

    def _timed(self, fn: Any, query: str, candidate: str, similarity: float) -> Verdict:
        self.calls[-1] += 1
        t = time.perf_counter()
        try:
            verdict: Verdict = fn(query, candidate, similarity)
            return verdict
        finally:
            self.spent[-1] += time.perf_counter() - t


def run(n: int, queries: int, judge: Any, workdir: Path) -> dict[str, float]:
    data = pairs()
    stored = list(dict.fromkeys(s for s, _ in data))
    fillers = [f"filler question number {i} about topic {i % 997}" for i in range(n - len(stored))]
    texts = stored + fillers
    vecs = lowrank(len(texts), 1)
    cache = SemanticCache(
        workdir / ("plain.db" if judge is None else "judged.db"),
        FunctionEmbedder(unused, DIM, "bench"),
        judge=judge,
        similarity_threshold=0.5,
        multi_process_mode="single",
    )
    for start in range(0, len(texts), 20_000):
        end = start + 20_000
        cache.put_many(
            texts[start:end], ["answer"] * len(texts[start:end]), embeddings=vecs[start:end]
        )
    row = {t: i for i, t in enumerate(stored)}
    rng = np.random.default_rng(2)
    # Each asked question once: a semantic lookup brings a wording the cache has not seen
    # (a repeat is an exact hit), so the judge reads every asked text new, as in use.
    unique = list(dict.fromkeys(data))
    asks = [unique[i] for i in rng.permutation(len(unique))[:queries]]
    near = []
    for s, _ in asks:
        v = vecs[row[s]] + 0.012 * rng.standard_normal(DIM).astype(np.float32)
        near.append(v / np.linalg.norm(v))
    for i in range(200):  # warm up the store and index on questions that are not measured
        v = vecs[len(stored) + i] + 0.012 * rng.standard_normal(DIM).astype(np.float32)
        cache.lookup(f"warm-up question {i}", embedding=v / np.linalg.norm(v))
    times = []
    hits = own = 0
    spent = judge.spent if isinstance(judge, Timed) else [0.0]
    calls = judge.calls if isinstance(judge, Timed) else [0]
    spent.clear()
    calls.clear()
    for (s, a), v in zip(asks, near):
        spent.append(0.0)
        calls.append(0)
        t = time.perf_counter()
        res = cache.lookup(a, embedding=v)
        times.append(time.perf_counter() - t)
        hits += bool(res)
        own += bool(res) and res.matched_query == s
    cache.close()
    ts = np.array(times) * 1e6
    inside = np.array(spent[: len(ts)]) * 1e6
    judged = np.array(calls[: len(ts)])
    one = inside[judged == 1]
    return {
        "queries": len(asks),
        "p50_us": float(np.median(ts)),
        "p99_us": float(np.percentile(ts, 99)),
        "hits": hits,
        "own_hits": own,
        "judged_per_lookup": float(judged.mean()) if len(judged) else 0.0,
        "judge_one_pair_p50_us": float(np.median(one)) if len(one) else 0.0,
        "judge_p50_us": float(np.median(inside)),
        "judge_mean_us": float(np.mean(inside)),
        "rest_p50_us": float(np.median(ts - inside)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=3000, help="at most one per labeled pair")
    ap.add_argument("--breakdown", action="store_true", help="time the judge inside each lookup")
    args = ap.parse_args()
    n = 5000 if args.quick else args.n
    queries = 500 if args.quick else args.queries
    workdir = Path(tempfile.mkdtemp(prefix="judge-overhead-"))
    try:
        plain = run(n, queries, None, workdir)
        judge = Timed(DefaultJudge(floor=0.5)) if args.breakdown else "default"
        judged = run(n, queries, judge, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    added = judged["p50_us"] - plain["p50_us"]
    print(
        f"semantic lookups at N={n:,}, {judged['queries']:,} queries, each asked question new"
        " (SQLite store, exact/auto index)"
    )
    print(f"  judge=None      p50 {plain['p50_us']:8.1f} us  p99 {plain['p99_us']:8.1f} us")
    print(f"  judge='default' p50 {judged['p50_us']:8.1f} us  p99 {judged['p99_us']:8.1f} us")
    print(f"  the judge adds {added:.1f} us at p50 (target <= 300 us)")
    for name, r in (("judge=None", plain), ("judge", judged)):
        other = r["hits"] - r["own_hits"]
        print(
            f"  {name}: hits {r['hits']:.0f} ({r['own_hits']:.0f} on the asked question's own"
            f" stored entry, {other:.0f} on another entry)"
        )
    if args.breakdown:
        print(
            f"  inside the judge per lookup: p50 {judged['judge_p50_us']:.1f} us, mean "
            f"{judged['judge_mean_us']:.1f} us; the rest of the lookup p50 {judged['rest_p50_us']:.1f} us"
        )
        print(
            f"  pairs judged per lookup: mean {judged['judged_per_lookup']:.2f}; lookups that"
            f" judged one pair: inside the judge p50 {judged['judge_one_pair_p50_us']:.1f} us"
        )


if __name__ == "__main__":
    main()
