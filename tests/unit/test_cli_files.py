"""Walking a tree: .gitignore rules (nested, negated, from parent folders), skips."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from nearcache.cli.files import Skip, iter_texts, read_text, walk


def _tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _rel(root: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(root.resolve()).as_posix() for p in paths]


def test_gitignore_rules_nested_and_negated(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            ".gitignore": "*.log\nbuild/\n!keep.log\n",
            "a.txt": "a",
            "debug.log": "x",
            "keep.log": "kept",
            "build/out.txt": "x",
            "src/.gitignore": "generated.py\n",
            "src/main.py": "print(1)",
            "src/generated.py": "x",
            "src/deep/build/x.txt": "x",
            "src/deep/notes.md": "n",
            ".git/HEAD": "ref: refs/heads/main",
        },
    )
    found = walk(tmp_path)
    assert _rel(tmp_path, found.files) == [
        ".gitignore",
        "a.txt",
        "keep.log",
        "src/.gitignore",
        "src/deep/notes.md",
        "src/main.py",
    ]
    assert found.ignored == 4  # debug.log, build/, src/generated.py, src/deep/build/


def test_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    _tree(tmp_path, {".gitignore": "*.log\n", "a.log": "x", "b.txt": "y"})
    assert _rel(tmp_path, walk(tmp_path, gitignore=False).files) == [".gitignore", "a.log", "b.txt"]


def test_parent_gitignore_applies_inside_a_work_tree(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {".git/HEAD": "x", ".gitignore": "*.tmp\n", "docs/a.md": "a", "docs/b.tmp": "b"},
    )
    found = walk(tmp_path / "docs")
    assert [p.name for p in found.files] == ["a.md"]
    assert found.ignored == 1


def test_parent_gitignore_outside_a_work_tree_is_not_used(tmp_path: Path) -> None:
    _tree(tmp_path, {".gitignore": "*.tmp\n", "docs/a.md": "a", "docs/b.tmp": "b"})
    assert [p.name for p in walk(tmp_path / "docs").files] == ["a.md", "b.tmp"]


def test_a_single_file_and_a_missing_path(tmp_path: Path) -> None:
    _tree(tmp_path, {"one.txt": "1"})
    assert _rel(tmp_path, walk(tmp_path / "one.txt").files) == ["one.txt"]
    with pytest.raises(FileNotFoundError):
        walk(tmp_path / "nope")


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    _tree(tmp_path, {"real/a.txt": "a"})
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert _rel(tmp_path, walk(tmp_path).files) == ["real/a.txt"]


def test_read_text_skips_binary_large_and_non_utf8(tmp_path: Path) -> None:
    _tree(
        tmp_path,
        {
            "ok.md": "caf\u00e9",
            "bom.txt": b"\xef\xbb\xbfhello",
            "img.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            "latin1.txt": "caf\u00e9".encode("latin-1"),
            "big.txt": "x" * 2000,
        },
    )
    assert read_text(tmp_path / "ok.md") == "caf\u00e9"
    assert read_text(tmp_path / "bom.txt") == "hello"
    reasons = {}
    for name in ("img.png", "latin1.txt", "big.txt"):
        with pytest.raises(Skip) as info:
            read_text(tmp_path / name, max_bytes=1000)
        reasons[name] = info.value.reason
    assert reasons == {"img.png": "binary", "latin1.txt": "not_utf8", "big.txt": "too_large"}
    skipped: Counter[str] = Counter()
    files = sorted(tmp_path.iterdir())
    texts = dict(iter_texts(files, max_bytes=1000, skipped=skipped))
    assert sorted(p.name for p in texts) == ["bom.txt", "ok.md"]
    assert skipped == Counter({"binary": 1, "not_utf8": 1, "too_large": 1})
