"""The proxy's upstream client (aiohttp) over real sockets: what it sends, its pool and
connect timeout, cookies, the proxy environment, and many misses at once."""

from __future__ import annotations

import asyncio
import time

import httpx
import openai
import pytest

from nearcache.proxy import ProxyConfig, create_app
from proxy_support import Upstream, running_proxy, serve_app, upstream_server

CHAT = "/v1/chat/completions"
BODY = b'{"model": "m", "messages": [{"role": "user", "content": "Headers?"}]}'


def test_only_end_to_end_headers_go_upstream(upstream: Upstream) -> None:
    sent = {
        "authorization": "Bearer sk-caller",
        "te": "trailers",
        "proxy-authorization": "Basic c2VjcmV0",
        "keep-alive": "timeout=5",
        "x-nearcache-namespace": "team-a",
        "cache-control": "no-store",
        "x-custom": "kept",
    }
    with running_proxy(upstream) as url:
        # No Content-Type from the caller: none is invented for the upstream.
        r = httpx.post(url + "/chat/completions", content=BODY, headers=sent)
        assert r.status_code == 200
        got = upstream.requests[-1][2]
        assert got["authorization"] == "Bearer sk-caller" and got["x-custom"] == "kept"
        for name in ("te", "proxy-authorization", "keep-alive", "cache-control", "content-type"):
            assert name not in got, name
        assert not any(name.startswith("x-nearcache-") for name in got)
        # A passed-through request asks for exactly the encodings its caller asked for.
        httpx.get(url + "/models", headers={"accept-encoding": "identity"})
        assert upstream.requests[-1][2]["accept-encoding"] == "identity"


def test_upstream_cookies_are_never_sent_back(upstream: Upstream) -> None:
    upstream.set_cookie = "session=alice; Path=/"
    # By name: a cookie jar would ignore cookies set by an IP address.
    by_name = ProxyConfig(upstream=upstream.url.replace("127.0.0.1", "localhost"), semantic=False)
    with serve_app(create_app(by_name)) as base:
        url = base + "/v1"
        first = httpx.get(url + "/models", headers={"authorization": "Bearer sk-alice"})
        assert first.headers["set-cookie"].startswith("session=alice")
        httpx.get(url + "/models", headers={"authorization": "Bearer sk-bob"})
    assert upstream.count("/v1/models") == 2
    assert "cookie" not in upstream.requests[-1][2]


def test_a_full_pool_times_out_on_connect_not_on_read(upstream: Upstream) -> None:
    upstream.chunk_delay = 0.3
    stream_body = {"model": "m", "messages": [{"role": "user", "content": "Hold the line"}]}
    with running_proxy(upstream, max_connections=1, connect_timeout=0.3, timeout=30) as url:
        with httpx.stream(
            "POST", url + "/chat/completions", json={**stream_body, "stream": True}, timeout=30
        ) as held:
            lines = held.iter_lines()  # kept: a dropped iterator closes the connection
            next(lines)  # the only upstream connection is busy with this stream
            r = httpx.post(url + "/chat/completions", content=BODY, timeout=30)
            assert r.status_code == 504
            assert r.json()["error"]["code"] == "upstream_timeout"
            assert "connect timeout (0.3 s)" in r.json()["error"]["message"]
        upstream.chunk_delay = 0.0
        # The dropped stream gave its connection back (closed): the pool serves again.
        deadline = time.monotonic() + 10
        while True:
            r = httpx.post(url + "/chat/completions", content=BODY, timeout=30)
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert r.status_code == 200 and r.headers["x-nearcache-cache"] == "MISS"


def test_proxy_environment_is_honoured(upstream: Upstream, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    # A second stub stands in for the forward proxy: it answers absolute-form requests.
    with upstream_server() as forward, httpx.Client(trust_env=False, timeout=30) as c:
        monkeypatch.setenv("HTTP_PROXY", forward.url[: -len("/v1")])
        with running_proxy(upstream) as url:
            assert c.get(url + "/models").status_code == 200
        assert (forward.count("/v1/models"), upstream.count("/v1/models")) == (1, 0)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with running_proxy(upstream) as url:
            assert c.get(url + "/models").status_code == 200
        assert (forward.count("/v1/models"), upstream.count("/v1/models")) == (1, 1)


async def test_many_concurrent_misses_each_get_their_own_answer(upstream: Upstream) -> None:
    questions = [f"Concurrent question {i}?" for i in range(32)]
    with running_proxy(upstream, max_connections=8) as url:
        c = openai.AsyncOpenAI(base_url=url, api_key="sk-many", max_retries=0)

        async def one(q: str, stream: bool) -> str:
            msgs = [{"role": "user", "content": q}]
            if not stream:
                res = await c.chat.completions.create(model="gpt-test", messages=msgs)  # type: ignore[arg-type]
                return res.choices[0].message.content or ""
            s = await c.chat.completions.create(model="gpt-test", messages=msgs, stream=True)  # type: ignore[arg-type]
            return "".join([ch.choices[0].delta.content or "" async for ch in s])

        answers = await asyncio.gather(*(one(q, i % 2 == 1) for i, q in enumerate(questions)))
        await c.close()
    for q, a in zip(questions, answers, strict=True):
        assert a == f"Answer to: {q} (model gpt-test, t=None)"
    assert upstream.count(CHAT) == 32
