"""``create_app(config)``: the ASGI application of the caching proxy.

Starlette was chosen over FastAPI because the proxy needs raw bodies, streamed responses
and a catch-all route, and nothing of what FastAPI adds on top (request models,
validation, dependency injection, OpenAPI pages): every request would pay for layers it
does not use, and a cache hit is meant to cost well under a millisecond. uvicorn serves
it (``nearcache serve``), or any ASGI server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from ..errors import InvalidTypeError
from .completions import handle_completion
from .config import ProxyConfig
from .embeddings import handle_embeddings
from .feedback import handle_feedback
from .http import (
    UPSTREAM_ERRORS,
    ProxyHTTPError,
    error_response,
    forward_headers,
    release,
    response_headers,
)
from .kinds import CHAT, COMPLETIONS, RESPONSES
from .state import ProxyState

__all__ = ["create_app"]

log = logging.getLogger("nearcache.proxy")

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def create_app(config: ProxyConfig) -> Starlette:
    """The proxy as an ASGI app. The store and the upstream client are opened when the
    server starts the app (ASGI lifespan) and closed when it stops; ``app.state.proxy``
    holds them meanwhile."""
    if not isinstance(config, ProxyConfig):  # it failed at start-up: "'str' object has no
        # attribute 'prices'", after the server had announced itself
        hint = ": create_app(ProxyConfig(upstream=url))" if isinstance(config, str) else ""
        raise InvalidTypeError(f"config must be a ProxyConfig, not {type(config).__name__}{hint}")
    holder: dict[str, ProxyState] = {}

    def state() -> ProxyState:
        return holder["state"]

    async def chat(request: Request) -> Response:
        return await handle_completion(request, state(), CHAT)

    async def completions(request: Request) -> Response:
        return await handle_completion(request, state(), COMPLETIONS)

    async def responses(request: Request) -> Response:
        return await handle_completion(request, state(), RESPONSES)

    async def embeddings(request: Request) -> Response:
        return await handle_embeddings(request, state())

    async def metrics(request: Request) -> Response:
        body, kind = state().metrics.exposition()
        return Response(body, media_type=kind)

    async def healthz(request: Request) -> Response:
        # 200 whatever the store says: the proxy serves every request without it (misses
        # go upstream), so a load balancer must not take it out of rotation for that.
        body = {"status": "ok", "store": await state().store_health()}
        return Response(orjson.dumps(body), media_type="application/json")

    async def feedback(request: Request) -> Response:
        return await handle_feedback(request, state())

    async def passthrough(request: Request) -> Response:
        return await _passthrough(request, state())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        built = await asyncio.to_thread(ProxyState, config)
        holder["state"] = app.state.proxy = built
        try:
            await built.start()
            yield
        finally:
            await built.aclose()

    routes = [
        Route("/v1/chat/completions", chat, methods=["POST"]),
        Route("/v1/completions", completions, methods=["POST"]),
        Route("/v1/responses", responses, methods=["POST"]),
        Route("/v1/embeddings", embeddings, methods=["POST"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/nearcache/feedback", feedback, methods=["POST"]),
        Route("/{path:path}", passthrough, methods=_METHODS),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


async def _passthrough(request: Request, state: ProxyState) -> Response:
    """Any other ``/v1/...`` request, forwarded as is; both bodies are streamed."""
    path = request.url.path
    if not path.startswith("/v1/"):
        # Most often a client whose base URL lacks /v1 (OPENAI_BASE_URL=http://host:port):
        # say which base URL to set, not only what is served.
        base = str(request.base_url).rstrip("/") + "/v1"
        return error_response(
            404,
            f"{path} is not served: the proxy forwards /v1/* to the upstream; "
            f"a client's base URL (OPENAI_BASE_URL) is {base}",
            code="not_found",
        )
    try:
        state.tenant(request.headers)  # with client keys, a stranger gets a 401 here too
    except ProxyHTTPError as exc:
        return exc.response()
    url = state.config.upstream + path[3:]
    if request.url.query:
        url += "?" + request.url.query
    headers = forward_headers(
        request.headers.items(), upstream_key=state.config.upstream_api_key, keep_encoding=True
    )
    length = request.headers.get("content-length")
    if length is not None:
        headers.append(("content-length", length))
    has_body = length not in (None, "0") or "chunked" in request.headers.get(
        "transfer-encoding", ""
    )
    content: Any = request.stream() if has_body else None
    try:
        resp = await state.client.request(
            request.method, url, headers=headers, data=content, raw=True
        )
    except UPSTREAM_ERRORS as exc:
        state.metrics.upstream_errors.labels("passthrough", type(exc).__name__).inc()
        return state.client.error(exc).response()
    if resp.status >= 400:
        state.metrics.upstream_errors.labels("passthrough", str(resp.status)).inc()
    return StreamingResponse(
        _raw(resp),
        status_code=resp.status,
        headers=response_headers(resp, keep_encoding=True),
        background=BackgroundTask(release, resp),  # also when the body was never iterated
    )


async def _raw(resp: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
    """The upstream body as it arrives; the response is released however the relay ends
    (a body the caller stopped reading closes its upstream connection)."""
    try:
        async for chunk in resp.content.iter_any():
            yield chunk
    except UPSTREAM_ERRORS as exc:  # the status is sent already: end the body early
        log.warning("upstream body broke off: %r", exc)
    finally:
        resp.release()
