"""Server-sent events: read an upstream stream, rebuild the answer, replay a stored one.

The proxy relays upstream bytes untouched and feeds the same bytes to an
:class:`SSEReader`; an :class:`Accumulator` turns the chunks into the one JSON body a
non-stream request would have received, which is what the cache stores. Replay goes the
other way: :func:`replay_chunks` writes a stored body as OpenAI chunks ending with
``data: [DONE]``, whichever way the body was first produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

__all__ = ["Accumulator", "SSEReader", "replay_chunks", "storable"]

DONE = b"[DONE]"
#: Endings that mean the model finished its answer; anything else is never stored.
FINISHED = frozenset({"stop", "tool_calls", "function_call"})
_SKIP_DELTA = frozenset({"role", "tool_calls", "function_call"})


class SSEReader:
    """Incremental parser of ``data:`` events (comments and other fields are ignored)."""

    def __init__(self) -> None:
        self._buf = b""
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        """Add bytes; return the data payloads of the events they complete."""
        self._buf += chunk
        out: list[bytes] = []
        while True:
            end = self._buf.find(b"\n")
            if end < 0:
                return out
            line = self._buf[:end].rstrip(b"\r")
            self._buf = self._buf[end + 1 :]
            if not line:
                if self._data:
                    out.append(b"\n".join(self._data))
                    self._data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                self._data.append(value[1:] if value.startswith(b" ") else value)


class Accumulator:
    """Rebuilds a chat completion (``chat=True``) or a legacy completion from chunks."""

    def __init__(self, *, chat: bool) -> None:
        self.chat = chat
        self.done = False
        self.failed = False
        self.head: dict[str, Any] = {}
        self.choices: dict[int, dict[str, Any]] = {}
        self.usage: Any = None

    def feed_event(self, data: bytes) -> None:
        """One ``data:`` payload."""
        if data.strip() == DONE:
            self.done = True
            return
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError:
            self.failed = True
            return
        if not isinstance(chunk, dict) or "error" in chunk:
            self.failed = True
            return
        if not self.head:
            self.head = {
                k: chunk[k]
                for k in ("id", "created", "model", "system_fingerprint", "service_tier")
                if chunk.get(k) is not None
            }
        if chunk.get("usage") is not None:
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or ():
            try:
                self._choice(choice)
            except (TypeError, KeyError, AttributeError, ValueError):
                self.failed = True

    def _choice(self, choice: dict[str, Any]) -> None:
        index = int(choice.get("index", 0))
        if self.chat:
            slot = self.choices.setdefault(
                index, {"index": index, "message": {"role": "assistant"}, "finish_reason": None}
            )
            _merge_delta(slot["message"], choice.get("delta") or {})
        else:
            slot = self.choices.setdefault(
                index, {"index": index, "text": "", "finish_reason": None}
            )
            slot["text"] += choice.get("text") or ""
        if choice.get("logprobs") is not None:
            slot["logprobs"] = _merge_logprobs(slot.get("logprobs"), choice["logprobs"])
        if choice.get("finish_reason") is not None:
            slot["finish_reason"] = choice["finish_reason"]

    def result(self) -> dict[str, Any] | None:
        """The rebuilt body, or None unless the stream ended properly."""
        if not self.done or self.failed or not self.choices:
            return None
        body: dict[str, Any] = {
            "id": self.head.get("id", ""),
            "object": "chat.completion" if self.chat else "text_completion",
            "created": self.head.get("created", 0),
            "model": self.head.get("model", ""),
        }
        for k in ("system_fingerprint", "service_tier"):
            if k in self.head:
                body[k] = self.head[k]
        choices = []
        for index in sorted(self.choices):
            slot = dict(self.choices[index])
            slot.setdefault("logprobs", None)
            if self.chat:
                message = slot["message"]
                message.setdefault("content", None)
                if "tool_calls" in message:
                    message["tool_calls"] = [
                        message["tool_calls"][i] for i in sorted(message["tool_calls"])
                    ]
            choices.append(slot)
        body["choices"] = choices
        if self.usage is not None:
            body["usage"] = self.usage
        return body


def _merge_delta(message: dict[str, Any], delta: dict[str, Any]) -> None:
    if delta.get("role"):
        message["role"] = delta["role"]
    for key, value in delta.items():
        if key in _SKIP_DELTA or value is None:
            continue
        if isinstance(value, str) and isinstance(message.get(key), str):
            message[key] += value
        else:
            message[key] = value
    for call in delta.get("tool_calls") or ():
        calls = message.setdefault("tool_calls", {})
        slot = calls.setdefault(
            int(call.get("index", 0)), {"id": "", "type": "function", "function": {}}
        )
        for k in ("id", "type"):
            if call.get(k):
                slot[k] = call[k]
        fn = call.get("function") or {}
        for k in ("name", "arguments"):
            if fn.get(k) is not None:
                slot["function"][k] = slot["function"].get(k, "") + fn[k]
    if delta.get("function_call"):
        fc = message.setdefault("function_call", {})
        for k in ("name", "arguments"):
            if delta["function_call"].get(k) is not None:
                fc[k] = fc.get(k, "") + delta["function_call"][k]


def _merge_logprobs(old: Any, new: Any) -> Any:
    """Concatenate the list fields of two logprobs objects (chat and legacy forms)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    out = dict(old)
    for key, value in new.items():
        if isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + value
        elif value is not None:
            out[key] = value
    return out


