"""The import layers of ``src/nearcache``: every import points down (or sideways).

    4  cli, proxy, integrations                 what users run and plug in
    3  embedding, semantic, kv                  the caches
    2  stores, index, embedders                 storage, vector search, embedding adapters
    1  keys, normbatch, codecs, clock, stats,   building blocks
       policy, retry, _flow, archive, judge,
       batchargs, unknownopts
    0  errors                                   the error tree

Every ``import`` counts — at module level, inside functions (lazy imports) and under
``TYPE_CHECKING`` — because each is a dependency someone has to keep working. The
package's ``__init__`` (the public face) and ``__main__`` may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nearcache

ROOT = Path(nearcache.__file__).parent
LAYERS: dict[str, int] = {
    "errors": 0,
    **dict.fromkeys(["keys", "normbatch", "codecs", "clock", "stats", "policy", "retry"], 1),
    **dict.fromkeys(["_flow", "archive", "batchargs", "unknownopts"], 1),
    "judge": 1,
    **dict.fromkeys(["stores", "index", "embedders"], 2),
    **dict.fromkeys(["embedding", "semantic", "kv"], 3),
    **dict.fromkeys(["cli", "proxy", "integrations"], 4),
}
EXEMPT = {"__init__", "__main__"}


def _part(path: Path) -> str:
    """The top-level part of nearcache a file belongs to (``stores``, ``keys``, ...)."""
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, top-level nearcache part) of every import of nearcache in ``path``."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    package = ["nearcache", *path.relative_to(ROOT).parts[:-1]]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = ".".join([*base, *([node.module] if node.module else [])])
                # "from . import x" / "from .. import x" name submodules
                names = [f"{mod}.{a.name}" for a in node.names] if not node.module else [mod]
            else:
                names = [node.module or ""]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "nearcache" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def test_every_part_has_a_layer() -> None:
    parts = {_part(p) for p in ROOT.rglob("*.py")} - EXEMPT
    assert parts <= set(LAYERS), f"give these a layer in this test: {sorted(parts - set(LAYERS))}"


def test_imports_only_point_down() -> None:
    upward: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        here = _part(path)
        if here in EXEMPT:
            continue
        for line, there in _imports(path):
            if there in LAYERS and LAYERS[there] > LAYERS[here]:
                rel = path.relative_to(ROOT.parent)
                upward.append(f"{rel}:{line} ({here}, layer {LAYERS[here]}) imports {there}")
    assert upward == [], "imports that point up:\n" + "\n".join(upward)


def test_the_check_sees_relative_lazy_and_type_checking_imports() -> None:
    """The walker resolves the import forms the package uses (a check that cannot fail
    would prove nothing)."""
    fake = ROOT / "stores" / "sqlite" / "fake.py"
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ...errors import CacheError\n"
        "from ..protocol import Item\n"
        "from . import layout\n"
        "import nearcache.keys\n"
        "if TYPE_CHECKING:\n"
        "    from ...semantic.cache import SemanticCache\n"
        "def lazy():\n"
        "    from ...kv import Cache\n"
    )
    found = [there for _, there in _imports(fake, source)]
    assert found == ["errors", "stores", "stores", "keys", "semantic", "kv"]
    assert [t for t in found if LAYERS[t] > LAYERS["stores"]] == ["semantic", "kv"]
