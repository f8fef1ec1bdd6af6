"""``default_store``: the store a cache opens when it is given none.

One function for every cache, with each cache's default kept as data:

==============  =========================  ==============================================
cache           no ``store``, no ``path``  why
==============  =========================  ==============================================
``embedding``   ``MemoryStore`` of 100 MB  vectors are large and cheap to recompute
                                           relative to their size; SPEC §1 names 100 MB
``semantic``    unbounded ``MemoryStore``  entries are bounded by the cache's own
                                           ``max_entries`` / quotas, not by bytes
``kv``          unbounded ``MemoryStore``  ``CacheManager(memory_max_bytes=...)`` bounds
                                           it; each cache has ``max_entries``/``max_bytes``
==============  =========================  ==============================================

With ``path`` every cache gets a ``SQLiteStore`` file at that path.
"""

from __future__ import annotations

import enum
import os
from typing import Final, Literal

from ..errors import InvalidTypeError
from .memory import MemoryStore
from .protocol import Store

__all__ = ["MEMORY_BUDGETS", "CacheKind", "default_store"]

CacheKind = Literal["embedding", "semantic", "kv"]

#: Byte budget of the default in-memory store of each cache (None = unbounded).
MEMORY_BUDGETS: dict[str, int | None] = {
    "embedding": 100 * 1024 * 1024,
    "semantic": None,
    "kv": None,
}


#: The file a ``path`` naming a folder is told to name instead (as the docs' examples).
_FILE_NAMES: dict[str, str] = {
    "embedding": "embeddings.db",
    "semantic": "answers.db",
    "kv": "kv.sqlite",
}


class _Budget(enum.Enum):
    TABLE = "the cache's entry in MEMORY_BUDGETS"


_TABLE: Final = _Budget.TABLE


def default_store(
    cache: CacheKind,
    *,
    path: str | os.PathLike[str] | None = None,
    memory_max_bytes: int | Literal[_Budget.TABLE] | None = _TABLE,
) -> Store:
    """The store ``cache`` uses when the caller passes none.

    Args:
        cache: ``"embedding"``, ``"semantic"`` or ``"kv"`` (picks the memory budget).
        path: a SQLite file to open instead of memory.
        memory_max_bytes: overrides the cache's budget in ``MEMORY_BUDGETS``.

    >>> default_store("embedding")
    MemoryStore(max_bytes=104857600)
    """
    if path is not None:
        if not isinstance(path, (str, os.PathLike)):  # SemanticCache(store): path is first
            hint = ": pass a store as store=" if isinstance(path, Store) else ""
            raise InvalidTypeError(
                f"path must be a file path (str or os.PathLike), not {type(path).__name__}{hint}"
            )
        from .sqlite import SQLiteStore
        from .url import check_not_folder, check_sqlite_path

        path = os.path.expanduser(path)  # "~/x.db" as in a store URL
        # A URL first: "redis://host:6379/" was told it "names a folder" (password and all)
        check_sqlite_path(os.fspath(path))
        check_not_folder(path, _FILE_NAMES[cache])
        return SQLiteStore(path)
    budget = MEMORY_BUDGETS[cache] if memory_max_bytes is _TABLE else memory_max_bytes
    return MemoryStore(max_bytes=budget)
