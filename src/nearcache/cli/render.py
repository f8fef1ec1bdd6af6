"""Human output of the CLI: rich tables and summaries (progress bars: :mod:`.progress`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .common import err_console, fmt_bytes, fmt_seconds, out_console, print_json

if TYPE_CHECKING:
    from rich.table import Table

    from .corpus import EmbedSummary
    from .corpussearch import Match

__all__ = [
    "emit",
    "render_archive",
    "render_bench",
    "render_calibration",
    "render_counts",
    "render_embed_summary",
    "render_inspect",
    "render_search",
    "render_stats",
]


def emit(data: dict[str, Any], as_json: bool, human: Callable[[dict[str, Any]], None]) -> None:
    """JSON on stdout with ``--json``, else the human rendering."""
    if as_json:
        print_json(data)
    else:
        human(data)


def _table(title: str | None = None, *columns: str, header: bool = True) -> Table:
    from rich.table import Table

    table = Table(
        title=title, title_justify="left", show_edge=False, pad_edge=False, show_header=header
    )
    for i, name in enumerate(columns):
        table.add_column(name, justify="left" if i == 0 else "right")
    return table


def render_embed_summary(s: EmbedSummary, *, list_skipped: bool = False) -> None:
    """The summary table; ``list_skipped`` adds the skipped files with their reasons."""
    table = _table("nearcache embed", "", "", header=False)
    skipped = ", ".join(f"{n} {reason}" for reason, n in s.skipped.items()) or "0"
    load = f"model load {fmt_seconds(s.model_load_s)}" if s.model_loaded else "model not loaded"
    rows = [
        (
            "Files",
            f"{s.files:,}  ({s.changed_files:,} new or changed, {s.removed_files:,} removed)",
        ),
        ("Skipped", skipped),
        ("Ignored (.gitignore)", f"{s.ignored:,}"),
        ("Chunks", f"{s.chunks:,}"),
        ("Unique chunks", f"{s.unique_chunks:,}"),
        ("Cache hits", f"{s.cache_hits:,}"),
        ("Embedded", f"{s.embedded:,}"),
    ]
    if s.embedded_elsewhere:
        rows.append(("Embedded elsewhere", f"{s.embedded_elsewhere:,}  (by another process)"))
    throughput = s.throughput_chunks_per_s
    rows += [
        ("Elapsed", f"{fmt_seconds(s.elapsed_s)}  ({load})"),
        ("Throughput", "-" if throughput is None else f"{throughput:,.1f} chunks/s"),
        (
            "Est. time saved",
            "n/a" if s.time_saved_s is None else f"{fmt_seconds(s.time_saved_s)}",
        ),
        ("Namespace", s.namespace),
        ("Store", s.store),
    ]
    for name, value in rows:
        table.add_row(name, value)
    table.columns[1].justify = "left"
    console = out_console()
    console.print(table)
    note_embed(s)
    if list_skipped and s.skipped_files:
        from rich.text import Text

        console.print(Text("Skipped files", style="bold"))
        for entry in s.skipped_files:
            console.print(f"  {entry['reason']:<10} {entry['path']}")


def note_embed(s: EmbedSummary, *, as_json: bool = False) -> None:
    """The notes and warnings of an embed run, on stderr in both modes (``--json``'s
    stdout stays one object): a run with no text file, chunks past the model's window."""
    if s.files == 0:  # an empty or mistyped folder: say so, not only "Files 0"
        listed = "skipped_files lists" if as_json else "-v lists"
        why = f" (every file was skipped or ignored; {listed} the skipped)"
        err_console().print(
            "note: no text file to embed under the given paths"
            + (why if s.skipped or s.ignored else ""),
            soft_wrap=True,
        )
    if s.truncated and s.window_exact:  # a --chunk-size past the window: once, with the count
        window = f" ({s.window} word pieces)" if s.window else ""
        err_console().print(
            f"warning: {s.truncated:,} of the {s.embedded:,} chunks embedded are longer than"
            f" the model's window{window}: only their start was read, so searches cannot"
            " find their tail; use a smaller --chunk-size (700 characters is about 175"
            " word pieces)",
            soft_wrap=True,
        )
    elif s.truncated:  # an API's window: its tokens counted without its tokenizer
        err_console().print(
            f"warning: {s.truncated:,} of the {s.embedded:,} chunks embedded may be longer than"
            f" the model's window ({s.window:,} tokens, counted without its tokenizer): a"
            " server that cuts long inputs read only their start, so searches cannot find"
            f" their tail; a --chunk-size of at most {s.window:,} characters of ASCII text is"
            " never cut",
            soft_wrap=True,
        )


