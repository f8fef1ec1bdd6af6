"""An OpenAI-compatible upstream for the proxy tests and benchmark, and a runner that
serves any ASGI app with uvicorn on a free 127.0.0.1 port in a thread.

The upstream answers deterministically from the request (so a replay can be compared
with the original), counts its calls per path, and can be told to stream slowly, fail
with a status, hang, end with another ``finish_reason`` or answer with tool calls.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from nearcache import FunctionEmbedder
from nearcache.keys import digest_bytes
from nearcache.proxy import ProxyConfig, create_app

__all__ = [
    "Upstream",
    "running_proxy",
    "serve_app",
    "stub_vector",
    "upstream_server",
    "words_embedder",
]


def stub_vector(text: str, dim: int) -> np.ndarray:
    """The upstream's deterministic embedding of ``text``."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    vec = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return vec / np.linalg.norm(vec)


@dataclass
class Upstream:
    """Behaviour switches and call records of the stub upstream."""

    calls: dict[str, int] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    fail_status: int | None = None
    fail_times: int = 0
    hang_seconds: float = 0.0
    chunk_delay: float = 0.0
    finish_reason: str = "stop"
    tool_calls: list[dict[str, Any]] | None = None
    empty: bool = False
    url: str = ""
    streams_closed: int = 0
    streams_finished: int = 0
    keep_requests: bool = True
    set_cookie: str | None = None
    #: set: a chat or completion stream sends its first word, then waits until it is set
    hold: threading.Event | None = None

    def count(self, path: str) -> int:
        return self.calls.get(path, 0)

    def reset(self) -> None:
        self.calls.clear()
        self.requests.clear()

    # -- answers ---------------------------------------------------------------------

    def _record(self, path: str, body: dict[str, Any], request: Request) -> None:
        self.calls[path] = self.calls.get(path, 0) + 1
        if self.keep_requests:
            self.requests.append((path, body, dict(request.headers)))

    async def begin(self, request: Request) -> tuple[dict[str, Any], Response | None]:
        """Record a call, hang if told to; (body, the failure to answer or None)."""
        body = await _body(request)
        self._record(request.url.path, body, request)
        if self.hang_seconds:
            await asyncio.sleep(self.hang_seconds)
        return body, self._failure()

    def _failure(self) -> Response | None:
        if self.fail_status is not None and self.fail_times > 0:
            self.fail_times -= 1
            body = {"error": {"message": "stub failure", "type": "server_error", "code": None}}
            headers = {"retry-after": "0"} if self.fail_status == 429 else {}
            return Response(orjson.dumps(body), self.fail_status, headers, "application/json")
        return None

    def answer_text(self, body: dict[str, Any]) -> str:
        if self.empty:
            return ""
        if "messages" in body:
            last = body["messages"][-1].get("content")
            if isinstance(last, list):
                last = " ".join(p.get("text", "") for p in last)
        else:
            last = body.get("prompt")
        return f"Answer to: {last} (model {body.get('model')}, t={body.get('temperature')})"


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    return orjson.loads(raw) if raw else {}


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = len(orjson.dumps(body.get("messages") or body.get("prompt") or "")) // 4
    completion = len(text.split())
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def build_upstream(up: Upstream) -> Starlette:
    """The stub's ASGI app (``/v1/chat/completions``, ``/v1/completions``,
    ``/v1/embeddings``, ``/v1/models``, ``/v1/echo``, ``/v1/download``)."""

    async def completion(request: Request) -> Response:
        chat = request.url.path.endswith("/chat/completions")
        body, failed = await up.begin(request)
        if failed is not None:
            return failed
        text = up.answer_text(body)
        created = 1_700_000_000
        cid = "cmpl-" + hashlib.sha256(text.encode()).hexdigest()[:12]
        usage = _usage(body, text)
        if body.get("stream"):
            include = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                _stream(up, cid, created, body, text, chat, usage if include else None),
                media_type="text/event-stream",
            )
        if chat:
            message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
            if up.tool_calls:
                message["content"] = None
                message["tool_calls"] = up.tool_calls
            choice: dict[str, Any] = {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": "tool_calls" if up.tool_calls else up.finish_reason,
            }
            obj = "chat.completion"
        else:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": up.finish_reason}
            obj = "text_completion"
        out = {
            "id": cid,
            "object": obj,
            "created": created,
            "model": body.get("model"),
            "choices": [choice],
            "usage": usage,
        }
        return Response(orjson.dumps(out), media_type="application/json")

    async def embeddings(request: Request) -> Response:
        body, failed = await up.begin(request)
        if failed is not None:
            return failed
        inputs = body["input"]
        if isinstance(inputs, str) or (inputs and isinstance(inputs[0], int)):
            inputs = [inputs]
        dim = int(body.get("dimensions") or 8)
        data = []
        tokens = 0
        for i, item in enumerate(inputs):
            text = item if isinstance(item, str) else "tokens:" + ",".join(map(str, item))
            tokens += max(1, len(text.split()))
            vec = stub_vector(text, dim)
            emb: Any = (
                base64.b64encode(vec.astype("<f4").tobytes()).decode()
                if body.get("encoding_format") == "base64"
                else vec.tolist()
            )
            data.append({"object": "embedding", "index": i, "embedding": emb})
        out = {
            "object": "list",
            "data": data,
            "model": body["model"],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
        return Response(orjson.dumps(out), media_type="application/json")

    async def responses(request: Request) -> Response:
        body, failed = await up.begin(request)
        if failed is not None:
            return failed
        raw = body.get("input")
        last = raw if isinstance(raw, str) else raw[-1].get("content")
        if isinstance(last, list):
            last = " ".join(p.get("text", "") for p in last)
        text = "" if up.empty else f"Answer to: {last} (model {body.get('model')})"
        rid = hashlib.sha256(text.encode()).hexdigest()[:12]
        done = up.finish_reason == "stop"
        message = {
            "type": "message",
            "id": "msg_" + rid,
            "status": "completed" if done else "incomplete",
            "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}],
        }
        out: dict[str, Any] = {
            "id": "resp_" + rid,
            "object": "response",
            "created_at": 1_700_000_000,
            "status": "completed" if done else "incomplete",
            "error": None,
            "incomplete_details": None if done else {"reason": "max_output_tokens"},
            "instructions": body.get("instructions"),
            "metadata": {},
            "model": body.get("model"),
            "output": [message],
            "parallel_tool_calls": True,
            "temperature": body.get("temperature", 1.0),
            "tool_choice": "auto",
            "tools": [],
            "top_p": 1.0,
            "usage": {"input_tokens": 5, "output_tokens": len(text.split()), "total_tokens": 9},
        }
        if body.get("stream"):
            return StreamingResponse(
                _response_events(up, out, text), media_type="text/event-stream"
            )
        return Response(orjson.dumps(out), media_type="application/json")

    async def models(request: Request) -> Response:
        up._record(request.url.path, {}, request)
        out = {"object": "list", "data": [{"id": "stub-model", "object": "model"}]}
        cookie = {"set-cookie": up.set_cookie} if up.set_cookie else None
        return Response(orjson.dumps(out), headers=cookie, media_type="application/json")

    async def echo(request: Request) -> Response:
        size = 0
        digest = hashlib.sha256()
        async for chunk in request.stream():
            size += len(chunk)
            digest.update(chunk)
        up._record(request.url.path, {}, request)
        out = {"size": size, "sha256": digest.hexdigest(), "query": request.url.query}
        return Response(orjson.dumps(out), status_code=201, media_type="application/json")

    async def download(request: Request) -> Response:
        up._record(request.url.path, {}, request)
        n = int(request.query_params.get("chunks", "4"))

        async def parts() -> AsyncIterator[bytes]:
            for i in range(n):
                await asyncio.sleep(up.chunk_delay)
                yield f"part {i}\n".encode()

        return StreamingResponse(parts(), media_type="text/plain")

    return Starlette(
        routes=[
            Route("/v1/chat/completions", completion, methods=["POST"]),
            Route("/v1/completions", completion, methods=["POST"]),
            Route("/v1/responses", responses, methods=["POST"]),
            Route("/v1/embeddings", embeddings, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/v1/echo", echo, methods=["POST", "PUT"]),
            Route("/v1/download", download, methods=["GET"]),
        ]
    )


async def _stream(
    up: Upstream,
    cid: str,
    created: int,
    body: dict[str, Any],
    text: str,
    chat: bool,
    usage: dict[str, int] | None,
) -> AsyncIterator[bytes]:
    head = {
        "id": cid,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": created,
        "model": body.get("model"),
    }

    def event(choice: dict[str, Any]) -> bytes:
        return b"data: " + orjson.dumps({**head, "choices": [choice]}) + b"\n\n"

    try:
        words = text.split(" ") if text else []
        if chat:
            yield event({"index": 0, "delta": {"role": "assistant", "content": ""}})
        for i, word in enumerate(words):
            await asyncio.sleep(up.chunk_delay)
            while i == 1 and up.hold is not None and not up.hold.is_set():
                await asyncio.sleep(0.01)
            piece = word if i == 0 else " " + word
            key = "delta" if chat else "text"
            yield event({"index": 0, key: {"content": piece} if chat else piece})
        if chat and up.tool_calls:
            for i, call in enumerate(up.tool_calls):
                fn = call["function"]
                yield event(
                    {
                        "index": 0,
                        "delta": {
                            "tool_calls": [
                                {
                                    "index": i,
                                    "id": call["id"],
                                    "type": "function",
                                    "function": {"name": fn["name"], "arguments": ""},
                                }
                            ]
                        },
                    }
                )
                yield event(
                    {
                        "index": 0,
                        "delta": {
                            "tool_calls": [{"index": i, "function": {"arguments": fn["arguments"]}}]
                        },
                    }
                )
        finish = "tool_calls" if chat and up.tool_calls else up.finish_reason
        last: dict[str, Any] = {"index": 0, "finish_reason": finish}
        last["delta" if chat else "text"] = {} if chat else ""
        yield event(last)
        if usage is not None:
            yield b"data: " + orjson.dumps({**head, "choices": [], "usage": usage}) + b"\n\n"
        yield b"data: [DONE]\n\n"
        up.streams_finished += 1
    finally:
        up.streams_closed += 1


def bench_upstream() -> Starlette:
    """The stub for benchmarks/proxy.py (a uvicorn factory; keeps no request log)."""
    return build_upstream(Upstream(keep_requests=False))


async def _response_events(up: Upstream, out: dict[str, Any], text: str) -> AsyncIterator[bytes]:
    n = 0

    def event(kind: str, **fields: Any) -> bytes:
        nonlocal n
        n += 1
        data = orjson.dumps({"type": kind, "sequence_number": n, **fields})
        return b"event: " + kind.encode() + b"\ndata: " + data + b"\n\n"

    start = {**out, "status": "in_progress", "output": [], "usage": None}
    msg = out["output"][0]
    where = {"item_id": msg["id"], "output_index": 0, "content_index": 0}
    yield event("response.created", response=start)
    yield event("response.in_progress", response=start)
    yield event(
        "response.output_item.added",
        output_index=0,
        item={**msg, "status": "in_progress", "content": []},
    )
    part = {"type": "output_text", "text": "", "annotations": []}
    yield event("response.content_part.added", part=part, **where)
    for i, word in enumerate(text.split(" ") if text else []):
        await asyncio.sleep(up.chunk_delay)
        yield event("response.output_text.delta", delta=word if i == 0 else " " + word, **where)
    yield event("response.output_text.done", text=text, **where)
    yield event("response.content_part.done", part={**part, "text": text}, **where)
    yield event("response.output_item.done", output_index=0, item=msg)
    final = "response.completed" if out["status"] == "completed" else "response.incomplete"
    yield event(final, response=out)


@contextlib.contextmanager
def serve_app(app: Any, *, host: str = "127.0.0.1") -> Iterator[str]:
    """Run ``app`` with uvicorn on a free port in a thread; yield its base URL."""
    config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        if time.monotonic() > deadline:
            raise RuntimeError("the server took too long to start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


@contextlib.contextmanager
def upstream_server() -> Iterator[Upstream]:
    """A running stub upstream; ``up.url`` is its ``/v1`` base URL."""
    up = Upstream()
    with serve_app(build_upstream(up)) as url:
        up.url = url + "/v1"
        yield up


_WORD = re.compile(r"\w+")


def words_embedder(dim: int = 64) -> FunctionEmbedder:
    """Deterministic bag of lower-cased words: texts with the same words embed alike."""

    def embed(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), dim), np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()) or [""]:
                h = digest_bytes(word.encode())
                out[row, int.from_bytes(h[:4], "little") % dim] += 1.0
            out[row] /= max(float(np.linalg.norm(out[row])), 1e-9)
        return out

    return FunctionEmbedder(embed, dim=dim, name="test-words")


@contextlib.contextmanager
def running_proxy(upstream: Upstream, **options: Any) -> Iterator[str]:
    """A proxy in front of ``upstream``; yields its ``/v1`` base URL."""
    options.setdefault("embedder", words_embedder())
    options.setdefault("similarity_threshold", 0.95)
    config = ProxyConfig(upstream=upstream.url, **options)
    with serve_app(create_app(config)) as url:
        yield url + "/v1"