def storable(body: Any, *, chat: bool) -> bool:
    """True for a complete answer worth storing: every choice finished (``stop`` or
    ``tool_calls``) and at least one carries content or a tool call."""
    if not isinstance(body, dict) or "error" in body:
        return False
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices:
        return False
    useful = False
    for choice in choices:
        if not isinstance(choice, dict) or choice.get("finish_reason") not in FINISHED:
            return False
        if chat:
            message = choice.get("message") or {}
            if message.get("content") or message.get("tool_calls") or message.get("function_call"):
                useful = True
        elif choice.get("text"):
            useful = True
    return useful


def _sse(payload: Any) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def replay_chunks(body: dict[str, Any], *, chat: bool, include_usage: bool) -> Iterator[bytes]:
    """A stored body as OpenAI stream chunks, ending with ``data: [DONE]``."""
    head: dict[str, Any] = {
        "id": body.get("id", ""),
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": body.get("created", 0),
        "model": body.get("model", ""),
    }
    for k in ("system_fingerprint", "service_tier"):
        if body.get(k) is not None:
            head[k] = body[k]
    usage = body.get("usage") if include_usage else None
    if usage is not None:
        head["usage"] = None
    for choice in body.get("choices") or ():
        for part in _choice_chunks(choice, chat):
            yield _sse({**head, "choices": [part]})
    if usage is not None:
        yield _sse({**head, "choices": [], "usage": usage})
    yield b"data: [DONE]\n\n"


def _choice_chunks(choice: dict[str, Any], chat: bool) -> Iterator[dict[str, Any]]:
    index = choice.get("index", 0)
    logprobs = choice.get("logprobs")
    if not chat:
        yield {
            "index": index,
            "text": choice.get("text", ""),
            "logprobs": logprobs,
            "finish_reason": choice.get("finish_reason"),
        }
        return
    message = choice.get("message") or {}
    calls = message.get("tool_calls") or []
    first: dict[str, Any] = {"role": message.get("role", "assistant")}
    first["content"] = None if calls and not message.get("content") else ""
    yield {"index": index, "delta": first, "logprobs": None, "finish_reason": None}
    extra = {k: v for k, v in message.items() if k not in ("role", "tool_calls") and v is not None}
    if extra:
        yield {"index": index, "delta": extra, "logprobs": logprobs, "finish_reason": None}
    if calls:
        delta = [{"index": i, **call} for i, call in enumerate(calls)]
        yield {
            "index": index,
            "delta": {"tool_calls": delta},
            "logprobs": None,
            "finish_reason": None,
        }
    yield {
        "index": index,
        "delta": {},
        "logprobs": None,
        "finish_reason": choice.get("finish_reason"),
    }
