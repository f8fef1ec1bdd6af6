"""The caching proxy, measured: hit latency and throughput, added miss latency, peers.

Everything runs on this machine over loopback, each server in its own process:

* the OpenAI-compatible stub upstream of the test suite (``tests/proxy_support.py``),
  served by uvicorn;
* ``nearcache serve`` in front of it (SQLite or Redis store, 1 or 2 workers);
* LiteLLM's proxy with its in-memory response cache in front of the same stub, when
  ``litellm`` can be run (``--litellm PATH`` to its executable; default: on PATH).

The load comes from a small asyncio client that keeps one HTTP/1.1 keep-alive connection
per simulated client and sends pre-built requests (so the load generator costs little of
the two cores). Reported per scenario: requests/s, and latency p50/p99 (ms), both with
one sequential client (the latency a single caller sees) and with 32 concurrent clients.

    python benchmarks/proxy.py            # 6 s per scenario
    python benchmarks/proxy.py --quick    # 2 s per scenario, no Redis, no peer
    python benchmarks/proxy.py --miss-rounds 6 --seconds 3   # only the added miss latency
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(port: int, path: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {timeout} s")


@contextlib.contextmanager
def process(
    argv: list[str], port: int, health: str, env: dict[str, str] | None = None
) -> Iterator[int]:
    log = tempfile.NamedTemporaryFile(prefix="nearcache-bench-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
    )
    try:
        wait_http(port, health)
        yield port
    except RuntimeError:
        print(Path(log.name).read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def upstream() -> contextlib.AbstractContextManager[int]:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        "proxy_support:bench_upstream",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    env = {"PYTHONPATH": str(ROOT / "tests")}
    return process(argv, port, "/v1/models", env)


def nearcache_proxy(
    up: int, store: str, workers: int, semantic: bool
) -> contextlib.AbstractContextManager[int]:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "nearcache",
        "serve",
        "--upstream",
        f"http://127.0.0.1:{up}/v1",
        "--store",
        store,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    argv += ["--model", "hash-test"] if semantic else ["--exact-only"]
    return process(argv, port, "/healthz")


def litellm_proxy(exe: str, up: int, tmp: Path) -> contextlib.AbstractContextManager[int]:
    port = free_port()
    cfg = tmp / "litellm.yaml"
    cfg.write_text(
        "model_list:\n  - model_name: gpt-test\n    litellm_params:\n      model: openai/gpt-test\n"
        f"      api_base: http://127.0.0.1:{up}/v1\n      api_key: sk-bench\n"
        "litellm_settings:\n  cache: true\n  cache_params:\n    type: local\n"
    )
    env = {
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_TELEMETRY": "False",
        "LITELLM_LOG": "ERROR",
        # No master key: the benchmark talks to it over loopback only.
        "LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY": "true",
    }
    return process(
        [exe, "--config", str(cfg), "--port", str(port)], port, "/health/liveliness", env
    )


# -- load -------------------------------------------------------------------------------


def chat_request(port: int, text: str) -> bytes:
    body = json.dumps(
        {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}
    ).encode()
    head = (
        f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\nAuthorization: Bearer sk-bench\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, headers


async def load(port: int, clients: int, seconds: float, make: Any) -> dict[str, Any]:
    """``clients`` keep-alive connections sending ``make(i)`` requests for ``seconds``."""
    latencies: list[float] = []
    caches: dict[str, int] = {}
    errors = 0
    stop = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def one() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < stop:
            req = make(next(counter))
            t0 = time.perf_counter()
            writer.write(req)
            status, headers = await read_response(reader)
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors += 1
            tag = headers.get("x-nearcache-cache") or (
                "litellm-cache-hit" if headers.get("x-litellm-cache-key") else "-"
            )
            caches[tag] = caches.get(tag, 0) + 1
        writer.close()

    summary = await run_clients(one, clients, latencies)
    return {**summary, "errors": errors, "cache": caches}


def random_words() -> str:
    return " ".join(uuid.uuid4().hex[j : j + 4] for j in range(0, 32, 4))


async def run_clients(one: Any, clients: int, lat: list[float]) -> dict[str, Any]:
    """Run ``clients`` copies of ``one`` (each appends its latencies to ``lat``); summarize."""
    started = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    lat.sort()
    return {
        "clients": clients,
        "requests": len(lat),
        "rps": round(len(lat) / elapsed, 1),
        "p50_ms": round(1000 * lat[len(lat) // 2], 3),
        "p99_ms": round(1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))], 3),
        "mean_ms": round(1000 * statistics.fmean(lat), 3),
        "errors": 0,
        "cache": {},
    }


async def httpx_load(
    port: int, clients: int, seconds: float, unique: bool = False
) -> dict[str, Any]:
    """httpx (one pooled AsyncClient, as the proxy and the openai client use it): against
    the stub it shows how much of a miss is the HTTP client itself; with ``unique`` it is
    what an application using the openai client sees, direct or through the proxy."""
    import httpx

    def body() -> bytes:
        text = random_words() if unique else "hi"
        return json.dumps(
            {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}
        ).encode()

    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    lat: list[float] = []
    stop = time.perf_counter() + seconds
    async with httpx.AsyncClient(
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=200)
    ) as c:

        async def one() -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                await c.post(url, content=body(), headers={"content-type": "application/json"})
                lat.append(time.perf_counter() - t0)

        return await run_clients(one, clients, lat)


async def aiohttp_load(port: int, clients: int, seconds: float) -> dict[str, Any]:
    """aiohttp (one ClientSession, as the proxy's upstream client since it replaced httpx)
    against the stub: how much of a miss is the proxy's own HTTP client."""
    import aiohttp

    body = json.dumps(
        {"model": "gpt-test", "messages": [{"role": "user", "content": "hi"}]}
    ).encode()
    url = f"http://127.0.0.1:{port}/v1/chat/completions"
    lat: list[float] = []
    stop = time.perf_counter() + seconds
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200)) as c:

        async def one() -> None:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                async with c.post(
                    url, data=body, headers={"content-type": "application/json"}
                ) as r:
                    await r.read()
                lat.append(time.perf_counter() - t0)

        return await run_clients(one, clients, lat)


