"""A code index carried to another machine: ``export`` there, ``import`` here, ``embed``
the checkout here (at another path). Every search result came twice, once under the
other machine's path, which cannot be opened here."""

from __future__ import annotations

import shutil
from pathlib import Path

from cli_support import TOPICS, make_corpus, nc_json


def test_a_tree_imported_from_another_machine_is_searched_once(tmp_path: Path) -> None:
    there = make_corpus(tmp_path / "there" / "repo")
    archive = tmp_path / "index.tar.gz"
    nc_json("embed", str(there), "--store", str(tmp_path / "there.db"))
    nc_json("export", str(archive), "--store", str(tmp_path / "there.db"))
    here = tmp_path / "here" / "repo"
    shutil.copytree(there, here)
    shutil.rmtree(there)  # the other machine's checkout is not on this one
    store = str(tmp_path / "here.db")
    nc_json("import", str(archive), "--store", store)
    embedded = nc_json("embed", str(here), "--store", store)
    assert embedded["embedded"] == 0 and embedded["changed_files"] == len(TOPICS)
    found = nc_json("search", "consistent hashing ring", "--store", store, "-k", "50")
    assert found["files"] == len(TOPICS)
    paths = [Path(r["path"]) for r in found["results"]]
    assert paths and all(p.is_relative_to(here.resolve()) for p in paths), paths
    assert len(paths) == len({(r["path"], r["start_line"]) for r in found["results"]})
    shutil.rmtree(here)  # searched where no path exists (a search service): all records
    found = nc_json("search", "consistent hashing ring", "--store", store, "-k", "50")
    assert found["files"] == 2 * len(TOPICS)
