"""``nearcache clear``: remove every entry of a store (or of one table or namespace).

What an operator runs before ``nearcache import`` into a store that already holds
semantic entries (a checkpoint restores into a fresh cache), or to start a cache over.
It says what it will remove and asks first; ``--yes`` skips the question, and without a
terminal to ask on it is required, so a script never clears a store by accident.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from .options import JsonOpt, StoreOpt

__all__ = ["clear_command", "clear_store", "held"]

#: The tables ``clear`` empties, in the order it reports them.
TABLES = ("embedding", "semantic", "kv", "batch")


def clear_command(
    store: StoreOpt = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            "-t",
            help="Only this table: embedding, semantic, kv or batch. Default: all of them.",
            show_default=False,
        ),
    ] = None,
    namespace: Annotated[
        str | None,
        typer.Option("--namespace", "-n", help="Only this namespace.", show_default=False),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Remove every entry of the store (or of one --table / --namespace); asks first."""
    from ..errors import InvalidInputError
    from . import ops, render

    if table is not None and table not in TABLES:
        raise typer.BadParameter(f"choose one of {', '.join(TABLES)}", param_hint="--table")
    tables = (table,) if table else TABLES
    with ops.opened(store, must_exist=True) as st:
        counts = held(st, tables, namespace)
        total = sum(counts.values())
        if namespace is not None and not total and not _has_namespace(st, tables, namespace):
            raise InvalidInputError(f"no namespace {namespace!r} in {st.url}{_holds(st, tables)}")
        if total and not yes:
            _confirm(st.url, counts)
        data = clear_store(st, tables, namespace)
    render.emit(data, as_json, _render)


def held(store: Any, tables: tuple[str, ...], namespace: str | None) -> dict[str, int]:
    """Entries per table (of ``namespace`` only, when given)."""
    return {
        table: sum(
            store.info(table, ns).entries
            for ns in store.namespaces(table)
            if namespace is None or ns == namespace
        )
        for table in tables
    }


def clear_store(store: Any, tables: tuple[str, ...], namespace: str | None) -> dict[str, Any]:
    """Remove the entries; the semantic cache's own ``clear`` empties its saved index too."""
    removed, unbound = {}, False
    for table in tables:
        if table == "semantic" and store.namespaces("semantic"):
            removed[table] = _clear_semantic(store, namespace)
        else:
            removed[table] = int(store.clear(table, namespace))
            if table == "semantic" and namespace is None:
                unbound = _unbind(store)
    total = sum(removed.values())
    return {"store": store.url, "removed": removed, "total": total, "unbound": unbound}


def _unbind(store: Any) -> bool:
    """An empty semantic table still bound to the embedder of its deleted entries."""
    from .ops import semantic_module

    module = semantic_module("binding")
    return False if module is None else bool(module.unbind(store))


def _clear_semantic(store: Any, namespace: str | None) -> int:
    from .ops import semantic_module

    module = semantic_module("cache")
    if module is None:
        return int(store.clear("semantic", namespace))
    # embedder=None: the one the store recorded, so entries of any embedder can go
    with module.SemanticCache(embedder=None, store=store) as sem:
        return int(sem.clear() if namespace is None else sem.clear_namespace(namespace))


def _has_namespace(store: Any, tables: tuple[str, ...], namespace: str) -> bool:
    return any(namespace in store.namespaces(table) for table in tables)


def _holds(store: Any, tables: tuple[str, ...]) -> str:
    """What a mistyped ``--namespace`` could have been (as ``inspect`` says it)."""
    held = [f"{t} {ns}" for t in tables for ns in sorted(store.namespaces(t))]
    return f"; it holds: {', '.join(held)}" if held else f"; it holds none in {', '.join(tables)}"


def _render(data: dict[str, Any]) -> None:
    from .common import out_console

    if data["total"]:
        out_console().print(f"removed {_what(data['store'], data['removed'])}")
    elif data["unbound"]:
        out_console().print(
            f"no entries in {data['store']}; its semantic table is no longer bound to the "
            "embedder of its deleted entries"
        )
    else:
        out_console().print(f"nothing to clear in {data['store']}")


def _what(url: str, counts: dict[str, int]) -> str:
    """'3 entries (embedding 2, kv 1) from URL' (the tables that hold any)."""
    total = sum(counts.values())
    parts = ", ".join(f"{table} {n:,}" for table, n in counts.items() if n)
    return f"{total:,} entr{'y' if total == 1 else 'ies'} ({parts}) from {url}"


def _confirm(url: str, counts: dict[str, int]) -> None:
    """Ask on the terminal; without one, ``--yes`` is required."""
    from ..errors import InvalidInputError

    what = _what(url, counts)
    if not sys.stdin.isatty():
        raise InvalidInputError(f"clear would remove {what}: pass --yes to confirm")
    if not typer.confirm(f"Remove {what}?", default=False, err=True):
        sys.stderr.write("nearcache: nothing removed\n")
        raise typer.Exit(1)
