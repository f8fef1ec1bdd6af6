"""The OpenAI-compatible caching proxy (the ``[proxy]`` extra): ``nearcache serve`` or
``create_app(ProxyConfig(upstream=...))`` under any ASGI server. See docs/proxy.md.

>>> from nearcache.proxy import ProxyConfig, create_app
>>> app = create_app(ProxyConfig(upstream="https://api.openai.com/v1"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import MissingExtraError

__all__ = ["ClientKeys", "ProxyConfig", "create_app", "load_client_keys"]

_NEEDS = (("starlette", "starlette"), ("aiohttp", "aiohttp"), ("orjson", "orjson"))


def __getattr__(name: str) -> Any:
    if name in ("ProxyConfig", "ClientKeys", "load_client_keys"):
        from . import config

        return getattr(config, name)
    if name == "create_app":
        import importlib

        for module, dist in _NEEDS:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise MissingExtraError("proxy", dist, "the caching proxy") from exc
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'nearcache.proxy' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from .app import create_app
    from .config import ClientKeys, ProxyConfig, load_client_keys