def render_search(query: str, matches: list[Match], counts: dict[str, int]) -> None:
    from rich.text import Text

    console = out_console()
    console.print(
        Text(
            f"{len(matches)} best of {counts['chunks']:,} chunks in {counts['files']:,} files",
            style="bold",
        )
    )
    cwd = os.getcwd()
    width = max(40, console.width - 8)
    for i, m in enumerate(matches, start=1):
        path = os.path.relpath(m.path, cwd) if m.path.startswith(cwd + os.sep) else m.path
        head = Text(f"{i:>2}. ")
        head.append(f"{m.similarity:.3f}", style="cyan")
        head.append(f"  {path}:{m.start_line}-{m.end_line}", style="bold")
        console.print(head)
        snippet = m.snippet if len(m.snippet) <= width else m.snippet[: width - 1] + "…"
        console.print(Text(f"    {snippet}", style="dim"))
    if counts.get("missing"):
        err_console().print(
            f"{counts['missing']} chunks have no vector in the cache (evicted?); "
            "run `nearcache embed` again to restore them."
        )


def render_stats(data: dict[str, Any]) -> None:
    table = _table(f"store {data['store']}", "table", "namespace", "entries", "bytes", "hit rate")
    for r in data["namespaces"]:
        rate = "-" if r["hit_rate"] is None else f"{r['hit_rate']:.1%}"
        table.add_row(r["table"], r["namespace"], f"{r['entries']:,}", fmt_bytes(r["bytes"]), rate)
    table.columns[1].justify = "left"
    table.add_section()
    table.add_row(
        "total", "", f"{data['total']['entries']:,}", fmt_bytes(data["total"]["bytes"]), ""
    )
    out_console().print(table)
    if any(r["hit_rate"] is None and _serves(r) for r in data["namespaces"]):  # "-": no hit?
        err_console().print(
            "hit rate: only `nearcache embed`/`search` runs keep theirs in the store; a "
            "proxy's are on its /metrics, a library process's in cache.stats()",
            soft_wrap=True,
        )


def _serves(row: dict[str, Any]) -> bool:
    """Whether a stats row's namespace answers lookups (not ``embed``'s file records)."""
    from .filerecords import corpus_namespace

    return row["table"] != "kv" or not row["namespace"].startswith(corpus_namespace(""))


def render_inspect(data: dict[str, Any]) -> None:
    console = out_console()
    console.print(f"store {data['store']}")
    if not any(data[k] for k in ("embedding", "semantic", "corpus")):
        console.print("(empty)")
    for ns in data["embedding"]:
        console.print(_embedding_namespace(ns))
    if data.get("semantic_cache"):
        console.print(_semantic_cache(data["semantic_cache"]))
    if data["semantic"]:
        table = _table(
            "semantic namespaces",
            "namespace",
            "entries",
            "bytes",
            "partitions",
            "tombstones",
            "version",
        )
        for ns in data["semantic"]:
            table.add_row(
                ns["namespace"],
                f"{ns['entries']:,}",
                fmt_bytes(ns["bytes"]),
                str(ns.get("partitions", "-")),
                str(ns.get("tombstones", "-")),
                str(ns["version"]),
            )
        console.print(table)
    if data["corpus"]:
        table = _table("embedded files (nearcache embed)", "model namespace", "files", "chunks")
        for ns in data["corpus"]:
            table.add_row(ns["embedding_namespace"], f"{ns['files']:,}", f"{ns['chunks']:,}")
        console.print(table)


def _embedding_namespace(ns: dict[str, Any]) -> Table:
    table = _table(f"embedding namespace {ns['namespace']}", "", "", header=False)
    oldest = ns.get("oldest")
    table.add_row("entries", f"{ns['entries']:,}")
    table.add_row("kind / dim", f"{ns['kind']} / {ns['dim']}")
    table.add_row("dtype", str(ns["vector_dtype"]))
    table.add_row("fingerprints", "\n".join(ns["fingerprints"]) or "-")
    if ns.get("corrupt"):
        table.add_row("corrupt", str(ns["corrupt"]))
    if oldest:
        table.add_row(
            "oldest",
            f"{oldest['hash'][:16]}…  {fmt_seconds(oldest['age_seconds'])} old, "
            f"{oldest['age_insertions']:,} insertions ago",
        )
    table.columns[1].justify = "left"
    return table


def _semantic_cache(sem: dict[str, Any]) -> Table:
    table = _table("semantic cache", "", "", header=False)
    if "error" in sem:
        table.add_row("cannot open", sem["error"])
    else:
        table.add_row("fingerprint", str(sem.get("fingerprint")))
        table.add_row("dim / dtype", f"{sem.get('dim')} / {sem.get('dtype')}")
        table.add_row("index", f"{sem.get('backends')}, in sync: {sem.get('in_sync')}")
        table.add_row(
            "rows",
            f"{sem.get('index_entries')} in {sem.get('partitions')} partitions, "
            f"{sem.get('tombstones')} tombstones",
        )
    table.columns[1].justify = "left"
    return table


