"""The OpenAI-compatible embedder against a real HTTP server on 127.0.0.1.

The server speaks ``POST /v1/embeddings`` and follows a script of faults per test
(``429``, ``500``, ``slow``, ``garbage``, ...), so retries, backoff, timeouts and
error handling are exercised over real sockets.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("httpx")

from nearcache import AsyncCachedEmbedder, CachedEmbedder, EmbeddingCache
from nearcache.embedders.openai import AsyncOpenAIEmbedder, EmbeddingAPIError, OpenAIEmbedder
from nearcache.errors import DimensionMismatchError, InvalidInputError

DIM = 8


def vector_for(text: str, dim: int = DIM) -> list[float]:
    raw = hashlib.sha256(text.encode()).digest()
    return [(b - 127.5) / 127.5 for b in raw[:dim]]


class FakeAPI:
    """State of the fake server: a script of faults and a log of requests."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.dim = DIM
        self.shuffle = False

    def next_fault(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"


def make_handler(api: FakeAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            payload = json.loads(self.rfile.read(length))
            with api.lock:
                api.requests.append(
                    {
                        "path": self.path,
                        "payload": payload,
                        "auth": self.headers.get("Authorization"),
                    }
                )
            if self.path != "/v1/embeddings":
                self._send(404, {"error": {"message": "not found"}})
                return
            fault = api.next_fault()
            if fault == "429":
                self._send(429, {"error": {"message": "rate limited"}}, {"Retry-After": "0"})
                return
            if fault in ("500", "502", "503"):
                self._send(int(fault), {"error": {"message": "server error"}})
                return
            if fault == "401":
                self._send(401, {"error": {"message": "bad key"}})
                return
            if fault == "slow":
                time.sleep(0.6)
            if fault == "garbage":
                self._send(200, b"<html>not json</html>")
                return
            texts = payload["input"]
            dim = payload.get("dimensions", api.dim)
            data = [
                {"object": "embedding", "index": i, "embedding": vector_for(t, dim)}
                for i, t in enumerate(texts)
            ]
            if fault == "short":
                data = data[:-1]
            if api.shuffle:
                data = data[::-1]
            self._send(200, {"object": "list", "data": data, "model": payload["model"]})

    return Handler


@pytest.fixture
def api() -> Iterator[tuple[FakeAPI, str]]:
    state = FakeAPI()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def client(base_url: str, **kwargs: Any) -> OpenAIEmbedder:
    options: dict[str, Any] = {"dim": DIM, "backoff_base": 0.001, "backoff_max": 0.01, "seed": 1}
    options.update(kwargs)
    return OpenAIEmbedder("test-model", base_url=base_url, api_key="sk-test", **options)


def test_embeds_in_batches_in_input_order(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.shuffle = True  # the API may return rows in any order; "index" says which
    texts = [f"text {i}" for i in range(5)]
    with client(url, batch_size=2) as emb:
        got = emb.embed(texts)
    np.testing.assert_allclose(got, np.asarray([vector_for(t) for t in texts]), rtol=1e-6)
    assert [len(r["payload"]["input"]) for r in state.requests] == [2, 2, 1]
    first = state.requests[0]
    assert first["auth"] == "Bearer sk-test"
    assert first["payload"]["model"] == "test-model"
    assert first["payload"]["encoding_format"] == "float"
    assert "dimensions" not in first["payload"]


def test_retries_429_and_5xx_then_succeeds(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.script = ["429", "500", "502", "503"]
    emb = client(url, max_retries=5)
    got = emb.embed(["hello"])
    np.testing.assert_allclose(got[0], vector_for("hello"), rtol=1e-6)
    assert len(state.requests) == 5
    assert (emb.requests, emb.retries) == (5, 4)


def test_gives_up_after_max_retries(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.script = ["500"] * 10
    emb = client(url, max_retries=2)
    with pytest.raises(EmbeddingAPIError) as info:
        emb.embed(["hello"])
    assert info.value.status_code == 500
    assert info.value.retryable and info.value.attempts == 3
    assert "after 3 attempts" in str(info.value) and "server error" in str(info.value)
    assert len(state.requests) == 3


def test_client_errors_are_not_retried(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.script = ["401"]
    with pytest.raises(EmbeddingAPIError) as info:
        client(url).embed(["hello"])
    assert info.value.status_code == 401 and not info.value.retryable
    assert "bad key" in str(info.value)
    assert len(state.requests) == 1


def test_a_404_at_a_base_url_without_v1_says_to_add_it(api: tuple[FakeAPI, str]) -> None:
    # OPENAI_BASE_URL=http://host:11434 (Ollama's is http://host:11434/v1) got a bare 404
    _, url = api
    root = url.removesuffix("/v1")
    with pytest.raises(EmbeddingAPIError) as info:
        client(root).embed(["hello"])
    assert info.value.status_code == 404
    assert f"servers answer under /v1 ({root}/v1)" in str(info.value)
    with pytest.raises(EmbeddingAPIError) as info:
        client(url + "/other").embed(["hello"])  # a path of its own: no guess
    assert "/v1 (" not in str(info.value)


def test_a_slow_response_times_out_and_is_retried(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.script = ["slow"]
    emb = client(url, timeout=0.2)
    got = emb.embed(["patience"])
    np.testing.assert_allclose(got[0], vector_for("patience"), rtol=1e-6)
    assert emb.retries >= 1  # the slow reply (0.6 s) always times out; a busy machine may add more


def test_unreachable_server_fails_with_a_clear_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    emb = client(f"http://127.0.0.1:{port}/v1", max_retries=2)
    with pytest.raises(EmbeddingAPIError) as info:
        emb.embed(["x"])
    assert info.value.status_code is None and info.value.attempts == 3
    assert "unreachable" in str(info.value)


def test_bad_replies_are_refused(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.script = ["short"]
    with pytest.raises(DimensionMismatchError):
        client(url).embed(["a", "b"])
    state.dim = DIM + 1
    with pytest.raises(DimensionMismatchError):
        client(url).embed(["a"])
    state.dim = DIM
    state.script = ["garbage"]
    with pytest.raises(EmbeddingAPIError):
        client(url).embed(["a"])


def test_dimensions_parameter_and_fingerprint(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    emb = OpenAIEmbedder("text-embedding-3-small", base_url=url, dimensions=4, api_key="k")
    assert emb.dim == 4
    assert emb.embed(["x"]).shape == (1, 4)
    assert state.requests[0]["payload"]["dimensions"] == 4
    assert emb.fingerprint == "openai/text-embedding-3-small@api;dim=4;dimensions=4;l2norm=0"
    assert OpenAIEmbedder("text-embedding-3-large", base_url=url).dim == 3072
    with pytest.raises(InvalidInputError):
        OpenAIEmbedder("unknown-model", base_url=url)
    normalized = client(url, normalize=True).embed(["x", "y"])
    np.testing.assert_allclose(np.linalg.norm(normalized, axis=1), 1.0, rtol=1e-6)


def test_no_key_means_no_authorization_header(
    api: tuple[FakeAPI, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    state, url = api
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    OpenAIEmbedder("m", base_url=url, dim=DIM).embed(["x"])
    assert state.requests[0]["auth"] is None


def test_behind_the_cache_each_text_is_requested_once(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    cached = CachedEmbedder(client(url), EmbeddingCache())
    assert cached.namespace == "openai.test-model.dense"
    cached.embed(["a", "b", "a"])
    cached.embed(["b", "c"])
    sent = [t for r in state.requests for t in r["payload"]["input"]]
    assert sorted(sent) == ["a", "b", "c"]


def test_async_embedder_retries_and_caches(api: tuple[FakeAPI, str]) -> None:
    state, url = api
    state.script = ["429", "500"]

    async def main() -> np.ndarray:
        emb = AsyncOpenAIEmbedder("test-model", base_url=url, dim=DIM, backoff_base=0.001, seed=2)
        cached = AsyncCachedEmbedder(emb, EmbeddingCache())
        try:
            first = await cached.embed(["one", "two"])
            await cached.embed(["one", "two"])
        finally:
            await emb.aclose()
        return np.asarray(first)

    got = asyncio.run(main())
    np.testing.assert_allclose(got[1], vector_for("two"), rtol=1e-6)
    assert len(state.requests) == 3  # two failures, one success, then cache hits


def test_backoff_grows_and_honours_retry_after() -> None:
    emb = OpenAIEmbedder(
        "m",
        base_url="http://127.0.0.1:9/v1",
        dim=2,
        backoff_base=1.0,
        backoff_max=8.0,
        max_retry_after=30.0,
        seed=3,
    )
    caps = [min(8.0, 2.0**a) for a in range(6)]
    for attempt, cap in enumerate(caps):
        waits = [emb.backoff(attempt) for _ in range(50)]
        assert all(0.0 <= w <= cap for w in waits)
    assert max(emb.backoff(5) for _ in range(50)) > 4.0  # full jitter reaches the cap
    assert emb.backoff(0, "2") == 2.0
    assert emb.backoff(0, "600") == 30.0
    assert 0.0 <= emb.backoff(0, "Wed, 21 Oct 2015 07:28:00 GMT") <= 1.0


def test_cli_embeds_through_an_openai_compatible_server(
    api: tuple[FakeAPI, str], tmp_path: Path
) -> None:
    state, url = api
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(3):
        (docs / f"note{i}.md").write_text(f"# Note {i}\n\nSome text about topic {i}.\n", "utf-8")
    env = {
        **os.environ,
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": "sk-cli",
        "NEARCACHE_EMBEDDING_DIM": str(DIM),
    }
    env.pop("NEARCACHE_STORE", None)
    cmd = [
        sys.executable,
        "-m",
        "nearcache",
        "embed",
        str(docs),
        "--model",
        "openai:test-model",
        "--store",
        f"sqlite:///{tmp_path / 's.db'}",
        "--json",
    ]
    state.script = ["429"]
    first = json.loads(
        subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    )
    assert first["namespace"] == "openai.test-model.dense"
    assert first["embedded"] == 3
    second = json.loads(
        subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    )
    assert second["embedded"] == 0
    assert sum(len(r["payload"]["input"]) for r in state.requests) == 3 + 3  # 429, then 3
    assert all(r["auth"] == "Bearer sk-cli" for r in state.requests)
