"""What ``calibrate`` and ``import`` say about an input that is not a plain file: they
said "/dev/null does not exist" (and the same of a folder). ``calibrate`` reads its pairs
once, so a pipe (``<(jq ...)``, ``/dev/stdin``) will do and ``/dev/null`` is empty."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nearcache.cli.runner import run


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert run(list(argv)) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_calibrate_and_import_name_what_the_input_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ["--store", str(tmp_path / "c.db"), "--model", "hash-test"]
    folder = tmp_path / "pairs"
    folder.mkdir()
    said = _error(capsys, "calibrate", os.devnull, *store)
    assert said == f"nearcache: error: {os.devnull} holds no labeled pairs"
    said = _error(capsys, "calibrate", str(folder), *store)
    assert said == f"nearcache: error: {folder} is a folder, not a JSON Lines file of labeled pairs"
    said = _error(capsys, "import", str(folder), *store[:2])
    assert said == f"nearcache: error: {folder} is a folder, not an archive file (.tar.gz)"
    said = _error(capsys, "import", os.devnull, *store[:2])
    assert said.endswith(f"{os.devnull} is not a regular file: give an archive file (.tar.gz)")
    said = _error(capsys, "calibrate", str(tmp_path / "none.jsonl"), *store)
    assert said.endswith("none.jsonl does not exist")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pairs"]  # no store made


def test_calibrate_reads_pairs_from_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    read, write = os.pipe()
    os.write(write, b'{"a": "a cat", "b": "a cat", "same": true}\n')
    os.close(write)
    try:
        argv = ["calibrate", f"/dev/fd/{read}", "--store", str(tmp_path / "c.db")]
        assert run([*argv, "--model", "hash-test", "--json"]) == 0, capsys.readouterr().err
    finally:
        os.close(read)
    assert '"pairs": 1' in capsys.readouterr().out
