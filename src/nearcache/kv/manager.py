"""``get_cache`` / ``CacheManager``: named key/value caches on a chosen backend.

Backends:

* ``"in_memory"`` — ``default_store("kv")``: a ``MemoryStore`` (unbounded unless
  ``memory_max_bytes``) shared by the manager's in-memory caches; gone when the process
  exits.
* ``"file_based"`` — a ``SQLiteStore`` file (option ``path``, a file or a folder to
  hold ``kv.sqlite``; default ``$XDG_CACHE_HOME/nearcache/kv.sqlite``), shared safely by
  threads and processes and kept across restarts.
* ``"redis"`` — a ``RedisStore`` (options ``url``, ``prefix``), shared by machines.
* any store URL (``"postgresql://..."``, ``"dynamodb://table?..."``, ``"sqlite:///x.db"``),
  or ``store=`` an already open ``Store``.

A manager opens each backend once and gives every cache its own namespace, so names
never see each other's entries. ``get_cache(name)`` (module level) uses one default
manager per process, like ``logging.getLogger``; create a ``CacheManager`` yourself for
separate lifetimes (tests, plugins).

>>> m = CacheManager()
>>> users = m.get_cache("users")
>>> users.set("ada", {"id": 1})
True
>>> m.list_caches()
['users']
>>> m.close()
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..clock import Clock
from ..errors import (
    CacheClosedError,
    InvalidInputError,
    InvalidTypeError,
    StoreUnavailableError,
    StoreWriteError,
)
from ..keys import open_hash_algorithm
from ..stats import CacheStats
from ..stores.defaults import default_store
from ..stores.protocol import Store
from ..stores.url import SCHEMES, is_url, names_folder, not_a_store, redact_url
from ..unknownopts import CACHE_PEERS, hinted
from .cache import Cache

__all__ = ["BACKENDS", "CacheManager", "default_manager", "get_cache"]

log = logging.getLogger(__name__)

BACKENDS = ("in_memory", "file_based", "redis")
_CACHE_OPTIONS = {"default_ttl", "max_entries", "max_bytes", "fail_open"}
_OPTIONS = _CACHE_OPTIONS | {"path", "url", "prefix", "store"}


def default_kv_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nearcache" / "kv.sqlite"


def _kv_file(path: str | os.PathLike[str] | None) -> Path:
    """The SQLite file of ``file_based``: ``path``, or ``kv.sqlite`` inside it when it
    names a folder (an existing one, or written with a trailing separator), as
    diskcache's directory argument; the default file without one."""
    if path is None:
        return default_kv_path().expanduser().resolve()
    text = os.path.expanduser(os.fspath(path))
    if names_folder(text):
        text = os.path.join(text, "kv.sqlite")
    return Path(text).resolve()


