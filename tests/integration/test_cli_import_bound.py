"""Importing into a store that holds no semantic entry but is still bound to the
embedder of its deleted ones: the refusal names both embedders and the way out (it said
only "embedding has dimension 16, expected 8"), and the way out works.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from cli_support import assert_one_line_error, eight_d_embedder, nc
from nearcache import FunctionEmbedder, SemanticCache, open_store


def _sixteen_d() -> Any:
    return FunctionEmbedder(
        lambda texts: np.ones((len(texts), 16), np.float32), dim=16, name="sixteen", revision="1"
    )


def _bound_but_empty(path: Path) -> None:
    # entries removed behind the cache's back (an older release, a raw store tool): a
    # delete through the cache unbinds the store with its last entry
    store = open_store(f"sqlite:///{path}")
    with store, SemanticCache(store=store, embedder=eight_d_embedder()) as cache:
        cache.put("what is the capital of France", "Paris")
    store = open_store(f"sqlite:///{path}")
    with store:
        assert store.clear("semantic") == 1


def _archive_of_16_d(tmp_path: Path) -> Path:
    src, archive = tmp_path / "src.db", tmp_path / "a.tar.gz"
    store = open_store(f"sqlite:///{src}")
    with store, SemanticCache(store=store, embedder=_sixteen_d()) as cache:
        cache.put("what is the capital of Italy", "Rome")
    assert nc("export", str(archive), "--store", str(src), model="").returncode == 0
    return archive


def test_import_into_a_store_bound_to_another_embedder_names_both(tmp_path: Path) -> None:
    db, archive = tmp_path / "dst.db", _archive_of_16_d(tmp_path)
    _bound_but_empty(db)
    proc = nc("import", str(archive), "--store", str(db), model="")
    assert_one_line_error(
        proc,
        "holds no semantic entry but is still bound to",
        "/eight@1",
        "(8-d)",
        "/sixteen@1",
        "(16-d)",
        f"`nearcache clear --table semantic --store sqlite:///{db}`",
    )
    proc = nc("clear", "--table", "semantic", "--store", str(db), "-y", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["unbound"] is True
    proc = nc("import", str(archive), "--store", str(db), model="")
    assert proc.returncode == 0, proc.stderr
    store = open_store(f"sqlite:///{db}")
    with store, SemanticCache(store=store, embedder=_sixteen_d()) as cache:
        assert cache.get("what is the capital of Italy") is not None


def test_clear_of_an_unbound_empty_store_says_nothing_to_clear(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _bound_but_empty(db)
    proc = nc("clear", "--store", str(db), "-y")
    assert proc.returncode == 0 and "no longer bound" in proc.stdout, proc.stderr
    proc = nc("clear", "--store", str(db), "-y")
    assert proc.returncode == 0 and "nothing to clear in" in proc.stdout, proc.stderr


def test_import_after_the_last_entry_was_deleted_takes_another_embedder(tmp_path: Path) -> None:
    # the delete unbinds the store, but its saved 8-d index made the import fail with
    # "expected vectors of shape (1, 8), got (1, 16)"
    db, archive = tmp_path / "dst.db", _archive_of_16_d(tmp_path)
    store = open_store(f"sqlite:///{db}")
    with store, SemanticCache(store=store, embedder=eight_d_embedder()) as cache:
        cache.put("what is the capital of France", "Paris")
        assert cache.delete("what is the capital of France")
    proc = nc("import", str(archive), "--store", str(db), model="")
    assert proc.returncode == 0, proc.stderr
    store = open_store(f"sqlite:///{db}")
    with store, SemanticCache(store=store, embedder=_sixteen_d()) as cache:
        assert cache.get("what is the capital of Italy") is not None
