"""Does a learned head over the two questions' sentence vectors refuse the look-alikes the
judge serves? (issue 9, research).

    HF_HUB_OFFLINE=1 python benchmarks/pair_vectors.py embed --cache DIR     # once
    HF_HUB_OFFLINE=1 python benchmarks/pair_vectors.py scores --cache DIR    # once
    python benchmarks/pair_vectors.py measure --cache DIR --verdicts BASE.json [--fit all]
    python benchmarks/pair_vectors.py fresh --cache DIR --verdicts BASE.json --split probe23
    python benchmarks/pair_vectors.py cost

A semantic lookup holds two unit vectors when it judges a candidate: the query's (computed
for the search) and the stored entry's (in the index). The classic pair-classification
features of sentence encoders -- u*v and |u-v|, symmetric in the two questions -- plus the
judge's score and the cosine cost ~1-2k multiply-adds a pair, no model call. ``embed``
keeps the default embedder's vector of every text of the pool (train, train2, dev,
probe..probe22; never a blind split) in DIR; ``scores`` keeps the verifier's score of every
pair with no hard guard and no floor (so a pair a guard refuses still has a real score; on a
pair the judge accepts it is the judge's score). ``measure`` holds each split (one author
or batch) out in turn: a logistic head (l2, classes balanced) is fit on the other splits'
pairs (``--fit all``: every labeled pair; ``reached``: past the floor and the guards;
``accepted``: the judge-accepted ones), its bar refuses 1% of the other splits'
judge-accepted hits scored out of fold (each by the head fit without its split), and the
held-out split's judge-accepted pairs are counted: look-alikes and unrelated refused, hits
lost. The control
is the same head on the judge's score and the cosine alone. ``fresh`` scores a split no
choice saw with heads fit on the whole pool (frozen).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).parent))
from judge_pairs import load_pairs

POOL = ["train", "train2", "dev", "probe", *[f"probe{i}" for i in range(2, 23)]]
REWORDED = ("probe21", "probe22")  # the two authors of reworded look-alikes
INNER = 4  # inner folds (by split) for the out-of-fold bar


def _refuse_blind(splits: list[str]) -> None:
    if any(s.startswith("blind") for s in splits):
        sys.exit("blind splits are never read")


# ---------------------------------------------------------------- vectors and scores
class Vectors:
    """Every cached text's unit vector (``DIR/texts.json`` + ``DIR/vectors.npy``)."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        names = cache / "texts.json"
        self.texts: list[str] = json.loads(names.read_text()) if names.exists() else []
        self.vecs = np.load(cache / "vectors.npy") if self.texts else np.zeros((0, 384), np.float32)
        self.row = {t: i for i, t in enumerate(self.texts)}

    def add(self, splits: list[str]) -> int:
        """Embed the splits' texts not cached yet; returns how many were embedded."""
        _refuse_blind(splits)
        new = sorted({p[k] for s in splits for p in load_pairs(s) for k in ("asked", "stored")})
        new = [t for t in new if t not in self.row]
        if new:
            from nearcache.cli.models import resolve_embedder

            emb = resolve_embedder("default")
            out = [
                np.asarray(emb.embed(new[i : i + 256]), np.float32) for i in range(0, len(new), 256)
            ]
            v = np.concatenate(out)
            v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
            self.texts += new
            self.vecs = np.concatenate([self.vecs, v])
            self.row = {t: i for i, t in enumerate(self.texts)}
            self.cache.mkdir(parents=True, exist_ok=True)
            np.save(self.cache / "vectors.npy", self.vecs)
            (self.cache / "texts.json").write_text(json.dumps(self.texts))
        return len(new)

    def pair(self, asked: str, stored: str) -> tuple[np.ndarray, np.ndarray]:
        return self.vecs[self.row[asked]], self.vecs[self.row[stored]]


