"""The messages between :class:`~nearcache.embedders.openai.OpenAIEmbedder`'s sans-I/O
flow and its drivers, and how a driver turns an HTTP answer into one.

Kept apart from the embedder so the flow (what to send, when to retry) and the wire (what
came back) can be read and tested on their own; neither imports httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Reply", "Send", "Sleep", "not_found_hint", "reply_of"]


@dataclass(frozen=True)
class Send:
    """Post this JSON body to ``{base_url}/embeddings``."""

    payload: dict[str, Any]


@dataclass(frozen=True)
class Sleep:
    """Wait this many seconds before the next attempt."""

    seconds: float


@dataclass(frozen=True)
class Reply:
    """What the driver hands back for a ``Send``: a response or a transport error."""

    status: int = 0
    body: Any = None
    retry_after: str | None = None
    error: Exception | None = None


def reply_of(resp: Any) -> Reply:
    """The ``Reply`` for an httpx response (a body that is not JSON reads as None)."""
    try:
        body = resp.json()
    except ValueError:
        body = None
    return Reply(status=resp.status_code, body=body, retry_after=resp.headers.get("retry-after"))


def not_found_hint(base_url: str) -> str:
    """What a 404 most often means: a base URL without its ``/v1`` (``http://host:11434``
    for Ollama's ``http://host:11434/v1``), where every OpenAI-compatible server answers."""
    if urlsplit(base_url).path.strip("/"):
        return ""
    return f"; the base URL has no path: OpenAI-compatible servers answer under /v1 ({base_url}/v1)"
