"""Server outages, measured: reads during the outage, time to recover, acked writes lost.

For Redis (durable: ``appendfsync always``) and PostgreSQL, each trial runs a writer
thread (``put_many`` of 16 vectors, recording every acknowledged batch) and a reader
thread (``get_many`` of 16 cached texts) through one ``EmbeddingCache`` client, kills the
server (SIGKILL / ``pg_ctl stop -m immediate``), keeps it down for ``--down`` seconds,
restarts it on the same port and waits until the *same* client object answers again.
Reported per store: read latency p50/p99/max while the server is down (the circuit
breaker should make these fast misses), seconds from the restart to the first successful
read, and acknowledged batches missing afterwards (must be 0).

    python benchmarks/outage.py              # 10 trials per store
    python benchmarks/outage.py --quick      # 3 trials
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from nearcache import EmbeddingCache
from nearcache.stores.url import open_store

NS = "outage.fake.dense"
DIM = 64


def vec(text: str) -> np.ndarray:
    return np.random.default_rng(abs(hash(text)) % 2**32).standard_normal(DIM).astype(np.float32)


def trial(server: Any, url: str, down: float, seed: int) -> dict[str, Any]:
    cache = EmbeddingCache(
        open_store(url, socket_timeout=1.0) if url.startswith("redis") else open_store(url)
    )
    base = [f"base {seed} {i}" for i in range(64)]
    cache.put_many(base, np.stack([vec(t) for t in base]), NS)
    acked: list[list[str]] = []
    outage_reads: list[float] = []
    state = {"down": False, "stop": False}

    def writer() -> None:
        b = 0
        while not state["stop"]:
            texts = [f"w {seed} {b} {i}" for i in range(16)]
            try:
                cache.put_many(texts, np.stack([vec(t) for t in texts]), NS)
                acked.append(texts)
            except Exception:
                time.sleep(0.01)
            b += 1

    def reader() -> None:
        while not state["stop"]:
            began_down = state["down"]
            t = time.perf_counter()
            cache.get_many(base[:16], NS)  # never raises: an outage reads as misses
            took = time.perf_counter() - t
            if began_down or state["down"]:  # a read that overlapped the outage
                outage_reads.append(took)
            time.sleep(0.002)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    state["down"] = True
    server.kill()
    time.sleep(down)
    state["down"] = False
    server.start()
    restarted = time.monotonic()
    while True:
        _, mask = cache.get_many(base[:16], NS)
        if mask.all():
            recover = time.monotonic() - restarted
            break
        if time.monotonic() - restarted > 30:
            recover = float("inf")
            break
        time.sleep(0.01)
    time.sleep(0.3)
    state["stop"] = True
    for t in threads:
        t.join(30)
    lost = 0
    for texts in acked:
        _, mask = cache.get_many(texts, NS)
        lost += int(not mask.all())
    cache.close()
    return {"reads": outage_reads, "recover": recover, "acked": len(acked), "lost": lost}


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))] if s else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--trials", type=int, default=None)
    ap.add_argument("--down", type=float, default=2.0, help="seconds the server stays down")
    args = ap.parse_args()
    trials = args.trials or (3 if args.quick else 10)
    import servers as srv

    rows = []
    for name in ("redis", "postgres"):
        server: Any = srv.RedisServer(durable=True) if name == "redis" else srv.PostgresServer()
        server.start()
        url = server.url if name == "redis" else server.dsn
        try:
            results = [trial(server, url, args.down, s) for s in range(trials)]
        finally:
            server.cleanup()
        reads = [x for r in results for x in r["reads"]]
        rec = [r["recover"] for r in results]
        rows.append(
            (
                name,
                trials,
                len(reads),
                pct(reads, 50) * 1000,
                pct(reads, 99) * 1000,
                max(reads) * 1000,
                statistics.median(rec),
                max(rec),
                sum(r["acked"] for r in results),
                sum(r["lost"] for r in results),
            )
        )
        print(f"# {name} done", file=sys.stderr)
    print(f"\nserver killed and down {args.down:.1f} s per trial; reads are 16-text get_many\n")
    print(
        "| store | trials | reads during outage | p50 ms | p99 ms | max ms "
        "| recover p50 s | recover max s | acked batches | acked lost |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r[0]} | {r[1]} | {r[2]:,} | {r[3]:.2f} | {r[4]:.2f} | {r[5]:.1f} "
            f"| {r[6]:.2f} | {r[7]:.2f} | {r[8]:,} | {r[9]} |"
        )


if __name__ == "__main__":
    main()
