"""A command refused after it created its SQLite store leaves nothing behind: a refused
``nearcache import`` (semantic entries of another embedder) or ``calibrate`` (no labeled
pairs) left a new, empty store file (and the folders made for it)."""

from __future__ import annotations

from pathlib import Path

from cli_support import assert_one_line_error, eight_d_embedder, nc
from nearcache import SemanticCache, open_store


def _semantic_archive(tmp_path: Path) -> Path:
    """An archive holding one semantic entry of an 8-d embedder (hash-test makes 64-d)."""
    embedder = eight_d_embedder()
    store = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    with store, SemanticCache(store=store, embedder=embedder) as c:
        c.put("what is the capital of France", "Paris")
    archive = tmp_path / "a.tar.gz"
    proc = nc("export", str(archive), "--store", str(tmp_path / "src.db"), model="")
    assert proc.returncode == 0, proc.stderr
    return archive


def test_a_refused_import_creates_no_store(tmp_path: Path) -> None:
    archive = _semantic_archive(tmp_path)
    before = sorted(tmp_path.iterdir())
    for target in ("new.db", "sub/deeper/new.db"):
        proc = nc("import", str(archive), "--store", str(tmp_path / target))
        assert_one_line_error(  # and says how it would go in
            proc, "8-d", "made with 'function/eight@1", "import without --model"
        )
    assert sorted(tmp_path.iterdir()) == before
    existing = tmp_path / "src.db"  # a store that was there stays, untouched
    proc = nc("import", str(archive), "--store", str(existing))
    assert proc.returncode == 1 and existing.is_file()


def test_a_refused_calibrate_creates_no_store(tmp_path: Path) -> None:
    empty = tmp_path / "pairs.jsonl"
    empty.write_text("")
    malformed = tmp_path / "bad.jsonl"
    malformed.write_text('{"a": "x"}\n')
    before = sorted(tmp_path.iterdir())
    proc = nc("calibrate", str(empty), "--store", str(tmp_path / "c.db"))
    assert_one_line_error(proc, "holds no labeled pairs")
    proc = nc("calibrate", str(malformed), "--store", str(tmp_path / "sub" / "c.db"))
    assert_one_line_error(proc, "bad.jsonl:1")
    assert sorted(tmp_path.iterdir()) == before


def test_a_command_that_succeeds_keeps_the_store_it_created(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "a cat", "b": "a cat", "same": true}\n')
    proc = nc("calibrate", str(pairs), "--store", str(tmp_path / "c.db"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "c.db").is_file()  # it holds the embedded texts: kept
