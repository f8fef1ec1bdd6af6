"""``POST /v1/embeddings`` through the embedding cache, input by input.

Every input is looked up in one store round trip; only the missing ones (each distinct
text once) go upstream, in one request, and the answer is put together in input order
with the right ``index`` values. Vectors are stored as float32 (what the models compute
and what ``base64`` carries), so one cached vector serves ``float`` and ``base64``
requests alike. ``usage`` counts the tokens the upstream billed for this request: zero
when every input was cached.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import time
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
from starlette.requests import Request
from starlette.responses import Response

from ..errors import NearcacheError, StoreUnavailableError, StoreWriteError
from ..stores.breaker import outage_level
from .controls import Controls, read_controls
from .http import (
    UPSTREAM_ERRORS,
    ProxyHTTPError,
    bad_field,
    forward_headers,
    json_or_none,
    parse_json_object,
    read_body,
    response_headers,
)
from .keys import embedding_namespace
from .state import ProxyState

__all__ = ["handle_embeddings"]

log = logging.getLogger("nearcache.proxy")

CACHE = "x-nearcache-cache"
ROUTE = "embeddings"


def _inputs(body: dict[str, Any]) -> tuple[list[Any], list[str], str]:
    """(inputs as sent, their cache texts, kind) of a validated request."""
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise bad_field(body, "model", "a string")
    raw = body.get("input")
    fmt = body.get("encoding_format")
    if fmt not in (None, "float", "base64"):
        raise ProxyHTTPError(
            400,
            "encoding_format must be 'float' or 'base64'",
            code="invalid_value",
            param="encoding_format",
        )
    dims = body.get("dimensions")
    if dims is not None and (isinstance(dims, bool) or not isinstance(dims, int) or dims <= 0):
        raise ProxyHTTPError(
            400, "dimensions must be a positive integer", code="invalid_value", param="dimensions"
        )
    if isinstance(raw, str):
        return [raw], [raw], "text"
    if isinstance(raw, list) and raw:
        if all(isinstance(x, str) for x in raw):
            return list(raw), list(raw), "text"
        if all(_is_int(x) for x in raw):
            return [raw], [_token_text(raw)], "tokens"
        if all(isinstance(x, list) and x and all(_is_int(t) for t in x) for x in raw):
            return list(raw), [_token_text(x) for x in raw], "tokens"
    raise ProxyHTTPError(
        400,
        "input must be a string, an array of strings, an array of token ids or an array of "
        "arrays of token ids, and not empty",
        code="invalid_value",
        param="input",
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _token_text(tokens: list[int]) -> str:
    return ",".join(map(str, tokens))


def _vector(item: Any) -> npt.NDArray[np.float32]:
    emb = item["embedding"]
    if isinstance(emb, str):
        return np.frombuffer(base64.b64decode(emb), dtype="<f4").astype(np.float32)
    return np.asarray(emb, dtype=np.float32)


def _upstream_vectors(body: Any, n: int) -> tuple[npt.NDArray[np.float32], Any, Any] | None:
    """(n x dim matrix in index order, usage, model) of an upstream answer, or None."""
    try:
        data = sorted(body["data"], key=lambda d: int(d["index"]))
        if [int(d["index"]) for d in data] != list(range(n)):
            return None
        mat = np.stack([_vector(d) for d in data])
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None
    if mat.ndim != 2 or not np.isfinite(mat).all():
        return None
    return np.ascontiguousarray(mat, dtype=np.float32), body.get("usage"), body.get("model")


def _answer(
    mat: npt.NDArray[np.float32],
    fmt: Any,
    model: str,
    usage: dict[str, int],
    headers: dict[str, str],
) -> Response:
    if fmt == "base64":
        rows: list[Any] = [
            base64.b64encode(mat[i].astype("<f4", copy=False).tobytes()).decode("ascii")
            for i in range(len(mat))
        ]
    else:
        rows = list(mat)
    data = [{"object": "embedding", "index": i, "embedding": row} for i, row in enumerate(rows)]
    body = {"object": "list", "data": data, "model": model, "usage": usage}
    return Response(
        orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY),
        media_type="application/json",
        headers=headers,
    )


def _usage(upstream: Any) -> dict[str, int]:
    usage = upstream if isinstance(upstream, dict) else {}
    prompt = usage.get("prompt_tokens")
    total = usage.get("total_tokens", prompt)
    return {
        "prompt_tokens": prompt if isinstance(prompt, int) else 0,
        "total_tokens": total if isinstance(total, int) else 0,
    }


async def handle_embeddings(request: Request, state: ProxyState) -> Response:
    try:
        tenant = state.tenant(request.headers)
        controls = read_controls(request.headers, state.config.namespace)
        raw = await read_body(request, state.config.max_body_bytes)
        body = parse_json_object(raw)
        inputs, texts, kind = _inputs(body)
    except ProxyHTTPError as exc:
        return exc.response()
    model = str(body["model"])
    ns = embedding_namespace(
        controls.namespace,
        upstream=state.upstream,
        tenant=tenant,
        model=model,
        dimensions=body.get("dimensions"),
        kind=kind,
    )
    cache = state.embeddings
    n = len(texts)
    found: npt.NDArray[np.bool_] = np.zeros(n, dtype=bool)
    cached: npt.NDArray[np.float32] | None = None
    status = "BYPASS"
    if controls.lookup:
        got = await asyncio.to_thread(cache.get_many, texts, ns)
        cached, found = got[0] if isinstance(got[0], np.ndarray) else None, got[1]
        status = "HIT-EXACT" if found.all() else "MISS"
        if status == "MISS" and not await state.store_ok():
            status = "ERROR"
    hits = int(found.sum())
    state.metrics.embedding_inputs.labels("hit").inc(hits)
    state.metrics.embedding_inputs.labels("miss").inc(n - hits)
    if status == "ERROR":
        state.metrics.store_errors.labels(ROUTE).inc()
    state.metrics.requests.labels(ROUTE, status).inc()
    headers = {CACHE: status, "x-nearcache-cached-inputs": f"{hits}/{n}"}
    fmt = body.get("encoding_format")
    if status == "HIT-EXACT":
        assert cached is not None
        return _answer(cached, fmt, model, {"prompt_tokens": 0, "total_tokens": 0}, headers)
    return await _fetch_misses(
        request, state, body, inputs, texts, found, cached, ns, controls, headers
    )


async def _fetch_misses(
    request: Request,
    state: ProxyState,
    body: dict[str, Any],
    inputs: list[Any],
    texts: list[str],
    found: npt.NDArray[np.bool_],
    cached: npt.NDArray[np.float32] | None,
    ns: str,
    controls: Controls,
    headers: dict[str, str],
) -> Response:
    """Send the distinct missing inputs upstream in one request and merge the answer."""
    first: dict[str, int] = {}  # cache text -> position in the upstream request
    send: list[Any] = []
    for i, text in enumerate(texts):
        if not found[i] and text not in first:
            first[text] = len(send)
            send.append(inputs[i])
    up_body = dict(body)
    up_body["input"] = send
    fwd = forward_headers(
        request.headers.items(), upstream_key=state.config.upstream_api_key, keep_encoding=False
    )
    fwd = [(k, v) for k, v in fwd if k != "content-type"] + [("content-type", "application/json")]
    started = time.perf_counter()
    try:
        resp, data = await state.client.read(
            state.config.upstream + "/embeddings", headers=fwd, data=orjson.dumps(up_body)
        )
    except UPSTREAM_ERRORS as exc:
        state.metrics.upstream_errors.labels(ROUTE, type(exc).__name__).inc()
        return state.client.error(exc).response(headers)
    state.metrics.upstream_seconds.labels(ROUTE).observe(time.perf_counter() - started)
    if resp.status != 200:
        state.metrics.upstream_errors.labels(ROUTE, str(resp.status)).inc()
        out = response_headers(resp, keep_encoding=False)
        out.update(headers)
        return Response(data, status_code=resp.status, headers=out)
    parsed = _upstream_vectors(json_or_none(data), len(send))
    if parsed is None:
        return ProxyHTTPError(
            502, "the upstream answered with a malformed embeddings body", code="bad_upstream"
        ).response(headers)
    fresh, usage, up_model = parsed
    dim = fresh.shape[1]
    if cached is not None and found.any() and cached.shape[1] != dim:
        return ProxyHTTPError(
            502,
            f"the upstream returned {dim}-d vectors where {cached.shape[1]}-d were cached",
            code="bad_upstream",
        ).response(headers)
    merged = np.empty((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        merged[i] = cached[i] if found[i] and cached is not None else fresh[first[text]]
    if controls.store and not await _store(state, list(first), fresh, ns, controls):
        headers[CACHE] = "ERROR"
        state.metrics.store_errors.labels(ROUTE).inc()
    model = up_model if isinstance(up_model, str) else str(body["model"])
    return _answer(merged, body.get("encoding_format"), model, _usage(usage), headers)


async def _store(
    state: ProxyState, texts: list[str], vectors: Any, ns: str, controls: Controls
) -> bool:
    try:
        await asyncio.to_thread(state.embeddings.put_many, texts, vectors, ns, controls.ttl)
        state.writes_refused = False
    except StoreUnavailableError as exc:
        level = outage_level(state.embeddings.store)
        log.log(level, "store unavailable, embeddings were not stored: %s", exc)
        return False
    except StoreWriteError as exc:  # full: counted; the header still says the lookup's result
        state.writes_refused = True
        log.warning("the store refused the write, embeddings were not stored: %s", exc)
        state.metrics.store_errors.labels(ROUTE).inc()
    except NearcacheError as exc:
        log.warning("embeddings not stored: %s", exc)
    return True
