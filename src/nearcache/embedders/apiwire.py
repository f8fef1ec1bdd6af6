"""The messages between :class:`~nearcache.embedders.openai.OpenAIEmbedder`'s sans-I/O
flow and its drivers, and how a driver turns an HTTP answer into one.

Kept apart from the embedder so the flow (what to send, when to retry) and the wire (what
came back) can be read and tested on their own; neither imports httpx.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Reply", "Send", "Sleep", "reply_of"]


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