def render_counts(data: dict[str, Any]) -> None:
    parts = ", ".join(f"{k} {v:,}" for k, v in data["removed"].items())
    out_console().print(f"removed {data['total']:,} entries ({parts}) from {data['store']}")


def _contents(data: dict[str, Any]) -> str:
    """'70 vectors in 1 embedding namespace, 9 embedded files, 21 semantic entries ...'."""
    none: dict[str, Any] = {"entries": 0, "namespaces": {}}
    emb, files, kv, sem = (data.get(k) or none for k in ("embedding", "files", "kv", "semantic"))

    def part(what: str, info: dict[str, Any], kind: str = "") -> str:
        n, spaces = int(info["entries"]), len(info["namespaces"])
        where = f" in {spaces:,} {kind}namespace{'s' if spaces != 1 else ''}" if n else ""
        return f"{n:,} {what}{where}"

    named = [part("entries of named key/value caches", kv, "")] if kv["entries"] else []
    return ", ".join(
        (
            part("vectors", emb, "embedding "),
            f"{int(files['entries']):,} file records of `nearcache embed`",
            *named,
            part("semantic entries", sem),
        )
    )


def render_archive(data: dict[str, Any]) -> None:
    """What ``export`` wrote or ``import`` restored."""
    console = out_console()
    if "bytes" in data:
        console.print(f"wrote {data['checkpoint']} ({fmt_bytes(data['bytes'])}): {_contents(data)}")
        parts = ("embedding", "files", "kv", "semantic")
        if not any((data.get(k) or {}).get("entries") for k in parts):
            err_console().print(f"note: {data['store']} holds nothing to export")
        for path in data.get("swept") or []:
            err_console().print(f"removed the leftover of a killed export: {path}")
    else:
        console.print(f"restored {data['checkpoint']} into {data['store']}: {_contents(data)}")


def render_bench(data: dict[str, Any]) -> None:
    table = _table(
        f"nearcache bench on {data['store']}",
        "operation",
        "subject",
        "n",
        "median",
        "p90",
        "p99",
        "max",
    )
    for r in data["results"]:
        unit = r["unit"]
        digits = 2 if unit == "ms" else 1

        def fmt(v: float, digits: int = digits) -> str:
            return f"{v:,.{digits}f}"

        table.add_row(
            r["benchmark"],
            r["subject"],
            f"{r['n']:,}",
            f"{fmt(r['median'])} {unit}",
            f"{fmt(r['p90'])}",
            f"{fmt(r['p99'])}",
            f"{fmt(r['max'])}",
        )
    table.columns[1].justify = "left"
    out_console().print(table)


def render_calibration(data: dict[str, Any]) -> None:
    console = out_console()
    threshold = data.get("threshold")
    bound = data.get("max_false_hit_rate")
    conf = data.get("confidence")
    if threshold is None:
        from ..semantic.calibrate import no_threshold

        console.print(no_threshold(data["pairs"], data["max_false_hit_rate"], data["confidence"]))
    else:
        kind = "judge accept threshold" if data.get("score") == "judge" else "threshold"
        console.print(
            f"{kind} {threshold:.4f}: false-hit rate {data.get('false_hit_rate'):.3f} "
            f"(upper bound {data.get('upper_bound'):.3f} at {conf} confidence, limit {bound}), "
            f"precision {data.get('precision'):.3f}, recall {data.get('recall'):.3f} "
            f"on {data.get('pairs')} pairs ({data.get('positives')} positive)"
        )
    curve = data.get("curve") or []
    if curve:
        table = _table(
            "precision / recall by threshold",
            "threshold",
            "hits",
            "false hits",
            "precision",
            "recall",
            "upper bound",
        )
        step = max(1, len(curve) // 15)
        for point in curve[::step]:
            table.add_row(
                f"{point['threshold']:.4f}",
                str(point["hits"]),
                str(point["false_hits"]),
                f"{point['precision']:.3f}",
                f"{point['recall']:.3f}",
                f"{point['upper_bound']:.3f}",
            )
        console.print(table)


def note_unknown_window(model: str) -> None:
    """The window of an API model nearcache does not know cannot be checked: say how to
    give it, once, after a run that embedded chunks longer than the default."""
    err_console().print(
        f"note: the window of --model {model} is not known to nearcache, so chunks longer"
        " than it (which a server may cut silently, reading only their start) are not"
        " counted; set NEARCACHE_EMBEDDING_MAX_TOKENS to the model's input limit",
        soft_wrap=True,
    )
