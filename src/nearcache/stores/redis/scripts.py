"""The Redis store's Lua scripts: ``lua/*.lua`` (package data), each run atomically.

Every script is ``common.lua`` (the shared functions: chunked commands, version bumps
and the change log, storing and removing records) followed by the script's own file,
behind a ``#!lua`` shebang. Keeping them in ``.lua`` files lets an editor and a linter
read them; the store registers each once and runs it by SHA (``EVALSHA``).
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["FREEING", "SCRIPTS", "script_source"]

#: name -> what it does (each is ``lua/<name>.lua``)
SCRIPTS = {
    "put": "insert or replace a batch",
    "add": "insert each item whose key is absent or expired",
    "remove": "delete the given members",
    "purge": "delete records expired at a time",
    "evict": "delete least recently used records until within caps",
    "clear": "empty a namespace by moving to a new generation",
}


def _read(name: str) -> str:
    return (
        resources.files(__package__ or __name__).joinpath("lua").joinpath(name).read_text("utf-8")
    )


#: Scripts that free memory: a server past its ``maxmemory`` (``noeviction``) refuses
#: every other script, and refused these too, so nothing could be cleared, deleted or
#: purged to make room (``allow-oom``: they run, and their few writes with them).
FREEING = frozenset({"remove", "purge", "evict", "clear"})


@functools.cache
def script_source(name: str) -> str:
    """The full source of script ``name``: shebang, shared functions, its own body."""
    if name not in SCRIPTS:
        raise KeyError(name)
    shebang = "#!lua flags=allow-oom\n" if name in FREEING else "#!lua\n"
    return shebang + _read("common.lua") + "\n" + _read(f"{name}.lua")