def client_row(name: str, port: int, seconds: float, run: Any) -> dict[str, Any]:
    """A client library alone against the stub: one sequential caller, then 32."""
    row: dict[str, Any] = {"name": name}
    row["seq"] = asyncio.run(run(port, 1, seconds / 2))
    row["c32"] = asyncio.run(run(port, 32, seconds))
    print(
        f"{name:<42} 1 client: p50 {row['seq']['p50_ms']:7.3f} ms p99 {row['seq']['p99_ms']:7.3f} ms | 32 clients: "
        f"{row['c32']['rps']:8.1f} req/s p50 {row['c32']['p50_ms']:7.2f} ms",
        flush=True,
    )
    return row


def seq_row(name: str, port: int, seconds: float, results: list[dict[str, Any]]) -> None:
    """One sequential httpx caller sending unique requests (latency only)."""
    row = asyncio.run(httpx_load(port, 1, seconds / 2, unique=True))
    print(
        f"{name:<42} 1 client: p50 {row['p50_ms']:7.3f} ms p99 {row['p99_ms']:7.3f} ms", flush=True
    )
    results.append({"name": name, "seq": row})


def measure(name: str, port: int, make: Any, seconds: float, warm: Any = None) -> dict[str, Any]:
    if warm is not None:
        asyncio.run(load(port, 1, 0.01, warm))
    out = {"name": name}
    out["seq"] = asyncio.run(load(port, 1, seconds / 2, make))
    out["c32"] = asyncio.run(load(port, 32, seconds, make))
    s, c = out["seq"], out["c32"]
    print(
        f"{name:<42} 1 client: p50 {s['p50_ms']:7.3f} ms p99 {s['p99_ms']:7.3f} ms | "
        f"32 clients: {c['rps']:8.1f} req/s p50 {c['p50_ms']:7.2f} ms p99 {c['p99_ms']:7.2f} ms "
        f"| {c['cache']} errors {c['errors'] + s['errors']}",
        flush=True,
    )
    return out


