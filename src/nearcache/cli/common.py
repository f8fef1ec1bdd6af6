"""Shared pieces of the CLI: store URLs, consoles, JSON output, number formatting.

rich was chosen for output because it renders tables and a live progress bar with rates
on a terminal, and degrades to plain text when output is piped; Typer (built on click)
for parsing because commands are plain typed functions and ``--help`` comes for free.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidTypeError

if TYPE_CHECKING:
    from rich.console import Console

    from ..stores.protocol import Store

__all__ = [
    "LOG_FORMAT",
    "default_store_url",
    "err_console",
    "fmt_bytes",
    "fmt_seconds",
    "open_cli_store",
    "out_console",
    "print_json",
]

STORE_ENV = "NEARCACHE_STORE"
#: How the CLI prints the library's log lines (also in ``serve``'s worker processes).
LOG_FORMAT = "nearcache: %(levelname)s %(name)s: %(message)s"


def default_store_url() -> str:
    """``$NEARCACHE_STORE``, else a SQLite file in the user cache directory."""
    env = os.environ.get(STORE_ENV)
    if env:
        return env
    import platformdirs

    path = Path(platformdirs.user_cache_dir("nearcache", appauthor=False)) / "nearcache.db"
    return f"sqlite:///{path}"


def open_cli_store(url: str | None, *, must_exist: bool = False) -> Store:
    """Open ``url`` (or the default store). A bare path means a SQLite file.

    ``must_exist`` (commands that only read): a SQLite file that does not exist, or a
    DynamoDB table that does not, is an error and nothing is created. Opening is
    followed by one read, so an unreachable server fails here, with one clear error,
    rather than halfway through a job.

    Raises:
        InvalidInputError: a malformed or mistyped URL, (``must_exist``) no store, or a
            store that cannot be created where the URL says (a read-only folder).
    """
    from ..errors import InvalidInputError
    from ..stores.url import is_url, open_store, parse_store_url

    url = url or default_store_url()
    kind, target, _ = parse_store_url(url)  # refuses a mistyped URL before the prefix
    if not is_url(url):
        url = f"sqlite:///{url}"
    overrides: dict[str, Any] = {}
    if must_exist and kind == "sqlite" and not Path(target).exists():
        raise InvalidInputError(
            f"no store at {target} (nothing was created): check --store, or run "
            "`nearcache embed PATH` to create one"
        )
    if must_exist and kind == "sqlite" and target != ":memory:":
        _refuse_no_store(Path(target))
    if must_exist and kind == "dynamodb":
        overrides["create_table"] = False
    try:
        store = open_store(url, **overrides)
    except OSError as exc:  # e.g. the folder of a SQLite file cannot be created
        raise InvalidInputError(
            f"cannot open the store {url}: {exc.filename or target}: {exc.strerror or exc}; "
            f"choose another with --store URL or ${STORE_ENV}"
        ) from exc
    try:
        store.get_meta("hash_algorithm")
    except BaseException:
        try:
            store.close()
        except Exception:  # closing a store that never connected may fail too
            pass
        raise
    return store


def _refuse_no_store(path: Path) -> None:
    """A command that only reads never gives a schema to a file that has none (an empty
    file, or a SQLite database without tables): it is not a nearcache store."""
    import sqlite3

    from ..errors import InvalidInputError

    if not path.is_file():
        return
    wal = Path(f"{path}-wal")
    if path.stat().st_size == 0 and not (wal.is_file() and wal.stat().st_size):
        what = "an empty file"
    else:
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            try:
                tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            finally:
                con.close()
        except sqlite3.Error:
            return  # the store's own opening says what is wrong with it
        if tables:
            return
        what = "a SQLite database without tables"
    raise InvalidInputError(
        f"{path} is {what}, not a nearcache store (it was left untouched): check --store, "
        "or run `nearcache embed PATH` to create one"
    )


_consoles: dict[str, Console] = {}


def out_console() -> Console:
    """The console for results (stdout)."""
    from rich.console import Console

    if "out" not in _consoles:
        console = Console(highlight=False, markup=False)
        if not console.is_terminal and "COLUMNS" not in os.environ:
            # Piped output: do not cut namespaces and paths at 80 columns.
            console = Console(highlight=False, markup=False, width=160)
        _consoles["out"] = console
    return _consoles["out"]


def err_console() -> Console:
    """The console for progress and messages (stderr), so stdout stays parseable."""
    from rich.console import Console

    if "err" not in _consoles:
        _consoles["err"] = Console(stderr=True, highlight=False, markup=False)
    return _consoles["err"]


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON on stdout (no colour codes, ever)."""
    sys.stdout.write(json.dumps(data, indent=2, default=_json_default, allow_nan=False) + "\n")
    sys.stdout.flush()


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "as_dict"):
        return obj.as_dict()
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise InvalidTypeError(f"{type(obj).__name__} is not JSON serializable")


def fmt_bytes(n: float) -> str:
    """1536 -> '1.5 KiB'."""
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"  # pragma: no cover


def fmt_seconds(s: float | None) -> str:
    """0.0123 -> '12.3 ms'; None -> 'n/a'."""
    if s is None:
        return "n/a"
    if s < 1:
        return f"{s * 1000:.1f} ms"
    if s < 120:
        return f"{s:.2f} s"
    return f"{s / 60:.1f} min"
