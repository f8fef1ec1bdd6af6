"""``ProxyConfig``: everything ``create_app`` needs, as one plain dataclass.

The CLI builds one from its options (``nearcache serve``); programs that run their own ASGI
server build one directly. Nothing here opens a connection: the app opens the store and
the upstream client when it starts (ASGI lifespan) and closes them when it stops.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..errors import InvalidInputError
from ..keys import digest_bytes
from ..unknownopts import THRESHOLD_PEERS, unknown_options

__all__ = ["ClientKeys", "ProxyConfig", "is_namespace", "load_client_keys"]

#: 8 MB: far above any chat request a person writes, small enough to refuse abuse early.
DEFAULT_MAX_BODY = 8 * 1024 * 1024
_NAMESPACE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}")


_SERVER = "nearcache serve --{}, or your ASGI server's own option"
#: What LiteLLM, the openai client, GPTCache/RedisVL and cachetools call the same settings.
_PEER_NAMES = {
    **THRESHOLD_PEERS,
    "ttl": "default_ttl",
    "expire": "default_ttl",
    "maxsize": "max_entries",
    "max_size": "max_entries",
    "base_url": "upstream",
    "api_base": "upstream",
    "upstream_url": "upstream",
    "api_key": "upstream_api_key",
    "url": "store",
    "redis_url": "store",
    "store_url": "store",
    "path": "store",
    "embeddings": "embedder",
    "exact_only": "semantic=False",
    **{name: _SERVER.format(name) for name in ("host", "port", "workers")},
}


def is_namespace(name: str) -> bool:
    """True for a namespace the proxy takes (``--namespace``, ``X-Nearcache-Namespace``):
    1-128 of letters, digits and ``._:@/-``, starting with a letter or digit."""
    return _NAMESPACE.fullmatch(name) is not None


@dataclass
class ProxyConfig:
    """Settings of the caching proxy.

    Args:
        upstream: base URL of the OpenAI-compatible API, e.g. ``https://api.openai.com/v1``
            (a request to ``/v1/chat/completions`` goes to ``{upstream}/chat/completions``).
        store: a store URL (``sqlite:///proxy.db``, ``redis://...``) or a ``Store`` object;
            None keeps everything in memory.
        embedder: the embedder of the semantic layer (an ``Embedder``); None loads the
            offline default model on first use. Ignored when ``semantic`` is False.
        semantic: False keeps only the exact layer (no embedder is ever called).
        similarity_threshold: lowest similarity a semantic candidate needs before the judge
            sees it; None (default) takes the semantic cache's own default, so the proxy
            answers exactly as the library does (the default judge's floor).
        judge: the semantic cache's judge (``"default"``, None or a ``Judge``).
        default_ttl: seconds an answer lives (None: until evicted); ``X-Nearcache-Ttl``
            overrides it per request.
        max_entries: LRU limit of the semantic cache (all namespaces) and of each
            namespace's exact-only answers (None: no limit).
        namespace: the namespace used when a request names none (``X-Nearcache-Namespace``).
        share_across_keys: False (default) partitions every key by a hash of the caller's
            credentials; True lets every caller see every answer (one team key, trusted
            network).
        upstream_api_key: a key the proxy sends upstream instead of the caller's (read by
            the CLI from ``--upstream-key-env``); then callers authenticate to the proxy
            with keys from ``client_keys``.
        client_keys: keys accepted from callers when the proxy holds the upstream key.
        max_body_bytes: largest request body on a cached route (413 beyond).
        timeout / connect_timeout: upstream timeouts in seconds (504 beyond).
        max_connections: upstream connection pool size.
        multi_process: True when other processes write the same store (several workers):
            the semantic index replays their writes (``multi_process_mode="shared"``);
            False when this process owns it; None lets the cache decide (``"auto"``:
            shared on every store but memory).
        stale_check_interval: how often (s) a shared-mode worker checks for others' writes.
        prices: ``{model: (input_usd_per_1M_tokens, output_usd_per_1M_tokens)}`` for the
            estimated-cost-saved metric.
        metrics_multiprocess_dir: prometheus-client multiprocess folder (several workers).
        semantic_options: extra keyword arguments for ``SemanticCache``.
        stream_usage: ask the upstream for usage on every streamed chat or completion
            (``stream_options.include_usage``, as LiteLLM's ``always_include_stream_usage``):
            every stored answer then has its usage, and every stream, relayed or
            replayed, ends with the usage chunk. Off by default: some upstreams refuse the
            option, and a client that reads ``choices[0]`` of every chunk trips on the
            usage chunk's empty ``choices``.
    """

    upstream: str
    store: Any = None
    embedder: Any = None
    semantic: bool = True
    similarity_threshold: float | None = None
    judge: Any = "default"
    default_ttl: float | None = None
    max_entries: int | None = None
    namespace: str = "default"
    share_across_keys: bool = False
    upstream_api_key: str | None = field(default=None, repr=False)
    client_keys: ClientKeys | None = field(default=None, repr=False)
    max_body_bytes: int = DEFAULT_MAX_BODY
    timeout: float = 600.0
    connect_timeout: float = 10.0
    max_connections: int = 200
    multi_process: bool | None = None
    stale_check_interval: float = 0.5
    prices: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    metrics_multiprocess_dir: str | None = None
    semantic_options: Mapping[str, Any] = field(default_factory=dict)
    stream_usage: bool = False

    def __new__(cls, *args: Any, **kwargs: Any) -> ProxyConfig:
        """Refuse an unknown option naming the one meant: the dataclass's ``__init__``
        said "got an unexpected keyword argument 'threshold'", with no hint."""
        known = {f.name for f in fields(cls)}
        unknown = {name: value for name, value in kwargs.items() if name not in known}
        if unknown:
            raise unknown_options(cls.__name__, unknown, known, _PEER_NAMES)
        return super().__new__(cls)

    def __post_init__(self) -> None:
        up = str(self.upstream).strip().rstrip("/")
        if not up.startswith(("http://", "https://")):
            raise InvalidInputError(
                f"upstream must be an http:// or https:// URL, not {self.upstream!r}"
            )
        self.upstream = up
        if self.max_body_bytes <= 0:
            raise InvalidInputError("max_body_bytes must be positive")
        for name in ("timeout", "connect_timeout"):  # one named: "0.0 / 10.0" named neither
            value = getattr(self, name)
            if not value > 0:  # NaN compares false: refused too
                raise InvalidInputError(
                    f"{name} must be a positive number of seconds, not {value!r}"
                )
        if not is_namespace(self.namespace):
            raise InvalidInputError(
                f"namespace must be 1-128 characters of letters, digits and ._:@/- "
                f"(the X-Nearcache-Namespace rule), not {self.namespace!r}"
            )
        from ..semantic.config import check_threshold  # the cache's own rule, imported late

        if self.similarity_threshold is not None:
            check_threshold(self.similarity_threshold)
        if self.default_ttl is not None and not self.default_ttl > 0:
            raise InvalidInputError(
                f"default_ttl must be a positive number of seconds, not {self.default_ttl!r}"
            )
        entries = self.max_entries
        if entries is not None and (type(entries) is not int or entries < 1):
            raise InvalidInputError(f"max_entries must be a whole number >= 1, not {entries!r}")
        if self.client_keys is not None and self.upstream_api_key is None:
            raise InvalidInputError(
                "client keys are only checked when the proxy holds the upstream key "
                "(--upstream-key-env); without it the caller's own key goes upstream"
            )


class ClientKeys:
    """The keys callers may present when the proxy holds the upstream key.

    Only digests are kept in memory, and they are compared in constant time. A key may
    name a tenant (``KEY TEAM`` on one line): keys of one tenant share their answers.
    """

    def __init__(self, keys: Mapping[str, str | None]) -> None:
        if not keys:
            raise InvalidInputError("the client key list is empty: nobody could use the proxy")
        self._tenants: dict[bytes, str | None] = {}
        for key, tenant in keys.items():
            if not key or any(c.isspace() for c in key):
                raise InvalidInputError("a client key must be a non-empty word")
            self._tenants[_digest(key)] = tenant

    def __len__(self) -> int:
        return len(self._tenants)

    def tenant_of(self, key: str) -> str | None:
        """The tenant label of ``key`` ("" for a key without one), or None if unknown."""
        want = _digest(key)
        found: str | None = None
        for digest, tenant in self._tenants.items():  # no early exit: constant time
            if hmac.compare_digest(digest, want):
                found = tenant or ""
        return found


def _digest(key: str) -> bytes:
    return digest_bytes(b"nearcache.proxy.client-key\0" + key.encode("utf-8"))


def load_client_keys(path: str | os.PathLike[str]) -> ClientKeys:
    """Read a client key file: one key per line, optionally followed by a tenant name;
    blank lines and ``#`` comments are skipped."""
    keys: dict[str, str | None] = {}
    text = Path(path).read_text(encoding="utf-8")
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) > 2:
            raise InvalidInputError(f"{path}:{n}: expected 'KEY' or 'KEY TENANT'")
        keys[parts[0]] = parts[1] if len(parts) == 2 else None
    return ClientKeys(keys)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
