"""The ``nearcache`` command line.

``main()`` is the console-script entry point. It imports nothing heavy: when the ``cli``
extra (Typer, rich) is missing it prints the install hint and exits with status 1, and
otherwise hands over to :mod:`nearcache.cli.runner`. The commands
(:mod:`nearcache.cli.app`) import the library lazily so ``nearcache --help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

__all__ = ["main"]

_REQUIRED = ("typer", "rich", "platformdirs", "pathspec")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the CLI with ``argv`` (default ``sys.argv[1:]``) and exit with its status."""
    import importlib

    missing = []
    for name in _REQUIRED:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        sys.stderr.write(
            f"nearcache: the command line needs {', '.join(missing)}; "
            "install it with: pip install 'nearcache[cli]'\n"
        )
        raise SystemExit(1)
    from .runner import run

    raise SystemExit(run(list(sys.argv[1:] if argv is None else argv)))
