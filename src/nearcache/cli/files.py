"""Find the text files under a path, the way ``git`` would see them.

* ``.gitignore`` files are honoured with git's own pattern rules (``pathspec``'s
  ``GitIgnoreSpec``, which matches git's behaviour including negation and directory
  patterns): the ones in the walked folders, and those of parent folders up to the root
  of the enclosing git work tree, each relative to its own folder, deeper files winning.
* ``.git`` folders (and the ``.git`` files of worktrees) are never entered, and symbolic
  links to folders are not followed (no loops, no escaping the tree).
* A file is text when its first 8 KiB hold no NUL byte and the whole file decodes as
  UTF-8 (a BOM is allowed); anything else is skipped and counted as ``binary`` or
  ``not_utf8``. Files above ``max_bytes`` are skipped as ``too_large`` without reading.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_MAX_FILE_BYTES", "Skip", "Walk", "iter_texts", "read_text", "walk"]

#: Files above this size are skipped (generated or data files, rarely worth embedding).
DEFAULT_MAX_FILE_BYTES = 1024 * 1024
_SNIFF = 8192


@dataclass
class Walk:
    """What a walk found: candidate ``files`` and how many paths .gitignore excluded."""

    files: list[Path] = field(default_factory=list)
    ignored: int = 0


@dataclass(frozen=True)
class _Rules:
    base: Path
    spec: Any  # pathspec.GitIgnoreSpec


def _load_rules(folder: Path) -> _Rules | None:
    import pathspec

    path = folder / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError):
        return None
    return _Rules(folder, pathspec.GitIgnoreSpec.from_lines(lines))


def _ancestor_rules(folder: Path) -> list[_Rules]:
    """.gitignore files of the parent folders, up to the enclosing git work tree."""
    if (folder / ".git").exists():
        return []  # the folder is the top of its work tree
    chain: list[Path] = []
    for parent in folder.parents:
        chain.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return []  # not inside a git work tree: parents' .gitignore files do not apply
    rules = [r for r in (_load_rules(p) for p in reversed(chain)) if r is not None]
    return rules


def _ignored(path: Path, is_dir: bool, rules: list[_Rules]) -> bool:
    verdict = False
    for rule in rules:
        rel = path.relative_to(rule.base).as_posix() + ("/" if is_dir else "")
        include = rule.spec.check_file(rel).include
        if include is not None:
            verdict = bool(include)
    return verdict


def walk(root: Path, *, gitignore: bool = True) -> Walk:
    """Candidate files under ``root`` (or ``root`` itself if it is a file), sorted.

    Raises:
        FileNotFoundError: ``root`` does not exist.
    """
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"{root} does not exist")
    root = root.resolve()
    result = Walk()
    if root.is_file():
        result.files.append(root)
        return result
    base_rules = _ancestor_rules(root) if gitignore else []
    if gitignore and base_rules and _ignored(root, True, base_rules):
        # The folder itself is ignored by a parent's .gitignore: asking for it explicitly
        # still embeds it, as `git add -f` would; its own rules apply below it.
        base_rules = []
    stack: list[tuple[Path, list[_Rules]]] = [(root, base_rules)]
    while stack:
        folder, rules = stack.pop()
        if gitignore:
            own = _load_rules(folder)
            if own is not None:
                rules = [*rules, own]
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subfolders: list[tuple[Path, list[_Rules]]] = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if entry.name == ".git":  # a folder, or a file in worktrees and submodules
                continue
            if gitignore and rules and _ignored(path, is_dir, rules):
                result.ignored += 1
                continue
            if is_dir:
                subfolders.append((path, rules))
            elif is_file:
                result.files.append(path)
        stack.extend(reversed(subfolders))
    result.files.sort()
    return result


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    """The text of ``path``, or raise :class:`Skip` with the reason it is not text."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Skip("unreadable", str(exc)) from None
    if size > max_bytes:
        raise Skip("too_large", f"{size} bytes > {max_bytes}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Skip("unreadable", str(exc)) from None
    if b"\x00" in data[:_SNIFF]:
        raise Skip("binary", "NUL byte")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Skip("not_utf8", "not UTF-8") from None


class Skip(Exception):
    """A file was left out; ``reason`` is ``binary``, ``not_utf8``, ``too_large`` or
    ``unreadable``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def iter_texts(
    files: list[Path],
    *,
    max_bytes: int,
    skipped: Counter[str],
    named: list[tuple[Path, str]] | None = None,
) -> Iterator[tuple[Path, str]]:
    """(path, text) for each readable text file; skips are counted in ``skipped`` and,
    when ``named`` is given, listed there as (path, reason)."""
    for path in files:
        try:
            yield path, read_text(path, max_bytes=max_bytes)
        except Skip as skip:
            skipped[skip.reason] += 1
            if named is not None:
                named.append((path, skip.reason))
