"""Store URLs: one string names any store, for the CLI, config files and child processes.

=================================================  =========================================
URL                                                store
=================================================  =========================================
``memory://``                                      ``MemoryStore()`` (``?max_bytes=N``)
``sqlite:///relative.db``, ``sqlite:////abs.db``   ``SQLiteStore(path)`` (``?timeout=``,
                                                   ``synchronous=``)
``redis://[user:pw@]host:port/db``, ``rediss://``  ``RedisStore(url)`` (``?prefix=``)
``unix:///path/redis.sock``                        ``RedisStore`` over a Unix socket
``postgresql://user@host:port/db``,                ``PostgresStore(dsn)`` (``?prefix=``;
``postgres://...``                                 ``?index_backend=pgvector``;
                                                   other query parameters go to libpq)
``dynamodb://table?endpoint_url=...&region=...``   ``DynamoDBStore(table, ...)``
=================================================  =========================================

``sqlite:///cache.db`` is relative to the working directory and ``sqlite:////tmp/c.db``
absolute, as in SQLAlchemy; a leading ``~`` is the home folder (``sqlite:///~/c.db``, as
diskcache reads it). A URL starts with its scheme (``://`` further in is part of a value,
as in a libpq ``application_name=http://...``). Anything else is a plain path, taken as a
SQLite file, unless it looks like a mistyped URL (``rediss//host``, ``redis:host``,
``localhost:6379``) or a libpq ``key=value`` string (``host=db dbname=c``): that is
refused with what it probably meant, instead of becoming a new database file.

>>> open_store("memory://")
MemoryStore(max_bytes=None)
"""

from __future__ import annotations

import difflib
import inspect
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from ..errors import InvalidInputError, InvalidTypeError
from .protocol import Store

__all__ = [
    "SCHEMES",
    "check_not_folder",
    "check_sqlite_path",
    "is_url",
    "names_folder",
    "not_a_store",
    "open_store",
    "parse_store_url",
    "redact_url",
]

SCHEMES = (
    "memory",
    "sqlite",
    "redis",
    "rediss",
    "unix",
    "postgresql",
    "postgres",
    "dynamodb",
)

_OWN_PARAMS: dict[str, dict[str, Callable[[str], Any]]] = {
    "memory": {"max_bytes": int},
    "sqlite": {"timeout": float, "synchronous": str, "changelog_retention": int},
    "redis": {
        "prefix": str,
        "socket_timeout": float,
        "connect_timeout": float,
        "expiry_grace": float,
        "changelog_retention": int,
    },
    "postgresql": {
        "prefix": str,
        "index_backend": str,
        "min_size": int,
        "max_size": int,
        "timeout": float,
        "changelog_retention": int,
    },
    "dynamodb": {
        "endpoint_url": str,
        "region": str,
        "create_table": lambda v: v.lower() in ("1", "true", "yes"),
        "expiry_grace": float,
        "changelog_retention": int,
    },
}


_PASSWORD_PARAM = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&\s]+)", re.IGNORECASE)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(text: str) -> bool:
    """Whether ``text`` is a URL: it starts with a scheme and ``://``. A ``://`` further
    in belongs to a value (a libpq ``key=value`` DSN's ``application_name=http://x``, a
    path written ``./a://b``), so such a text is not a URL."""
    return _URL.match(text) is not None


