"""What forms each cache key of the proxy: partitions, tenants and hit ids.

A chat request is split into the *query* (the text of the last user message) and the
*partition* (everything else that can change the answer: model, every sampling
parameter, ``n``, ``seed``, tools, ``tool_choice``, ``response_format``, system and
developer messages, every earlier turn, and the last message's other fields). The
partition, the route, the upstream and the tenant are hashed into the semantic cache's
``context``, so an entry only ever matches a request with the same partition, on both
layers; the exact layer compares the query byte for byte inside it and the semantic
layer compares its embedding. Fields that only change the transport (``stream``,
``stream_options``, ``user``, ``metadata``, ``store``, ``service_tier`` ...) are left out.

A request whose last message is not plain user text (a tool result, an image, an
assistant prefill), or any request when the semantic layer is off, gets the whole
request as its partition and a digest as its query: only the identical request hits,
and the answer is kept in a key/value cache under :func:`exact_key` (no vector, no index).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from ..keys import digest_bytes, encode_parts

__all__ = [
    "HIT_KINDS",
    "HitRef",
    "RequestKey",
    "canonical_json",
    "chat_key",
    "completion_key",
    "embedding_namespace",
    "exact_key",
    "exact_only_key",
    "make_hit_id",
    "parse_hit_id",
    "semantic_key",
    "tenant_of",
    "text_of",
]

#: Request fields that never change the answer (transport, billing, storage options).
TRANSPORT_FIELDS = frozenset(
    {
        "stream",
        "stream_options",
        "user",
        "metadata",
        "store",
        "service_tier",
        "prompt_cache_key",
        "prompt_cache_retention",
        "safety_identifier",
    }
)
#: Message fields allowed beside ``role`` and ``content`` in a semantic last message.
_PLAIN_MESSAGE_FIELDS = frozenset({"role", "content", "name"})
_VERSION = 1


@dataclass(frozen=True)
class RequestKey:
    """The cache coordinates of one request.

    ``semantic`` is False when ``query`` is a digest (only the exact layer can match).
    """

    query: str
    context: dict[str, Any]
    semantic: bool


def _plain(value: Any) -> Any:
    """JSON value with integral floats written as ints, so ``1`` and ``1.0`` key alike."""
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def canonical_json(value: Any) -> bytes:
    """Sorted-key compact JSON of ``value`` (after :func:`_plain`)."""
    return orjson.dumps(_plain(value), option=orjson.OPT_SORT_KEYS)


def _hex(*parts: bytes) -> str:
    return digest_bytes(b"\0".join(parts)).hex()


def _context(route: str, upstream: str, tenant: str, partition: Any) -> dict[str, Any]:
    return {
        "nearcache.proxy": _VERSION,
        "route": route,
        "upstream": upstream,
        "tenant": tenant,
        "partition": _hex(b"partition", canonical_json(partition)),
    }


def text_of(content: Any, types: tuple[str, ...] = ("text",)) -> str | None:
    """The text of a message's content if it is only text (parts of ``types``), else None."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and content:
        texts = []
        for part in content:
            if not isinstance(part, dict) or part.get("type") not in types:
                return None
            text = part.get("text")
            if not isinstance(text, str) or set(part) - {"type", "text"}:
                return None
            texts.append(text)
        return "\n".join(texts)
    return None


def exact_only_key(route: str, upstream: str, tenant: str, request: dict[str, Any]) -> RequestKey:
    """The whole request as the partition, its digest as the query: exact matches only."""
    digest = _hex(b"request", canonical_json(request))
    return RequestKey("#" + digest, _context(route, upstream, tenant, request), False)


def semantic_key(
    route: str,
    text: str,
    partition: dict[str, Any],
    upstream: str,
    tenant: str,
    semantic: bool,
    max_query_bytes: int,
) -> RequestKey | None:
    """``text`` as the query inside ``partition``; None when it cannot be one (semantic
    layer off, blank text, or more bytes than the cache takes as a query)."""
    if (
        not semantic
        or not text.strip()
        or len(text.encode("utf-8", "surrogatepass")) > max_query_bytes
    ):
        return None
    return RequestKey(text, _context(route, upstream, tenant, partition), True)


def chat_key(
    body: Mapping[str, Any], *, upstream: str, tenant: str, semantic: bool, max_query_bytes: int
) -> RequestKey:
    """Key of a ``/v1/chat/completions`` request (``messages`` already validated)."""
    request = {k: v for k, v in body.items() if k not in TRANSPORT_FIELDS}
    messages: Sequence[Any] = request["messages"]
    last = messages[-1]
    text = text_of(last.get("content"))
    if text is not None and last.get("role") == "user" and not set(last) - _PLAIN_MESSAGE_FIELDS:
        partition = dict(request)
        partition["messages"] = [*messages[:-1], {k: v for k, v in last.items() if k != "content"}]
        found = semantic_key("chat", text, partition, upstream, tenant, semantic, max_query_bytes)
        if found is not None:
            return found
    return exact_only_key("chat", upstream, tenant, request)


