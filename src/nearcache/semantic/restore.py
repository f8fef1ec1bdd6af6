"""Restoring a checkpoint into a fresh cache, for both the sync and the async class.

The archive is verified first (:func:`.checkpoint.read_checkpoint`); then, for a SQLite
target, the entries are written to a temporary database beside the final path which is
renamed into place only when complete, so a failed restore leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import CheckpointError
from .checkpoint import Limits, read_checkpoint
from .core import SemanticCore

__all__ = ["restore"]


def _core_of(cache: Any) -> SemanticCore:
    core = cache._core
    assert isinstance(core, SemanticCore)
    return core


def restore(
    cls: Any,
    source: str | os.PathLike[str],
    path: str | os.PathLike[str] | None,
    embedder: Any,
    limits: Limits | None,
    kwargs: dict[str, Any],
) -> Any:
    """Verify ``source``, then build a ``cls`` cache holding its entries."""
    fingerprint = None if embedder is None else str(embedder.fingerprint)
    dim = None if embedder is None or not int(embedder.dim) else int(embedder.dim)
    manifest, rows = read_checkpoint(source, fingerprint=fingerprint, dim=dim, limits=limits)
    header = {"fingerprint": manifest.get("fingerprint"), "dim": manifest.get("dim")}
    if path is None:
        cache = cls(None, embedder, **kwargs)
        core = _core_of(cache)
        try:
            core.import_rows(rows, header)
        except BaseException:
            core.close()
            raise
        return cache
    final = Path(path)
    if final.exists():
        raise CheckpointError(f"a checkpoint restores into a fresh cache; {final} already exists")
    tmp = final.parent / f".{final.name}.import-{os.getpid()}"
    _remove_db(tmp)
    try:
        core = _core_of(cls(tmp, embedder, **kwargs))
        try:
            core.import_rows(rows, header)
        finally:
            core.close()
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{tmp}{suffix}")
            if src.exists():
                os.replace(src, f"{final}{suffix}")
        index = Path(f"{tmp}.index")
        if index.exists():
            shutil.rmtree(f"{final}.index", ignore_errors=True)  # stale, its db is gone
            os.replace(index, f"{final}.index")
    except BaseException:
        _remove_db(tmp)
        raise
    return cls(final, embedder, **kwargs)


def _remove_db(base: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(f"{base}{suffix}")
        if p.exists():
            p.unlink()
    shutil.rmtree(f"{base}.index", ignore_errors=True)
