"""``nearcache serve`` as a user runs it: a subprocess on a free port, one worker and two
workers sharing a SQLite store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from cli_support import passes_through_then_caches, refused_port, serve_on_free_port
from proxy_support import Upstream


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_command(upstream: Upstream, tmp_path: Path, workers: int) -> None:
    store = f"sqlite:///{tmp_path / 'serve.db'}"
    args = ["--upstream", upstream.url, "--store", store, "--model", "hash-test"]
    args += ["--workers", str(workers), "--log-level", "warning"]
    for url in serve_on_free_port(args, tmp_path):
        # Every series is described before the first request (with workers the page was
        # empty until a request touched a series).
        metrics = httpx.get(url + "/metrics").text
        assert "# TYPE nearcache_proxy_requests_total counter" in metrics, metrics
        assert "# TYPE nearcache_lookups_total counter" in metrics, metrics
        c = openai.OpenAI(base_url=url + "/v1", api_key="sk-cli", max_retries=0)
        messages = [{"role": "user", "content": "Through the CLI?"}]
        c.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
        # Whichever worker answers, the entry is in the shared store.
        for _ in range(4):
            r = c.chat.completions.with_raw_response.create(model="m", messages=messages)  # type: ignore[arg-type]
            assert r.headers["x-nearcache-cache"] == "HIT-EXACT"
        metrics = httpx.get(url + "/metrics").text
        assert 'nearcache_proxy_requests_total{cache="HIT-EXACT",route="chat"} 4.0' in metrics
        types = [line for line in metrics.splitlines() if line.startswith("# TYPE")]
        assert len(types) == len(set(types)), metrics  # each series described once
    assert upstream.count("/v1/chat/completions") == 1


def test_serve_refuses_bad_settings(tmp_path: Path) -> None:
    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "nearcache", "serve", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=60,
        )

    r = run("--store", "memory://")
    assert r.returncode == 1 and "--upstream" in r.stderr and "NEARCACHE_UPSTREAM" in r.stderr
    r = run("--upstream", "http://127.0.0.1:1/v1", "--upstream-key-env", "NC_EMPTY_KEY_VAR")
    assert r.returncode == 1 and "NC_EMPTY_KEY_VAR" in r.stderr
    r = run(
        "--upstream",
        "http://127.0.0.1:1/v1",
        "--upstream-key-env",
        "NC_KEY",
        "--host",
        "0.0.0.0",
        env={"NC_KEY": "sk-x"},
    )
    assert r.returncode == 1 and "--client-keys" in r.stderr
    r = run("--upstream", "ftp://x", "--store", "memory://", "--exact-only")
    assert r.returncode == 1 and "http" in r.stderr
    # Values the proxy cannot use are refused by the option's name (0 was taken as "the
    # default" and NaN passed the check; the messages named ProxyConfig's fields alone).
    for option, value in (("--timeout", "0"), ("--timeout", "nan"), ("--ttl", "-5")):
        r = run("--upstream", "http://127.0.0.1:1/v1", "--store", "memory://", option, value)
        assert r.returncode == 1 and f"{option}: " in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert f"not {float(value)!r}" in r.stderr and " / " not in r.stderr, (
            r.stderr
        )  # "0.0 / 10.0"
    r = run("--upstream", "http://127.0.0.1:1/v1", "--store", "memory://", "--threshold", "2")
    assert r.returncode == 1 and "--threshold: " in r.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"upstreem": "x"}')
    r = run("--config", str(bad))
    assert r.returncode == 1 and "upstreem" in r.stderr


def test_serve_notes_an_upstream_without_a_path(tmp_path: Path) -> None:
    from nearcache.cli.serve import upstream_note

    # gateways and Azure serve under their own paths: any path is taken as meant
    assert upstream_note("https://api.openai.com/v1") is None
    assert upstream_note("http://gateway.local/openai/deployments/x") is None
    note = upstream_note("http://127.0.0.1:8000/")
    assert note is not None and "http://127.0.0.1:8000/v1" in note

    args = ["--upstream", "http://127.0.0.1:9", "--store", "memory://", "--exact-only"]
    for _url in serve_on_free_port(args, tmp_path):
        logs = sorted(tmp_path.glob("serve*.log"), key=lambda p: p.stat().st_mtime)
        text = logs[-1].read_text(errors="replace")
        assert "has no path" in text and "http://127.0.0.1:9/v1" in text, text


def test_serve_logs_why_the_upstream_could_not_be_reached(tmp_path: Path) -> None:
    """The caller's 502 names only the kind of error; the operator's log must say which
    upstream and why (the CLI showed the library's errors only, so this WARNING was lost)."""
    with refused_port() as port:
        upstream = f"http://127.0.0.1:{port}/v1"
        args = ["--upstream", upstream, "--store", "memory://", "--exact-only"]
        for url in serve_on_free_port(args, tmp_path):
            c = openai.OpenAI(base_url=url + "/v1", api_key="sk-cli", max_retries=0)
            with pytest.raises(openai.InternalServerError) as info:
                c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            assert info.value.status_code == 502
            logs = sorted(tmp_path.glob("serve*.log"), key=lambda p: p.stat().st_mtime)
            text = logs[-1].read_text(errors="replace")
            assert "WARNING" in text and "could not be reached" in text, text
            assert f"127.0.0.1:{port}" in text, text


@pytest.mark.redis
@pytest.mark.parametrize("workers", [1, 2])
def test_serve_starts_while_its_redis_is_down_and_caches_once_it_is_back(
    upstream: Upstream, tmp_path: Path, make_redis: Any, workers: int
) -> None:
    """A Redis server that is down when the proxy starts (a restart, a rollout) is an
    outage, not a mistake: the proxy starts, passes requests through uncached
    (``X-Nearcache-Cache: ERROR``) and caches once the server answers (SPEC 0). The
    operator's log says so, worker processes included, at ``--log-level info``."""
    server = make_redis()
    server.stop()
    args = ["--upstream", upstream.url, "--store", server.url, "--model", "hash-test"]
    args += ["--workers", str(workers)]
    for url in serve_on_free_port(args, tmp_path):
        passes_through_then_caches(url, "Is Redis back?", server.start)
        logs = sorted(tmp_path.glob("serve*.log"), key=lambda p: p.stat().st_mtime)
        text = logs[-1].read_text(errors="replace")
        assert "starting anyway" in text
        # Workers log like the parent (they printed bare messages and dropped INFO): the
        # worker that answered the first request was made while the store was down.
        assert "nearcache: WARNING nearcache.semantic: store unavailable" in text, text
        if workers == 1:
            # With two workers the one that saw the outage may serve nothing after the
            # restart (the other, or one started late, does), so its breaker need not log.
            assert "nearcache: INFO nearcache.stores.breaker:" in text, text
            assert "reachable again" in text, text


def test_serve_opens_its_store_once_before_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks before start (the store answers, then its entries' embedder) opened the
    store twice: two connections and two schema reads on a remote store."""
    from nearcache import SemanticCache
    from nearcache.cli import common
    from nearcache.cli.models import resolve_embedder
    from nearcache.cli.serve import build_config

    url = f"sqlite:///{tmp_path / 'once.db'}"
    real = common.open_cli_store
    opened: list[str | None] = []

    def counting(target: str | None, **kwargs: Any) -> Any:
        opened.append(target)
        return real(target, **kwargs)

    monkeypatch.setattr(common, "open_cli_store", counting)
    settings = {"upstream": "http://127.0.0.1:9/v1", "store": url, "model": "hash-test"}
    build_config(settings)
    assert opened == [url]
    with SemanticCache(tmp_path / "once.db", resolve_embedder("hash-test")) as cache:
        cache.put("what is a cache?", "a store of answers")  # entries whose embedder is read
    opened.clear()
    build_config(settings)
    assert opened == [url]


def test_serve_refuses_a_metrics_folder_it_cannot_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``PROMETHEUS_MULTIPROC_DIR`` that does not exist: the proxy started, then
    answered every request with a 500 (prometheus-client writes each series there)."""
    from nearcache.errors import InvalidInputError
    from nearcache.proxy.metrics import ProxyMetrics

    missing = tmp_path / "no-such-folder"
    args = ["--upstream", "http://127.0.0.1:9/v1", "--store", "memory://", "--exact-only"]
    for workers in ("1", "2"):
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "nearcache",
                "serve",
                "--port",
                "0",
                *args,
                "--workers",
                workers,
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(missing)},
            timeout=60,
        )
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr.strip().splitlines() == [
            f"nearcache: error: PROMETHEUS_MULTIPROC_DIR={missing} is not a folder this "
            "process can write: create it (empty), or unset it (nearcache serve then makes one)"
        ]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(missing))  # an app built in code
    with pytest.raises(InvalidInputError, match="PROMETHEUS_MULTIPROC_DIR"):
        ProxyMetrics()


