"""What may enter the semantic cache: byte caps on queries, responses and metadata.

Caps are enforced at the public boundary, before anything is embedded, serialized or
locked (RELIABILITY.md §4.4): a cheap bound from ``len()`` first (a character is at most
four UTF-8 bytes), then the exact size only when the bound cannot decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..codecs import check_json, pack_payload, packb
from ..errors import CacheError, InvalidInputError, InvalidTypeError, PayloadTooLargeError
from ..keys import normalize_text
from .config import SemanticConfig

__all__ = [
    "BlankQueryError",
    "key_text",
    "key_texts",
    "pack_metadata",
    "pack_response",
    "pack_responses",
    "too_large",
    "utf8_size",
]


class BlankQueryError(InvalidInputError):
    """A query that is empty or only whitespace: there is no question to match. A lookup
    of one is a miss (``empty_query``) that never reaches the embedder (an API embedder
    refuses empty input); a put of one is refused."""


def _blank(what: str) -> BlankQueryError:
    return BlankQueryError(
        f"{what} is blank (empty or only whitespace): there is no question to cache"
    )


def too_large(what: str, size: int, limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(
        f"{what} is {size} bytes or more; the limit is {limit}", limit=limit, size=size
    )


def utf8_size(text: str, what: str, limit: int) -> int:
    """Exact UTF-8 size of ``text``, after a cheap bound (a char is at most 4 bytes)."""
    n = len(text)
    if n * 4 <= limit:
        return n  # lower bound is enough: it certainly fits
    if n > limit:
        raise too_large(what, n, limit)
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            f"{what} contains a lone surrogate at position {exc.start}; it has no UTF-8 form"
        ) from exc
    if size > limit:
        raise too_large(what, size, limit)
    return size


def _size_floor(value: Any, limit: int, depth: int = 0) -> int:
    """A lower bound of the serialized size, stopping as soon as it passes ``limit``."""
    if isinstance(value, (str, bytes, bytearray)):
        return len(value)
    total = 0
    if isinstance(value, dict):
        for k, v in value.items():
            total += (len(k) if isinstance(k, str) else 1) + _size_floor(v, limit, depth + 1)
            if total > limit:
                break
    elif isinstance(value, (list, tuple)) and depth < 100:
        for v in value:
            total += 1 + _size_floor(v, limit, depth + 1)
            if total > limit:
                break
    else:
        total = 1
    return total


def key_text(config: SemanticConfig, query: Any) -> str:
    """The text a query is keyed and embedded by (normalized unless turned off)."""
    if not isinstance(query, str):
        raise InvalidTypeError(f"query must be str, not {type(query).__name__}")
    utf8_size(query, "query", config.max_query_bytes)
    if config.normalize:
        text = normalize_text(query)
        if not text:
            raise _blank("query")
        return text
    if not query or query.isspace():
        raise _blank("query")
    return query


def key_texts(config: SemanticConfig, queries: Sequence[Any]) -> list[str]:
    """``key_text`` of each query; a batch of str that fits the cap by length alone is
    checked in a few C passes instead of a call per query. ``queries`` is a batch (the
    caller checked it: ``write._batch_size``)."""
    if _plain_strs(queries, config.max_query_bytes):
        texts = list(map(normalize_text, queries)) if config.normalize else list(queries)
        if "" not in texts and (config.normalize or all(map(str.strip, texts))):
            return texts
    texts = []
    for i, q in enumerate(queries):
        try:
            texts.append(key_text(config, q))
        except BlankQueryError:
            raise _blank(f"query {i}") from None
    return texts


def pack_responses(config: SemanticConfig, responses: Sequence[Any]) -> list[bytes]:
    """``pack_response`` of each response (str responses within the cap by length alone
    packed without a call each; any error is raised by the general path, as there).
    ``responses`` is a batch (the caller checked it: ``write._batch_size``)."""
    if _plain_strs(responses, config.max_response_bytes):
        try:
            return list(map(packb, responses))
        except ValueError:  # a lone surrogate: named by the general path below
            pass
    return [pack_response(config, r) for r in responses]


def _plain_strs(values: Sequence[Any], limit: int) -> bool:
    """Whether every value is a str (not a subclass) of at most ``limit`` / 4 chars."""
    return set(map(type, values)) <= {str} and max(map(len, values), default=0) * 4 <= limit


def pack_response(config: SemanticConfig, response: Any) -> bytes:
    """The response as msgpack, within ``max_response_bytes``."""
    limit = config.max_response_bytes
    if type(response) is str:  # the common case: no depth walk, no type screen
        utf8_size(response, "response", limit)
        try:  # (not contextlib.suppress: its object costs ~0.3 us per put)
            return packb(response)
        except ValueError:  # a lone surrogate: the general path says so
            pass
    if isinstance(response, str):
        utf8_size(response, "response", limit)
    elif isinstance(response, (bytes, bytearray, memoryview)):
        if len(response) > limit:
            raise too_large("response", len(response), limit)
        response = bytes(response)
    elif _size_floor(response, limit) > limit:
        raise too_large("response", limit + 1, limit)
    try:
        packed = pack_payload(response)
    except CacheError as exc:
        raise InvalidTypeError(f"response cannot be stored: {exc}") from exc
    if not isinstance(response, (str, bytes)) and len(packed) > limit:
        raise too_large("response", len(packed), limit)
    return packed


def pack_metadata(config: SemanticConfig, metadata: Any) -> bytes | None:
    """Metadata as compact JSON bytes, within ``max_metadata_bytes`` (None stays None)."""
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise InvalidTypeError(
            f"metadata must be a dict (JSON object), not {type(metadata).__name__}"
        )
    limit = config.max_metadata_bytes
    if _size_floor(metadata, limit) > limit:
        raise too_large("metadata", limit + 1, limit)
    return check_json(metadata, what="metadata", max_bytes=limit)