def raw_scores(cache: Path, splits: list[str], verdicts: dict[str, Any]) -> dict[str, float]:
    """The verifier's score of every pair with no hard guard and no floor (cached)."""
    path = cache / "raw_scores.json"
    have: dict[str, float] = json.loads(path.read_text()) if path.exists() else {}
    todo = [p for s in splits for p in load_pairs(s) if p["id"] not in have]
    if todo:
        from nearcache.judge import DefaultJudge

        judge = DefaultJudge(guards=(), floor=-1.0)
        for p in todo:
            have[p["id"]] = float(
                judge.judge(p["asked"], p["stored"], verdicts[p["id"]]["cos"]).score
            )
        path.write_text(json.dumps(have))
    return have


# ---------------------------------------------------------------- features and the head
def _logit(score: float) -> float:
    s = min(max(score, 1e-6), 1 - 1e-6)
    return float(np.log(s / (1 - s)))


def pair_features(u: np.ndarray, v: np.ndarray, score: float, cos: float) -> np.ndarray:
    """u*v, |u-v| (symmetric in the two questions), the judge's score (logit), the cosine."""
    return np.concatenate([u * v, np.abs(u - v), [_logit(score), cos]]).astype(np.float32)


def _dataset(
    vectors: Vectors, verdicts: dict[str, Any], raw: dict[str, float], splits: list[str]
) -> dict[str, np.ndarray]:
    """Features and labels of every pair of the splits, with the judge's decisions."""
    rows, ids, split, bad, acc, reached = [], [], [], [], [], []
    for s in splits:
        for p in load_pairs(s):
            v = verdicts[p["id"]]
            u, w = vectors.pair(p["asked"], p["stored"])
            rows.append(pair_features(u, w, raw[p["id"]], v["cos"]))
            ids.append(p["id"])
            split.append(s)
            bad.append(p["label"] != "hit")
            acc.append(bool(v["accept"]))
            reached.append(v["reason"] in (None, "verifier"))
    return {
        "x": np.array(rows),
        "id": np.array(ids),
        "split": np.array(split),
        "bad": np.array(bad),
        "acc": np.array(acc),
        "reached": np.array(reached),
    }


class Head:
    """Standardize, then a class-balanced l2 logistic: higher = more likely a bad pair."""

    def __init__(self, x: np.ndarray, bad: np.ndarray, l2: float, w0: np.ndarray | None = None):
        self.mu, self.sd = x.mean(axis=0), x.std(axis=0) + 1e-6
        z = ((x - self.mu) / self.sd).astype(np.float32)
        y = bad.astype(np.float32)
        pos = max(float(y.mean()), 1e-9)
        wt = np.where(bad, 0.5 / pos, 0.5 / max(1 - pos, 1e-9)).astype(np.float32)
        d = z.shape[1]

        def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
            m = z @ w[:d].astype(np.float32) + w[d]
            p = 1 / (1 + np.exp(-m))
            nll = wt * (np.logaddexp(0, m) - y * m)
            r = wt * (p - y)
            grad = np.append(z.T @ r + l2 * w[:d], r.sum())
            return float(nll.sum() + 0.5 * l2 * (w[:d] ** 2).sum()), grad.astype(np.float64)

        start = np.zeros(d + 1) if w0 is None else w0
        opts = {"maxiter": 300, "ftol": 1e-7}
        res = minimize(loss, start, jac=True, method="L-BFGS-B", options=opts)
        self.w: np.ndarray = res.x

    def __call__(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mu) / self.sd
        out: np.ndarray = z @ self.w[:-1] + self.w[-1]
        return out


def _population(data: dict[str, np.ndarray], fit: str) -> np.ndarray:
    if fit == "all":
        return np.ones(len(data["x"]), dtype=bool)
    return data["reached"] if fit == "reached" else data["acc"]