def completion_key(
    body: Mapping[str, Any], *, upstream: str, tenant: str, semantic: bool, max_query_bytes: int
) -> RequestKey:
    """Key of a legacy ``/v1/completions`` request: the prompt is the query when it is
    one string, everything else (and every other prompt form) is the partition."""
    request = {k: v for k, v in body.items() if k not in TRANSPORT_FIELDS}
    prompt = request.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if isinstance(prompt, str):
        partition = {k: v for k, v in request.items() if k != "prompt"}
        found = semantic_key(
            "completions", prompt, partition, upstream, tenant, semantic, max_query_bytes
        )
        if found is not None:
            return found
    return exact_only_key("completions", upstream, tenant, request)


def exact_key(key: RequestKey) -> str:
    """The key/value-cache key of an exact-only request: a digest of query and context."""
    return _hex(b"exact", key.query.encode("utf-8", "surrogatepass"), canonical_json(key.context))


def upstream_id(upstream: str) -> str:
    """A short stable id of the upstream URL (part of every key)."""
    return _hex(b"upstream", upstream.encode("utf-8"))[:32]


def tenant_of(credentials: Sequence[str], *, label: str | None = None) -> str:
    """The tenant id: a digest of the caller's credentials (never the credentials).

    ``label`` (a tenant name from the client key file) groups several keys into one
    tenant. No credentials at all is the ``anonymous`` tenant.
    """
    if label:
        return "team:" + _hex(b"tenant-label", label.encode("utf-8"))[:32]
    if not credentials:
        return "anonymous"
    return (
        "key:" + _hex(b"tenant", encode_parts(*credentials).encode("utf-8", "surrogatepass"))[:32]
    )


def embedding_namespace(
    namespace: str, *, upstream: str, tenant: str, model: str, dimensions: Any, kind: str
) -> str:
    """The embedding-cache namespace of a request: ``proxy-<digest>.<model>.dense``.

    The digest covers the proxy namespace, upstream, tenant, ``dimensions`` and the input
    kind (text or token ids); the model is kept readable for ``nearcache stats``.
    """
    parts = encode_parts(namespace, upstream, tenant, repr(dimensions), kind, model)
    digest = _hex(b"embedding-namespace", parts.encode("utf-8", "surrogatepass"))[:24]
    return f"proxy-{digest}.{model.replace('.', '_')}.dense"


# -- hit ids ------------------------------------------------------------------------------


#: What kind of entry a hit id names: a semantic-cache entry served by its exact layer or
#: by its semantic layer, or a key/value entry (an exact-only answer).
HIT_KINDS = {"exact": b"e", "semantic": b"s", "kv": b"k"}
_KIND_NAMES = {v: k for k, v in HIT_KINDS.items()}


@dataclass(frozen=True)
class HitRef:
    """What an ``X-Nearcache-Hit-Id`` names: the entry ``key`` in ``namespace`` (for a
    semantic-cache entry the store key of the matched query inside its context scope),
    how it was served (``kind``: exact, semantic or kv) and at which ``score`` (the
    judge's confidence), and a tag that binds all of it to the tenant that was served."""

    namespace: str
    key: str
    kind: str
    score: float
    tag: bytes

    def served_to(self, tenant: str) -> bool:
        """True if the hit was served to ``tenant`` (constant-time comparison)."""
        how = _how(self.kind, self.score)
        return hmac.compare_digest(self.tag, _tag(tenant, self.namespace, self.key, how))


def _how(kind: str, score: float) -> bytes:
    return HIT_KINDS[kind] + struct.pack(">f", score)


def _tag(tenant: str, namespace: str, key: str, how: bytes) -> bytes:
    return digest_bytes(
        b"nearcache.proxy.hit\0" + encode_parts(tenant, namespace, key, how.hex()).encode()
    )[:12]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_hit_id(
    namespace: str, key: str, tenant: str, *, kind: str = "semantic", score: float = 1.0
) -> str:
    """``1.<namespace>.<key>.<kind+score>.<tag>``, each part base64url: URL- and
    header-safe, about 110 characters, independent of the query's length."""
    how = _how(kind, score)
    return ".".join(
        (
            str(_VERSION),
            _b64(namespace.encode("utf-8")),
            _b64(bytes.fromhex(key)),
            _b64(how),
            _b64(_tag(tenant, namespace, key, how)),
        )
    )


def parse_hit_id(hit_id: str) -> HitRef | None:
    """The entry a hit id names, or None if it is not a well-formed id."""
    parts = hit_id.split(".") if isinstance(hit_id, str) else []
    if len(parts) != 5 or parts[0] != str(_VERSION):
        return None
    try:
        namespace = _unb64(parts[1]).decode("utf-8")
        key = _unb64(parts[2]).hex()
        how = _unb64(parts[3])
        tag = _unb64(parts[4])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if len(key) != 64 or len(tag) != 12 or len(how) != 5 or how[:1] not in _KIND_NAMES:
        return None
    (score,) = struct.unpack(">f", how[1:])
    if not math.isfinite(score):
        return None
    return HitRef(namespace, key, _KIND_NAMES[how[:1]], float(score), tag)
