"""The public API as users' type checkers see it: every name ``from nearcache import ...``
exists at run time, is explicitly exported, and has a real type (not ``Any``)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import nearcache

INIT = Path(nearcache.__file__)


def _type_checking_imports() -> dict[str, str]:
    """``{name: module}`` of the ``X as X`` imports under ``if TYPE_CHECKING:``."""
    tree = ast.parse(INIT.read_text())
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom), ast.dump(stmt)
                for alias in stmt.names:
                    assert alias.asname == alias.name, f"{alias.name} is not re-exported as itself"
                    found[alias.name] = f"nearcache.{stmt.module}"
    return found


def test_lazy_names_equal_their_type_checking_imports_and_all() -> None:
    lazy = nearcache._LAZY
    assert _type_checking_imports() == lazy
    eager = {n for n in nearcache.__all__ if n not in lazy}
    assert set(nearcache.__all__) == eager | set(lazy)
    assert len(nearcache.__all__) == len(set(nearcache.__all__))
    assert sorted(dir(nearcache)) == sorted(nearcache.__all__)


@pytest.mark.parametrize("name", sorted(nearcache.__all__))
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(nearcache, name)
    assert value is not None
    if name in nearcache._LAZY:
        module = sys.modules[nearcache._LAZY[name]]
        assert getattr(module, name) is value


def test_errors_are_exported_with_the_tree() -> None:
    from nearcache import errors

    assert set(errors.__all__) <= set(nearcache.__all__)
    for name in errors.__all__:
        assert getattr(nearcache, name) is getattr(errors, name)


def test_mypy_strict_sees_every_public_name_typed(tmp_path: Path) -> None:
    """A user program importing every public name passes ``mypy --strict``, and no name
    is revealed as ``Any`` (what an untyped lazy export looks like); a name that is not
    explicitly exported fails ``--strict`` ("does not explicitly export")."""
    api = pytest.importorskip("mypy.api")
    names = sorted(n for n in nearcache.__all__ if n != "__version__")
    program = tmp_path / "user_program.py"
    program.write_text(
        "from __future__ import annotations\n\n"
        "import numpy as np\n\n"
        f"from nearcache import {', '.join(names)}, __version__\n\n"
        + "".join(f"reveal_type({n})\n" for n in names)
        + "version: str = __version__\n"
        "emb = FunctionEmbedder(lambda texts: np.ones((len(texts), 3)), dim=3, name='ones')\n"
        "cached: CachedEmbedder = CachedEmbedder(emb, EmbeddingCache(MemoryStore()))\n"
        "store: Store = SQLiteStore('x.db')\n"
        "get_cache('x').set_many({'a': 1})\n"  # Mapping[Key, Any] refused a dict[str, int]
    )
    out, err, status = api.run(
        [
            "--strict",
            "--follow-imports=silent",
            "--no-incremental",
            "--python-version",
            "3.10",
            str(program),
        ]
    )
    assert status == 0, out + err
    revealed = [line for line in out.splitlines() if "Revealed type is" in line]
    assert len(revealed) == len(names), out
    untyped = [names[i] for i, line in enumerate(revealed) if line.endswith('"Any"')]
    assert untyped == [], f"public names typed as Any: {untyped}"
