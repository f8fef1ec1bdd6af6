"""``nearcache serve``: run the OpenAI-compatible caching proxy with uvicorn.

Settings come from ``--config FILE`` (TOML or JSON, keys named like the long options:
``upstream``, ``store``, ``port``, ``threshold`` ...; see ``servesettings``) and then
from the command line, which wins. With ``--workers N`` each worker process builds
its app from the same settings (passed in the environment, without secrets: the upstream
key is read from the variable ``--upstream-key-env`` names, in each worker).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import shutil
import socket
import tempfile
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InvalidInputError

if TYPE_CHECKING:
    from ..stores.protocol import Store

__all__ = ["serve", "worker_app"]

_SETTINGS_ENV = "NEARCACHE_PROXY_SETTINGS"


def serve(
    upstream: Annotated[
        str | None,
        typer.Option(
            help="The OpenAI-compatible API to cache, e.g. https://api.openai.com/v1 "
            "(default: $NEARCACHE_UPSTREAM).",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            "-s",
            help="Store URL (default: the nearcache SQLite file).",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str | None, typer.Option(help="Address to bind (default: 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: 8080; 0: a free one).")] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML or JSON file with these settings.")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes sharing the store (default: 1).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Embedder of the semantic layer (default: the offline default model).",
            show_default=False,
        ),
    ] = None,
    semantic: Annotated[
        bool | None,
        typer.Option("--semantic/--exact-only", help="Semantic layer on, or exact matches only."),
    ] = None,
    similarity_threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            help="Lowest similarity a candidate needs before the judge (default: 0.45).",
        ),
    ] = None,
    ttl: Annotated[
        float | None, typer.Option(help="Seconds an answer lives (default: until evicted).")
    ] = None,
    max_entries: Annotated[
        int | None,
        typer.Option(
            min=1, help="Answers kept; the least recently used beyond it are evicted (no limit)."
        ),
    ] = None,
    namespace: Annotated[
        str | None, typer.Option(help="Default namespace (default: 'default').")
    ] = None,
    share_across_keys: Annotated[
        bool | None,
        typer.Option(
            "--share-across-keys", help="Let callers with different API keys share answers."
        ),
    ] = None,
    upstream_key_env: Annotated[
        str | None,
        typer.Option(help="Environment variable holding the key the proxy sends upstream."),
    ] = None,
    client_keys: Annotated[
        Path | None,
        typer.Option(help="File of keys callers must present (one per line, 'KEY [TENANT]')."),
    ] = None,
    max_body_bytes: Annotated[
        int | None,
        typer.Option(min=1, help="Largest request body on a cached route (default: 8 MB)."),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(help="Upstream timeout in seconds (default: 600).")
    ] = None,
    log_level: Annotated[
        str | None, typer.Option(help="uvicorn log level (default: info).")
    ] = None,
    stream_usage: Annotated[
        bool | None,
        typer.Option("--stream-usage", help="Ask the upstream for usage on every stream."),
    ] = None,
) -> None:
    """Run the OpenAI-compatible caching proxy (point OPENAI_BASE_URL at it)."""
    given = dict(locals())
    settings = _read_file(given.pop("config"))
    settings.update({k: v for k, v in given.items() if v is not None})
    for key in ("client_keys",):
        if settings.get(key) is not None:
            settings[key] = str(settings[key])
    _run(settings)


def _read_file(path: Path | None) -> dict[str, Any]:
    from .servesettings import read_settings

    return {} if path is None else read_settings(path)


#: The options of ``serve`` that ``ProxyConfig``'s refusals name by their field.
_OPTION_OF = {
    "similarity_threshold": "--threshold",
    "default_ttl": "--ttl",
    "max_entries": "--max-entries",
    "max_body_bytes": "--max-body-bytes",
    "timeout": "--timeout",
    "namespace": "--namespace",
}


def build_config(
    settings: dict[str, Any], *, check_store: bool = True, listen: tuple[str, int] | None = None
) -> Any:
    """A ``ProxyConfig`` from CLI settings (the model is loaded here); ``check_store``:
    read the store once first (the parent does; its workers need not again); ``listen``:
    the (host, port) to check after the store's one read and before the model (a taken
    port is said before seconds of loading)."""
    from ..proxy import ProxyConfig, load_client_keys
    from ..proxy.config import is_loopback
    from .common import default_store_url
    from .models import resolve_embedder

    upstream = settings.get("upstream") or os.environ.get("NEARCACHE_UPSTREAM")
    if not upstream:
        raise InvalidInputError(
            "say which API to cache: --upstream URL or $NEARCACHE_UPSTREAM "
            "(e.g. https://api.openai.com/v1)"
        )
    key_env = settings.get("upstream_key_env")
    upstream_key = None
    if key_env:
        upstream_key = os.environ.get(key_env)
        if not upstream_key:
            raise InvalidInputError(
                f"--upstream-key-env {key_env}: that environment variable is empty"
            )
    keys = settings.get("client_keys")
    host = settings.get("host") or "127.0.0.1"
    if upstream_key and not keys and not is_loopback(host):
        raise InvalidInputError(
            f"the proxy holds the upstream key and binds {host}: anyone who reaches it could "
            "spend that key; add --client-keys FILE"
        )
    semantic = settings.get("semantic", True)
    workers = int(settings.get("workers") or 1)
    store = settings.get("store") or default_store_url()
    if workers > 1 and store.startswith("memory"):
        raise InvalidInputError("several workers need a shared store (sqlite:///..., redis://...)")
    opened = _check_store(store) if check_store else None  # one read: its warnings first
    try:  # the store stays open while the model loads: one connection for both checks
        if listen is not None:  # a taken port is said before seconds of model loading
            _check_listen(*listen)
        embedder = resolve_embedder(settings.get("model")) if semantic else None
        if opened is not None and embedder is not None:
            _check_embedder(opened, embedder)
    finally:
        if opened is not None:
            opened.close()
    threshold = settings.get("similarity_threshold")  # None: the cache's own default
    max_body, timeout = settings.get("max_body_bytes"), settings.get("timeout")
    try:
        return ProxyConfig(
            upstream=upstream,
            store=store,
            embedder=embedder,
            semantic=bool(semantic),
            similarity_threshold=None if threshold is None else float(threshold),
            default_ttl=settings.get("ttl"),
            max_entries=settings.get("max_entries"),
            namespace=settings.get("namespace") or "default",
            share_across_keys=bool(settings.get("share_across_keys", False)),
            upstream_api_key=upstream_key,
            client_keys=load_client_keys(keys) if keys else None,
            max_body_bytes=8 * 1024 * 1024 if max_body is None else int(max_body),
            timeout=600.0 if timeout is None else float(timeout),
            multi_process=True if workers > 1 else None,
            stream_usage=bool(settings.get("stream_usage", False)),
        )
    except InvalidInputError as exc:  # name the option, not only ProxyConfig's field
        option = _OPTION_OF.get(str(exc).split(" ", 1)[0])
        if option is None:
            raise
        raise InvalidInputError(f"{option}: {exc}") from exc


def _check_store(url: str) -> Store | None:
    """One read of the store before the model loads: a store that refuses the credentials,
    a missing database or a mistyped URL is one line here, not a traceback from the
    server's start-up. A Redis or PostgreSQL server that nobody answers at (down,
    restarting) is an outage, not a mistake: the proxy starts and passes requests through
    uncached until the server is back, as it does when the store goes away while it
    serves. A store this process cannot write (a SQLite file on a read-only mount) is a
    warning: answers are served from it, none is stored. The store, open, if it answered
    (the caller closes it); None if its server is down."""
    from ..errors import StoreUnavailableError
    from ..stores.outages import server_down
    from .common import err_console, open_cli_store

    try:
        store = open_cli_store(url)
    except StoreUnavailableError as exc:
        if not server_down(url):
            raise
        said = " ".join(str(exc).split()).rstrip(".")  # libpq's message spans lines
        err_console().print(
            f"warning: {said}; starting anyway: requests go upstream uncached until it is back",
            soft_wrap=True,
        )
        return None
    if getattr(
        store, "read_only", False
    ):  # a SQLite file on a read-only mount: the proxy serves, but stores nothing
        err_console().print(
            f"warning: {url} is read-only here: its answers are served, no new one is stored",
            soft_wrap=True,
        )
    return store


def _check_embedder(store: Store, embedder: Any) -> None:
    """Refuse, in one line, a store whose semantic entries another embedder made (the
    server's start-up failed on it with a traceback and exit status 3)."""
    from ..errors import DimensionMismatchError, FingerprintMismatchError, StoreUnavailableError
    from ..semantic.binding import StoreBinding
    from .ops import naming_the_model

    try:
        if store.namespaces("semantic"):  # an empty store is bound by its first put
            with naming_the_model(store):
                StoreBinding(store, embedder).load(embedder)
    except StoreUnavailableError:
        pass  # gone since _check_store: the proxy starts and passes through until it is back
    except (DimensionMismatchError, FingerprintMismatchError) as exc:
        raise InvalidInputError(f"{exc}; serve it with that, or another --store") from exc


def worker_app() -> Any:
    """The app of one worker process (uvicorn factory), from the inherited settings."""
    from ..proxy import create_app
    from .common import LOG_FORMAT

    settings = json.loads(os.environ[_SETTINGS_ENV])
    # A worker is a new process: without this its library lines lost their level and
    # logger (Python's last-resort handler) and INFO (a store back) was not shown.
    logging.basicConfig(level=logging.ERROR, format=LOG_FORMAT)
    _show_library_log(str(settings.get("log_level") or "info").lower())
    return create_app(build_config(settings, check_store=False))


def upstream_note(upstream: str) -> str | None:
    """A hint for an upstream URL with no path: requests would go to ``/chat/completions``
    on the server's root, where OpenAI-compatible servers answer a bare 404 (they serve
    under ``/v1``). Any path is taken as meant (gateways and Azure use their own)."""
    if urllib.parse.urlsplit(upstream).path.strip("/"):
        return None
    base = upstream.rstrip("/")
    return (
        f"note: --upstream {upstream} has no path, so requests go to {base}/chat/completions;"
        f" OpenAI-compatible servers usually answer under {base}/v1"
    )


def ready_line(config: Any, host: str, port: int, model: str | None) -> str:
    """What the proxy caches, where, and the base URL its clients take: uvicorn names the
    server's root, while ``OPENAI_BASE_URL`` must end with ``/v1``."""
    from ..stores.url import redact_url

    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # every address: clients use one of them
        shown = "HOST"
    layers = f"semantic ({model or 'default'} model)" if config.semantic else "exact only"
    return (
        f"nearcache: caching {config.upstream} in {redact_url(str(config.store))}, "
        f"{layers}; clients: OPENAI_BASE_URL=http://{shown}:{port}/v1"
    )


def _check_listen(host: str, port: int) -> int:
    """Refuse, in one line, an address that cannot be listened on: a port another process
    listens on, an unknown host (uvicorn would log it among its start-up lines and exit
    with status 3). Binding is tried the way uvicorn binds (``SO_REUSEADDR``); a port
    taken between this check and uvicorn's bind is still reported by uvicorn. Returns
    the port bound (port 0: the free one the system chose)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
            return int(probe.getsockname()[1])
    except OSError as exc:
        hint = "; stop what listens there or choose another --port"
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidInputError(
            f"cannot listen on {host}:{port}: {reason}"
            + (hint if exc.errno == errno.EADDRINUSE else "")
        ) from exc


def _show_library_log(level: str) -> None:
    """Let the proxy's own log lines (an unreachable upstream, a store gone away) through
    at the server's log level: the CLI shows the library's errors only, which suits a
    one-shot command but hides what the operator of a server needs to see."""
    from .logs import RepeatFilter

    wanted = logging.DEBUG if level == "trace" else logging.getLevelName(level.upper())
    lib = logging.getLogger("nearcache")
    lib.setLevel(min(wanted, logging.getLogger().getEffectiveLevel()))
    repeats = RepeatFilter()  # an outage logs a WARNING per request: the first, then a count
    for handler in logging.getLogger().handlers:
        handler.addFilter(repeats)


def _run(settings: dict[str, Any]) -> None:
    try:
        import uvicorn
    except ImportError as exc:
        from ..errors import MissingExtraError

        raise MissingExtraError("proxy", "uvicorn", "nearcache serve") from exc
    host = settings.get("host") or "127.0.0.1"
    given = settings.get("port")
    port = 8080 if given is None else int(given)
    workers = int(settings.get("workers") or 1)
    log_level = str(settings.get("log_level") or "info").lower()
    if log_level not in uvicorn.config.LOG_LEVELS:
        raise InvalidInputError(
            f"--log-level {log_level}: use one of {', '.join(uvicorn.config.LOG_LEVELS)}"
        )
    if not 0 <= port <= 65535:
        raise InvalidInputError(f"--port must be a number from 0 to 65535, not {port}")
    if port == 0:  # a free port, chosen now so the ready line names it (it served 8080)
        port = _check_listen(host, 0)
    # Access logs show method, path and status only: never a header, so never a key.
    common: dict[str, Any] = {"host": host, "port": port, "log_level": log_level}
    from ..proxy.metrics import check_metrics_folder

    check_metrics_folder()  # before the model loads; set by the operator (or not at all)
    config = build_config(settings, listen=(host, port))  # once, rather than in every worker
    _show_library_log(log_level)
    from .common import err_console

    note = upstream_note(config.upstream)
    if note:
        err_console().print(note, soft_wrap=True)
    model = settings.get("model") or os.environ.get("NEARCACHE_MODEL")  # as resolve_embedder
    err_console().print(ready_line(config, host, port, model), soft_wrap=True)
    if workers == 1:
        from ..proxy import create_app

        uvicorn.run(create_app(config), **common)
        return
    os.environ[_SETTINGS_ENV] = json.dumps(settings)
    made = None  # the workers' metrics folder, when the operator set none: removed at exit
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        made = tempfile.mkdtemp(prefix="nearcache-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    try:
        uvicorn.run("nearcache.cli.serve:worker_app", factory=True, workers=workers, **common)
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
