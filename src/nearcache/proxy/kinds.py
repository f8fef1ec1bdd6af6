"""The three cached generation routes as data: how each validates a request, forms its
key, rebuilds a streamed answer, decides whether an answer is worth storing, and replays
a stored answer as a stream."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from . import responses
from .http import ProxyHTTPError, bad_field, invalid_type, missing_field
from .keys import RequestKey, chat_key, completion_key
from .sse import Accumulator, replay_chunks, storable

__all__ = ["CHAT", "COMPLETIONS", "RESPONSES", "Collector", "Kind"]


class Collector(Protocol):
    """Rebuilds the one JSON answer of a stream from its ``data:`` payloads."""

    done: bool

    def feed_event(self, data: bytes) -> None: ...

    def result(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True)
class Kind:
    route: str
    required: str
    key: Callable[..., RequestKey]
    collector: Callable[[], Collector]
    storable: Callable[[Any], bool]
    replay: Callable[[dict[str, Any], bool], Iterator[bytes]]
    cacheable: Callable[[dict[str, Any]], bool] = lambda body: True

    def validate(self, body: dict[str, Any]) -> None:
        """Refuse (400) what the upstream would refuse anyway, before any lookup."""
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise bad_field(body, "model", "a string")
        if self.required not in body:
            raise missing_field(self.required)
        if "stream" in body and not isinstance(body["stream"], bool):
            raise invalid_type("stream", "a boolean", body["stream"])
        if self.route == "chat":
            _check_messages(body)


def _check_messages(body: dict[str, Any]) -> None:
    messages = body["messages"]
    if not isinstance(messages, list):
        raise bad_field(body, "messages", "an array of objects")
    if not messages:  # OpenAI's words and code
        raise ProxyHTTPError(
            400,
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got"
            " an empty array instead.",
            code="empty_array",
            param="messages",
        )
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise invalid_type(f"messages[{i}]", "an object", message)
        if "role" not in message:
            raise ProxyHTTPError(
                400,
                f"Missing required parameter: 'messages[{i}].role'.",
                code="missing_required_parameter",
                param=f"messages[{i}].role",
            )
        if not isinstance(message["role"], str):
            raise invalid_type(f"messages[{i}].role", "a string", message["role"])


CHAT = Kind(
    route="chat",
    required="messages",
    key=chat_key,
    collector=lambda: Accumulator(chat=True),
    storable=lambda body: storable(body, chat=True),
    replay=lambda body, usage: replay_chunks(body, chat=True, include_usage=usage),
)
COMPLETIONS = Kind(
    route="completions",
    required="prompt",
    key=completion_key,
    collector=lambda: Accumulator(chat=False),
    storable=lambda body: storable(body, chat=False),
    replay=lambda body, usage: replay_chunks(body, chat=False, include_usage=usage),
)
RESPONSES = Kind(
    route="responses",
    required="input",
    key=responses.response_key,
    collector=responses.ResponseCollector,
    storable=responses.storable,
    replay=lambda body, usage: responses.replay_events(body),
    cacheable=responses.cacheable,
)
