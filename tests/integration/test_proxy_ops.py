"""Operating the proxy: persistence across restarts, store outages, pass-through, metrics,
health, client keys, hit ids, LangChain's ChatOpenAI and the default model."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from nearcache.proxy.keys import parse_hit_id, tenant_of
from proxy_support import Upstream, running_proxy

CHAT = "/v1/chat/completions"


def client(url: str, key: str = "sk-ops") -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0)


def ask(c: openai.OpenAI, text: str, **kw: Any) -> Any:
    return c.chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": text}], **kw
    )


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[str]:
    with running_proxy(upstream) as url:
        yield url


def test_restart_keeps_answers_in_sqlite(upstream: Upstream, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'proxy.db'}"
    with running_proxy(upstream, store=store) as url:
        ask(client(url), "Persist me?")
        client(url).embeddings.create(model="emb", input=["persisted vector"])
    with running_proxy(upstream, store=store) as url:
        assert ask(client(url), "Persist me?").headers["x-nearcache-cache"] == "HIT-EXACT"
        assert ask(client(url), "persist me").headers["x-nearcache-cache"] == "HIT-SEMANTIC"
        r = client(url).embeddings.with_raw_response.create(model="emb", input="persisted vector")
        assert r.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert upstream.count(CHAT) == 1 and upstream.count("/v1/embeddings") == 1


@pytest.mark.redis
def test_store_outage_forwards_upstream(upstream: Upstream, make_redis: Any) -> None:
    server = make_redis()
    with running_proxy(upstream, store=server.url) as url:
        c = client(url)
        ask(c, "Before the outage?")
        assert ask(c, "Before the outage?").headers["x-nearcache-cache"] == "HIT-EXACT"
        server.stop()
        during = ask(c, "Before the outage?")
        assert during.headers["x-nearcache-cache"] == "ERROR"
        assert during.parse().choices[0].message.content.startswith("Answer to")
        fresh = ask(c, "A new question during the outage?")
        assert fresh.headers["x-nearcache-cache"] == "ERROR"
        image: Any = [
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
        ]
        exact_only = c.chat.completions.with_raw_response.create(model="gpt-test", messages=image)
        assert exact_only.headers["x-nearcache-cache"] == "ERROR"
        emb = c.embeddings.with_raw_response.create(model="emb", input=["x", "y"])
        assert emb.headers["x-nearcache-cache"] == "ERROR"
        assert len(emb.parse().data) == 2
        health = httpx.get(url[:-3] + "/healthz").json()
        assert health == {"status": "ok", "store": "unavailable"}
        metrics = httpx.get(url[:-3] + "/metrics").text
        assert 'nearcache_proxy_store_errors_total{route="chat"}' in metrics
        server.start()
        import time

        deadline = time.monotonic() + 10
        while ask(c, "After the outage?").headers["x-nearcache-cache"] != "HIT-EXACT":
            assert time.monotonic() < deadline, "the proxy did not recover"
            time.sleep(0.2)


def test_passthrough_of_other_paths(proxy: str, upstream: Upstream) -> None:
    models = client(proxy).models.list()
    assert [m.id for m in models.data] == ["stub-model"]
    payload = b"z" * 300_000

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(payload), 65536):
            yield payload[i : i + 65536]

    r = httpx.post(proxy + "/echo?purpose=test", content=chunks(), headers={"x-custom": "1"})
    assert r.status_code == 201
    assert r.json() == {
        "size": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "query": "purpose=test",
    }
    assert upstream.requests[-1][2]["x-custom"] == "1"
    with httpx.stream("GET", proxy + "/download?chunks=5") as resp:
        body = b"".join(resp.iter_bytes())
    assert body.decode().splitlines() == [f"part {i}" for i in range(5)]
    assert httpx.get(proxy[:-3] + "/elsewhere").status_code == 404
    # A client whose base URL lacks /v1 is told which base URL to set.
    no_v1 = openai.OpenAI(base_url=proxy[:-3], api_key="sk-ops", max_retries=0)
    with pytest.raises(openai.NotFoundError) as info:
        ask(no_v1, "hi")
    assert f"base URL (OPENAI_BASE_URL) is {proxy}" in info.value.message, info.value.message


def test_metrics_and_health(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    ask(c, "Count me")
    ask(c, "Count me")
    ask(c, "count me")
    base = proxy[:-3]
    assert httpx.get(base + "/healthz").json() == {"status": "ok", "store": "ok"}
    text = httpx.get(base + "/metrics").text
    assert 'nearcache_proxy_requests_total{cache="HIT-EXACT",route="chat"} 1.0' in text
    assert 'nearcache_proxy_requests_total{cache="HIT-SEMANTIC",route="chat"} 1.0' in text
    assert 'nearcache_proxy_requests_total{cache="MISS",route="chat"} 1.0' in text
    # The cache's own series (the exact repeat may be served from the answer still being
    # written, which the cache does not see).
    assert 'nearcache_lookups_total{layer="semantic",reason="none",result="hit"} 1.0' in text
    assert 'nearcache_proxy_tokens_saved_total{kind="completion",route="chat"}' in text
    assert "nearcache_proxy_upstream_seconds_count" in text


def test_hit_id_names_the_entry_and_the_tenant(proxy: str, upstream: Upstream) -> None:
    c = client(proxy, "sk-owner")
    ask(c, "Which entry?")
    hit = ask(c, "Which entry?")
    semantic = ask(c, "which entry")
    ref = parse_hit_id(hit.headers["x-nearcache-hit-id"])
    assert ref is not None and ref.namespace == "default" and len(ref.key) == 64
    assert ref.served_to(tenant_of(["authorization=Bearer sk-owner"]))
    assert not ref.served_to(tenant_of(["authorization=Bearer sk-thief"]))
    # A semantic hit names the entry it matched (and says it was semantic, at its score).
    sref = parse_hit_id(semantic.headers["x-nearcache-hit-id"])
    assert sref is not None and sref.key == ref.key and sref.namespace == ref.namespace
    assert (ref.kind, sref.kind) == ("exact", "semantic") and 0.0 < sref.score <= 1.0
    assert parse_hit_id("1.bad") is None and parse_hit_id("2.a.b.c.d") is None


def test_client_keys_and_upstream_key(upstream: Upstream, tmp_path: Path) -> None:
    from nearcache.proxy import load_client_keys

    keys = tmp_path / "keys.txt"
    keys.write_text("# team keys\nck-alice team-a\nck-bob team-a\nck-carol\n")
    options = {"upstream_api_key": "sk-upstream-secret", "client_keys": load_client_keys(keys)}
    with running_proxy(upstream, **options) as url:
        with pytest.raises(openai.AuthenticationError):
            ask(client(url, "ck-mallory"), "Let me in?")
        r = httpx.get(url + "/models", headers={"authorization": "Bearer nope"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
        assert r.json()["error"]["message"].startswith("Incorrect API key provided")
        # no key at all was told "Incorrect API key provided" too: say it is missing
        r = httpx.post(url + "/chat/completions", json={"model": "m", "messages": []})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_api_key"
        assert "didn't provide an API key" in r.json()["error"]["message"], r.text
        assert upstream.count(CHAT) == 0 and upstream.count("/v1/models") == 0
        ask(client(url, "ck-alice"), "Team question?")
        assert upstream.requests[-1][2]["authorization"] == "Bearer sk-upstream-secret"
        same_team = ask(client(url, "ck-bob"), "Team question?")
        assert same_team.headers["x-nearcache-cache"] == "HIT-EXACT"
        other = ask(client(url, "ck-carol"), "Team question?")
        assert other.headers["x-nearcache-cache"] == "MISS"


def test_exact_only_mode(upstream: Upstream) -> None:
    with running_proxy(upstream, semantic=False, embedder=None) as url:
        c = client(url)
        ask(c, "Exact only?")
        assert ask(c, "Exact only?").headers["x-nearcache-cache"] == "HIT-EXACT"
        assert ask(c, "exact only").headers["x-nearcache-cache"] == "MISS"


def test_tool_result_turns_match_only_exactly(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    history: list[Any] = [
        {"role": "user", "content": "What is the weather?"},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "w", "arguments": "{}"}}
            ],
        },
    ]

    def turn(result: str) -> Any:
        messages = [*history, {"role": "tool", "tool_call_id": "c1", "content": result}]
        return c.chat.completions.with_raw_response.create(model="gpt-test", messages=messages)

    turn("sunny")
    assert turn("sunny").headers["x-nearcache-cache"] == "HIT-EXACT"
    assert turn("rainy").headers["x-nearcache-cache"] == "MISS"


def test_langchain_chat_openai(proxy: str, upstream: Upstream) -> None:
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model="gpt-test", base_url=proxy, api_key="sk-lc", max_retries=0)  # type: ignore[arg-type]
    first = llm.invoke("What does LangChain send?")
    second = llm.invoke("What does LangChain send?")
    assert first.content == second.content
    streamed = "".join(str(ch.content) for ch in llm.stream("What does LangChain send?"))
    assert streamed == first.content
    assert upstream.count(CHAT) == 1


def test_paraphrase_hit_with_the_default_model(upstream: Upstream) -> None:
    pytest.importorskip("onnxruntime")
    from nearcache import default_embedder

    with running_proxy(upstream, embedder=default_embedder(), similarity_threshold=0.85) as url:
        c = client(url)
        ask(c, "How do I reverse a list in Python?")
        hit = ask(c, "How can I reverse a list in Python?")
        assert hit.headers["x-nearcache-cache"] == "HIT-SEMANTIC"
        other = ask(c, "How do I sort a dictionary by value in Python?")
        assert other.headers["x-nearcache-cache"] == "MISS"
    assert upstream.count(CHAT) == 2


def test_restart_keeps_exact_only_answers(upstream: Upstream, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'exact.db'}"
    image = [{"type": "image_url", "image_url": {"url": "https://example.invalid/cat.png"}}]
    messages: Any = [{"role": "user", "content": image}]
    for expected in ("MISS", "HIT-EXACT"):
        with running_proxy(upstream, store=store) as url:
            r = client(url).chat.completions.with_raw_response.create(
                model="gpt-test", messages=messages
            )
            assert r.headers["x-nearcache-cache"] == expected
    ref = parse_hit_id(r.headers["x-nearcache-hit-id"])
    assert ref is not None and ref.namespace == "nearcache-proxy-exact/default"
    assert upstream.count(CHAT) == 1


def test_feedback_marks_hits_wrong_for_the_tenant_that_was_served(
    proxy: str, upstream: Upstream
) -> None:
    base = proxy.removesuffix("/v1")
    c = client(proxy, "sk-owner")
    ask(c, "Which entry?")
    exact = ask(c, "Which entry?")
    semantic = ask(c, "which entry")
    assert semantic.headers["x-nearcache-cache"] == "HIT-SEMANTIC"
    owner = {"authorization": "Bearer sk-owner"}

    def report(hit_id: str, correct: Any, headers: dict[str, str] = owner) -> httpx.Response:
        body = {"hit_id": hit_id, "correct": correct}
        return httpx.post(base + "/nearcache/feedback", json=body, headers=headers)

    sid = semantic.headers["x-nearcache-hit-id"]
    # Another tenant cannot report the owner's hit (the same answer as an unknown id).
    assert report(sid, False, {"authorization": "Bearer sk-thief"}).status_code == 404
    assert report("1.not.a.hit.id", False).status_code == 404
    assert report(sid, "no").status_code == 400
    assert httpx.post(base + "/nearcache/feedback", content=b"{", headers=owner).status_code == 400
    calls = upstream.count(CHAT)
    r = report(sid, False)
    assert r.status_code == 200 and r.json()["action"] == "entry_floor_raised"
    # The look-alike is refused from now on; the stored question itself still hits.
    again = ask(c, "which entry")
    assert again.headers["x-nearcache-cache"] == "MISS" and upstream.count(CHAT) == calls + 1
    assert ask(c, "Which entry?").headers["x-nearcache-cache"] == "HIT-EXACT"
    # A wrong exact answer is deleted: that entry never answers again (the answer
    # stored for "which entry" meanwhile may still serve it semantically).
    r = report(exact.headers["x-nearcache-hit-id"], False)
    assert r.status_code == 200 and r.json()["action"] == "deleted"
    assert ask(c, "Which entry?").headers["x-nearcache-cache"] != "HIT-EXACT"
    text = httpx.get(base + "/metrics").text
    assert 'nearcache_proxy_feedback_total{kind="semantic",verdict="wrong"} 1.0' in text


def test_an_embedder_that_fails_every_write_is_a_warning(
    upstream: Upstream, caplog: pytest.LogCaptureFixture
) -> None:
    """An embedder whose vectors do not have the size it declares (a misconfigured
    ``--model openai:...``) fails every write: the proxy stored nothing and said so at
    INFO only, hidden at ``--log-level warning`` and repeated by every request at info."""
    import numpy as np

    from nearcache import FunctionEmbedder

    def embed(texts: list[str]) -> Any:
        return np.ones((len(texts), 32), np.float32)

    broken = FunctionEmbedder(embed, dim=64, name="says-64-gives-32")
    with (
        caplog.at_level(logging.WARNING, logger="nearcache"),
        running_proxy(upstream, embedder=broken) as url,
    ):
        assert ask(client(url), "Stored?").headers["x-nearcache-cache"] == "MISS"
        deadline = time.monotonic() + 30  # the answer is written after it is sent
        while not any("the embedder failed" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
            time.sleep(0.05)
    (record,) = [r for r in caplog.records if "the embedder failed" in r.getMessage()]
    assert record.levelno == logging.WARNING and record.name == "nearcache.proxy"