class CacheManager:
    """Opens backends once and hands out named ``Cache`` objects.

    Args:
        clock: time source for every cache of this manager.
        memory_max_bytes: byte budget of the shared in-memory store (None = unbounded).
    """

    def __init__(self, *, clock: Clock | None = None, memory_max_bytes: int | None = None):
        self._clock = clock
        self._memory_max_bytes = memory_max_bytes
        self._lock = threading.RLock()
        self._stores: dict[str, Store] = {}
        self._caches: dict[tuple[str, str], Cache] = {}
        self._closed = False

    def _store_for(self, backend: str, options: dict[str, Any]) -> tuple[str, Store]:
        store = options.pop("store", None)
        if store is not None:
            if not isinstance(store, Store):
                raise not_a_store(
                    store,
                    path="pass get_cache(name, 'file_based', path=...)",
                    url="pass it as the backend: get_cache(name, url)",
                )
            ident = f"store:{id(store)}"
            self._stores.setdefault(ident, store)
            return ident, self._stores[ident]
        make: Callable[[], Store]
        if backend == "in_memory":
            ident = "memory://"
            make = functools.partial(default_store, "kv", memory_max_bytes=self._memory_max_bytes)
        elif backend == "file_based":
            path = _kv_file(options.pop("path", None))
            ident = f"sqlite:///{path}"
            make = functools.partial(default_store, "kv", path=path)
        elif backend == "redis" or is_url(backend):
            from ..stores.url import open_store

            url = backend if is_url(backend) else options.pop("url", "redis://127.0.0.1:6379/0")
            prefix = options.pop("prefix", None)
            ident = f"{url}|{prefix}"
            make = functools.partial(open_store, url, **({"prefix": prefix} if prefix else {}))
        else:
            raise _unknown_backend(backend)
        found = self._stores.get(ident)
        if found is None:
            found = self._stores[ident] = make()
            try:
                open_hash_algorithm(found)
            except (StoreUnavailableError, StoreWriteError) as exc:  # down, or full:
                log.warning("could not verify the key hash of %s: %s", found.url, exc)
        return ident, found

    def get_cache(self, name: str, backend: str = "in_memory", **options: Any) -> Cache:
        """The cache called ``name`` on ``backend`` (created on first use).

        Options: ``default_ttl``, ``max_entries``, ``max_bytes``, ``fail_open`` (cache);
        ``path`` (file_based); ``url``, ``prefix`` (redis); ``store`` (any ``Store``).
        Asking again for the same name and backend returns the same object; with other
        cache options than it has, ``InvalidInputError``.
        """
        if not isinstance(name, str):  # it said "namespace must be str", a word not used here
            raise InvalidTypeError(f"a cache name must be str, not {type(name).__name__}")
        with self._lock:
            if self._closed:
                raise CacheClosedError("CacheManager is closed")
            unknown = set(options) - _OPTIONS
            if unknown:
                listed = (hinted(o, sorted(_OPTIONS), CACHE_PEERS) for o in sorted(unknown))
                said = "options" if len(unknown) > 1 else "option"
                raise InvalidTypeError(
                    f"unknown get_cache {said}: {', '.join(listed)}; "
                    f"the options are {', '.join(sorted(_OPTIONS))}"
                )
            opts = dict(options)
            ident, store = self._store_for(backend, opts)
            found = self._caches.get((ident, name))
            if found is not None and not found.closed:  # closed (``with get_cache(...)``):
                _same_settings(found, opts, _shown(ident))  # a new one on the same store
                return found
            cache = Cache(name, store, clock=self._clock, **opts)
            self._caches[(ident, name)] = cache
            return cache

    def _open_caches(self) -> dict[tuple[str, str], Cache]:
        """The caches handed out and not closed since (a closed one is forgotten: it
        raised ``CacheClosedError`` from ``stats``/``clear_all`` and every later
        ``get_cache``)."""
        with self._lock:
            self._caches = {k: c for k, c in self._caches.items() if not c.closed}
            return dict(self._caches)

    def list_caches(self) -> list[str]:
        """Names of the open caches this manager handed out (sorted, each once)."""
        return sorted({name for _, name in self._open_caches()})

    def clear_all(self) -> int:
        """Clear every open cache of this manager; return the number of entries removed."""
        return sum(c.clear() for c in self._open_caches().values())

    def stats(self) -> CacheStats:
        """Totals over the manager's open caches, each one's stats in ``namespaces``."""
        caches = self._open_caches()
        per: dict[str, CacheStats] = {}
        for (ident, name), cache in caches.items():
            label = (
                name if sum(1 for (_, n) in caches if n == name) == 1 else f"{name}@{_shown(ident)}"
            )
            per[label] = cache.stats()
        return CacheStats.total(per)

    def close(self) -> None:
        """Close every cache and the stores this manager opened."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            caches, self._caches = list(self._caches.values()), {}
            stores, self._stores = self._stores, {}
        for cache in caches:
            cache.close()
        for ident, store in stores.items():
            if not ident.startswith("store:"):
                store.close()

    def __enter__(self) -> CacheManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"CacheManager(caches={self.list_caches()!r})"


#: What other caching libraries call the two local backends: LiteLLM's ``local`` and
#: ``disk``, aiocache's ``memory``, and the store each is.
_BACKEND_PEERS = {
    "local": "in_memory",
    "memory": "in_memory",
    "mem": "in_memory",
    "inmemory": "in_memory",
    "disk": "file_based",
    "file": "file_based",
    "sqlite": "file_based",
    "sqlite3": "file_based",
    "filesystem": "file_based",
}
_SCHEME_TYPO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]+)(?://|:/{0,2})(.+)", re.DOTALL)
_HOST_PORT = re.compile(r"[A-Za-z0-9.-]+:\d{2,5}(/\d*)?")
_PASSWORD = re.compile(r":[^:/@\s']+@")


def _unknown_backend(backend: str) -> InvalidInputError:
    """The error for a backend that is neither a name nor a store URL, naming the one it
    probably means: another library's name for a backend, a near spelling, a URL whose
    ``://`` lost a character (``redis//host:6379``), or a file given where the backend
    goes (``get_cache("x", "kv.sqlite")``)."""
    word = backend.lower().replace("-", "_")
    meant = _BACKEND_PEERS.get(word) or next(
        iter(difflib.get_close_matches(word, BACKENDS, n=1, cutoff=0.75)), None
    )
    hint = repr(meant) if meant else None
    typo = _SCHEME_TYPO.fullmatch(backend)
    scheme = typo and difflib.get_close_matches(typo.group(1).lower(), SCHEMES, n=1, cutoff=0.75)
    if hint is None and typo and scheme:
        slashes = "///" if scheme[0] == "sqlite" else "//"
        hint = repr(f"{scheme[0]}:{slashes}{typo.group(2).lstrip('/')}")
    elif hint is None and _HOST_PORT.fullmatch(backend):
        hint = repr(f"redis://{backend}")
    elif hint is None and ("/" in backend or "." in backend or os.sep in backend):
        hint = f"'file_based', path={backend!r}"
    said = f" (did you mean {hint}?)" if hint else ""
    return InvalidInputError(  # a password before an '@' is hidden, URL or not
        _PASSWORD.sub(":***@", f"unknown backend {backend!r}{said}; use one of ")
        + f"{', '.join(BACKENDS)}, a store URL, or store=<Store>"
    )


def _same_settings(cache: Cache, asked: dict[str, Any], backend: str) -> None:
    """Refuse settings that differ from those ``cache`` was opened with: they were
    dropped silently (``get_cache("x", default_ttl=3)`` after ``get_cache("x")`` gave a
    cache whose entries never expire). Asking without them returns the cache as it is."""
    differ = sorted(k for k, v in asked.items() if getattr(cache, k) != v)
    if differ:
        has = ", ".join(f"{k}={getattr(cache, k)!r}" for k in differ)
        raise InvalidInputError(
            f"cache {cache.name!r} on {backend} is already open with {has}; ask for it "
            "without these options (or the same values), or use another name"
        )


def _shown(ident: str) -> str:
    """A backend's label in ``stats().namespaces``: its URL with the password hidden (the
    figures end up in logs and dashboards), and its Redis prefix if it has one."""
    url, _, prefix = ident.partition("|")
    return redact_url(url) + (f"?prefix={prefix}" if prefix not in ("", "None") else "")


_default: CacheManager | None = None
_default_lock = threading.Lock()


def default_manager() -> CacheManager:
    """The process-wide manager behind ``get_cache`` (created on first use)."""
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = CacheManager()
        return _default


def get_cache(name: str, backend: str = "in_memory", **options: Any) -> Cache:
    """A named key/value cache; see ``CacheManager.get_cache``.

    >>> c = get_cache("doctest-sessions")
    >>> c.set("token", b"\\x01\\x02", ttl=60)
    True
    >>> c.get("token")
    b'\\x01\\x02'
    """
    return default_manager().get_cache(name, backend, **options)
