"""Draw the benchmark chart of docs/benchmarks.md from benchmarks/results.json.

    python benchmarks/plot.py [--results benchmarks/results.json] [--out docs/img/benchmarks.png]

The results file is the format ``nearcache bench --out`` writes (see docs/benchmarks.md):
``{"format": 1, "results": [{"benchmark", "subject", "store", "n", "unit", "median",
"p90", "p99", "max", ...}, ...]}``. Other benchmark scripts may add rows in the same
format; rows with a ``unit`` of ``ms`` are drawn as latency bars (median, whisker to
p90), rows in ``texts/s`` as throughput bars.

matplotlib (the ``[bench]`` extra) renders with the non-interactive Agg backend, so the
script runs on a machine without a display.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The latency panel shows these batch operations, in this order.
LATENCY_OPS = ("embedding.get_many", "embedding.put_many")


def _label(row: dict[str, Any]) -> str:
    subject = row["subject"]
    store = row.get("store", "-")
    return subject if store in ("-", "") else f"{subject}\n({store})"


def load(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != 1:
        raise SystemExit(f"{path}: unknown results format {data.get('format')!r}")
    rows: list[dict[str, Any]] = data["results"]
    return rows


def plot(rows: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latency = [r for r in rows if r["unit"] == "ms" and r["benchmark"] in LATENCY_OPS]
    speed = [r for r in rows if r["unit"] == "texts/s"]
    panels = [p for p in (latency, speed) if p]
    if not panels:
        raise SystemExit("no rows to plot")
    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.2 + 2.6 * len(panels)), squeeze=False)
    colours = {"nearcache": "#2b6cb0"}
    panel = 0
    if latency:
        ax = axes[panel][0]
        panel += 1
        latency.sort(key=lambda r: (LATENCY_OPS.index(r["benchmark"]), r["median"]))
        labels = [f"{r['benchmark'].split('.')[1]} {r['n']:,}\n{_label(r)}" for r in latency]
        medians = [r["median"] for r in latency]
        errs = [[0.0] * len(latency), [max(0.0, r["p90"] - r["median"]) for r in latency]]
        bar_colours = [colours.get(r["subject"], "#a0aec0") for r in latency]
        ax.barh(labels, medians, xerr=errs, color=bar_colours, capsize=3)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlabel("milliseconds per batch (median, whisker to p90; log scale; lower is better)")
        ax.set_title("Embedding cache: 1,000 vectors of 384 float32 per batch")
        for y, row in enumerate(latency):
            end = max(row["median"], row["p90"])
            ax.text(end * 1.1, y, f"{row['median']:,.1f} ms", va="center", fontsize=8)
        ax.set_xlim(right=max(max(r["p90"], r["median"]) for r in latency) * 3)
        ax.tick_params(axis="y", labelsize=8)
    if speed:
        ax = axes[panel][0]
        speed.sort(key=lambda r: (r["subject"], r["benchmark"]))
        labels = [f"{r['subject']}\n{r['benchmark'].split('.', 1)[1]}" for r in speed]
        medians = [r["median"] for r in speed]
        ax.barh(labels, medians, color="#38a169")
        ax.invert_yaxis()
        ax.set_xlabel("texts per second (median; higher is better)")
        cpus = speed[0].get("machine", {}).get("cpus", "?")
        ax.set_title(f"Embedders on this machine ({cpus} cores, CPU only)")
        for y, value in enumerate(medians):
            ax.text(value * 1.01, y, f" {value:,.0f}/s", va="center", fontsize=8)
        ax.set_xlim(right=max(medians) * 1.15)
        ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)


def markdown(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table (for docs/benchmarks.md)."""
    lines = [
        "| benchmark | subject | store | n | median | p90 | p99 | max | unit | date |",
        "|---|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in sorted(rows, key=lambda r: (r["benchmark"], r["median"])):
        nums = " | ".join(f"{r[k]:,.2f}" for k in ("median", "p90", "p99", "max"))
        lines.append(
            f"| {r['benchmark']} | {r['subject']} | {r.get('store', '-')} | {r['n']:,} | "
            f"{nums} | {r['unit']} | {r.get('date', '')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "benchmarks.png")
    parser.add_argument("--markdown", action="store_true", help="Also print a Markdown table.")
    args = parser.parse_args()
    rows = load(args.results)
    plot(rows, args.out)
    print(f"wrote {args.out}")
    if args.markdown:
        print(markdown(rows))


if __name__ == "__main__":
    main()
