"""The PostgreSQL store's schema: versioned migrations in ``sql/NNN_*.sql``.

``MIGRATIONS`` maps each schema version to the file that moves a database from the
version before it; a store runs the missing ones in order on first use, inside one
transaction under an advisory lock (so concurrent first users migrate once), and records
``schema_version`` in ``P_meta``. A schema newer than this code is refused.

To change the schema: add ``sql/002_<what>.sql`` (idempotent where it can be: ``IF NOT
EXISTS``, ``CREATE OR REPLACE``), add it to ``MIGRATIONS`` and bump ``SCHEMA_VERSION``.
"""

from __future__ import annotations

import functools
import logging
import re
from importlib import resources
from typing import Any

from ...errors import CorruptStoreError, InvalidInputError

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "check_prefix",
    "drop_statements",
    "init_schema",
    "migration_sql",
]

log = logging.getLogger(__name__)

#: schema version -> the file that migrates to it from the version before
MIGRATIONS: dict[int, str] = {1: "001_schema.sql"}
SCHEMA_VERSION = max(MIGRATIONS)
_PREFIX_RE = re.compile(r"[a-z_][a-z0-9_]{0,40}")
_TABLES = ("rec", "chg", "ns", "meta")


def check_prefix(prefix: str) -> str:
    """``prefix`` if it can name tables and functions, else ``InvalidInputError``."""
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise InvalidInputError(
            f"prefix must match {_PREFIX_RE.pattern} (it names tables), not {prefix!r}"
        )
    return prefix


@functools.cache
def _migration(version: int) -> str:
    path = resources.files(__package__ or __name__).joinpath("sql").joinpath(MIGRATIONS[version])
    return path.read_text(encoding="utf-8")


def migration_sql(version: int, prefix: str) -> str:
    """The script migrating to ``version``, for tables and functions named ``prefix_*``."""
    return _migration(version).replace("{p}", check_prefix(prefix))


def _functions() -> list[str]:
    """Names (without prefix) of every function the migrations create."""
    found: list[str] = []
    for version in sorted(MIGRATIONS):
        for name in re.findall(r"FUNCTION \{p\}_(\w+)", _migration(version)):
            if name not in found:
                found.append(name)
    return found


def init_schema(con: Any, prefix: str, url: str) -> None:
    """Bring the schema ``prefix`` up to ``SCHEMA_VERSION`` (no-op when it is).

    Raises:
        CorruptStoreError: the schema is newer than this version of nearcache.
    """
    p = check_prefix(prefix)
    if con.execute("SELECT to_regclass(%s)", (f"{p}_meta",)).fetchone()[0] is not None:
        version = _version(con, p, url)
        if version == SCHEMA_VERSION:
            return
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"nearcache:{p}",))
        con.execute(f"CREATE TABLE IF NOT EXISTS {p}_meta (key text PRIMARY KEY, value text)")
        for step in range(_version(con, p, url) + 1, SCHEMA_VERSION + 1):
            con.execute(migration_sql(step, p))
            log.info("migrated %s schema %s to version %d", url, p, step)
        con.execute(
            f"INSERT INTO {p}_meta VALUES ('schema_version', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (str(SCHEMA_VERSION),),
        )


def _version(con: Any, p: str, url: str) -> int:
    row = con.execute(f"SELECT value FROM {p}_meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise CorruptStoreError(
            f"{url}: schema {p} has version {version}, newer than this "
            f"nearcache understands ({SCHEMA_VERSION}); upgrade nearcache"
        )
    return version


def drop_statements(con: Any, prefix: str) -> list[str]:
    """``DROP`` statements for every table and function of schema ``prefix``."""
    p = check_prefix(prefix)
    out = [f"DROP TABLE IF EXISTS {p}_{t} CASCADE" for t in _TABLES]
    for fn in _functions():
        for (oid,) in con.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p WHERE p.proname = %s",
            (f"{p}_{fn}",),
        ).fetchall():
            out.append(f"DROP FUNCTION IF EXISTS {oid}")
    return out
