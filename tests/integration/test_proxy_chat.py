"""The proxy's chat and completion routes, driven by the official openai client over real
sockets against the stub upstream."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from proxy_support import Upstream, running_proxy

CHAT = "/v1/chat/completions"


def client(url: str, key: str = "sk-test-a") -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0)


def ask(c: openai.OpenAI, text: str, **kw: Any) -> Any:
    kw.setdefault("model", "gpt-test")
    messages = kw.pop("messages", None) or [{"role": "user", "content": text}]
    return c.chat.completions.with_raw_response.create(messages=messages, **kw)


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[str]:
    with running_proxy(upstream) as url:
        yield url


def test_miss_then_exact_hit_calls_upstream_once(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    first = ask(c, "What is the capital of France?")
    second = ask(c, "What is the capital of France?")
    assert first.headers["x-nearcache-cache"] == "MISS"
    assert second.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert "x-nearcache-hit-id" in second.headers
    assert "x-nearcache-similarity" not in second.headers
    assert first.parse().choices[0].message.content == second.parse().choices[0].message.content
    assert upstream.count(CHAT) == 1


def test_paraphrase_is_a_semantic_hit(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    ask(c, "What is the capital of France?")
    again = ask(c, "what is the capital of france")
    assert again.headers["x-nearcache-cache"] == "HIT-SEMANTIC"
    assert float(again.headers["x-nearcache-similarity"]) >= 0.95
    assert "France?" in again.parse().choices[0].message.content
    assert upstream.count(CHAT) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"model": "gpt-other"},
        {"temperature": 0.9},
        {"seed": 7},
        {"n": 2},
        {"response_format": {"type": "json_object"}},
        {"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]},
        {"messages": [{"role": "system", "content": "Be terse."}]},
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}]},
    ],
    ids=lambda c: next(iter(c)) + ("-" + str(len(c["messages"])) if "messages" in c else ""),
)
def test_a_different_partition_misses(
    proxy: str, upstream: Upstream, change: dict[str, Any]
) -> None:
    c = client(proxy)
    question = {"role": "user", "content": "What is the capital of France?"}
    ask(c, "", messages=[question], temperature=0.0)
    kw: dict[str, Any] = {"temperature": 0.0, "messages": [question]}
    if "messages" in change:
        kw["messages"] = [*change["messages"], question]
    else:
        kw.update(change)
    other = ask(c, "", **kw)
    assert other.headers["x-nearcache-cache"] == "MISS"
    assert upstream.count(CHAT) == 2
    assert ask(c, "", **kw).headers["x-nearcache-cache"] == "HIT-EXACT"


def test_different_tool_lists_miss(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)

    def tool(name: str) -> dict[str, Any]:
        return {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}

    ask(c, "Weather in Paris?", tools=[tool("weather")])
    assert (
        ask(c, "Weather in Paris?", tools=[tool("forecast")]).headers["x-nearcache-cache"] == "MISS"
    )
    assert (
        ask(c, "Weather in Paris?", tools=[tool("weather")]).headers["x-nearcache-cache"]
        == "HIT-EXACT"
    )
    assert upstream.count(CHAT) == 2


def test_two_api_keys_are_isolated(proxy: str, upstream: Upstream) -> None:
    a, b = client(proxy, "sk-alice"), client(proxy, "sk-bob")
    ask(a, "Secret plans for Monday?")
    assert ask(b, "Secret plans for Monday?").headers["x-nearcache-cache"] == "MISS"
    assert ask(a, "Secret plans for Monday?").headers["x-nearcache-cache"] == "HIT-EXACT"
    assert upstream.count(CHAT) == 2
    # The caller's key went upstream unchanged, and is stored nowhere in the answer.
    assert upstream.requests[-1][2]["authorization"] == "Bearer sk-bob"


def test_share_across_keys(upstream: Upstream) -> None:
    with running_proxy(upstream, share_across_keys=True) as url:
        ask(client(url, "sk-alice"), "Shared question?")
        hit = ask(client(url, "sk-bob"), "Shared question?")
        assert hit.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert upstream.count(CHAT) == 1


def test_whitespace_is_meaningful_on_the_exact_layer(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    ask(c, "fix:\nif x:\n    y\nz")
    other = ask(c, "fix:\nif x:\n    y\n    z")
    assert other.headers["x-nearcache-cache"] != "HIT-EXACT"


def test_legacy_completions(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    r1 = c.completions.with_raw_response.create(model="gpt-test", prompt="Say hello")
    r2 = c.completions.with_raw_response.create(model="gpt-test", prompt="Say hello")
    assert r1.headers["x-nearcache-cache"] == "MISS"
    assert r2.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert r1.parse().choices[0].text == r2.parse().choices[0].text
    r3 = c.completions.with_raw_response.create(model="gpt-test", prompt="Say hello", max_tokens=5)
    assert r3.headers["x-nearcache-cache"] == "MISS"
    assert upstream.count("/v1/completions") == 2


def test_tool_call_answers_are_cached(proxy: str, upstream: Upstream) -> None:
    upstream.tool_calls = [
        {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": '{"a":1}'}}
    ]
    c = client(proxy)
    ask(c, "Call f")
    hit = ask(c, "Call f")
    assert hit.headers["x-nearcache-cache"] == "HIT-EXACT"
    call = hit.parse().choices[0].message.tool_calls[0]
    assert (call.function.name, call.function.arguments) == ("f", '{"a":1}')


@pytest.mark.parametrize("reason", ["length", "content_filter"])
def test_unfinished_answers_are_not_stored(proxy: str, upstream: Upstream, reason: str) -> None:
    upstream.finish_reason = reason
    c = client(proxy)
    ask(c, "Tell me a long story")
    assert ask(c, "Tell me a long story").headers["x-nearcache-cache"] == "MISS"
    assert upstream.count(CHAT) == 2


def test_empty_answers_are_not_stored(proxy: str, upstream: Upstream) -> None:
    upstream.empty = True
    c = client(proxy)
    ask(c, "Say nothing")
    assert ask(c, "Say nothing").headers["x-nearcache-cache"] == "MISS"


@pytest.mark.parametrize("status", [429, 500])
def test_upstream_errors_pass_through_and_are_not_cached(
    proxy: str, upstream: Upstream, status: int
) -> None:
    upstream.fail_status, upstream.fail_times = status, 1
    c = client(proxy)
    with pytest.raises(openai.APIStatusError) as info:
        ask(c, "Will this fail?")
    assert info.value.status_code == status
    assert info.value.body["message"] == "stub failure"  # type: ignore[index]
    if status == 429:
        assert info.value.response.headers["retry-after"] == "0"
    ok = ask(c, "Will this fail?")
    assert ok.headers["x-nearcache-cache"] == "MISS"
    assert upstream.count(CHAT) == 2


def test_cache_control(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    ask(c, "Cache control?")
    no_cache = ask(c, "Cache control?", extra_headers={"Cache-Control": "no-cache"})
    assert no_cache.headers["x-nearcache-cache"] == "BYPASS"
    no_store = ask(c, "Fresh question?", extra_headers={"Cache-Control": "no-store"})
    assert no_store.headers["x-nearcache-cache"] == "BYPASS"
    assert ask(c, "Fresh question?").headers["x-nearcache-cache"] == "MISS"  # was not stored
    young = ask(c, "Cache control?", extra_headers={"Cache-Control": "max-age=3600"})
    assert young.headers["x-nearcache-cache"] == "HIT-EXACT"
    old = ask(c, "Cache control?", extra_headers={"Cache-Control": "max-age=0"})
    assert old.headers["x-nearcache-cache"] == "MISS"
    assert upstream.count(CHAT) == 5


def test_namespace_and_ttl_headers(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    ask(c, "Namespaced?", extra_headers={"X-Nearcache-Namespace": "team-a"})
    other = ask(c, "Namespaced?", extra_headers={"X-Nearcache-Namespace": "team-b"})
    assert other.headers["x-nearcache-cache"] == "MISS"
    same = ask(c, "Namespaced?", extra_headers={"X-Nearcache-Namespace": "team-a"})
    assert same.headers["x-nearcache-cache"] == "HIT-EXACT"
    ask(c, "Short lived?", extra_headers={"X-Nearcache-Ttl": "0.2"})
    import time

    time.sleep(0.4)
    assert ask(c, "Short lived?").headers["x-nearcache-cache"] == "MISS"


_ROLE = b'[{"role": "user", "content": "x"}]'


@pytest.mark.parametrize(
    ("headers", "content", "code", "param"),
    [
        ({}, b"{not json", "invalid_json", None),
        ({}, b"[1, 2]", "invalid_json", None),
        ({}, b'{"messages": ' + _ROLE + b"}", "missing_field", "model"),
        ({}, b'{"model": "m"}', "missing_field", "messages"),
        # as OpenAI answers them: the openai client's BadRequestError.param names the field
        ({}, b'{"model": "m", "messages": ["x"]}', "invalid_type", "messages[0]"),
        (
            {},
            b'{"model": "m", "messages": [{"content": "x"}]}',
            "missing_required_parameter",
            "messages[0].role",
        ),
        # present, of the wrong type: it was "you must provide a model parameter"
        ({}, b'{"model": 5, "messages": ' + _ROLE + b"}", "invalid_type", "model"),
        ({}, b'{"model": "m", "messages": "hi"}', "invalid_type", "messages"),
        ({}, b'{"model": "m", "messages": []}', "empty_array", "messages"),
        (
            {},
            b'{"model": "m", "stream": "yes", "messages": ' + _ROLE + b"}",
            "invalid_type",
            "stream",
        ),
        ({}, b'{"model": "", "messages": ' + _ROLE + b"}", "missing_field", "model"),
        ({"x-nearcache-ttl": "-1"}, b"{}", "bad_header", None),
        ({"x-nearcache-namespace": "bad name!"}, b"{}", "bad_header", None),
        ({"cache-control": "max-age=soon"}, b"{}", "bad_header", None),
    ],
)
def test_bad_requests_get_openai_style_errors(
    proxy: str,
    upstream: Upstream,
    headers: dict[str, str],
    content: bytes,
    code: str,
    param: str | None,
) -> None:
    r = httpx.post(proxy + "/chat/completions", content=content, headers=headers)
    assert r.status_code == 400
    err = r.json()["error"]
    assert err["code"] == code and err["type"] == "invalid_request_error" and err["message"]
    assert err["param"] == param, err
    if param:  # the message names the field too, as OpenAI's do
        assert f"'{param}'" in err["message"] or f" {param} " in err["message"], err
    assert upstream.count(CHAT) == 0


def test_the_openai_client_reads_the_field_at_fault(proxy: str, upstream: Upstream) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client(proxy).chat.completions.create(model="m", messages=[])
    assert info.value.param == "messages" and info.value.code == "empty_array"
    assert upstream.count(CHAT) == 0


def test_body_limit_is_413(upstream: Upstream) -> None:
    with running_proxy(upstream, max_body_bytes=1000) as url:
        big = b'{"model": "m", "messages": [{"role": "user", "content": "' + b"x" * 2000 + b'"}]}'
        r = httpx.post(url + "/chat/completions", content=big)
        assert r.status_code == 413
        assert r.json()["error"]["code"] == "request_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            yield big[:600]
            yield big[600:]

        r = httpx.post(url + "/chat/completions", content=chunks())
        assert r.status_code == 413
    assert upstream.count(CHAT) == 0


def test_upstream_timeout_is_504(upstream: Upstream) -> None:
    upstream.hang_seconds = 3.0
    with running_proxy(upstream, timeout=0.3) as url:
        with pytest.raises(openai.APIStatusError) as info:
            ask(client(url), "Are you there?")
        assert info.value.status_code == 504
        assert info.value.body["code"] == "upstream_timeout"  # type: ignore[index]


def test_unreachable_upstream_is_502(upstream: Upstream, caplog: pytest.LogCaptureFixture) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from nearcache.proxy import ProxyConfig, create_app
    from proxy_support import serve_app

    app = create_app(ProxyConfig(upstream=f"http://127.0.0.1:{port}/v1", semantic=False))
    with serve_app(app) as url:
        r = httpx.post(
            url + "/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": "x"}]},
        )
    assert r.status_code == 502
    assert r.json()["error"]["code"] == "upstream_unreachable"
    # the operator's log names the upstream and the reason; the caller's answer does not
    logged = [rec.getMessage() for rec in caplog.records if rec.name == "nearcache.proxy.http"]
    assert any(f"127.0.0.1:{port}" in m and "could not be reached" in m for m in logged), logged
    assert f"{port}" not in r.json()["error"]["message"]
    # a client's user was told a class name alone: where to look is said too
    assert "the proxy's log says which upstream and why" in r.json()["error"]["message"]


def test_a_long_last_message_is_keyed_exactly(upstream: Upstream) -> None:
    with running_proxy(upstream, semantic_options={"max_query_bytes": 100}) as url:
        c = client(url)
        long_text = "Please summarise: " + "lorem ipsum " * 30
        ask(c, long_text)
        assert ask(c, long_text).headers["x-nearcache-cache"] == "HIT-EXACT"
        assert ask(c, long_text + "!").headers["x-nearcache-cache"] == "MISS"
