"""The Typer application: one function per command, the work done in sibling modules.

Commands import the library inside their bodies, so ``nearcache --help`` only loads
Typer. Every failure is reported by :func:`nearcache.cli.runner.run` as one line on
stderr with a non-zero exit status; ``--debug`` adds the traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from .clear import clear_command
from .common import LOG_FORMAT
from .explain import explain_command
from .options import (
    JsonOpt,
    ModelOpt,
    SemanticModelOpt,
    StoreOpt,
    check_input_file,
    check_rate,
    interruptible,
    load_model,
    note_if_kept_nowhere,
    open_store_for_command,
)
from .serve import serve as serve_command

__all__ = ["app"]

app = typer.Typer(
    name="nearcache",
    help=(
        "Stop paying twice for the same LLM work: embed files through a persistent "
        "embedding cache, search them, and operate nearcache stores."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False, "verbose": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nearcache {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks and debug logs on errors.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show the library's warnings and info logs.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    _state["debug"] = debug
    _state["verbose"] = verbose
    # By default only the final one-line error is shown: the library's warnings (a store
    # going away, a corrupt entry treated as a miss) explain it with --verbose/--debug.
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO if verbose else logging.ERROR,
        format=LOG_FORMAT,
    )


# --------------------------------------------------------------------------- embed


@app.command()
def embed(
    paths: Annotated[
        list[Path], typer.Argument(help="Files and folders to embed.", show_default=False)
    ],
    store: StoreOpt = None,
    model: ModelOpt = None,
    chunk_size: Annotated[
        int,
        typer.Option("--chunk-size", min=50, help="Characters per chunk (about 175 word pieces)."),
    ] = 700,
    overlap: Annotated[
        int,
        typer.Option("--overlap", min=0, help="Characters of whole lines repeated between chunks."),
    ] = 100,
    max_file_size: Annotated[
        int, typer.Option("--max-file-size", min=1, help="Skip files larger than this (bytes).")
    ] = 1024 * 1024,
    no_gitignore: Annotated[
        bool, typer.Option("--no-gitignore", help="Also embed files .gitignore excludes.")
    ] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list the files that were skipped.")
    ] = False,
) -> None:
    """Chunk the text and code files under PATHS and embed every chunk through the cache.

    Honours .gitignore, skips binary and oversized files, embeds only chunks never seen.
    """
    from .corpus import embed_paths
    from .progress import embed_progress
    from .render import note_unknown_window, render_embed_summary

    if overlap >= chunk_size:
        raise typer.BadParameter("--overlap must be smaller than --chunk-size")
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist")
    embedder, load_s = load_model(model, lazy=True)
    st = open_store_for_command(store)
    note_if_kept_nowhere(st)
    try:
        with (
            interruptible(),
            embed_progress(enabled=not quiet) as (  # stderr: --json's stdout stays one object
                on_total,
                progress,
            ),
        ):
            summary = embed_paths(
                paths,
                store=st,
                embedder=embedder,
                chunk_size=chunk_size,
                overlap=overlap,
                max_file_bytes=max_file_size,
                gitignore=not no_gitignore,
                model_load_s=load_s,
                on_total=on_total,
                progress=progress,
            )
    finally:
        st.close()
    if as_json:
        from .common import print_json
        from .render import note_embed

        print_json(summary.as_dict())
        note_embed(summary, as_json=True)
    else:
        render_embed_summary(summary, list_skipped=verbose or _state["verbose"])
    if summary.embedded and getattr(embedder, "max_tokens", 0) is None and chunk_size > 700:
        # An API model nearcache does not know: its window is unknown, so the chunks a
        # server cuts silently cannot be counted. Said when --chunk-size was raised.
        note_unknown_window(f"openai:{embedder.model}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.", show_default=False)],
    store: StoreOpt = None,
    model: ModelOpt = None,
    k: Annotated[int, typer.Option("-k", "--top", min=1, help="Number of results.")] = 5,
    as_json: JsonOpt = False,
) -> None:
    """Show the chunks most similar to QUERY among those `nearcache embed` stored."""
    if not query.strip():  # an empty text embeds to noise and would rank chunks anyway
        raise typer.BadParameter("the query is empty: say what to look for", param_hint="QUERY")
    from .corpussearch import search as run_search
    from .render import render_search

    embedder, _ = load_model(model, lazy=True)
    st = open_store_for_command(store, must_exist=True)
    try:
        matches, counts = run_search(query, store=st, embedder=embedder, k=k)
    finally:
        st.close()
    if as_json:
        from dataclasses import asdict

        from .common import print_json

        print_json({"query": query, **counts, "results": [asdict(m) for m in matches]})
    else:
        render_search(query, matches, counts)


# --------------------------------------------------------------------------- operations


@app.command()
def stats(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Entries, bytes and hit rate per namespace."""
    from . import ops, render

    with ops.opened(store, must_exist=True) as st:
        data = ops.stats(st)
    render.emit(data, as_json, render.render_stats)


