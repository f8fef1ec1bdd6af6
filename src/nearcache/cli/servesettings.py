"""The settings file of ``nearcache serve --config FILE`` (TOML or JSON).

Keys are named like the long options (``upstream``, ``store``, ``port``, ``threshold``,
``exact_only``, ``max_entries`` ...; ``-`` or ``_``) or like ``ProxyConfig``'s fields
(``similarity_threshold``, ``semantic``). Values are checked here, by the setting's
name and the file's: the command line's parser never sees them, so a quoted
``share_across_keys = "no"`` was taken as yes, ``workers = -1`` ran one worker, and a
string where a number belongs failed with a bare ``TypeError``. A relative
``client_keys`` path, and a relative SQLite ``store`` (``"cache.db"``,
``"sqlite:///cache.db"``), are read from the settings file's folder.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import InvalidInputError
from ..unknownopts import THRESHOLD_PEERS, hinted

__all__ = ["FIELDS", "read_settings"]

#: Every setting, and the JSON/TOML type of its value.
_TYPES: dict[str, type] = {
    "upstream": str,
    "store": str,
    "host": str,
    "port": int,
    "workers": int,
    "model": str,
    "semantic": bool,
    "similarity_threshold": float,
    "ttl": float,
    "max_entries": int,
    "namespace": str,
    "share_across_keys": bool,
    "upstream_key_env": str,
    "client_keys": str,
    "max_body_bytes": int,
    "timeout": float,
    "log_level": str,
    "stream_usage": bool,
}
FIELDS = tuple(_TYPES)
#: Option names that are not field names (``--threshold``, ``--exact-only``), and the
#: ``ProxyConfig`` field named otherwise here (``default_ttl``, ``--ttl``).
_ALIASES = {"threshold": "similarity_threshold", "exact_only": "semantic", "default_ttl": "ttl"}
#: What the openai client, LiteLLM, RedisVL/GPTCache and cachetools call these settings,
#: which their users write first: named with the setting meant (``distance_threshold``
#: was hinted as ``threshold``, the opposite scale, by its spelling).
_PEERS = {
    **THRESHOLD_PEERS,
    "base_url": "upstream",
    "api_base": "upstream",
    "upstream_url": "upstream",
    "url": "store",
    "redis_url": "store",
    "store_url": "store",
    "path": "store",
    "maxsize": "max_entries",
    "max_size": "max_entries",
    "expire": "ttl",
    "api_key": "upstream_key_env (the name of the variable that holds it)",
}
#: Settings that name a file: a relative path is read from the settings file's folder
#: (where its author put it), not from wherever ``serve`` is started.
_FILES = ("client_keys",)
_WORDS = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}


def read_settings(path: Path) -> dict[str, Any]:
    """The settings in ``path``, by field name, each of its type.

    Raises:
        InvalidInputError: a file that does not parse, an unknown setting or a value of
            the wrong type, in one line naming the file and the setting.
    """
    data = _parse(path)
    if not isinstance(data, dict):
        raise InvalidInputError(f"{path}: expected a table of settings")
    settings: dict[str, Any] = {}
    unknown = []
    for given, value in data.items():
        key = str(given).replace("-", "_")
        field = _ALIASES.get(key, key)
        kind = _TYPES.get(field)
        if kind is None:
            unknown.append(str(given))
            continue
        if not _is(value, kind):
            raise InvalidInputError(f"{path}: {given} must be {_WORDS[kind]}, not {value!r}")
        if key == "exact_only":
            value = not value
        if field == "workers" and value < 1:  # the others: ProxyConfig, by option name
            raise InvalidInputError(f"{path}: {given} must be 1 or more, not {value}")
        if field in _FILES:
            value = str(_beside(path, value))
        elif field == "store":
            value = _store_beside(path, value)
        settings[field] = value
    if unknown:
        names = sorted({*FIELDS, *_ALIASES})
        listed = ", ".join(hinted(o, names, _PEERS) for o in sorted(unknown))
        said = "unknown settings" if len(unknown) > 1 else "unknown setting"
        raise InvalidInputError(f"{path}: {said} {listed}")
    return settings


def _beside(path: Path, value: str) -> Path:
    named = Path(value).expanduser()
    return named if named.is_absolute() else _folder(path) / named


def _folder(path: Path) -> Path:
    """The settings file's folder, without ``..`` (``../conf/serve.toml``)."""
    return path.absolute().parent.resolve()


def _store_beside(path: Path, url: str) -> str:
    """``url`` with a relative SQLite file read from the settings file's folder, as
    ``client_keys`` is; other stores, absolute paths and ``~/`` are left as written."""
    from ..stores.url import is_url, parse_store_url

    try:
        kind, target, _ = parse_store_url(url)  # a mistyped URL is refused as written
    except InvalidInputError as exc:
        raise InvalidInputError(f"{path}: store: {exc}") from exc
    if kind != "sqlite" or target == ":memory:" or Path(target).is_absolute():
        return url
    folder = str(_folder(path))
    if not is_url(url):
        return str(Path(folder) / target)
    scheme, rest = url.split(":///", 1)  # sqlite:///relative.db?timeout=5
    return f"{scheme}:///{quote(folder)}/{rest}"


#: What a settings file may be, said when it is not: TOML, or JSON when named .json.
_FORMATS = 'settings files are TOML (port = 8080), or JSON when named .json ({"port": 8080})'


def _parse(path: Path) -> Any:
    if path.suffix.lower() in (".yaml", ".yml"):  # LiteLLM's config.yaml: not guessed at
        raise InvalidInputError(f"{path}: YAML is not read; {_FORMATS}")
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise InvalidInputError(f"{path}: not valid JSON: {exc}") from exc
    try:
        tomllib = importlib.import_module("tomllib")
    except ImportError as exc:  # Python 3.10
        raise InvalidInputError(f"{path}: TOML settings need Python 3.11+; use JSON") from exc
    try:
        return tomllib.loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise InvalidInputError(f"{path}: not valid TOML: {exc}; {_FORMATS}") from exc


def _is(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)
