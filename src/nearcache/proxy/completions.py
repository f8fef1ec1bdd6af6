"""``POST /v1/chat/completions``, ``/v1/completions`` and ``/v1/responses`` through the
semantic cache.

A hit is answered without the upstream: as one JSON body, or as SSE chunks when the
request streams. A miss goes upstream with the caller's bytes unchanged; the answer is
stored only when it is complete (``finish_reason`` stop or tool_calls, non-empty), and a
stream is relayed chunk by chunk as it arrives while a copy is rebuilt for the cache.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import aiohttp
import orjson
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..semantic.types import Hit, Miss
from .controls import Controls, read_controls
from .http import (
    UPSTREAM_ERRORS,
    ProxyHTTPError,
    forward_headers,
    json_or_none,
    parse_json_object,
    read_body,
    release,
    response_headers,
)
from .keys import RequestKey
from .kinds import Collector, Kind
from .sse import SSEReader
from .state import ProxyState

__all__ = ["handle_completion"]

log = logging.getLogger("nearcache.proxy")

CACHE = "x-nearcache-cache"


async def handle_completion(request: Request, state: ProxyState, kind: Kind) -> Response:
    route = kind.route
    try:
        tenant = state.tenant(request.headers)
        controls = read_controls(request.headers, state.config.namespace)
        raw = await read_body(request, state.config.max_body_bytes)
        body = parse_json_object(raw)
        kind.validate(body)
        key = kind.key(
            body,
            upstream=state.upstream,
            tenant=tenant,
            semantic=state.config.semantic,
            max_query_bytes=state.max_query_bytes,
        )
    except ProxyHTTPError as exc:
        return exc.response()
    if not kind.cacheable(body):
        controls = replace(controls, lookup=False, store=False)
    stream = body.get("stream") is True
    options = body.get("stream_options")
    include_usage = stream and isinstance(options, dict) and bool(options.get("include_usage"))
    if stream and not include_usage and state.config.stream_usage and kind.route != "responses":
        # Asked for the caller (ProxyConfig.stream_usage): the answer is stored with its
        # usage, which a later JSON replay or an include_usage stream needs.
        asked = options if isinstance(options, dict) else {}
        raw = orjson.dumps({**body, "stream_options": {**asked, "include_usage": True}})
        include_usage = True
    status, result = "BYPASS", None
    if controls.lookup:
        result = await state.lookup(key, controls)
        if isinstance(result, Hit):
            state.metrics.requests.labels(route, _label(result)).inc()
            return _serve_hit(state, result, key, tenant, kind, stream, include_usage)
        status = "ERROR" if result.reason == "store_error" else "MISS"
    if status == "ERROR":
        state.metrics.store_errors.labels(route).inc()
    state.metrics.requests.labels(route, status).inc()
    miss = _Miss(state, kind, key, controls, result, status)
    headers = forward_headers(
        request.headers.items(), upstream_key=state.config.upstream_api_key, keep_encoding=False
    )
    url = state.config.upstream + request.url.path[3:]
    if stream:
        return await miss.stream(url, headers, raw)
    return await miss.plain(url, headers, raw)


def _label(hit: Hit) -> str:
    return "HIT-EXACT" if hit.layer == "exact" else "HIT-SEMANTIC"


def _serve_hit(
    state: ProxyState,
    hit: Hit,
    key: RequestKey,
    tenant: str,
    kind: Kind,
    stream: bool,
    include_usage: bool,
) -> Response:
    headers = {
        CACHE: _label(hit),
        "x-nearcache-hit-id": state.hit_id(hit, key, tenant),
        "x-nearcache-age": str(max(0, int(time.time() - hit.created_at))),
    }
    if hit.layer == "semantic":
        headers["x-nearcache-similarity"] = f"{hit.similarity:.4f}"
    meta = hit.metadata or {}
    state.metrics.saved(kind.route, str(meta.get("model", "")), meta.get("usage"))
    data = hit.response if isinstance(hit.response, bytes) else orjson.dumps(hit.response)
    if not stream:
        return Response(data, media_type="application/json", headers=headers)
    chunks = kind.replay(orjson.loads(data), include_usage)
    return Response(b"".join(chunks), media_type="text/event-stream", headers=headers)


class _Miss:
    """One request that goes upstream, and the put of its answer."""

    def __init__(
        self,
        state: ProxyState,
        kind: Kind,
        key: RequestKey,
        controls: Controls,
        result: Hit | Miss | None,
        status: str,
    ) -> None:
        self.state = state
        self.kind = kind
        self.route = kind.route
        self.key = key
        self.controls = controls
        self.status = status
        # The query vector for the put, computed while the upstream works.
        self.vector: asyncio.Task[Any] | None = None
        if controls.store:
            self.vector = asyncio.ensure_future(state.embed_query(key, result))

    def _failed(self, exc: BaseException) -> Response:
        self.state.metrics.upstream_errors.labels(self.route, type(exc).__name__).inc()
        if self.vector is not None:
            self.vector.cancel()
        return self.state.client.error(exc).response({CACHE: self.status})

    async def _put(self, data: bytes, body: dict[str, Any]) -> bool:
        """Store a complete answer; False on a store outage."""
        vector = await self.vector if self.vector is not None else None
        return await self.state.put(self.key, data, _metadata(body), self.controls, vector)

    async def plain(self, url: str, headers: list[tuple[str, str]], raw: bytes) -> Response:
        started = time.perf_counter()
        try:
            resp, data = await self.state.client.read(url, headers=headers, data=raw)
        except UPSTREAM_ERRORS as exc:
            return self._failed(exc)
        return self._finish_plain(resp, data, started)

    def _finish_plain(self, resp: aiohttp.ClientResponse, data: bytes, started: float) -> Response:
        state = self.state
        state.metrics.upstream_seconds.labels(self.route).observe(time.perf_counter() - started)
        out = response_headers(resp, keep_encoding=False)
        out[CACHE] = self.status
        if resp.status >= 400:
            state.metrics.upstream_errors.labels(self.route, str(resp.status)).inc()
        elif resp.status == 200 and self.controls.store:
            body = json_or_none(data)
            if body is not None and self.kind.storable(body):
                vector = self.vector or _none()
                self.vector = None
                state.put_soon(self.key, data, _metadata(body), self.controls, vector)
        if self.vector is not None:
            self.vector.cancel()
        return Response(data, status_code=resp.status, headers=out)

    async def stream(self, url: str, headers: list[tuple[str, str]], raw: bytes) -> Response:
        started = time.perf_counter()
        try:
            resp = await self.state.client.request("POST", url, headers=headers, data=raw)
        except UPSTREAM_ERRORS as exc:
            return self._failed(exc)
        kind = resp.headers.get("content-type", "")
        if resp.status != 200 or not kind.startswith("text/event-stream"):
            try:
                data = await resp.read()
            except UPSTREAM_ERRORS as exc:
                return self._failed(exc)
            finally:
                resp.release()
            return self._finish_plain(resp, data, started)
        self.state.metrics.upstream_seconds.labels(self.route).observe(
            time.perf_counter() - started
        )
        out = response_headers(resp, keep_encoding=False)
        out[CACHE] = self.status
        return StreamingResponse(
            self._relay(resp),
            status_code=200,
            headers=out,
            background=BackgroundTask(release, resp),  # also when the relay never started
        )

    async def _relay(self, resp: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
        """Yield upstream bytes as they come; store the rebuilt answer just before the
        chunk that completes the stream is relayed, so the next request can hit. However
        the relay ends, the response is released: a stream the caller dropped closes its
        upstream connection (aiohttp never pools a connection with an unread body)."""
        reader = SSEReader()
        acc = self.kind.collector()
        try:
            async for chunk in resp.content.iter_any():
                if not acc.done:
                    for event in reader.feed(chunk):
                        acc.feed_event(event)
                    if acc.done and self.controls.store:
                        await self._store_stream(acc)
                yield chunk
        except UPSTREAM_ERRORS as exc:
            self.state.metrics.upstream_errors.labels(self.route, type(exc).__name__).inc()
            err = self.state.client.error(exc)
            payload = {"error": {"message": err.message, "type": err.kind, "code": err.code}}
            yield b"data: " + orjson.dumps(payload) + b"\n\n"
        finally:
            if self.vector is not None and not self.vector.done():
                self.vector.cancel()
            resp.release()

    async def _store_stream(self, acc: Collector) -> None:
        body = acc.result()
        if body is None or not self.kind.storable(body):
            return
        data = orjson.dumps(body)
        if not await self._put(data, body):
            self.state.metrics.store_errors.labels(self.route).inc()


def _metadata(body: dict[str, Any]) -> dict[str, Any]:
    """What a hit needs without parsing the stored body: model and usage (for metrics)."""
    return {"model": body.get("model"), "usage": body.get("usage")}


async def _none() -> None:
    return None
