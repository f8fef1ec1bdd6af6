"""``POST /v1/responses``: what the Responses API needs beyond chat completions.

The key is built like a chat request's: the query is the text of the last input item when
it is a user message (or ``input`` itself when it is a string), the partition everything
else — ``instructions``, ``previous_response_id``, tools, ``text`` format, ``reasoning``,
``include``, sampling parameters, earlier items. A stream is stored from its
``response.completed`` event, which carries the whole response; a stored response is
replayed as the event sequence the openai client's stream helpers expect (created,
in_progress, each output item added / its deltas / done, completed).

Requests that depend on server-side state the proxy cannot replay are passed through
untouched: ``background`` jobs and ``conversation`` objects (each response appends to
the conversation upstream, which a cache hit would skip).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import orjson

from .keys import TRANSPORT_FIELDS, RequestKey, exact_only_key, semantic_key, text_of

__all__ = ["ResponseCollector", "cacheable", "replay_events", "response_key", "storable"]


def cacheable(body: Mapping[str, Any]) -> bool:
    """False for requests whose answer depends on state a replay would not update."""
    return not body.get("background") and body.get("conversation") is None


def response_key(
    body: Mapping[str, Any], *, upstream: str, tenant: str, semantic: bool, max_query_bytes: int
) -> RequestKey:
    request = {k: v for k, v in body.items() if k not in TRANSPORT_FIELDS}
    raw = request.get("input")
    if isinstance(raw, str):  # the same as one user message
        raw = [{"role": "user", "content": raw}]
    if isinstance(raw, list) and raw and isinstance(raw[-1], dict):
        last = {k: v for k, v in raw[-1].items() if (k, v) != ("type", "message")}
        text = text_of(last.get("content"), ("text", "input_text"))
        if text is not None and last.get("role") == "user" and not set(last) - {"role", "content"}:
            partition = dict(request)
            partition["input"] = [*raw[:-1], {"role": "user"}]
            found = semantic_key(
                "responses", text, partition, upstream, tenant, semantic, max_query_bytes
            )
            if found is not None:
                return found
    return exact_only_key("responses", upstream, tenant, request)


def storable(body: Any) -> bool:
    """A completed response with some text or a function call."""
    if not isinstance(body, dict) or body.get("status") != "completed" or body.get("error"):
        return False
    for item in body.get("output") or ():
        if not isinstance(item, dict):
            return False
        if item.get("type") == "function_call":
            return True
        if item.get("type") == "message":
            for part in item.get("content") or ():
                if isinstance(part, dict) and (part.get("text") or part.get("refusal")):
                    return True
    return False


class ResponseCollector:
    """Keeps the response of a stream's ``response.completed`` event."""

    def __init__(self) -> None:
        self.done = False
        self.failed = False
        self.body: dict[str, Any] | None = None

    def feed_event(self, data: bytes) -> None:
        try:
            event = orjson.loads(data)
        except orjson.JSONDecodeError:
            self.failed = True
            return
        kind = event.get("type") if isinstance(event, dict) else None
        if kind == "response.completed" and isinstance(event.get("response"), dict):
            self.body = event["response"]
            self.done = True
        elif kind in ("error", "response.failed", "response.incomplete"):
            self.failed = True

    def result(self) -> dict[str, Any] | None:
        return None if self.failed else self.body


def replay_events(body: dict[str, Any]) -> Iterator[bytes]:
    """A stored response as Responses API stream events."""
    seq = iter(range(1 << 30))

    def event(kind: str, **fields: Any) -> bytes:
        payload = {"type": kind, "sequence_number": next(seq), **fields}
        return b"event: " + kind.encode() + b"\ndata: " + orjson.dumps(payload) + b"\n\n"

    start = {**body, "status": "in_progress", "output": [], "usage": None}
    yield event("response.created", response=start)
    yield event("response.in_progress", response=start)
    for index, item in enumerate(body.get("output") or ()):
        yield from _item_events(event, index, item)
    yield event("response.completed", response=body)


def _item_events(event: Any, index: int, item: dict[str, Any]) -> Iterator[bytes]:
    kind = item.get("type")
    item_id = item.get("id", "")
    if kind == "message":
        yield event(
            "response.output_item.added",
            output_index=index,
            item={**item, "status": "in_progress", "content": []},
        )
        for ci, part in enumerate(item.get("content") or ()):
            where = {"item_id": item_id, "output_index": index, "content_index": ci}
            if part.get("type") == "refusal":
                empty = {**part, "refusal": ""}
                yield event("response.content_part.added", part=empty, **where)
                yield event("response.refusal.delta", delta=part.get("refusal", ""), **where)
                yield event("response.refusal.done", refusal=part.get("refusal", ""), **where)
            else:
                text = part.get("text", "")
                empty = {**part, "text": "", "annotations": []}
                yield event("response.content_part.added", part=empty, **where)
                yield event("response.output_text.delta", delta=text, logprobs=[], **where)
                yield event("response.output_text.done", text=text, logprobs=[], **where)
            yield event("response.content_part.done", part=part, **where)
    elif kind == "function_call":
        args = item.get("arguments", "")
        yield event(
            "response.output_item.added",
            output_index=index,
            item={**item, "arguments": "", "status": "in_progress"},
        )
        where = {"item_id": item_id, "output_index": index}
        yield event("response.function_call_arguments.delta", delta=args, **where)
        yield event(
            "response.function_call_arguments.done", arguments=args, name=item.get("name"), **where
        )
    else:
        yield event("response.output_item.added", output_index=index, item=item)
    yield event("response.output_item.done", output_index=index, item=item)
