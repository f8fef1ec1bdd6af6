"""How :class:`~nearcache.integrations.langchain.NearcacheLLMCache` keys a LangChain
prompt: the question asked, and everything it is asked in.

A chat model hands its cache ``dumps(messages)``, the whole conversation as one JSON
string. Embedded whole, a system prompt of a few hundred words fills the embedder's
window (256 word pieces for the default model), so every question asked under it
embedded alike and the first answer was served to all of them; and a conversation over
the cache's query cap (32 KB) made every model call raise. So, as the proxy does with a
request, the text of the last human message is the query, and everything else (earlier
messages, the last message's other fields) joins ``llm_string`` in the context, which an
entry must match exactly on both layers. A conversation whose last message is not plain
human text (a tool result, an AI prefill, an image), or whose question is over the cap,
matches only itself: the query is a digest of the whole prompt, inside a context of that
same digest, so no other entry is ever a candidate.

A plain LLM's prompt (a string, not a message list) is the query as it is, under
``llm_string`` alone, as before; a blank one (which the cache does not take as a
question) is keyed by its digest, as a blank human message is.
"""

from __future__ import annotations

import json
from typing import Any

from ..keys import digest_bytes

__all__ = ["prompt_key"]

_VERSION = "1"
_HUMAN = frozenset({"HumanMessage", "HumanMessageChunk"})
#: Message fields LangChain keeps that are never sent to the model (ids, token counts,
#: the provider's response details): left out, so a replayed conversation still matches.
_NOT_SENT = frozenset({"id", "response_metadata", "usage_metadata"})


def prompt_key(prompt: str, llm_string: str, max_query_bytes: int) -> tuple[str, dict[str, str]]:
    """``(query, context)`` of one ``lookup``/``update`` call."""
    messages = _messages(prompt)
    if messages is None:
        if prompt.strip() and _fits(prompt, max_query_bytes):
            return prompt, {"llm_string": llm_string}
        return _whole(prompt, llm_string)
    last = messages[-1]
    kwargs = last["kwargs"]
    text = _text(kwargs.get("content")) if last["id"][-1] in _HUMAN else None
    if text is None or not text.strip() or not _fits(text, max_query_bytes):
        return _whole(_canonical([_sent(m) for m in messages]), llm_string)
    rest = {k: v for k, v in kwargs.items() if k != "content"}
    partition = [_sent(m) for m in messages[:-1]] + [_sent({**last, "kwargs": rest})]
    return text, {"llm_string": llm_string, "messages": _digest(_canonical(partition))}


def _messages(prompt: str) -> list[dict[str, Any]] | None:
    """The serialized messages of a chat prompt, or None for a plain string."""
    if not prompt.startswith("["):
        return None
    try:
        value = json.loads(prompt)
    except ValueError:
        return None
    if not isinstance(value, list) or not value:
        return None
    for item in value:
        if not (
            isinstance(item, dict)
            and item.get("lc") == 1
            and isinstance(item.get("id"), list)
            and item["id"]
            and isinstance(item.get("kwargs"), dict)
        ):
            return None
    return value


def _text(content: Any) -> str | None:
    """A message's text when its content is only text (a string, or text parts)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list) or not content:
        return None
    texts = []
    for part in content:
        if not isinstance(part, dict) or part.get("type") != "text" or set(part) - {"type", "text"}:
            return None
        if not isinstance(part.get("text"), str):
            return None
        texts.append(part["text"])
    return "\n".join(texts)


def _sent(message: dict[str, Any]) -> dict[str, Any]:
    kwargs = {k: v for k, v in message["kwargs"].items() if k not in _NOT_SENT}
    return {**message, "kwargs": kwargs}


def _fits(text: str, max_query_bytes: int) -> bool:
    return len(text.encode("utf-8", "surrogatepass")) <= max_query_bytes


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _digest(text: str) -> str:
    return _VERSION + ":" + digest_bytes(text.encode("utf-8", "surrogatepass")).hex()


def _whole(prompt: str, llm_string: str) -> tuple[str, dict[str, str]]:
    """A key that only this prompt matches: its digest as query and as context."""
    digest = _digest(prompt)
    return "#" + digest, {"llm_string": llm_string, "prompt": digest}
