"""A SQLite store a command creates is removed again when the command fails with the store
still empty: a refused ``import`` (another embedder, a damaged archive) or ``calibrate``
(no labeled pairs) leaves no new empty file behind, nor the folders made for it.

Only a file this command created, and only while it holds no entry of any table: work a
failed run did keep (vectors embedded before an error or Ctrl-C) stays, to be reused.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..stores.protocol import TABLES, Store

__all__ = ["NewFile", "new_sqlite_file", "remove_if_empty"]

#: Files SQLite keeps beside the database.
_BESIDE = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class NewFile:
    """A SQLite file that does not exist yet, and its missing folders (outermost first)."""

    path: Path
    folders: tuple[Path, ...]


def new_sqlite_file(url: str) -> NewFile | None:
    """What opening ``url`` will create, or None (not SQLite, or the file exists)."""
    from ..stores.url import parse_store_url

    kind, target, _ = parse_store_url(url)
    if kind != "sqlite" or target == ":memory:":
        return None
    path = Path(target).absolute()
    if path.exists():
        return None
    folders: list[Path] = []
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        folders.append(parent)
        parent = parent.parent
    return NewFile(path, tuple(reversed(folders)))


def remove_if_empty(new: NewFile, store: Store) -> bool:
    """Close ``store`` and remove ``new`` (with its folders) if it holds nothing; True if
    removed. Any doubt (the store cannot be read) keeps the file."""
    try:
        empty = all(store.info(table).entries == 0 for table in TABLES)
    except Exception:
        return False
    finally:
        store.close()
    if not empty:
        return False
    for name in (str(new.path), *(f"{new.path}{end}" for end in _BESIDE)):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
    shutil.rmtree(f"{new.path}.index", ignore_errors=True)  # a semantic index saved empty
    for folder in reversed(new.folders):  # innermost first; a folder others use stays
        with contextlib.suppress(OSError):
            folder.rmdir()
    return True
