"""Shared by the judge data tests: where the labeled pairs are, the validator, the pool."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "judge"


def load_validator() -> ModuleType:
    """benchmarks/judge_data.py as a module (loaded once, kept in ``sys.modules``)."""
    if "judge_data" in sys.modules:
        return sys.modules["judge_data"]
    path = ROOT / "benchmarks" / "judge_data.py"
    spec = importlib.util.spec_from_file_location("judge_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["judge_data"] = module
    spec.loader.exec_module(module)
    return module


def assigned(name: str) -> Any:
    """The literal assigned to ``name`` in benchmarks/train_verifier.py (read, not imported)."""
    source = (ROOT / "benchmarks" / "train_verifier.py").read_text("utf-8")
    return next(
        ast.literal_eval(node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    )
