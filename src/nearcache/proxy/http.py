"""HTTP plumbing of the proxy: OpenAI-style errors, bounded bodies, header hygiene, and
the upstream client.

httpx is the upstream client: one ``AsyncClient`` per app keeps a connection pool to the
upstream (keep-alive, HTTP/1.1), streams request and response bodies, and has separate
connect and read timeouts, which is what a proxy needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "HOP_BY_HOP",
    "BodyTooLarge",
    "ProxyHTTPError",
    "error_response",
    "forward_headers",
    "read_body",
    "response_headers",
]

#: Headers that belong to one connection (RFC 9110 §7.6.1) and are never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
#: Request headers of this proxy, stripped before a request goes upstream.
_OWN_PREFIX = "x-nearcache-"
CREDENTIAL_HEADERS = ("authorization", "api-key", "x-api-key")


class ProxyHTTPError(Exception):
    """An error answered by the proxy itself, as an OpenAI-style error body."""

    def __init__(self, status: int, message: str, *, code: str, kind: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.kind = kind or ("invalid_request_error" if status < 500 else "proxy_error")

    def response(self, headers: Mapping[str, str] | None = None) -> Response:
        return error_response(
            self.status, self.message, code=self.code, kind=self.kind, headers=headers
        )


class BodyTooLarge(ProxyHTTPError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            413,
            f"request body is larger than the proxy's limit of {limit} bytes",
            code="request_too_large",
        )


def error_response(
    status: int,
    message: str,
    *,
    code: str,
    kind: str = "invalid_request_error",
    param: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``{"error": {"message", "type", "param", "code"}}`` as OpenAI writes it."""
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The whole request body, refusing (413) more than ``limit`` bytes before reading it
    all: the declared length is checked first, then the bytes as they arrive."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise BodyTooLarge(limit)
        except ValueError:
            raise ProxyHTTPError(400, "invalid Content-Length header", code="bad_header") from None
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)


def parse_json_object(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or a 400."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ProxyHTTPError(
            400, f"the request body is not valid JSON: {exc}", code="invalid_json"
        ) from None
    if not isinstance(value, dict):
        raise ProxyHTTPError(400, "the request body must be a JSON object", code="invalid_json")
    return value


def json_or_none(data: bytes) -> Any:
    """An upstream body parsed as JSON, or None if it is not JSON."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def forward_headers(
    headers: Iterable[tuple[str, str]],
    *,
    upstream_key: str | None,
    keep_encoding: bool,
) -> list[tuple[str, str]]:
    """Request headers for the upstream: hop-by-hop and ``X-Nearcache-*`` removed; with
    ``upstream_key`` the caller's credentials are replaced by the proxy's key."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        low = name.lower()
        if low in HOP_BY_HOP or low.startswith(_OWN_PREFIX) or low == "cache-control":
            continue
        if low == "accept-encoding" and not keep_encoding:
            continue
        if upstream_key is not None and low in CREDENTIAL_HEADERS:
            continue
        out.append((low, value))
    if upstream_key is not None:
        out.append(("authorization", f"Bearer {upstream_key}"))
    return out


def response_headers(upstream: httpx.Response, *, keep_encoding: bool) -> dict[str, str]:
    """Upstream response headers worth relaying (rate limits, request ids, ...).

    Without ``keep_encoding`` the body was decoded by httpx, so ``content-encoding`` goes.
    """
    out: dict[str, str] = {}
    for name, value in upstream.headers.multi_items():
        low = name.lower()
        if low in HOP_BY_HOP or low in ("date", "server"):
            continue
        if low == "content-encoding" and not keep_encoding:
            continue
        out[low] = value
    return out


def credentials(headers: Mapping[str, str]) -> list[str]:
    """The caller's credential header values, in a fixed order."""
    return [f"{h}={headers[h]}" for h in CREDENTIAL_HEADERS if headers.get(h)]


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of ``Authorization: Bearer ...`` (or ``api-key``), if any."""
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return headers.get("api-key") or headers.get("x-api-key") or None


def upstream_error(exc: httpx.HTTPError, timeout: float) -> ProxyHTTPError:
    """504 for an upstream that did not answer in time, 502 for one that cannot be reached."""
    if isinstance(exc, httpx.TimeoutException):
        return ProxyHTTPError(
            504,
            f"the upstream did not answer within the proxy's timeout ({timeout:g} s)",
            code="upstream_timeout",
            kind="timeout_error",
        )
    return ProxyHTTPError(
        502, f"the upstream could not be reached: {type(exc).__name__}", code="upstream_unreachable"
    )


def new_client(
    upstream: str, *, timeout: float, connect_timeout: float, max_connections: int
) -> httpx.AsyncClient:
    """The pooled upstream client (honours HTTPS_PROXY/NO_PROXY like other httpx clients)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout, connect=connect_timeout, pool=connect_timeout),
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        ),
        follow_redirects=False,
    )
