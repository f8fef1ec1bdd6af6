"""Does a meaning-level signal from the default model's token vectors catch reworded
look-alikes the judge serves? (issue 9, research; nothing here is shipped).

    HF_HUB_OFFLINE=1 python benchmarks/token_signal.py states --cache DIR   # once, slow
    HF_HUB_OFFLINE=1 python benchmarks/token_signal.py states --cache DIR --layers 2,3,4  # DIR-lN
    python benchmarks/token_signal.py measure --cache DIR --verdicts BASE.json [--json OUT]
    python benchmarks/token_signal.py cost                                  # per-pair cost

The default embedder mean-pools the last hidden states of all-MiniLM-L6-v2; the judge
sees only the two texts and that cosine. ``states`` keeps the per-token hidden states of
every text of the training pool (train, train2, dev, probe..probe21; never a blind split,
never test) as float16 ``.npz`` files in DIR, once (``token_states.py``). ``measure`` aligns the two texts of each
pair token by token (BERTScore-style precision/recall over contextual states, the
least-aligned content piece, crossings of the alignment, how much a piece shared verbatim
changes its contextual state between the two texts, unmatched mass) and fits a logistic
head on top of the judge's score and cosine, on the pairs the judge ACCEPTS (a verdicts
dump: ``{id: {"accept", "score", "cos", "label", "split", ...}}``). Each split (one author
or batch) is held out in turn: the head and its threshold (the score refusing 1 % of the
other splits' accepted hits) come from the other splits only, then the held-out split's
accepted pairs are scored. Printed: served traps refused per hit lost, pooled and for
probe21 (the author of reworded look-alikes) alone; the cascade band (which share of
accepted candidates must run the deep check, ranked by a cheap score, for a given catch).
``cost`` times one forward of two short questions and the alignment. ``--layers`` keeps
middle layers' states too (a copy of the graph with more outputs: ``pip install onnx``);
``measure --cache DIR-l3`` then reads layer 3.
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
from judge_pairs import load_pairs
from token_states import Texts, _encoder, _vocab, cmd_states, hidden_states

POOL = ["train", "train2", "dev", "probe", *[f"probe{i}" for i in range(2, 22)]]
MATCH = 0.6  # a piece whose best partner is under this cosine counts as unmatched
FEATURES = [
    "score_logit",
    "cos",
    "bs_p",
    "bs_r",
    "bs_f",
    "idf_p",
    "idf_r",
    "min_a",
    "min_s",
    "q10_a",
    "q10_s",
    "unmatched_a",
    "unmatched_s",
    "crossing",
    "shared_frac",
    "shared_ctx_mean",
    "shared_ctx_min",
    "len_ratio",
    "res_f",
    "res_min",
    "shared_res_mean",
    "shared_res_min",
]


def pair_features(
    texts: Texts, asked: str, stored: str, idf: np.ndarray, score: float, cos: float
) -> list[float]:
    """The alignment features of one pair (see FEATURES)."""
    a, ia = texts.content(asked)
    s, is_ = texts.content(stored)
    sim = a @ s.T  # pieces of asked x pieces of stored
    best_a, best_s = sim.max(axis=1), sim.max(axis=0)
    wa, ws = idf[ia], idf[is_]
    bs_p, bs_r = float(best_a.mean()), float(best_s.mean())
    idf_p = float((best_a * wa).sum() / wa.sum())
    idf_r = float((best_s * ws).sum() / ws.sum())
    # Crossings: mutual best partners whose order differs between the two texts.
    arg_a, arg_s = sim.argmax(axis=1), sim.argmax(axis=0)
    mutual = [(i, int(arg_a[i])) for i in range(len(a)) if arg_s[arg_a[i]] == i]
    cross = 0
    for x in range(len(mutual)):
        for y in range(x + 1, len(mutual)):
            cross += mutual[x][1] > mutual[y][1]
    n_mut = len(mutual)
    crossing = cross / (n_mut * (n_mut - 1) / 2) if n_mut > 1 else 0.0
    # Pieces shared verbatim: how far their contextual states moved between the texts
    # (the same word in another role reads differently in context).
    shared = [(i, j) for i in range(len(ia)) for j in range(len(is_)) if ia[i] == is_[j]]
    ctx = [float(sim[i, j]) for i, j in shared]
    shared_frac = len({i for i, _ in shared}) / len(ia)
    return [
        float(np.log(max(score, 1e-6) / max(1 - score, 1e-6))),
        cos,
        bs_p,
        bs_r,
        2 * bs_p * bs_r / max(bs_p + bs_r, 1e-9),
        idf_p,
        idf_r,
        float(best_a.min()),
        float(best_s.min()),
        float(np.quantile(best_a, 0.1)),
        float(np.quantile(best_s, 0.1)),
        float((wa * (best_a < MATCH)).sum() / wa.sum()),
        float((ws * (best_s < MATCH)).sum() / ws.sum()),
        crossing,
        shared_frac,
        float(np.mean(ctx)) if ctx else 1.0,
        float(np.min(ctx)) if ctx else 1.0,
        min(len(ia), len(is_)) / max(len(ia), len(is_)),
        *_context_features(texts, a, ia, s, is_, arg_a, arg_s, shared, wa, ws),
    ]


def _context_features(
    texts: Texts,
    a: np.ndarray,
    ia: np.ndarray,
    s: np.ndarray,
    is_: np.ndarray,
    arg_a: np.ndarray,
    arg_s: np.ndarray,
    shared: list[tuple[int, int]],
    wa: np.ndarray,
    ws: np.ndarray,
) -> list[float]:
    """The same alignment scored on what context adds to each piece: its state minus the
    piece's mean state over every cached text (its "type"), so two aligned pieces agree
    only if they play the same part in their sentences."""
    ra, rs = texts.residual(a, ia), texts.residual(s, is_)
    res = ra @ rs.T
    pa = res[np.arange(len(a)), arg_a]
    ps = res[arg_s, np.arange(len(s))]
    rp, rr = float((pa * wa).sum() / wa.sum()), float((ps * ws).sum() / ws.sum())
    shared_res = [float(res[i, j]) for i, j in shared]
    return [
        2 * rp * rr / max(abs(rp + rr), 1e-9),
        float(min(pa.min(), ps.min())),
        float(np.mean(shared_res)) if shared_res else 1.0,
        float(np.min(shared_res)) if shared_res else 1.0,
    ]


def piece_idf(texts: Texts, size: int) -> np.ndarray:
    """Inverse document frequency of each piece over the cached texts (no labels used)."""
    df = np.zeros(size)
    for _, ids in texts.rows.values():
        df[np.unique(ids)] += 1
    return np.log((1 + len(texts.rows)) / (1 + df)) + 1.0


# ---------------------------------------------------------------- the head
def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float, weight: np.ndarray) -> np.ndarray:
    """Weighted L2 logistic regression by Newton steps; returns [bias, *coefs]."""
    xb = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (weight * (p - y)) + reg * w
        hess = (xb * (weight * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


class Head:
    """Standardize, then logistic: P(trap or unrelated | accepted pair)."""

    def __init__(self, x: np.ndarray, bad: np.ndarray, l2: float) -> None:
        self.mu, self.sd = x.mean(axis=0), x.std(axis=0) + 1e-9
        # Balance the classes: served traps are few among accepted pairs.
        weight = np.where(bad, 0.5 / max(bad.mean(), 1e-9), 0.5 / max(1 - bad.mean(), 1e-9))
        self.w = fit_logistic((x - self.mu) / self.sd, bad.astype(float), l2, weight)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        z = (x - self.mu) / self.sd
        out: np.ndarray = z @ self.w[1:] + self.w[0]
        return out


def loao(
    x: np.ndarray,
    bad: np.ndarray,
    split: np.ndarray,
    fit_on: np.ndarray,
    accepted: np.ndarray,
    l2: float,
    loss: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Held-out head scores and refusals, each split scored by a head fit on the others'
    ``fit_on`` pairs; the threshold refuses ``loss`` of the others' accepted hits."""
    scores = np.zeros(len(x))
    refused = np.zeros(len(x), dtype=bool)
    for held in dict.fromkeys(split.tolist()):
        test = split == held
        head = Head(x[~test & fit_on], bad[~test & fit_on], l2)
        bar = np.quantile(head(x[~test & accepted & ~bad]), 1 - loss)
        scores[test] = head(x[test])
        refused[test] = scores[test] > bar
    return scores, refused


