"""Per-request cache controls read from the request headers.

==============================  ===========================================================
``Cache-Control: no-cache``     skip the lookup, store the fresh answer
``Cache-Control: no-store``     neither look up nor store
``Cache-Control: max-age=N``    accept only an entry younger than N seconds
``X-Nearcache-Namespace``       the namespace (default: the proxy's ``namespace``)
``X-Nearcache-Ttl``             seconds the stored answer lives
==============================  ===========================================================
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .config import is_namespace
from .http import ProxyHTTPError

__all__ = ["Controls", "read_controls"]

_MAX_TTL = 10 * 365 * 86400.0


@dataclass(frozen=True)
class Controls:
    lookup: bool
    store: bool
    max_age: float | None
    namespace: str
    ttl: float | None


def read_controls(headers: Mapping[str, str], default_namespace: str) -> Controls:
    """Parse the control headers; a malformed value is a 400 naming the header."""
    lookup = store = True
    max_age: float | None = None
    for raw in headers.get("cache-control", "").split(","):
        directive = raw.strip().lower()
        if directive == "no-store":
            lookup = store = False
        elif directive == "no-cache":
            lookup = False
        elif directive.startswith("max-age"):
            _, _, value = directive.partition("=")
            value = value.strip().strip('"')
            if not value.isdigit():
                raise ProxyHTTPError(
                    400,
                    "Cache-Control max-age must be a whole number of seconds",
                    code="bad_header",
                )
            max_age = float(value)
    namespace = headers.get("x-nearcache-namespace", default_namespace)
    if not is_namespace(namespace):
        raise ProxyHTTPError(
            400,
            "X-Nearcache-Namespace must be 1-128 characters of letters, digits and ._:@/-",
            code="bad_header",
        )
    ttl: float | None = None
    if "x-nearcache-ttl" in headers:
        try:
            ttl = float(headers["x-nearcache-ttl"])
        except ValueError:
            ttl = math.nan
        if not (0 < ttl <= _MAX_TTL):
            raise ProxyHTTPError(
                400, "X-Nearcache-Ttl must be a positive number of seconds", code="bad_header"
            )
    return Controls(lookup, store, max_age, namespace, ttl)