@app.command()
def inspect(
    store: StoreOpt = None,
    namespace: Annotated[
        str | None, typer.Option("--namespace", "-n", help="Only this namespace.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Oldest items listed.")] = 5,
    model: SemanticModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Namespaces, dimensions, dtypes, embedder fingerprints and the oldest items."""
    from . import ops, render

    with ops.opened(store, must_exist=True) as st:
        data = ops.inspect(st, namespace=namespace, limit=limit, model=model)
    render.emit(data, as_json, render.render_inspect)


@app.command()
def vacuum(
    store: StoreOpt = None, model: SemanticModelOpt = None, as_json: JsonOpt = False
) -> None:
    """Remove expired entries now (and compact the semantic index)."""
    from . import ops, render

    with ops.opened(store, must_exist=True) as st:
        data = ops.vacuum(st, model=model)
    render.emit(data, as_json, render.render_counts)


@app.command()
def compact(
    store: StoreOpt = None, model: SemanticModelOpt = None, as_json: JsonOpt = False
) -> None:
    """Reclaim tombstoned rows of the semantic index."""
    from . import ops, render

    with ops.opened(store, must_exist=True) as st:
        data = ops.compact(st, model=model)
    render.emit(data, as_json, render.render_counts)


@app.command("export")
def export_(
    dest: Annotated[
        str,  # not Path: Path("new/") drops the separator that says "a folder"
        typer.Argument(
            help="Archive file to write: NAME.tar.gz or NAME.tgz (the one format: a "
            "gzip-compressed tar; any other suffix is refused)."
        ),
    ],
    store: StoreOpt = None,
    model: SemanticModelOpt = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Overwrite DEST.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Write the store's embedding and semantic caches to one archive (.tar.gz)."""
    from . import archive, ops, render
    from .models import stored_embedder

    archive.check_destination(dest, force=force)
    embedder = stored_embedder(model)
    with ops.opened(store, must_exist=True) as st:
        data = archive.export_store(st, Path(dest), embedder, force=force)
    render.emit(data, as_json, render.render_archive)


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="Archive file to restore (.tar.gz).")],
    store: StoreOpt = None,
    model: SemanticModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Restore an archive into the store (checks embedders, dimensions and checksums)."""
    from ..archive import read_manifest
    from . import ops, render, restore
    from .models import stored_embedder

    check_input_file(source, "an archive file (.tar.gz)")
    first = read_manifest(source)  # not an archive: refused before a store is created
    embedder = stored_embedder(model)
    with ops.opened(store) as st:
        note_if_kept_nowhere(st)
        data = restore.import_archive(st, source, embedder, first=first)
    render.emit(data, as_json, render.render_archive)


@app.command()
def bench(
    store: StoreOpt = None,
    n: Annotated[int, typer.Option("--n", "-n", min=1, help="Vectors per batch.")] = 1000,
    dim: Annotated[int, typer.Option("--dim", min=1, help="Vector dimension.")] = 384,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Timed runs per op.")] = 7,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Also time this embedder (texts/s)."),
    ] = None,
    peers: Annotated[
        bool, typer.Option("--peers", help="Also time installed peers (LangChain, diskcache).")
    ] = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="Merge the results into this results.json.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """A quick benchmark of the embedding (and semantic) cache against the store."""
    from . import bench as bench_mod
    from . import render

    if peers:
        bench_mod.check_peers()
    embedder = load_model(model)[0] if model else None
    with bench_mod.opened_for_bench(store) as st:
        results = bench_mod.run(st, n=n, dim=dim, repeat=repeat, embedder=embedder, peers=peers)
    if out is not None:
        bench_mod.merge_results(out, results)
    render.emit({"store": st.url, "results": results}, as_json, render.render_bench)


@app.command()
def calibrate(
    pairs: Annotated[
        Path,
        typer.Argument(help='Labeled pairs, JSON Lines: {"a": ..., "b": ..., "same": true|false}.'),
    ],
    max_false_hit_rate: Annotated[
        float, typer.Option("--max-false-hit-rate", help="Largest acceptable false-hit rate.")
    ] = 0.01,
    confidence: Annotated[
        float, typer.Option("--confidence", help="One-sided confidence of that bound.")
    ] = 0.95,
    judge: Annotated[
        bool,
        typer.Option(
            "--judge",
            help="Calibrate the default judge's accept threshold (what a SemanticCache "
            "uses) instead of the cosine similarity.",
        ),
    ] = False,
    model: ModelOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Pick the lowest threshold whose false-hit rate stays under a bound."""
    from . import ops, render
    from .progress import stage_progress

    check_input_file(pairs, "a JSON Lines file of labeled pairs", stream=True)
    check_rate(max_false_hit_rate, "--max-false-hit-rate")
    check_rate(confidence, "--confidence")
    embedder, _ = load_model(model)
    # embedding and judging every pair takes seconds to minutes: a bar on a terminal
    with (
        ops.opened(store) as st,
        stage_progress(enabled=not (as_json or quiet)) as progress,
    ):
        data = ops.calibrate(
            st,
            pairs,
            embedder,
            max_false_hit_rate=max_false_hit_rate,
            confidence=confidence,
            judge=judge,
            progress=progress,
        )
    render.emit(data, as_json, render.render_calibration)


app.command("clear")(clear_command)
app.command("explain")(explain_command)
app.command("serve")(serve_command)
