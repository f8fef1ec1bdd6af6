"""SQL kept in ``.sql`` files beside the stores (package data), read by section.

A file is split by ``-- section: NAME`` lines; other ``--`` comment lines are dropped.
Placeholders such as ``{table}`` or ``{p}`` are replaced by the caller with ``str.replace``
(never ``str.format``: SQL has braces of its own), and only with validated identifiers.
"""

from __future__ import annotations

import functools
from importlib import resources

__all__ = ["read_sections", "statements"]


@functools.lru_cache(maxsize=16)
def read_sections(package: str, name: str) -> dict[str, str]:
    """``{section: sql}`` of the file ``name`` shipped in ``package``."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("-- section:"):
            current = sections.setdefault(stripped.split(":", 1)[1].strip(), [])
        elif current is not None and not stripped.startswith("--"):
            current.append(line)
    return {name: "\n".join(lines).strip() + "\n" for name, lines in sections.items()}


def statements(sql: str) -> list[str]:
    """Split ``sql`` into statements at each ``;`` that ends a line (no procedure
    bodies: SQLite's schema has none)."""
    out: list[str] = []
    current: list[str] = []
    for line in sql.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(current).strip().rstrip(";"))
            current = []
    tail = "\n".join(current).strip()
    if tail:
        out.append(tail)
    return out
