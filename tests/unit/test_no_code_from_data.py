"""RELIABILITY test 19 (audit part): the package never imports or calls unsafe loaders."""

from __future__ import annotations

import ast
from pathlib import Path

import nearcache

FORBIDDEN_MODULES = {
    "pickle",
    "cPickle",
    "_pickle",
    "marshal",
    "shelve",
    "dill",
    "cloudpickle",
    "joblib",
}
FORBIDDEN_CALLS = {
    ("torch", "load"),
    ("yaml", "load"),
    ("yaml", "unsafe_load"),
    ("pickle", "loads"),
}


def _package_files() -> list[Path]:
    root = Path(nearcache.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert len(files) > 10
    return files


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                f"import {a.name}" for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"from {node.module} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (name, node.func.attr) in FORBIDDEN_CALLS:
                found.append(f"{name}.{node.func.attr}()")
            if node.func.attr == "load" and name in ("np", "numpy"):
                for kw in node.keywords:
                    if kw.arg == "allow_pickle" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False
                    ):
                        found.append("np.load(allow_pickle=...)")
            if node.func.attr == "extractall" and not any(k.arg == "filter" for k in node.keywords):
                found.append("extractall() without filter=")
    return [f"{path.name}:{p}" for p in found]


def test_package_never_imports_or_calls_unsafe_loaders() -> None:
    problems = [p for f in _package_files() for p in _problems(f)]
    assert problems == []


def test_the_audit_itself_catches_violations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nfrom marshal import loads\nimport numpy as np\n"
        "np.load('x', allow_pickle=True)\nimport yaml\nyaml.load('x')\n"
        "import tarfile\ntarfile.open('x').extractall('y')\n"
    )
    assert len(_problems(bad)) == 5