def not_a_store(
    store: object,
    *,
    path: str = "pass it as path=",
    url: str = "pass store=nearcache.open_store(url)",
) -> InvalidTypeError:
    """The error for ``store=`` given something that is not a ``Store``, in the words
    every cache uses: a path or URL string says how this call takes one (``path``,
    ``url``). The caches said it three ways ("store must implement Store, not str",
    "store must be a Store (a URL: open_store(url)), not str"), none naming ``path=``."""
    kind = type(store).__name__
    if isinstance(store, (str, os.PathLike)):
        text = os.fspath(store)
        if isinstance(text, str) and is_url(text):
            return InvalidTypeError(f"store must be a Store, not {kind}: for a store URL, {url}")
        return InvalidTypeError(f"store must be a Store, not {kind}: for a SQLite file, {path}")
    return InvalidTypeError(f"store must be a Store, not {kind}")


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, for errors, logs and ``store.url``.

    Handles a password in the authority (``redis://user:pw@host``) and libpq's
    ``password=`` parameter (``host=db password=pw`` or ``?password=pw``).

    >>> redact_url("postgresql://ada:secret@db/cache?sslmode=require")
    'postgresql://ada:***@db/cache?sslmode=require'
    """
    url = _PASSWORD_PARAM.sub(r"\1***", url)
    if not is_url(url):
        return url
    try:
        parts = urlsplit(url)
        if not parts.password:  # none, or an empty one (redis://:@host): nothing to hide
            return url
    except ValueError:  # not parseable as a URL: blank anything between ':' and '@'
        return re.sub(r"(://[^:/@]*:)[^@]+@", r"\1***@", url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _bad(url: str, why: str) -> InvalidInputError:
    return InvalidInputError(
        f"unsupported store URL {redact_url(url)!r}: {why}; supported schemes: "
        "memory://, sqlite:///path, redis://host:port/db (rediss://, unix://), "
        "postgresql://user@host/db, dynamodb://table?endpoint_url=...&region=..."
    )


_SCHEME_TYPO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)(?://|:/{0,2})(.*)", re.DOTALL)
_HOST_PORT = re.compile(r"[A-Za-z0-9.-]+:\d{2,5}(/\d*)?")
_CONNINFO = re.compile(
    r"\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode|"
    r"application_name|options|connect_timeout)\s*=",
    re.IGNORECASE,
)


#: Schemes other tools write for a store nearcache opens (SQLAlchemy's driver follows a "+").
_ALIASES = {
    "file": "sqlite",
    "sqlite3": "sqlite",
    "mem": "memory",
    "pg": "postgresql",
    "psql": "postgresql",
    "valkey": "redis",
    "valkeys": "rediss",
}


def _close_scheme(word: str) -> str | None:
    base = word.lower().split("+", 1)[0]
    if base in SCHEMES or base in _ALIASES:
        return _ALIASES.get(base, base)
    match = difflib.get_close_matches(base, SCHEMES, n=1, cutoff=0.75)
    return match[0] if match else None


def _meant(url: str, parts: SplitResult) -> str:
    """The whole URL a near miss probably meant, shown hidden of its password: a
    ``file:///abs/x.db`` is the absolute ``/abs/x.db``, so ``sqlite:////abs/x.db``."""
    scheme = _close_scheme(parts.scheme)
    if scheme == "sqlite" and (parts.netloc or parts.scheme.lower() == "file"):
        query = f"?{parts.query}" if parts.query else ""
        return f"sqlite:///{parts.netloc}{parts.path}{query}"
    return redact_url(f"{scheme}{url[len(parts.scheme) :]}")


def _check_plain_path(url: str) -> None:
    """Refuse a plain path that is a URL with a typo (``rediss//host``, ``redis:host``,
    ``localhost:6379``), which would otherwise silently become a new SQLite file."""
    suggestion = None
    typo = _SCHEME_TYPO.fullmatch(url)
    if typo and (scheme := _close_scheme(typo.group(1))):
        slashes = "///" if scheme == "sqlite" else "//"
        suggestion = f"{scheme}:{slashes}{typo.group(2).lstrip('/')}"
    elif _HOST_PORT.fullmatch(url):
        suggestion = f"redis://{url}"
    elif _CONNINFO.match(url):
        raise InvalidInputError(
            f"store {redact_url(url)!r} looks like a libpq key=value connection string; "
            "a store URL is postgresql://user@host:port/db (PostgresStore(dsn) takes "
            "either form; a plain path is a SQLite file: write ./name to mean one)"
        )
    if suggestion is not None:
        raise InvalidInputError(
            f"store {url!r} looks like a mistyped URL; did you mean {suggestion!r}? "
            f"(a plain path is a SQLite file: write ./{url} to mean one)"
        )


def check_sqlite_path(path: str) -> None:
    """Refuse a SQLite file path that is a store URL (``SemanticCache("redis://...")``
    would make a new file named like it, password and all) or looks like a mistyped one.

    Raises:
        InvalidInputError: naming ``open_store`` (the password hidden).
    """
    if _URL.match(path):
        raise InvalidInputError(
            f"{redact_url(path)!r} is a store URL, not a file path: pass "
            "store=nearcache.open_store(url) (a plain path is a SQLite file; write "
            "./name for a file that really has such a name)"
        )
    _check_plain_path(path)


def names_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a folder: an existing one, or one written with a trailing
    separator (``new-folder/``, not yet made)."""
    text = os.fspath(path)
    return text.endswith((os.sep, os.altsep or os.sep)) or os.path.isdir(text)


def check_not_folder(path: str | os.PathLike[str], file_name: str = "nearcache.db") -> None:
    """Refuse a SQLite path that names a folder, an existing one or one written with a
    trailing separator: SQLite failed with a raw "Is a directory", and ``new-folder/``
    silently became a FILE named ``new-folder``.

    Raises:
        InvalidInputError: naming a file in that folder (``file_name``) to use instead.
    """
    text = os.fspath(path)
    if names_folder(text):
        example = os.path.join(text, file_name)
        raise InvalidInputError(
            f"{text} names a folder; a SQLite store is a file: name one in it, e.g. {example}"
        )


def parse_store_url(url: str) -> tuple[str, str, dict[str, Any]]:
    """Split a store URL into ``(kind, target, options)``.

    ``kind`` is one of ``memory``, ``sqlite``, ``redis``, ``postgresql``, ``dynamodb``;
    ``target`` is the path, connection URL (without nearcache's own parameters) or table.

    Raises:
        InvalidInputError: (a ValueError) unknown scheme or malformed URL; the message
            lists the supported schemes.
    """
    if not isinstance(url, str) or not url:
        raise _bad(str(url), "empty")
    if not is_url(url):
        _check_plain_path(url)
        return "sqlite", os.path.expanduser(url), {}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        near = f" (did you mean {_meant(url, parts)!r}?)" if _close_scheme(scheme) else ""
        raise _bad(url, f"unknown scheme {scheme!r}{near}")
    kind = {"rediss": "redis", "unix": "redis", "postgres": "postgresql"}.get(scheme, scheme)
    options, rest = _options(url, scheme, kind, parts.query)
    return kind, _target(url, scheme, kind, parts, rest), options


def _options(
    url: str, scheme: str, kind: str, query: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """(nearcache's own options, parameters passed through to the client library)."""
    spec = _OWN_PARAMS[kind]
    options: dict[str, Any] = {}
    rest: list[tuple[str, str]] = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        conv = spec.get(key)
        if conv is None:
            if kind in ("redis", "postgresql"):
                rest.append((key, value))  # passed through to the client library
                continue
            raise InvalidInputError(
                f"unsupported store URL {url!r}: unknown parameter {key!r} for {scheme}://; "
                f"valid parameters: {', '.join(sorted(spec))}"
            )
        try:
            options[key] = conv(value)
        except ValueError as exc:
            raise _bad(url, f"bad value {value!r} for {key!r}") from exc
    if kind == "redis":
        _check_redis_parameters(url, scheme, [key for key, _ in rest])
    return options, rest


def _check_redis_parameters(url: str, scheme: str, keys: list[str]) -> None:
    """Refuse a parameter neither nearcache nor redis-py takes (``?prefx=``): redis-py
    hands every query parameter to its connection class, which raised ``TypeError:
    unexpected keyword argument`` at the first command. The names redis-py takes are read
    from the installed version's pool and connection classes."""
    if not keys:
        return
    try:
        from redis import connection
    except ImportError:  # RedisStore says which extra to install
        return
    cls = {"rediss": connection.SSLConnection, "unix": connection.UnixDomainSocketConnection}
    taken: set[str] = set()
    for klass in (*cls.get(scheme, connection.Connection).__mro__, connection.ConnectionPool):
        init = vars(klass).get("__init__")
        if init is not None:
            named = inspect.signature(init).parameters.values()
            taken.update(
                p.name for p in named if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            )
    taken.discard("self")
    for key in keys:
        if key not in taken:
            own = sorted(_OWN_PARAMS["redis"])
            near = difflib.get_close_matches(key, [*own, *sorted(taken)], n=1)
            raise InvalidInputError(
                f"unsupported store URL {redact_url(url)!r}: unknown parameter {key!r} for "
                f"{scheme}://"
                + (f" (did you mean {near[0]!r}?)" if near else "")
                + f"; nearcache's: {', '.join(own)}; any other goes to redis-py's connections"
            )


def _target(
    url: str, scheme: str, kind: str, parts: SplitResult, rest: list[tuple[str, str]]
) -> str:
    """What the store is opened on: a path, a table, or a client URL."""
    if kind == "memory":
        if parts.netloc or parts.path not in ("", "/"):
            raise _bad(url, "memory:// takes no host or path")
        return ""
    if kind == "sqlite":
        if parts.netloc:
            raise _bad(
                url,
                f"did you mean {_meant(url, parts)!r}? (sqlite:///relative/path, "
                "sqlite:////absolute/path)",
            )
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise _bad(url, "missing database path")
        return os.path.expanduser(path)  # ~/x.db: a literal "~" folder is never meant
    if kind == "dynamodb":
        table = unquote(parts.netloc + parts.path.rstrip("/"))
        if not table or "/" in table:
            raise _bad(url, "expected dynamodb://TABLE?endpoint_url=...&region=...")
        return table
    if kind == "redis" and scheme != "unix" and not parts.hostname:
        raise _bad(url, "missing host")
    if kind == "postgresql" and not (parts.hostname or parts.path or parts.query):
        raise _bad(url, "missing host or database")
    target = urlunsplit(parts._replace(query=urlencode(rest)))
    if scheme == "unix":  # urlunsplit drops the empty authority, which redis-py needs
        return "unix://" + target.removeprefix("unix:")
    return target


def open_store(url: str, **overrides: Any) -> Store:
    """Open the store a URL names; keyword arguments override URL parameters.

    Optional backends are imported only when used; a missing one raises
    ``MissingExtraError`` naming the extra to install.
    """
    kind, target, options = parse_store_url(url)
    options.update(overrides)
    if kind == "memory":
        from .memory import MemoryStore

        return MemoryStore(**options)
    if kind == "sqlite":
        from .sqlite import SQLiteStore

        check_not_folder(target)
        return SQLiteStore(target, **options)
    if kind == "redis":
        from .redis import RedisStore

        return RedisStore(target, **options)
    if kind == "postgresql":
        from .postgres import PostgresStore

        return PostgresStore(target, **options)
    from .dynamodb import DynamoDBStore

    return DynamoDBStore(target, **options)
