"""The semantic cache benchmark's tables: rows per library with ratios, and the hot-path
issue's targets (see semantic_cache.py)."""

from __future__ import annotations

from typing import Any

from semantic_cache_support import EF_SETTINGS, HOT_KEYS

# --------------------------------------------------------------------------- report

LOWER_IS_BETTER = ("(µs)", "(s)", "(B)")


def report(n: int, results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    keys: list[str] = []
    for r in results.values():
        keys += [k for k in r if k not in keys]
    head = "| metric | " + " | ".join(names)
    peers = names[1:]
    head += "".join(f" | nearcache advantage vs {p}" for p in peers) + " |"
    lines = [f"### N = {n:,}", "", head, "|" + "---|" * (1 + len(names) + len(peers))]
    for key in keys:
        vals = [results[name].get(key) for name in names]
        cells = [_fmt(v) for v in vals]
        ratios = []
        base = vals[0]
        lower = key.endswith(LOWER_IS_BETTER)
        for v in vals[1:]:
            if isinstance(base, (int, float)) and isinstance(v, (int, float)) and base and v:
                ratios.append(f"{(v / base) if lower else (base / v):.2f}x")
            else:
                ratios.append("")
        lines.append(f"| {key} | " + " | ".join(cells) + "".join(f" | {r}" for r in ratios) + " |")
    return "\n".join(lines)


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        if v >= 1000:
            return f"{v:,.0f}"
        if v >= 10:
            return f"{v:.1f}"
        return f"{v:.3f}"
    return str(v)


def targets(everything: dict[str, dict[str, dict[str, Any]]]) -> str:
    """The hot-path issue's semantic targets, each with its measured value and verdict."""
    lines = ["| target | N | measured | reference | met |", "|---|---|---|---|---|"]

    def row(label: str, n: str, value: float | None, ref: str, ok: bool | None) -> None:
        if value is None or ok is None:
            return
        lines.append(
            f"| {label} | {int(n):,} | {_fmt(value)} | {ref} | {'met' if ok else 'MISSED'} |"
        )

    for n, results in everything.items():
        mine, mneme = results.get("nearcache", {}), results.get("mneme-cache", {})
        put, mput = mine.get("put/s (exact index)"), mneme.get("put/s (exact index)")
        if put and mput:
            row(
                "single put >= 1.5x mneme-cache (SQLite)",
                n,
                put,
                f"{_fmt(mput)}/s: {put / mput:.2f}x",
                put >= 1.5 * mput,
            )
        bulk = mine.get("bulk load/s (put_many, import_data)")
        row("put_many >= 50k entries/s", n, bulk, "-", None if bulk is None else bulk >= 50_000)
        l1, l1_99, ml1 = (
            mine.get("L1 get p50 (µs)"),
            mine.get("L1 get p99 (µs)"),
            mneme.get("L1 get p50 (µs)"),
        )
        row("exact-layer get p50 <= 20 µs", n, l1, "-", None if l1 is None else l1 <= 20)
        row("exact-layer get p99 <= 100 µs", n, l1_99, "-", None if l1_99 is None else l1_99 <= 100)
        if l1 and ml1:
            row(
                "exact-layer get >= 2x mneme-cache",
                n,
                l1,
                f"{_fmt(ml1)} µs: {ml1 / l1:.2f}x",
                ml1 >= 2 * l1,
            )
        r50, r99 = (
            mine.get(f"L1 get, {HOT_KEYS} repeated keys p50 (µs)"),
            mine.get(f"L1 get, {HOT_KEYS} repeated keys p99 (µs)"),
        )
        mr50 = mneme.get(f"L1 get, {HOT_KEYS} repeated keys p50 (µs)")
        row(
            "exact-layer get p50 <= 20 µs, repeated keys",
            n,
            r50,
            "-",
            None if r50 is None else r50 <= 20,
        )
        row(
            "exact-layer get p99 <= 100 µs, repeated keys",
            n,
            r99,
            "-",
            None if r99 is None else r99 <= 100,
        )
        if r50 and mr50:
            row(
                "exact-layer get >= 2x mneme-cache, repeated keys",
                n,
                r50,
                f"{_fmt(mr50)} µs: {mr50 / r50:.2f}x",
                mr50 >= 2 * r50,
            )
        best = None
        for label, _ in EF_SETTINGS:
            rec, p50 = (
                mine.get(f"recall@1 HNSW {label} vs exact"),
                mine.get(f"L2 get HNSW {label} p50 (µs)"),
            )
            if (
                rec is not None
                and p50 is not None
                and rec >= 0.99
                and (best is None or p50 < best[1])
            ):
                best = (label, p50, rec)
        if best is not None:
            row(
                "semantic get <= 1 ms at recall@1 >= 0.99",
                n,
                best[1],
                f"{best[0]}, recall {best[2]:.3f}",
                best[1] <= 1000,
            )
        elif any(k.startswith("recall@1 HNSW") for k in mine):
            lines.append(
                f"| semantic get <= 1 ms at recall@1 >= 0.99 | {int(n):,} | no setting reached 0.99 | - | MISSED |"
            )
        if int(n) >= 1_000_000:
            build = mine.get("HNSW build from the store (s)")
            row("HNSW build <= 300 s", n, build, "-", None if build is None else build <= 300)
            for what in ("exact f32", "HNSW f32"):
                r = mine.get(f"reopen to first hit, {what} (s)")
                row(
                    f"reopen to first hit <= 1 s, {what}",
                    n,
                    r,
                    "-",
                    None if r is None else r <= 1.0,
                )
    return "\n".join(lines)
