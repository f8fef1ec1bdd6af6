"""What psycopg's errors mean: which are outages, and which nearcache error each becomes
(the first matching rule wins; the pool's timeout and the specific server errors are
``OperationalError`` too, so they come first)."""

from __future__ import annotations

from ...errors import (
    CacheError,
    CorruptStoreError,
    StoreTimeoutError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..translate import DriverErrors, ErrorRule

__all__ = ["postgres_errors"]


def postgres_errors() -> DriverErrors:
    """(outage exceptions, translation rules); imports the driver, so call it only once
    the store knows the extra is installed."""
    import psycopg
    from psycopg import errors as pg_errors
    from psycopg_pool import PoolTimeout

    outages = (psycopg.OperationalError, OSError)
    rules = (
        ErrorRule((PoolTimeout,), StoreUnavailableError, "{url}: no connection: {exc}"),
        ErrorRule(
            (pg_errors.QueryCanceled,), StoreTimeoutError, "{url}: statement timed out: {exc}"
        ),
        ErrorRule(
            (pg_errors.DiskFull, pg_errors.ReadOnlySqlTransaction),
            StoreWriteError,
            "{url}: cannot write: {exc}",
        ),
        ErrorRule(
            (psycopg.OperationalError, OSError),
            StoreUnavailableError,
            "{url} is unavailable: {exc}",
        ),
        ErrorRule(
            (pg_errors.UndefinedTable,),
            CorruptStoreError,
            "{url}: nearcache tables are missing: {exc}",
        ),
        ErrorRule((psycopg.Error,), CacheError, "{url}: {exc}"),
    )
    return outages, rules