def miss_rounds(rounds: int, seconds: float, tmp: Path) -> None:
    """Alternate direct and proxied sequential misses (fresh random words), with the
    minimal client and with httpx, so both see the same machine load; print the median
    of the per-round p50s and the added latency."""
    p50: dict[str, list[float]] = {}
    with upstream() as up, nearcache_proxy(up, f"sqlite:///{tmp / 'm.db'}", 1, semantic=True) as p:
        for _ in range(rounds):
            for name, port in (("direct", up), ("proxy", p)):
                raw = asyncio.run(
                    load(port, 1, seconds / 2, lambda i: chat_request(0, random_words()))
                )
                p50.setdefault(f"minimal client, {name}", []).append(raw["p50_ms"])
                hx = asyncio.run(httpx_load(port, 1, seconds / 2, unique=True))
                p50.setdefault(f"httpx client, {name}", []).append(hx["p50_ms"])
    med = {k: statistics.median(v) for k, v in p50.items()}
    for k, v in p50.items():
        print(f"{k:<28} median p50 {med[k]:7.3f} ms  (rounds: {', '.join(f'{x:.2f}' for x in v)})")
    for client in ("minimal client", "httpx client"):
        print(
            f"a miss through nearcache adds {med[client + ', proxy'] - med[client + ', direct']:+.3f} ms p50 "
            f"({client}, SQLite, 1 worker, semantic layer on)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 s per scenario, SQLite only, no peer")
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--litellm", default=shutil.which("litellm"), help="LiteLLM proxy executable")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--no-litellm", action="store_true", help="skip the LiteLLM row")
    ap.add_argument(
        "--miss-rounds",
        type=int,
        default=0,
        help="only the added miss latency: N alternating rounds, direct vs proxy",
    )
    args = ap.parse_args()
    seconds = args.seconds or (2.0 if args.quick else 6.0)
    tmp = Path(tempfile.mkdtemp(prefix="nearcache-proxy-bench-"))
    if args.miss_rounds:
        miss_rounds(args.miss_rounds, seconds, tmp)
        return
    results: list[dict[str, Any]] = []
    with upstream() as up:
        hit = chat_request(0, "What is the capital of France?")

        def unique(prefix: str) -> Any:
            # Fresh random words every time: no exact and no semantic hit is possible.
            return lambda i: chat_request(0, prefix + " " + random_words())

        results.append(measure("direct to the stub upstream", up, lambda i: hit, seconds))
        results.append(measure("direct, unique requests", up, unique("direct"), seconds))
        results.append(client_row("httpx client alone to the stub", up, seconds, httpx_load))
        results.append(client_row("aiohttp client alone to the stub", up, seconds, aiohttp_load))
        seq_row("httpx caller, direct to the stub, unique", up, seconds, results)
        stores = [("sqlite", f"sqlite:///{tmp / 'p.db'}")]
        redis = None if args.quick else shutil.which("redis-server")
        with contextlib.ExitStack() as stack:
            if redis:
                rport = free_port()
                rproc = subprocess.Popen(
                    [redis, "--port", str(rport), "--save", "", "--appendonly", "no"],
                    stdout=subprocess.DEVNULL,
                )
                stack.callback(rproc.wait)
                stack.callback(rproc.terminate)
                time.sleep(0.5)
                stores.append(("redis", f"redis://127.0.0.1:{rport}/0"))
            for store_name, store in stores:
                for workers in (1, 2):
                    if store_name == "redis" and workers == 1:
                        continue
                    with nearcache_proxy(up, store, workers, semantic=True) as p:
                        label = f"nearcache {store_name} w{workers}"
                        results.append(
                            measure(f"{label} hit", p, lambda i: hit, seconds, warm=lambda i: hit)
                        )
                        results.append(
                            measure(f"{label} miss (semantic)", p, unique("sem"), seconds)
                        )
                        seq_row(f"httpx caller, {label} miss (semantic)", p, seconds, results)
                    if store_name == "sqlite" and workers == 1:
                        with nearcache_proxy(up, store + "-exact", 1, semantic=False) as p:
                            results.append(
                                measure(
                                    "nearcache sqlite w1 miss (exact-only)",
                                    p,
                                    unique("ex"),
                                    seconds,
                                )
                            )
            if args.litellm and not args.quick and not args.no_litellm:
                try:
                    with litellm_proxy(args.litellm, up, tmp) as p:
                        results.append(
                            measure(
                                "LiteLLM proxy, local cache, hit",
                                p,
                                lambda i: hit,
                                seconds,
                                warm=lambda i: hit,
                            )
                        )
                        results.append(measure("LiteLLM proxy, miss", p, unique("ll"), seconds))
                except RuntimeError as exc:
                    print(f"LiteLLM proxy did not start: {exc}")
            elif not args.quick and not args.no_litellm:
                print("LiteLLM is not installed: no peer row (pip install 'litellm[proxy]')")
    by = {r["name"]: r for r in results}
    base = by["direct to the stub upstream"]
    print("\nratios (32 clients):")
    for r in results:
        if "c32" in r:
            print(
                f"  {r['name']:<42} {r['c32']['rps'] / base['c32']['rps']:5.2f}x direct throughput"
            )
    d_seq = by["direct, unique requests"]["seq"]["p50_ms"]
    h_seq = by["httpx caller, direct to the stub, unique"]["seq"]["p50_ms"]
    for r in results:
        if "miss" in r["name"]:
            ref = h_seq if r["name"].startswith("httpx caller") else d_seq
            print(
                f"  {r['name']:<42} adds {r['seq']['p50_ms'] - ref:+.3f} ms p50 over a direct call by the same client"
            )
    ll = by.get("LiteLLM proxy, local cache, hit")
    if ll:
        best = max(
            (
                r
                for r in results
                if r["name"].endswith(" hit") and r["name"].startswith("nearcache") and "c32" in r
            ),
            key=lambda r: r["c32"]["rps"],
        )
        print(
            f"  best nearcache hit throughput / LiteLLM hit throughput: {best['c32']['rps'] / ll['c32']['rps']:.2f}x"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
