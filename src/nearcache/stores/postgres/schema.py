"""The PostgreSQL store's schema: versioned migrations in ``sql/NNN_*.sql``.

A :class:`Track` is one line of migrations: ``migrations`` maps each version to the file
that moves a database from the version before it; a store runs the missing ones in order,
inside one transaction under an advisory lock (so concurrent first users migrate once),
and records the version in a row of ``P_meta``. A schema newer than this code is refused.

* ``STORE`` (``sql/``, row ``schema_version``): the records, run on first use.
* ``VECTORS`` (``sql/vectors/``, row ``vector_schema_version``): the vectors beside the
  records for ``index_backend="pgvector"``; it needs the pgvector extension, so it runs
  only when a cache asks for it (:mod:`.vectors`), never for a plain store.

To change a schema: add ``NNN_<what>.sql`` to the track's folder (idempotent where it can
be: ``IF NOT EXISTS``, ``CREATE OR REPLACE``) and to its ``migrations``.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ...errors import CorruptStoreError, InvalidInputError

__all__ = [
    "STORE",
    "VECTORS",
    "Track",
    "check_prefix",
    "drop_statements",
    "init_schema",
    "migration_sql",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Track:
    """One line of migrations: its folder under ``sql/``, its version row, its files."""

    folder: str
    version_key: str
    migrations: dict[int, str]

    @property
    def version(self) -> int:
        return max(self.migrations)


STORE = Track("", "schema_version", {1: "001_schema.sql", 2: "002_batch_order.sql"})
VECTORS = Track("vectors", "vector_schema_version", {1: "001_vectors.sql"})
_PREFIX_RE = re.compile(r"[a-z_][a-z0-9_]{0,40}")
_TABLES = ("vec", "rec", "chg", "ns", "meta")


def check_prefix(prefix: str) -> str:
    """``prefix`` if it can name tables and functions, else ``InvalidInputError``."""
    if not isinstance(prefix, str) or not _PREFIX_RE.fullmatch(prefix):
        raise InvalidInputError(
            f"prefix must match {_PREFIX_RE.pattern} (it names tables), not {prefix!r}"
        )
    return prefix


def _migration(track: Track, version: int) -> str:
    return _read_sql(track.folder, track.migrations[version])


@functools.cache
def _read_sql(folder: str, name: str) -> str:
    path = resources.files(__package__ or __name__).joinpath("sql")
    if folder:
        path = path.joinpath(folder)
    return path.joinpath(name).read_text(encoding="utf-8")


def migration_sql(version: int, prefix: str, track: Track = STORE) -> str:
    """The script migrating to ``version``, for tables and functions named ``prefix_*``."""
    return _migration(track, version).replace("{p}", check_prefix(prefix))


def _functions() -> list[str]:
    """Names (without prefix) of every function the migrations create."""
    found: list[str] = []
    for track in (STORE, VECTORS):
        for version in sorted(track.migrations):
            for name in re.findall(r"FUNCTION \{p\}_(\w+)", _migration(track, version)):
                if name not in found:
                    found.append(name)
    return found


def init_schema(con: Any, prefix: str, url: str, track: Track = STORE) -> None:
    """Bring ``track`` of the schema ``prefix`` up to its newest version (no-op when it is).

    Raises:
        CorruptStoreError: the schema is newer than this version of nearcache.
    """
    p = check_prefix(prefix)
    exists = con.execute("SELECT to_regclass(%s)", (f"{p}_meta",)).fetchone()[0] is not None
    if exists and _version(con, p, url, track) == track.version:
        return
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"nearcache:{p}",))
        con.execute(f"CREATE TABLE IF NOT EXISTS {p}_meta (key text PRIMARY KEY, value text)")
        for step in range(_version(con, p, url, track) + 1, track.version + 1):
            con.execute(migration_sql(step, p, track))
            log.info("migrated %s schema %s (%s) to version %d", url, p, track.version_key, step)
        con.execute(
            f"INSERT INTO {p}_meta VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            (track.version_key, str(track.version)),
        )


def _version(con: Any, p: str, url: str, track: Track) -> int:
    row = con.execute(f"SELECT value FROM {p}_meta WHERE key = %s", (track.version_key,))
    found = row.fetchone()
    version = int(found[0]) if found else 0
    if version > track.version:
        raise CorruptStoreError(
            f"{url}: schema {p} has {track.version_key} {version}, newer than this "
            f"nearcache understands ({track.version}); upgrade nearcache"
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
