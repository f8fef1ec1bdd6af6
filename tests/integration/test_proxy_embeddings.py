"""``/v1/embeddings`` through the proxy: per-input caching with the openai client and
LangChain's OpenAIEmbeddings."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import numpy as np
import openai
import pytest

from proxy_support import Upstream, running_proxy, stub_vector

EMB = "/v1/embeddings"


@pytest.fixture
def proxy(upstream: Upstream) -> Iterator[str]:
    with running_proxy(upstream) as url:
        yield url


def client(url: str, key: str = "sk-emb") -> openai.OpenAI:
    return openai.OpenAI(base_url=url, api_key=key, max_retries=0)


def test_partial_batch_sends_only_the_misses(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    c.embeddings.create(model="emb-1", input=["alpha", "gamma"])
    raw = c.embeddings.with_raw_response.create(model="emb-1", input=["alpha", "beta", "gamma"])
    assert raw.headers["x-nearcache-cache"] == "MISS"
    assert raw.headers["x-nearcache-cached-inputs"] == "2/3"
    assert upstream.requests[-1][1]["input"] == ["beta"]  # one request, only the miss
    res = raw.parse()
    assert [d.index for d in res.data] == [0, 1, 2]
    for d, text in zip(res.data, ["alpha", "beta", "gamma"]):
        np.testing.assert_array_equal(np.array(d.embedding, np.float32), stub_vector(text, 8))
    assert res.usage.prompt_tokens == 1  # only what the upstream billed
    full = c.embeddings.with_raw_response.create(model="emb-1", input=["gamma", "alpha"])
    assert full.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert full.parse().usage.prompt_tokens == 0
    assert upstream.count(EMB) == 2


def test_float_and_base64_from_one_cached_vector(proxy: str, upstream: Upstream) -> None:
    body = {"model": "emb-1", "input": ["one text"], "encoding_format": "float"}
    floats = httpx.post(proxy + "/embeddings", json=body).json()
    body["encoding_format"] = "base64"
    r = httpx.post(proxy + "/embeddings", json=body)
    assert r.headers["x-nearcache-cache"] == "HIT-EXACT"
    b64 = np.frombuffer(base64.b64decode(r.json()["data"][0]["embedding"]), "<f4")
    np.testing.assert_array_equal(b64, np.array(floats["data"][0]["embedding"], np.float32))
    assert upstream.count(EMB) == 1


def test_duplicates_go_upstream_once(proxy: str, upstream: Upstream) -> None:
    res = client(proxy).embeddings.create(model="emb-1", input=["dup", "x", "dup"])
    assert upstream.requests[-1][1]["input"] == ["dup", "x"]
    assert res.data[0].embedding == res.data[2].embedding


def test_key_covers_model_dimensions_and_key(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    c.embeddings.create(model="emb-1", input="same")
    c.embeddings.create(model="emb-2", input="same")
    c.embeddings.create(model="emb-1", input="same", dimensions=4)
    client(proxy, "sk-other").embeddings.create(model="emb-1", input="same")
    assert upstream.count(EMB) == 4
    r = c.embeddings.with_raw_response.create(model="emb-1", input="same", dimensions=4)
    assert r.headers["x-nearcache-cache"] == "HIT-EXACT"
    assert len(r.parse().data[0].embedding) == 4


def test_token_inputs(proxy: str, upstream: Upstream) -> None:
    c = client(proxy)
    c.embeddings.create(model="emb-1", input=[[1, 2, 3], [4, 5]])
    r = c.embeddings.with_raw_response.create(model="emb-1", input=[4, 5])
    assert r.headers["x-nearcache-cache"] == "HIT-EXACT"
    np.testing.assert_array_equal(
        np.array(r.parse().data[0].embedding, np.float32), stub_vector("tokens:4,5", 8)
    )


def test_embedding_errors(proxy: str, upstream: Upstream) -> None:
    for body in ({"input": "x"}, {"model": "m", "input": []}, {"model": "m", "input": [1.5]}):
        r = httpx.post(proxy + "/embeddings", json=body)
        assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    r = httpx.post(proxy + "/embeddings", json={"model": ["m"], "input": "x"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_type"
    assert r.json()["error"]["message"] == (
        "Invalid type for 'model': expected a string, but got an array instead."
    )
    upstream.fail_status, upstream.fail_times = 429, 1
    r = httpx.post(proxy + "/embeddings", json={"model": "m", "input": "y"})
    assert r.status_code == 429 and r.json()["error"]["message"] == "stub failure"
    r = httpx.post(proxy + "/embeddings", json={"model": "m", "input": "y"})
    assert r.status_code == 200 and r.headers["x-nearcache-cache"] == "MISS"


def test_langchain_openai_embeddings(proxy: str, upstream: Upstream) -> None:
    from langchain_openai import OpenAIEmbeddings

    emb = OpenAIEmbeddings(
        model="text-embedding-3-small",
        base_url=proxy,
        api_key="sk-lc",  # type: ignore[arg-type]
        check_embedding_ctx_length=False,  # no tokenizer download
        max_retries=0,
    )
    docs = emb.embed_documents(["first doc", "second doc"])
    again = emb.embed_documents(["second doc", "third doc", "first doc"])
    assert upstream.count(EMB) == 2
    assert upstream.requests[-1][1]["input"] == ["third doc"]
    np.testing.assert_allclose(again[0], docs[1], rtol=1e-6)
    np.testing.assert_allclose(again[2], docs[0], rtol=1e-6)
    assert emb.embed_query("first doc") == pytest.approx(docs[0])
    assert upstream.count(EMB) == 2
