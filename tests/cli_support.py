"""Running the CLI through its real entry point (``python -m nearcache``) in tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from servers import free_port


def eight_d_embedder() -> Any:
    """A constant 8-d embedder (not the 64-d ``hash-test`` model the CLI runs in tests):
    entries it writes bind a store to another embedder than the CLI's."""
    from nearcache import FunctionEmbedder

    return FunctionEmbedder(
        lambda texts: np.ones((len(texts), 8), np.float32), dim=8, name="eight", revision="1"
    )


def nc(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    model: str = "hash-test",
) -> Any:
    """Run ``nearcache ARGS`` with ``$NEARCACHE_MODEL`` = ``model`` (unless ``env`` sets it)."""
    full_env = {**os.environ, "NEARCACHE_MODEL": model, **(env or {})}
    full_env.pop("NEARCACHE_STORE", None)
    if env and "NEARCACHE_STORE" in env:
        full_env["NEARCACHE_STORE"] = env["NEARCACHE_STORE"]
    return subprocess.run(
        [sys.executable, "-m", "nearcache", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=300,
    )


@contextlib.contextmanager
def refused_port() -> Iterator[int]:
    """A 127.0.0.1 port that refuses connections while the block runs: bound, never
    listening, so no other process can take it and start answering meanwhile."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def nc_json(*args: str, **kwargs: Any) -> Any:
    proc = nc(*args, "--json", **kwargs)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def assert_one_line_error(proc: Any, *needles: str) -> None:
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("nearcache: error: "), lines[0]
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


TOPICS = {
    "eviction.md": "least recently used eviction drops the entry unused for the longest time",
    "ttl.md": "time to live makes cached entries expire after a number of seconds",
    "sharding.md": "consistent hashing spreads keys over cache servers on a ring",
    "stampede.md": "request coalescing lets one caller recompute a missing key",
    "vectors.md": "embedding vectors are stored as float32 bytes keyed by content hash",
}


def _paragraphs(topic: str, n: int) -> str:
    return "\n\n".join(
        f"Paragraph {i} of this note. {topic}. Detail number {i * 7} explains it again "
        f"in other words so the chunk has some length: {topic}."
        for i in range(n)
    )


def make_corpus(root: Path, paragraphs: int = 12) -> Path:
    """A folder of one Markdown note per topic in ``TOPICS``."""
    root.mkdir(parents=True)
    for name, topic in TOPICS.items():
        (root / name).write_text(f"# {name}\n\n{_paragraphs(topic, paragraphs)}\n", "utf-8")
    return root


def serve_on_free_port(
    args: list[str], tmp_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """``nearcache serve`` on a free port; started again on a new port when another process
    took the one ``free_port()`` gave before the server bound it. Once the loop ends, the
    server has exited (SIGTERM, then SIGKILL after 60 s)."""
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(extra_env or {})
    for attempt in range(3):
        port = free_port()
        log_path = tmp_path / f"serve{attempt}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "nearcache", "serve", "--port", str(port), *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            if _wait_until_up(proc, url, log_path):
                yield url
                return
        finally:
            proc.terminate()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    raise AssertionError("nearcache serve found no free port in 3 tries")


def _wait_until_up(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> bool:
    """True once ``/healthz`` answers; False if the server exited because its port was
    taken; an assertion error for any other exit or after 60 s."""
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            text = log_path.read_text(errors="replace")
            assert "address already in use" in text.lower(), text
            return False
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "nearcache serve did not start"
        time.sleep(0.1)


def passes_through_then_caches(url: str, question: str, start: Callable[[], None]) -> None:
    """With the proxy's store down: a request passes through uncached (``ERROR``) and
    ``/healthz`` says ``unavailable``; after ``start()`` brings the server back, the same
    request is stored (``MISS``) then served (``HIT-EXACT``) and ``/healthz`` says ``ok``
    (once the worker that answers has probed: each worker has its own breaker).
    The 60 s is a bound for the breaker's next probe, not a measurement."""
    body = {"model": "m", "messages": [{"role": "user", "content": question}]}
    first = httpx.post(url + "/v1/chat/completions", json=body, timeout=60)
    assert first.status_code == 200
    assert first.headers["x-nearcache-cache"] == "ERROR"
    assert httpx.get(url + "/healthz", timeout=10).json()["store"] == "unavailable"
    start()
    deadline = time.monotonic() + 60
    seen: list[str] = []
    while "HIT-EXACT" not in seen:
        assert time.monotonic() < deadline, seen
        got = httpx.post(url + "/v1/chat/completions", json=body, timeout=60)
        assert got.status_code == 200
        seen.append(got.headers["x-nearcache-cache"])
        time.sleep(0.1)
    # Stored once the store answered, then served. The request that stored it may have
    # said MISS, or ERROR when its lookup met the breaker still open but its write came
    # after the probe: either way nothing was served from the cache before the HIT-EXACT.
    assert set(seen[:-1]) <= {"ERROR", "MISS"}, seen
    # Each worker has its own breaker: poll until the one that answers has probed.
    while (health := httpx.get(url + "/healthz", timeout=10).json()["store"]) != "ok":
        assert time.monotonic() < deadline, health
        time.sleep(0.1)
