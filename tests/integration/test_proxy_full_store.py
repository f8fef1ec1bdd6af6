"""The proxy on a Redis past its ``maxmemory`` (``noeviction``, as docs/stores.md advises):
stored answers are served; new ones cannot be stored."""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
import openai
import pytest

from proxy_support import Upstream, running_proxy

CHAT = "/v1/chat/completions"


def _ask(c: openai.OpenAI, text: str) -> Any:
    return c.chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": text}]
    )


@pytest.mark.redis
def test_a_full_store_is_counted_and_logged_as_a_store_error(
    upstream: Upstream, make_redis: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A write the full server refused was logged at INFO ("answer not stored") and
    counted nowhere: the proxy looked healthy while it stored nothing (``/healthz`` said
    ``"store": "ok"``)."""
    import redis

    server = make_redis(extra=("--maxmemory-policy", "noeviction"))
    admin = redis.Redis.from_url(server.url)
    with running_proxy(upstream, store=server.url) as url:
        c = openai.OpenAI(base_url=url, api_key="sk-full", max_retries=0)
        _ask(c, "Stored before it filled up?")
        c.embeddings.create(model="emb", input=["kept vector"])
        used = int(admin.info("memory")["used_memory"])
        admin.config_set("maxmemory", str(used // 2))
        with caplog.at_level(logging.WARNING, logger="nearcache"):
            assert (
                _ask(c, "Stored before it filled up?").headers["x-nearcache-cache"] == "HIT-EXACT"
            )
            assert (
                _ask(c, "stored before it filled up").headers["x-nearcache-cache"] == "HIT-SEMANTIC"
            )
            fresh = _ask(c, "A question after it filled up?")
            assert fresh.headers["x-nearcache-cache"] == "MISS"
            assert fresh.parse().choices[0].message.content.startswith("Answer to")
            emb = c.embeddings.with_raw_response.create(model="emb", input=["kept vector", "new"])
            assert len(emb.parse().data) == 2
            again = _ask(c, "A question after it filled up?")
            assert again.headers["x-nearcache-cache"] == "MISS"
        metrics = httpx.get(url[:-3] + "/metrics").text
        # /healthz said "store": "ok" while nothing could be stored; it stays 200 (the
        # proxy serves every request), the store's state is in the body
        health = httpx.get(url[:-3] + "/healthz")
        assert (health.status_code, health.json()) == (200, {"status": "ok", "store": "read_only"})
        admin.config_set("maxmemory", "0")
        assert _ask(c, "A question once it has room?").headers["x-nearcache-cache"] == "MISS"
        deadline = time.monotonic() + 10  # the answer is written after it is sent
        while httpx.get(url[:-3] + "/healthz").json()["store"] != "ok":
            assert time.monotonic() < deadline
            time.sleep(0.05)
    admin.close()
    assert upstream.count(CHAT) == 4  # the new question twice (not stored), the last once
    assert 'nearcache_proxy_store_errors_total{route="chat"} 2.0' in metrics
    assert 'nearcache_proxy_store_errors_total{route="embeddings"} 1.0' in metrics
    refused = [r for r in caplog.records if "refused the write" in r.getMessage()]
    assert len(refused) == 3 and all(r.levelno == logging.WARNING for r in refused)
    assert emb.headers["x-nearcache-cache"] != "ERROR"  # served, and the store answered