def loao(
    data: dict[str, np.ndarray], cols: list[int], fit: str, l2: float, loss: float
) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    """Held-out head scores, refusals and each split's bar (see the module docstring).

    One head per split, fit on every other split (warm-started from a head fit on all):
    it scores its split out of fold. Held-out split H's bar is the ``1 - loss`` quantile of
    the OTHER splits' accepted hits' out-of-fold scores. Those come from heads that saw H
    (the bar's level only; H's own scores never come from a head that saw H): nested
    folds cost 5x the fits, too slow on the shared machine."""
    x, split, bad, acc = data["x"][:, cols], data["split"], data["bad"], data["acc"]
    on = _population(data, fit)
    names = list(dict.fromkeys(split.tolist()))
    full = Head(x[on], bad[on], l2)
    scores, refused, bars = np.zeros(len(x)), np.zeros(len(x), dtype=bool), {}
    for held in names:
        test = split == held
        scores[test] = Head(x[~test & on], bad[~test & on], l2, full.w)(x[test])
    for held in names:
        test = split == held
        bar = float(np.quantile(scores[~test & acc & ~bad], 1 - loss))
        refused[test] = scores[test] > bar
        bars[held] = bar
    return scores, refused, bars


def summarize(data: dict[str, np.ndarray], refused: np.ndarray) -> dict[str, Any]:
    """Pooled, reworded authors and per split: accepted bad refused, accepted hits lost."""
    acc, bad, split = data["acc"], data["bad"], data["split"]

    def count(mask: np.ndarray) -> dict[str, int]:
        m = mask & acc
        return {
            "bad_refused": int((m & bad & refused).sum()),
            "bad": int((m & bad).sum()),
            "hits_lost": int((m & ~bad & refused).sum()),
            "hits": int((m & ~bad).sum()),
        }

    per = {s: count(split == s) for s in dict.fromkeys(split.tolist())}
    pooled = count(np.ones(len(acc), dtype=bool))
    reworded = count(np.isin(split, REWORDED))
    worst = max(per.items(), key=lambda kv: kv[1]["hits_lost"] / max(kv[1]["hits"], 1))
    verdict = {
        "pooled_bad_share": pooled["bad_refused"] / max(pooled["bad"], 1),
        "pooled_hit_loss": pooled["hits_lost"] / max(pooled["hits"], 1),
        "reworded_bad_share": reworded["bad_refused"] / max(reworded["bad"], 1),
        "worst_split": worst[0],
        "worst_split_hit_loss": worst[1]["hits_lost"] / max(worst[1]["hits"], 1),
    }
    verdict["passes"] = bool(
        verdict["pooled_bad_share"] >= 0.35
        and verdict["pooled_hit_loss"] <= 0.012
        and verdict["reworded_bad_share"] >= 0.30
        and verdict["worst_split_hit_loss"] <= 0.025
    )
    return {
        "pooled": pooled,
        "reworded": reworded,
        "per_split": per,
        "bar": verdict,
        "refused_bad": data["id"][acc & bad & refused].tolist(),
        "served_bad_kept": data["id"][acc & bad & ~refused].tolist(),
    }


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    return float((pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean())


HEADS = {"vectors+judge": None, "judge_only": [768, 769], "vectors_only": list(range(768))}


def _cols(name: str) -> list[int]:
    cols = HEADS[name]
    return list(range(770)) if cols is None else cols


def _load(cache: Path, verdicts_path: Path, splits: list[str]) -> dict[str, np.ndarray]:
    _refuse_blind(splits)
    verdicts = json.loads(verdicts_path.read_text())
    vectors = Vectors(cache)
    if vectors.add(splits):
        print("embedded texts not cached yet", file=sys.stderr)
    return _dataset(vectors, verdicts, raw_scores(cache, splits, verdicts), splits)


def cmd_measure(
    cache: Path, verdicts: Path, fit: str, l2: float, loss: float, heads: list[str]
) -> dict[str, Any]:
    data = _load(cache, verdicts, POOL)
    out: dict[str, Any] = {"fit": fit, "l2": l2, "loss": loss, "pairs": len(data["x"]), "heads": {}}
    for name in heads:
        started = time.perf_counter()
        scores, refused, bars = loao(data, _cols(name), fit, l2, loss)
        res = summarize(data, refused)
        acc, bad, rew = data["acc"], data["bad"], np.isin(data["split"], REWORDED)
        res["auc_accepted"] = _auc(scores[acc & bad], scores[acc & ~bad])
        res["auc_accepted_reworded"] = _auc(scores[acc & bad & rew], scores[acc & ~bad & rew])
        res["auc_all_reworded"] = _auc(scores[bad & rew], scores[~bad & rew])
        res["bars"] = bars
        res["seconds"] = round(time.perf_counter() - started, 1)
        out["heads"][name] = res
        print(f"{fit} l2={l2} {name}: pooled {res['pooled']} reworded {res['reworded']}")
        print(
            f"  bar {json.dumps(res['bar'])}  auc acc {res['auc_accepted']:.3f} "
            f"acc-reworded {res['auc_accepted_reworded']:.3f} all-reworded {res['auc_all_reworded']:.3f}"
        )
    return out


def cmd_fresh(
    cache: Path, verdicts: Path, split: str, fit: str, l2: float, loss: float
) -> dict[str, Any]:
    """Heads fit on the whole pool, their bar from out-of-fold scores, run once on ``split``."""
    data = _load(cache, verdicts, [*POOL, split])
    test = data["split"] == split
    out: dict[str, Any] = {"split": split, "fit": fit, "l2": l2}
    for name in HEADS:
        cols = _cols(name)
        pool = {k: v[~test] for k, v in data.items()}
        x, on = pool["x"][:, cols], _population(pool, fit)
        head = Head(x[on], pool["bad"][on], l2)
        oof = []
        for k in range(INNER):
            fold = np.isin(pool["split"], POOL[k::INNER])
            inner = Head(x[~fold & on], pool["bad"][~fold & on], l2, head.w)
            oof.append(inner(x[fold & pool["acc"] & ~pool["bad"]]))
        bar = float(np.quantile(np.concatenate(oof), 1 - loss))
        held = {k: v[test] for k, v in data.items()}
        refused = head(held["x"][:, cols]) > bar
        res = summarize(held, refused)
        out[name] = {
            "pooled": res["pooled"],
            "refused_bad": res["refused_bad"],
            "lost_hits": held["id"][held["acc"] & ~held["bad"] & refused].tolist(),
        }
        print(f"fresh {split} {name}: {res['pooled']} refused {res['refused_bad']}")
    return out


def cmd_cost() -> None:
    """Per-pair cost of the features and a 770-weight dot product, given the two vectors."""
    rng = np.random.default_rng(0)
    u, v = (rng.standard_normal(384).astype(np.float32) for _ in range(2))
    w = rng.standard_normal(770).astype(np.float32)
    times = []
    for _ in range(2000):
        t = time.perf_counter()
        float(np.concatenate([u * v, np.abs(u - v), [3.0, 0.8]]) @ w)
        times.append(time.perf_counter() - t)
    print(
        f"features + dot: p50 {np.median(times) * 1e6:.1f} us, p99 {np.quantile(times, 0.99) * 1e6:.1f} us"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["embed", "scores", "measure", "fresh", "cost"])
    ap.add_argument("--cache", type=Path, default=Path("pair_vectors"))
    ap.add_argument("--verdicts", type=Path)
    ap.add_argument("--fit", choices=["all", "reached", "accepted"], default="all")
    ap.add_argument("--l2", type=float, default=10.0)
    ap.add_argument("--loss", type=float, default=0.01)
    ap.add_argument("--heads", default=",".join(HEADS))
    ap.add_argument("--split", help="fresh: a split outside the pool")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    if a.command == "embed":
        print(f"embedded {Vectors(a.cache).add(POOL)} texts")
        return
    if a.command == "cost":
        cmd_cost()
        return
    if a.verdicts is None:
        sys.exit("--verdicts is required")
    if a.command == "scores":
        raw_scores(a.cache, POOL, json.loads(a.verdicts.read_text()))
        return
    if a.command == "measure":
        result = cmd_measure(a.cache, a.verdicts, a.fit, a.l2, a.loss, a.heads.split(","))
    else:
        if not a.split:
            sys.exit("--split is required")
        result = cmd_fresh(a.cache, a.verdicts, a.split, a.fit, a.l2, a.loss)
    if a.json:
        a.json.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
