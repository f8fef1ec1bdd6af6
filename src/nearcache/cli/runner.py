"""Running the Typer app: exit statuses, one-line errors, and flags shown without a type.

Kept apart from :mod:`nearcache.cli.app` so the commands' module holds commands only.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import typer

from .app import _state, app

__all__ = ["run"]


def _one_line(exc: BaseException) -> str:
    from ..errors import NearcacheError

    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        # "[Errno 30] Read-only file system: '/x'" -> "/x: read-only file system"
        return f"{exc.filename}: {exc.strerror[:1].lower()}{exc.strerror[1:]}"
    text = " ".join(str(exc).split())
    if isinstance(exc, (NearcacheError, FileNotFoundError)) and text:
        return text
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


def _framework_exceptions() -> tuple[tuple[type[BaseException], ...], ...]:
    """(exit, abort, usage) exception types of Typer, and of click when Typer uses it
    (older Typer releases raise click's classes, newer ones vendor their own)."""
    exits: list[type[BaseException]] = [typer.Exit]
    aborts: list[type[BaseException]] = [typer.Abort]
    usage: list[type[BaseException]] = []
    if hasattr(typer, "TyperException"):
        usage.append(typer.TyperException)
    try:
        import click
    except ImportError:  # pragma: no cover - click is optional for new Typer releases
        pass
    else:
        exits.append(click.exceptions.Exit)
        aborts.append(click.exceptions.Abort)
        usage.append(click.ClickException)
    return tuple(exits), tuple(aborts), tuple(usage)


def _bare_usage(pieces: Any) -> Any:
    """``get_usage_pieces`` of an argument, a required one shown bare: Typer 0.29 wraps it
    in braces (``{QUERY}``, read as a literal or a set to choose from); the convention
    (click, argparse, man pages) is ``QUERY``, and ``[QUERY]`` when it may be left out."""

    def usage(ctx: Any) -> list[str]:
        out = []
        for piece in pieces(ctx):
            name, dots = (piece[:-3], "...") if piece.endswith("...") else (piece, "")
            if name.startswith("{") and name.endswith("}"):
                piece = name[1:-1] + dots
            out.append(piece)
        return out

    return usage


def _command() -> Any:
    """The app's click command, with flags shown without a value type and arguments by
    their upper-case names, bare when required (``PATHS...``, ``[ASKED]``).

    Typer's rich help prints ``<bool>`` after every flag, as if it took a value; an
    empty metavar hides it (the help option is made on demand, so it is patched as it
    is made).
    """
    command = typer.main.get_command(app)
    todo = [command]
    while todo:
        cmd = todo.pop()
        todo.extend(getattr(cmd, "commands", {}).values())
        for param in cmd.params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            elif param.param_type_name == "argument":
                if param.metavar is None and param.name:
                    param.metavar = param.name.upper()  # Typer 0.29 printed "{paths}..."
                param.get_usage_pieces = _bare_usage(param.get_usage_pieces)  # type: ignore[method-assign]
        make_help = cmd.get_help_option

        def help_option(ctx: Any, make_help: Any = make_help) -> Any:
            option = make_help(ctx)
            if option is not None and option.metavar is None:
                option.metavar = ""
            return option

        cmd.get_help_option = help_option  # type: ignore[method-assign]
    return command


def run(argv: list[str]) -> int:
    """Run the app on ``argv``; return the exit status (errors: one line, status 1)."""
    exits, aborts, usage = _framework_exceptions()
    debug = "--debug" in argv
    try:
        result = _command().main(args=argv, prog_name="nearcache", standalone_mode=False)
    except exits as exc:
        return int(getattr(exc, "exit_code", 0))
    except aborts:
        sys.stderr.write("nearcache: aborted\n")
        return 130
    except usage as exc:
        # Usage errors (unknown option, bad value): the framework's message, status 2.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:  # pragma: no cover
            sys.stderr.write(f"nearcache: {exc}\n")
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        sys.stderr.write("nearcache: interrupted\n")
        return 130
    except Exception as exc:
        if debug or _state["debug"]:
            traceback.print_exc()
        sys.stderr.write(f"nearcache: error: {_one_line(exc)}\n")
        return 1
    return int(result) if isinstance(result, int) else 0
