"""``/v1/responses`` through the proxy, with the openai client's Responses API (plain,
streamed, and the ``responses.stream`` helper that checks the event sequence)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest

from proxy_support import Upstream, running_proxy

RESP = "/v1/responses"


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[str]:
    with running_proxy(upstream) as url:
        yield url


def client(url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key="sk-resp", max_retries=0)


def create(c: openai.OpenAI, **kw: Any) -> Any:
    kw.setdefault("model", "gpt-test")
    return c.responses.with_raw_response.create(**kw)


def test_miss_exact_and_semantic_hits(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    first = create(c, input="What is the tallest mountain?")
    again = create(c, input="What is the tallest mountain?")
    para = create(c, input=[{"role": "user", "content": "what is the tallest mountain"}])
    assert [r.headers["x-nearcache-cache"] for r in (first, again, para)] == [
        "MISS",
        "HIT-EXACT",
        "HIT-SEMANTIC",
    ]
    assert again.parse().output_text == first.parse().output_text
    assert para.parse().id == first.parse().id
    assert upstream.count(RESP) == 1


def test_instructions_and_previous_response_partition(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    create(c, input="Hello?")
    assert create(c, input="Hello?", instructions="Be brief").headers["x-nearcache-cache"] == "MISS"
    other = create(c, input="Hello?", previous_response_id="resp_abc")
    assert other.headers["x-nearcache-cache"] == "MISS"
    assert upstream.count(RESP) == 3


def test_stream_is_stored_and_replayed_to_the_stream_helper(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    events = list(c.responses.create(model="gpt-test", input="Stream a response", stream=True))
    assert events[-1].type == "response.completed"
    text = events[-1].response.output_text
    with c.responses.stream(model="gpt-test", input="Stream a response") as s:
        deltas = "".join(e.delta for e in s if e.type == "response.output_text.delta")
        final = s.get_final_response()
    assert deltas == final.output_text == text
    plain = create(c, input="Stream a response")
    assert plain.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert plain.parse().output_text == text
    assert upstream.count(RESP) == 1


def test_incomplete_and_stateful_requests_are_not_cached(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    upstream.finish_reason = "length"
    create(c, input="Cut short?")
    assert create(c, input="Cut short?").headers["x-nearcache-cache"] == "MISS"
    upstream.finish_reason = "stop"
    for _ in range(2):
        r = create(c, input="In a conversation", conversation="conv_1")
        assert r.headers["x-nearcache-cache"] == "BYPASS"
    assert upstream.count(RESP) == 4
