"""Modules stay at most ~400 lines, one concept each (the project's style rule)."""

from __future__ import annotations

from pathlib import Path

import nearcache

LIMIT = 400
SOURCE = Path(nearcache.__file__).parent

#: Modules known to be over, at their current length: none may grow, and one brought
#: within the limit leaves this table (a module split by its concepts, not squeezed).
KNOWN_OVER = {"judge/align.py": 402}


def lines_of(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_the_limit() -> None:
    over = {
        str(path.relative_to(SOURCE)): n
        for path in sorted(SOURCE.rglob("*.py"))
        if (n := lines_of(path)) > LIMIT
    }
    grown = {name: n for name, n in over.items() if n > KNOWN_OVER.get(name, LIMIT)}
    assert grown == {}, f"over {LIMIT} lines: move a concept out of each"
    assert set(KNOWN_OVER) <= set(over), "within the limit now: drop it from KNOWN_OVER"
