"""``nearcache clear``: what ``import`` asks for when the store already holds semantic
entries ("clear this one first" named no command that did it). It asks before removing
anything, needs ``--yes`` without a terminal, and can be limited to a table or namespace.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest

from cli_support import assert_one_line_error, eight_d_embedder, nc
from nearcache import SemanticCache, open_store
from nearcache.cli.runner import run


def _semantic_store(path: Path) -> None:
    embedder = eight_d_embedder()
    store = open_store(f"sqlite:///{path}")
    with store, SemanticCache(store=store, embedder=embedder) as cache:
        cache.put("what is the capital of France", "Paris")
        cache.put("what is the capital of Spain", "Madrid", namespace="other")


def _entries(path: Path, table: str) -> int:
    with open_store(f"sqlite:///{path}") as store:
        return sum(store.info(table, ns).entries for ns in store.namespaces(table))


def test_import_into_a_filled_store_names_clear_which_makes_it_work(tmp_path: Path) -> None:
    db, archive = tmp_path / "s.db", tmp_path / "a.tar.gz"
    _semantic_store(db)
    assert nc("export", str(archive), "--store", str(db), model="").returncode == 0
    proc = nc("import", str(archive), "--store", str(db), model="")
    assert_one_line_error(
        proc, "already holds 2 semantic entries", "`nearcache clear --table semantic --store "
    )
    proc = nc("clear", "--table", "semantic", "--store", str(db))  # no terminal, no --yes
    assert_one_line_error(proc, "clear would remove 2 entries (semantic 2)", "pass --yes")
    assert _entries(db, "semantic") == 2
    proc = nc("clear", "--table", "semantic", "--store", str(db), "--yes", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["removed"] == {"semantic": 2}
    proc = nc("import", str(archive), "--store", str(db), model="")
    assert proc.returncode == 0, proc.stderr
    assert _entries(db, "semantic") == 2


def test_clear_one_namespace_and_everything(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _semantic_store(db)
    proc = nc("clear", "--namespace", "other", "--store", str(db), "-y")
    assert proc.returncode == 0, proc.stderr
    assert "removed 1 entry (semantic 1) from sqlite:///" in proc.stdout
    with open_store(f"sqlite:///{db}") as store:
        assert store.namespaces("semantic") == ["default"]
    proc = nc("clear", "-n", "nope", "--store", str(db), "-y")  # names those it holds
    assert_one_line_error(proc, "no namespace 'nope'", "it holds: semantic default")
    proc = nc("clear", "-n", "nope", "--table", "kv", "--store", str(db), "-y")
    assert_one_line_error(proc, "it holds none in kv")
    proc = nc("clear", "--store", str(db), "-y")
    assert proc.returncode == 0 and "removed 1 entry" in proc.stdout, proc.stderr
    proc = nc("clear", "--store", str(db), "-y")
    assert proc.returncode == 0 and "nothing to clear in" in proc.stdout, proc.stderr
    proc = nc("clear", "--store", str(tmp_path / "none.db"), "-y")  # creates nothing
    assert_one_line_error(proc, "no store at")
    assert not (tmp_path / "none.db").exists()
    assert nc("clear", "--table", "nope", "--store", str(db)).returncode == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "status", "left"), [("n\n", 1, 2), ("y\n", 0, 0)])
def test_on_a_terminal_clear_asks_first(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    status: int,
    left: int,
) -> None:
    db = tmp_path / "s.db"
    _semantic_store(db)
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    assert run(["clear", "--store", str(db)]) == status
    err = capsys.readouterr().err
    assert f"Remove 2 entries (semantic 2) from sqlite:///{db}?" in err
    assert ("nothing removed" in err) == (status == 1)
    assert _entries(db, "semantic") == left


def test_clear_unbinds_the_store_so_another_embedder_can_fill_it(tmp_path: Path) -> None:
    """The emptied store was refused to a new embedder ("holds 8-d entries")."""
    from nearcache import FunctionEmbedder

    db = tmp_path / "s.db"
    _semantic_store(db)
    assert nc("clear", "--store", str(db), "-y").returncode == 0
    sixteen = FunctionEmbedder(
        lambda texts: np.ones((len(texts), 16), np.float32), dim=16, name="sixteen", revision="1"
    )
    store = open_store(f"sqlite:///{db}")
    with store, SemanticCache(store=store, embedder=sixteen) as cache:
        cache.put("what is the capital of Italy", "Rome")
        assert cache.get("what is the capital of Italy") is not None
