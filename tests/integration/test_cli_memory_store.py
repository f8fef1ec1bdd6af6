"""``--store memory://`` with a command that stores something says that it keeps nothing:
every command is a new process, so ``nearcache embed --store memory://`` then ``search``
said "no chunks embedded ...; run `nearcache embed PATH` first", a loop with no way out."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache.cli.runner import run

NOTE = "note: memory:// keeps nothing after this command ends"


def test_embed_into_memory_says_it_keeps_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "a.md"
    doc.write_text("least recently used eviction drops the oldest entry\n")
    argv = ["embed", str(doc), "--model", "hash-test", "--quiet"]
    assert run([*argv, "--store", "memory://"]) == 0
    assert NOTE in capsys.readouterr().err
    assert run([*argv, "--store", str(tmp_path / "s.db")]) == 0  # a store that keeps it
    assert NOTE not in capsys.readouterr().err