def tradeoff(scores: np.ndarray, bad: np.ndarray, losses: list[float]) -> list[dict[str, float]]:
    """Pooled: traps refused at a bar that refuses each share of hits."""
    hits = np.sort(scores[~bad])
    out = []
    for loss in losses:
        bar = np.quantile(hits, 1 - loss)
        out.append(
            {
                "hit_loss": loss,
                "hits_lost": int((scores[~bad] > bar).sum()),
                "traps_refused": int((scores[bad] > bar).sum()),
                "traps": int(bad.sum()),
            }
        )
    return out


def band(cheap: np.ndarray, refused: np.ndarray, bad: np.ndarray) -> list[dict[str, float]]:
    """Cascade: run the deep check only on the accepted candidates ranked riskiest by a
    cheap score (higher = riskier); share of candidates checked for each catch kept."""
    order = np.argsort(-cheap)
    caught = refused & bad
    total = max(int(caught.sum()), 1)
    seen = np.cumsum(caught[order])
    out = []
    for keep in (0.5, 0.75, 0.9, 1.0):
        need = int(np.searchsorted(seen, np.ceil(keep * total))) + 1
        out.append({"catch_kept": keep, "band_share": round(need / len(cheap), 3)})
    return out


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a bad pair's head score > a hit's), ties half."""
    if not len(pos) or not len(neg):
        return float("nan")
    gt = (pos[:, None] > neg[None, :]).mean()
    eq = (pos[:, None] == neg[None, :]).mean()
    return float(gt + 0.5 * eq)


def _rows(
    texts: Texts, idf: np.ndarray, base: dict[str, Any], splits: list[str]
) -> tuple[np.ndarray, list[tuple[str, str, str, str]], np.ndarray]:
    """Features, names and accept flags of the pairs that reached the verifier."""
    rows, names, accepted = [], [], []
    for split in splits:
        for p in load_pairs(split):
            v = base[p["id"]]
            if v["reason"] not in (None, "verifier"):  # refused by the floor or a guard
                continue
            rows.append(pair_features(texts, p["asked"], p["stored"], idf, v["score"], v["cos"]))
            names.append((p["id"], split, p["label"], p["category"]))
            accepted.append(bool(v["accept"]))
    return np.array(rows), names, np.array(accepted)


def fresh_check(
    cache: Path,
    texts: Texts,
    idf: np.ndarray,
    fresh: str,
    verdicts: dict[str, Any],
    heads: dict[str, tuple[Head, float, list[int]]],
) -> dict[str, Any]:
    """A split no choice saw, scored by the heads fit on the whole pool (frozen)."""
    texts.add(cache, fresh)
    x, names, acc = _rows(texts, idf, verdicts, [fresh])
    bad = np.array([n[2] != "hit" for n in names])
    out: dict[str, Any] = {
        "accepted_hits": int((acc & ~bad).sum()),
        "served_bad": int((acc & bad).sum()),
    }
    for label, (head, bar, cols) in heads.items():
        refused = head(x[:, cols]) > bar
        out[label] = {
            "bad_refused": int((refused & acc & bad).sum()),
            "hits_lost": int((refused & acc & ~bad).sum()),
            "refused_bad": [names[i][0] for i in np.flatnonzero(refused & acc & bad)],
            "auc_reached": _auc(head(x[bad][:, cols]), head(x[~bad][:, cols])),
        }
    return out


def cmd_measure(
    cache: Path,
    verdicts: Path,
    out: Path | None,
    l2: float,
    loss: float,
    floor: float,
    fresh: str | None = None,
    fresh_verdicts: Path | None = None,
) -> None:
    base = json.loads(verdicts.read_text())
    vocab = _vocab()
    texts = Texts(cache, POOL, vocab)
    idf = piece_idf(texts, len(vocab))
    texts.types(len(vocab))
    started = time.perf_counter()
    x, names, acc = _rows(texts, idf, base, POOL)
    per_pair = (time.perf_counter() - started) / len(x)
    split = np.array([n[1] for n in names])
    bad = np.array([n[2] != "hit" for n in names])
    # The head learns from the pairs that passed every guard (the verifier's input) whose
    # judge score is at least ``floor``: served look-alikes are too few to learn from alone.
    fit_on = np.array([base[n[0]]["score"] >= floor for n in names])
    result: dict[str, Any] = {
        "reached_verifier": len(x),
        "fit_population": {"hits": int((fit_on & ~bad).sum()), "bad": int((fit_on & bad).sum())},
        "accepted": int(acc.sum()),
        "served_bad": int((acc & bad).sum()),
        "floor": floor,
        "loss": loss,
        "features_us_per_pair": round(per_pair * 1e6, 1),
        "runs": {},
    }
    token_cols = list(range(2, len(FEATURES)))
    heads: dict[str, tuple[Head, float, list[int]]] = {}
    for label, cols in (
        ("judge_only", [0, 1]),
        ("tokens_only", token_cols),
        ("judge+tokens", list(range(len(FEATURES)))),
    ):
        scores, refused = loao(x[:, cols], bad, split, fit_on, acc, l2, loss)
        s, r, b, a = scores[acc], refused[acc], bad[acc], split[acc]
        p21 = a == "probe21"
        run: dict[str, Any] = {
            "features": [FEATURES[c] for c in cols],
            "pooled": {
                "bad_refused": int((r & b).sum()),
                "bad": int(b.sum()),
                "hits_lost": int((r & ~b).sum()),
                "hits": int((~b).sum()),
            },
            "probe21": {
                "bad_refused": int((r & b & p21).sum()),
                "bad": int((b & p21).sum()),
                "hits_lost": int((r & ~b & p21).sum()),
                "hits": int((~b & p21).sum()),
            },
            # Beyond the accepted pairs: how well the held-out head ranks every pair that
            # reached the verifier (hits above look-alikes), pooled and for probe21.
            "auc_reached": _auc(scores[bad], scores[~bad]),
            "auc_reached_probe21": _auc(
                scores[bad & (split == "probe21")], scores[~bad & (split == "probe21")]
            ),
            "auc_accepted_probe21": _auc(s[b & p21], s[~b & p21]),
            "tradeoff": tradeoff(s, b, [0.005, 0.01, 0.02, 0.05, 0.1]),
            "tradeoff_probe21": tradeoff(s[p21], b[p21], [0.01, 0.02, 0.05, 0.1]),
            "band_by_score": band(-x[acc, 0], r, b),
            "band_by_cos": band(-x[acc, 1], r, b),
            "refused_bad": [names[i][0] for i in np.flatnonzero(acc & refused & bad)],
            "lost_hits": [names[i][0] for i in np.flatnonzero(acc & refused & ~bad)],
        }
        full = Head(x[fit_on][:, cols], bad[fit_on], l2)
        heads[label] = (full, float(np.quantile(full(x[acc & ~bad][:, cols]), 1 - loss)), cols)
        run["weights"] = dict(zip(["bias", *run["features"]], np.round(full.w, 3).tolist()))
        result["runs"][label] = run
        print(f"{label}: {json.dumps({k: run[k] for k in ('pooled', 'probe21')})}")
        aucs = ("auc_reached", "auc_reached_probe21", "auc_accepted_probe21")
        print("  " + ", ".join(f"{k} {run[k]:.3f}" for k in aucs))
        print(f"  tradeoff {run['tradeoff']}")
        print(f"  probe21 {run['tradeoff_probe21']}")
        print(f"  band(score) {run['band_by_score']}  band(cos) {run['band_by_cos']}")
    if fresh and fresh_verdicts:
        fv = json.loads(fresh_verdicts.read_text())
        result["fresh"] = {fresh: fresh_check(cache, texts, idf, fresh, fv, heads)}
        print(f"fresh {fresh}: {json.dumps(result['fresh'])}")
    if out:
        out.write_text(json.dumps(result, indent=1))


def cmd_cost(threads: int) -> None:
    emb = _encoder(threads)
    a = "How do I put a timeout on one await in asyncio?"
    b = "How can I write an async generator in Python?"
    hidden_states(emb, [a, b])
    times = []
    for _ in range(30):
        t = time.perf_counter()
        ((sa, sb),), _ = hidden_states(emb, [a, b])
        m = sa @ sb.T
        m.max(axis=0).mean() + m.max(axis=1).mean()
        times.append(time.perf_counter() - t)
    align = []
    for _ in range(200):
        t = time.perf_counter()
        m = sa @ sb.T
        m.max(axis=0).mean() + m.max(axis=1).mean()
        align.append(time.perf_counter() - t)
    print(
        f"forward of both + alignment: p50 {np.median(times) * 1e3:.2f} ms; "
        f"alignment alone (states cached): p50 {np.median(align) * 1e6:.1f} us"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["states", "measure", "cost"])
    ap.add_argument("--cache", type=Path, default=Path("token_states"))
    ap.add_argument("--splits", default=",".join(POOL))
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--layers", default="6", help="states: the layers (1-6) to keep")
    ap.add_argument("--verdicts", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--loss", type=float, default=0.01)
    ap.add_argument("--floor", type=float, default=0.0, help="least judge score to learn from")
    ap.add_argument("--fresh", help="a split outside the pool, scored once by the frozen heads")
    ap.add_argument("--fresh-verdicts", type=Path, help="the judge's verdicts on --fresh")
    args = ap.parse_args()
    if args.command == "states":
        layers = [int(x) for x in args.layers.split(",")]
        cmd_states(args.cache, args.splits.split(","), args.threads, layers)
    elif args.command == "measure":
        if args.verdicts is None:
            sys.exit("--verdicts is required")
        cmd_measure(
            args.cache,
            args.verdicts,
            args.json,
            args.l2,
            args.loss,
            args.floor,
            args.fresh,
            args.fresh_verdicts,
        )
    else:
        cmd_cost(args.threads)


if __name__ == "__main__":
    main()