def test_serve_says_a_taken_port_before_loading_anything(tmp_path: Path) -> None:
    # the port was checked after the store and the model: seconds of loading, then "cannot
    # listen"; here the model cannot load, and the port is what is said
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        args = ["--upstream", "http://127.0.0.1:9/v1", "--store", "memory://"]
        args += ["--model", "no-such-model", "--port", str(port)]
        r = subprocess.run(
            [sys.executable, "-m", "nearcache", "serve", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert r.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in r.stderr, r.stderr
    assert "no-such-model" not in r.stderr


def test_serve_names_the_base_url_clients_take(tmp_path: Path) -> None:
    # uvicorn's "running on http://127.0.0.1:8080" is the root; clients need .../v1
    from nearcache.cli.serve import ready_line
    from nearcache.proxy import ProxyConfig

    config = ProxyConfig(upstream="http://up/v1", store="redis://:s3cret@db:6379/0", semantic=False)
    line = ready_line(config, "0.0.0.0", 8080, None)
    assert "OPENAI_BASE_URL=http://HOST:8080/v1" in line and "s3cret" not in line, line
    assert "exact only" in line
    args = ["--upstream", "http://127.0.0.1:9/v1", "--store", "memory://", "--exact-only"]
    for url in serve_on_free_port(args, tmp_path):
        logs = sorted(tmp_path.glob("serve*.log"), key=lambda p: p.stat().st_mtime)
        text = logs[-1].read_text(errors="replace")
        assert f"clients: OPENAI_BASE_URL={url}/v1" in text, text
        assert "caching http://127.0.0.1:9/v1 in memory://, exact only" in text, text


def test_serve_on_port_0_listens_on_a_free_port_it_names(tmp_path: Path) -> None:
    """``--port 0`` passed the range check (0 to 65535) and then served 8080 (``port or
    8080``); it listens on a free port now, and the ready line names that one."""
    import re
    import time

    log_path = tmp_path / "serve0.log"
    args = ["--upstream", "http://127.0.0.1:9/v1", "--store", "memory://", "--exact-only"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nearcache", "serve", "--port", "0", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        found = None
        while found is None and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            text = log_path.read_text(errors="replace")
            found = re.search(r"OPENAI_BASE_URL=http://127\.0\.0\.1:(\d+)/v1", text)
        assert found is not None, log_path.read_text(errors="replace")
        port = int(found.group(1))
        assert port not in (0, 8080)
        while True:  # the ready line comes just before uvicorn binds
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
    finally:
        proc.terminate()
        proc.wait(60)
