"""``POST /nearcache/feedback``: mark a hit the proxy served right or wrong.

Body: ``{"hit_id": "<X-Nearcache-Hit-Id of the response>", "correct": false}``. The hit id
names the entry, how it was served (exact, semantic, or an exact-only key/value answer)
and at which judge score, and is bound to the tenant it was served to: a caller can only
report hits served to its own tenant (another tenant's id gets a 404, the same answer as
an unknown id, so ids reveal nothing). What a report does is the semantic cache's
``feedback`` (docs/semantic-cache.md): a wrong semantic hit raises that entry's
feedback floor so the same look-alike is refused next time; a wrong exact answer is
deleted; reports also feed the namespace's threshold.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ..errors import NearcacheError, StoreUnavailableError
from ..semantic.types import Hit
from .http import ProxyHTTPError, error_response
from .keys import HitRef, parse_hit_id
from .state import EXACT_PREFIX, ProxyState

__all__ = ["handle_feedback"]

log = logging.getLogger("nearcache.proxy")


async def handle_feedback(request: Request, state: ProxyState) -> Response:
    try:
        tenant = state.tenant(request.headers)
        ref, correct = _read(await request.body())
    except ProxyHTTPError as exc:
        return exc.response()
    if ref is None or not ref.served_to(tenant):
        return error_response(404, "no hit with this id was served to you", code="not_found")
    try:
        action = await asyncio.to_thread(_apply, state, ref, correct)
    except StoreUnavailableError as exc:
        log.warning("feedback not recorded, the store is unavailable: %s", exc)
        return error_response(503, "the cache's store is unavailable", code="store_unavailable")
    except NearcacheError as exc:
        return error_response(400, f"feedback not recorded: {exc}", code="invalid_feedback")
    state.metrics.feedback.labels("correct" if correct else "wrong", ref.kind).inc()
    body = {"recorded": True, "correct": correct, "kind": ref.kind, "action": action}
    return Response(orjson.dumps(body), media_type="application/json")


def _read(raw: bytes) -> tuple[HitRef | None, bool]:
    try:
        body: Any = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProxyHTTPError(400, "the body is not JSON", code="invalid_json") from None
    if not isinstance(body, dict) or not isinstance(body.get("hit_id"), str):
        raise ProxyHTTPError(
            400, "'hit_id' (a string) is required", code="missing_hit_id", param="hit_id"
        )
    correct = body.get("correct")
    if not isinstance(correct, bool):
        raise ProxyHTTPError(
            400, "'correct' (true or false) is required", code="missing_correct", param="correct"
        )
    return parse_hit_id(body["hit_id"]), correct


def _apply(state: ProxyState, ref: HitRef, correct: bool) -> str:
    """Record the report; return what it did."""
    if ref.kind == "kv":
        if correct:
            return "none"
        namespace = ref.namespace.removeprefix(EXACT_PREFIX)
        return "deleted" if state.exact_cache(namespace).delete(ref.key) else "none"
    hit = Hit(
        response=None,
        layer="exact" if ref.kind == "exact" else "semantic",
        similarity=ref.score,
        confidence=ref.score,
        matched_query="",
        namespace=ref.namespace,
        metadata=None,
        created_at=0.0,
        expires_at=None,
        key=ref.key,
    )
    state.semantic.feedback(hit, correct)
    if correct:
        return "none"
    return "deleted" if ref.kind == "exact" else "entry_floor_raised"
