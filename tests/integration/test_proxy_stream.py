"""Streaming through the proxy: relayed as it arrives, stored only when complete, replayed
as SSE or as one JSON body; the openai client (sync and async) parses every form."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from proxy_support import Upstream, running_proxy

CHAT = "/v1/chat/completions"
MSG = [{"role": "user", "content": "Stream me an answer please"}]


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[str]:
    with running_proxy(upstream) as url:
        yield url


def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key="sk-stream", max_retries=0)


def streamed(c: openai.OpenAI, **kw: Any) -> tuple[str, str, list[Any]]:
    """(cache header, text, chunks) of a streamed request."""
    kw.setdefault("model", "gpt-test")
    kw.setdefault("messages", MSG)
    with c.chat.completions.with_streaming_response.create(stream=True, **kw) as resp:
        chunks = list(resp.parse())
        header = resp.headers["x-nearcache-cache"]
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    return header, text, chunks


def test_stream_miss_then_stream_replay(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    h1, text1, chunks1 = streamed(c)
    h2, text2, chunks2 = streamed(c)
    assert (h1, h2) == ("MISS", "HIT-EXACT")
    assert text1 == text2 == "Answer to: Stream me an answer please (model gpt-test, t=None)"
    assert chunks2[-1].choices[0].finish_reason == "stop"
    assert chunks2[0].id == chunks1[0].id
    assert upstream.count(CHAT) == 1


def test_stream_answer_served_as_json_and_json_answer_as_stream(
    proxy: str, upstream: Upstream
) -> None:
    c = client(proxy)
    _, text, _ = streamed(c)
    plain = c.chat.completions.with_raw_response.create(model="gpt-test", messages=MSG)
    assert plain.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert plain.parse().choices[0].message.content == text
    other = [{"role": "user", "content": "First asked without streaming"}]
    first = c.chat.completions.create(model="gpt-test", messages=other)
    header, text2, _ = streamed(c, messages=other)
    assert header == "HIT-EXACT"
    assert text2 == first.choices[0].message.content
    assert upstream.count(CHAT) == 2


def test_stream_usage_is_replayed_when_asked(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    opts = {"stream_options": {"include_usage": True}}
    _, _, first = streamed(c, **opts)
    header, _, again = streamed(c, **opts)
    assert header == "HIT-EXACT"
    assert again[-1].usage is not None
    assert again[-1].usage.total_tokens == first[-1].usage.total_tokens
    _, _, no_usage = streamed(c)
    assert all(ch.usage is None for ch in no_usage)


def _content(line: str) -> str:
    """The text an SSE line of a chat stream carries ("" for other lines)."""
    if not line.startswith("data: {"):
        return ""
    choices = json.loads(line[len("data: ") :]).get("choices") or [{}]
    return str(choices[0].get("delta", {}).get("content") or "")


def test_stream_is_relayed_as_it_arrives(proxy: str, upstream: Upstream) -> None:
    # The upstream sends its first word, then holds the rest until the client has it: a
    # proxy that buffered the stream would deliver nothing (no timing is measured).
    upstream.hold = threading.Event()
    body = {"model": "gpt-test", "messages": MSG, "stream": True}
    try:
        with httpx.stream("POST", proxy + "/chat/completions", json=body, timeout=60) as r:
            lines = r.iter_lines()
            first = ""
            while not first:
                first = _content(next(lines))
            assert upstream.streams_finished == 0  # the upstream is still holding the rest
            upstream.hold.set()
            rest = [line for line in lines if line]
    finally:
        upstream.hold.set()
    assert first == "Answer" and rest[-1] == "data: [DONE]"
    assert first + "".join(map(_content, rest)) == (
        "Answer to: Stream me an answer please (model gpt-test, t=None)"
    )
    assert upstream.streams_finished == 1


def test_dropped_stream_is_not_stored(proxy: str, upstream: Upstream) -> None:
    upstream.chunk_delay = 0.1
    body = {"model": "gpt-test", "messages": MSG, "stream": True}
    with httpx.stream("POST", proxy + "/chat/completions", json=body, timeout=30) as r:
        it = r.iter_lines()
        next(it)
        next(it)  # a couple of events, then the client goes away
    deadline = time.monotonic() + 5
    while upstream.streams_closed < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    # The proxy closed the upstream stream too, before its end.
    assert (upstream.streams_closed, upstream.streams_finished) == (1, 0)
    upstream.chunk_delay = 0.0
    header, _, _ = streamed(client(proxy))
    assert header == "MISS"
    assert upstream.count(CHAT) == 2


@pytest.mark.parametrize("reason", ["length", "content_filter"])
def test_unfinished_stream_is_not_stored(proxy: str, upstream: Upstream, reason: str) -> None:
    upstream.finish_reason = reason
    c = client(proxy)
    streamed(c)
    assert streamed(c)[0] == "MISS"


def test_streamed_tool_calls_are_rebuilt(proxy: str, upstream: Upstream) -> None:
    upstream.tool_calls = [
        {"id": "call_9", "type": "function", "function": {"name": "look", "arguments": '{"q":2}'}}
    ]
    c = client(proxy)
    streamed(c)
    hit = c.chat.completions.with_raw_response.create(model="gpt-test", messages=MSG)
    assert hit.headers["x-nearcache-cache"] == "HIT-EXACT"
    choice = hit.parse().choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls[0].id == "call_9"
    assert choice.message.tool_calls[0].function.arguments == '{"q":2}'
    # Replayed as a stream, the openai client's stream helper rebuilds the same call.
    with c.chat.completions.stream(model="gpt-test", messages=MSG) as s:
        final = s.get_final_completion()
    assert final.choices[0].message.tool_calls[0].function.name == "look"


def test_upstream_error_on_a_stream_passes_through(proxy: str, upstream: Upstream) -> None:
    upstream.fail_status, upstream.fail_times = 500, 1
    with pytest.raises(openai.InternalServerError):
        streamed(client(proxy))
    assert streamed(client(proxy))[0] == "MISS"


def test_timeout_in_the_middle_of_a_stream_ends_it_without_storing(
    upstream: Upstream,
) -> None:
    upstream.chunk_delay = 0.6
    with running_proxy(upstream, timeout=0.3) as url:
        c = client(url)
        with pytest.raises(openai.APIError):
            streamed(c)
        upstream.chunk_delay = 0.0
        assert streamed(c)[0] == "MISS"


async def test_async_client_stream_and_hit(upstream: Upstream) -> None:
    with running_proxy(upstream) as url:
        c = openai.AsyncOpenAI(base_url=url, api_key="sk-async", max_retries=0)
        questions = [f"Async question number {i}?" for i in range(8)]

        async def one(q: str) -> str:
            stream = await c.chat.completions.create(
                model="gpt-test", messages=[{"role": "user", "content": q}], stream=True
            )
            return "".join([ch.choices[0].delta.content or "" async for ch in stream])

        first = await asyncio.gather(*(one(q) for q in questions))
        raw = await c.chat.completions.with_raw_response.create(
            model="gpt-test", messages=[{"role": "user", "content": questions[3]}]
        )
        assert raw.headers["x-nearcache-cache"] == "HIT-EXACT"
        assert raw.parse().choices[0].message.content == first[3]
        again = await asyncio.gather(*(one(q) for q in questions))
        assert again == first
        await c.close()
    assert upstream.count(CHAT) == 8
