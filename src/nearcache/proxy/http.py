"""HTTP plumbing of the proxy: OpenAI-style errors, bounded bodies, header hygiene, and
the upstream client.

aiohttp is the upstream client: one ``ClientSession`` per app (made on the running loop when
the app starts) keeps a pool of keep-alive HTTP/1.1 connections to the upstream, streams
request and response bodies, and has separate connect and read timeouts. It was chosen over
httpx because a miss pays for one upstream request: on this project's 2-core machine
aiohttp's request costs ~0.4 ms p50 where httpx's costs ~0.8-1 ms, and 32 concurrent
requests get ~1,500-2,200 answers/s through it against ~110 through httpx
(benchmarks/RESULTS.md, "Proxy").
"""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from typing import Any

import aiohttp
import orjson
from starlette.requests import Request
from starlette.responses import Response

__all__ = [
    "HOP_BY_HOP",
    "UPSTREAM_ERRORS",
    "UpstreamClient",
    "BodyTooLarge",
    "ProxyHTTPError",
    "error_response",
    "forward_headers",
    "read_body",
    "release",
    "response_headers",
]

log = logging.getLogger(__name__)

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
#: What a failed upstream exchange raises: aiohttp's errors, and ``asyncio.TimeoutError``
#: (which aiohttp's connect and read timeouts also are; on Python 3.10 it is not the
#: built-in ``TimeoutError``).
UPSTREAM_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError)


class ProxyHTTPError(Exception):
    """An error answered by the proxy itself, as an OpenAI-style error body."""

    def __init__(
        self, status: int, message: str, *, code: str, kind: str = "", param: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.kind = kind or ("invalid_request_error" if status < 500 else "proxy_error")
        #: the request field at fault (``messages[0].role``), as OpenAI names it: the
        #: openai client's ``BadRequestError.param``
        self.param = param

    def response(self, headers: Mapping[str, str] | None = None) -> Response:
        return error_response(
            self.status,
            self.message,
            code=self.code,
            kind=self.kind,
            param=self.param,
            headers=headers,
        )


_JSON_TYPES = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
_JSON_TYPES.update({list: "an array", dict: "an object", type(None): "null"})


def bad_field(body: Mapping[str, object], name: str, expected: str) -> ProxyHTTPError:
    """The 400 for ``body[name]`` missing or of the wrong type, in OpenAI's words: a
    ``"model": 5`` was told "you must provide a model parameter" (code
    ``missing_field``), of a field that is there."""
    if body.get(name) in (None, ""):
        return missing_field(name)
    return invalid_type(name, expected, body[name])


def missing_field(name: str) -> ProxyHTTPError:
    """The 400 for a required field the request lacks."""
    return ProxyHTTPError(
        400, f"you must provide a {name} parameter", code="missing_field", param=name
    )


def invalid_type(name: str, expected: str, value: object) -> ProxyHTTPError:
    """The 400 for ``name`` (``messages[0]``) holding ``value`` where ``expected`` belongs."""
    got = _JSON_TYPES.get(type(value), "another type")
    return ProxyHTTPError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {got} instead.",
        code="invalid_type",
        param=name,
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


def response_headers(upstream: aiohttp.ClientResponse, *, keep_encoding: bool) -> dict[str, str]:
    """Upstream response headers worth relaying (rate limits, request ids, ...).

    Without ``keep_encoding`` the body was decoded by the client, so ``content-encoding`` goes.
    """
    out: dict[str, str] = {}
    for name, value in upstream.headers.items():
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


def upstream_error(
    exc: BaseException, timeout: float, connect_timeout: float | None = None
) -> ProxyHTTPError:
    """504 for an upstream that did not answer (or let the proxy connect) in time, 502 for
    one that cannot be reached."""
    if isinstance(exc, aiohttp.ConnectionTimeoutError) and connect_timeout is not None:
        return ProxyHTTPError(
            504,
            f"no upstream connection within the proxy's connect timeout ({connect_timeout:g} s)",
            code="upstream_timeout",
            kind="timeout_error",
        )
    if isinstance(exc, asyncio.TimeoutError):
        return ProxyHTTPError(
            504,
            f"the upstream did not answer within the proxy's timeout ({timeout:g} s)",
            code="upstream_timeout",
            kind="timeout_error",
        )
    # the caller gets the kind only; the operator's log says which upstream and why
    log.warning("the upstream could not be reached: %s: %s", type(exc).__name__, exc)
    return ProxyHTTPError(
        502,
        f"the upstream could not be reached: {type(exc).__name__} (the proxy's log says "
        "which upstream and why)",
        code="upstream_unreachable",
    )


def env_proxy(upstream: str) -> str | None:
    """The forward proxy for ``upstream`` from ``HTTPS_PROXY``/``HTTP_PROXY``, unless
    ``NO_PROXY`` names its host: what ``trust_env`` would pick, read once at start-up.

    aiohttp's ``trust_env=True`` is not used: it also reads ``~/.netrc`` on every request
    (a thread hop each time), and a netrc entry for the upstream host would clash with the
    caller's ``Authorization`` header, which the proxy forwards.
    """
    parts = urllib.parse.urlsplit(upstream)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)


async def release(resp: aiohttp.ClientResponse) -> None:
    """Release an upstream response (a streamed reply's background task, which also runs
    when the body was never iterated)."""
    resp.release()


_SKIP = ("Content-Type",)
_SKIP_RAW = ("Content-Type", "Accept-Encoding")


class UpstreamClient:
    """The pooled upstream client of one app: an aiohttp session and how to call it.

    Built on the running event loop (an aiohttp session belongs to one loop). Requests
    never follow redirects and never keep cookies (a cookie set for one caller must not be
    sent for another); ``raw`` requests keep the body's content encoding as sent.
    """

    def __init__(
        self, upstream: str, *, timeout: float, connect_timeout: float, max_connections: int
    ) -> None:
        self.proxy = env_proxy(upstream)
        self.timeout, self.connect_timeout = timeout, connect_timeout
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=max_connections, limit_per_host=0),
            # connect: waiting for a pooled connection plus opening one; sock_read: the
            # longest silence while reading the answer (between two chunks of a stream).
            timeout=aiohttp.ClientTimeout(
                total=None,
                connect=connect_timeout,
                sock_connect=connect_timeout,
                sock_read=timeout,
            ),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: list[tuple[str, str]],
        data: Any = None,
        raw: bool = False,
    ) -> aiohttp.ClientResponse:
        """Send a request and return once the response head is in; the caller reads the
        body and releases the response (``release()``: an unread body closes the
        connection instead of returning it to the pool)."""
        return await self.session.request(
            method,
            url,
            headers=headers,
            data=data,
            allow_redirects=False,
            proxy=self.proxy,
            auto_decompress=not raw,
            # No invented Content-Type; a raw exchange also asks for the encodings the
            # caller asked for, and no others.
            skip_auto_headers=_SKIP_RAW if raw else _SKIP,
        )

    async def read(
        self, url: str, *, headers: list[tuple[str, str]], data: bytes
    ) -> tuple[aiohttp.ClientResponse, bytes]:
        """POST ``data`` and read the whole (decoded) answer."""
        resp = await self.request("POST", url, headers=headers, data=data)
        try:
            return resp, await resp.read()
        finally:
            resp.release()

    def error(self, exc: BaseException) -> ProxyHTTPError:
        """The answer to a failed exchange (504 or 502)."""
        return upstream_error(exc, self.timeout, self.connect_timeout)

    async def aclose(self) -> None:
        await self.session.close()
