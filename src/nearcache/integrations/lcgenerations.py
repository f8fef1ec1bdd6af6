"""How ``NearcacheLLMCache`` stores LangChain generations: LangChain's own JSON
serialization, read back with an allow-list of generation and message classes only
(never pickle), so a stored entry can only ever become one of those objects."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

from ..batchargs import check_batch

__all__ = ["dumps_generations", "loads_generations"]

log = logging.getLogger("nearcache.integrations.langchain")


def _allowed_classes() -> list[type[Any]]:
    from langchain_core import messages
    from langchain_core.outputs import (
        ChatGeneration,
        ChatGenerationChunk,
        Generation,
        GenerationChunk,
    )

    names = (
        "AIMessage",
        "AIMessageChunk",
        "HumanMessage",
        "HumanMessageChunk",
        "SystemMessage",
        "SystemMessageChunk",
        "ToolMessage",
        "ToolMessageChunk",
        "ChatMessage",
        "ChatMessageChunk",
        "FunctionMessage",
        "FunctionMessageChunk",
    )
    found = [getattr(messages, n) for n in names if hasattr(messages, n)]
    return [Generation, GenerationChunk, ChatGeneration, ChatGenerationChunk, *found]


def dumps_generations(generations: Sequence[Any]) -> str:
    from langchain_core.load import dumps

    # a str came back from lookup as its characters; ["..."] would come back as a str
    check_batch(generations, "return_val", single="pass [Generation(text=...)]")
    return dumps(list(generations))


def loads_generations(text: str) -> list[Any] | None:
    from langchain_core.load import loads

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = loads(text, allowed_objects=_allowed_classes())
    except Exception as exc:  # a corrupt or foreign entry is a miss, never an error
        log.warning("cached LangChain generations could not be read: %s", exc)
        return None
    return value if isinstance(value, list) else None
