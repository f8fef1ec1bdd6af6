"""What the CLI's commands share: the ``--store``, ``--json`` and ``--model`` options,
loading the ``--model`` embedder, opening the store, and Ctrl-C as one line.

Like the commands, these import the library inside their bodies, so ``nearcache --help``
only loads Typer.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = [
    "JsonOpt",
    "ModelOpt",
    "SemanticModelOpt",
    "StoreOpt",
    "check_input_file",
    "check_rate",
    "interruptible",
    "load_model",
    "note_if_kept_nowhere",
    "open_store_for_command",
]

StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        "-s",
        help="Store URL: sqlite:///PATH, memory://, redis://..., postgresql://..., "
        "dynamodb://TABLE?endpoint_url=... or a bare SQLite path. "
        "Default: $NEARCACHE_STORE, else nearcache.db in the user cache folder.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of tables.")]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Embedder: 'default' (all-MiniLM-L6-v2 int8 ONNX, offline), 'st:NAME_OR_PATH' "
        "(sentence-transformers) or 'openai:MODEL'. Default: $NEARCACHE_MODEL or 'default'.",
        show_default=False,
    ),
]


SemanticModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="The embedder the semantic entries were made with; checked against the one the "
        "store (or archive) recorded. Default: $NEARCACHE_MODEL, else the recorded one.",
        show_default=False,
    ),
]


def load_model(model: str | None, *, lazy: bool = False) -> tuple[Any, float]:
    """The ``--model`` embedder and its load time (``lazy``: the default model only
    loads when something has to be embedded; its load time is then 0 here)."""
    from .models import resolve_embedder

    started = time.perf_counter()
    embedder = resolve_embedder(model, lazy=lazy)
    return embedder, time.perf_counter() - started


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C (status 130) or SIGTERM (status 143, what ``kill``, ``timeout``, systemd and
    container runtimes send) ends the command with one line saying what was kept. Without
    the handler SIGTERM ended it silently: the work was kept but nobody was told."""
    got: list[int] = []

    def on_term(signum: int, frame: object) -> None:
        got.append(signum)
        raise KeyboardInterrupt

    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, on_term) if main else None
    try:
        yield
    except KeyboardInterrupt as exc:
        sys.stderr.write(f"nearcache: {exc or 'interrupted'}\n")
        raise typer.Exit(128 + signal.SIGTERM if got else 130) from None
    finally:
        if main:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def open_store_for_command(url: str | None, *, must_exist: bool = False) -> Any:
    from .common import open_cli_store

    return open_cli_store(url, must_exist=must_exist)


def check_input_file(path: Path, what: str, *, stream: bool = False) -> None:
    """Refuse ``path`` unless it can be read as ``what``: missing, a folder, or (unless
    ``stream``: read once, so a pipe such as ``<(jq ...)`` or ``/dev/stdin`` will do, and
    ``/dev/null`` is an empty file) not a regular file.

    Raises:
        FileNotFoundError: nothing is there.
        InvalidInputError: a folder, or a device or pipe where a file is read twice.
    """
    from ..errors import InvalidInputError

    if path.is_dir():
        raise InvalidInputError(f"{path} is a folder, not {what}")
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    if not stream and not path.is_file():
        raise InvalidInputError(f"{path} is not a regular file: give {what}")


def check_rate(value: float | None, option: str) -> None:
    """A usage error naming ``option``, before any model loads, unless ``value`` is None or
    inside (0, 1) (a false-hit rate, a confidence)."""
    if value is not None and not 0.0 < value < 1.0:
        raise typer.BadParameter(f"{value:g} is not inside (0, 1)", param_hint=option)


def note_if_kept_nowhere(store: Any) -> None:
    """Say on stderr that a ``memory://`` store keeps nothing after this command: every
    command is a new process, so what ``embed`` or ``import`` put there is gone when it
    ends, and the next command (``search``) would find nothing."""
    if str(getattr(store, "url", "")).startswith("memory:"):
        from .common import err_console

        err_console().print(
            "note: memory:// keeps nothing after this command ends; keep the cache in a "
            "file (--store sqlite:///PATH) or a server (redis://, postgresql://)",
            soft_wrap=True,
        )
