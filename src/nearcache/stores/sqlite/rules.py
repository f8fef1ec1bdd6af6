"""What SQLite's errors mean to nearcache: the rules ``Database.translate`` applies."""

from __future__ import annotations

import re
import sqlite3

from ...errors import (
    CacheClosedError,
    CacheError,
    CorruptStoreError,
    StoreTimeoutError,
    StoreWriteError,
)
from ..translate import ErrorRule

__all__ = ["RULES"]

#: What SQLite's errors mean (the first matching rule wins).
RULES = (
    ErrorRule(
        (sqlite3.ProgrammingError,),
        CacheClosedError,
        "store {url} is closed",
        re.compile("closed", re.I),
    ),
    ErrorRule(
        (sqlite3.Error,),
        StoreTimeoutError,
        "{path} stayed locked for more than {timeout:g}s: {exc}",
        re.compile("locked|busy", re.I),
    ),
    ErrorRule(
        (sqlite3.Error,),
        CorruptStoreError,
        "{path} is corrupt: {exc}",
        re.compile("not a database|malformed|file is encrypted", re.I),
    ),
    ErrorRule(
        (sqlite3.Error,),
        StoreWriteError,
        "{path}: cannot write: {exc}",
        re.compile("full|i/o|readonly|unable to open", re.I),
    ),
    ErrorRule((sqlite3.Error,), CacheError, "{path}: {exc}"),
)
