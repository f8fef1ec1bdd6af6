"""RELIABILITY test 9: a slow, paused or resetting network between the cache and Redis.

A small asyncio TCP relay (in a thread) sits between ``RedisStore`` and a real
redis-server. It adds latency, stops forwarding for a while, and resets connections in
the middle of replies; the test also SIGSTOPs the server. Through all of it every
completed read must return *its own* key's vector (the envelope's namespace and key are
verified on read), no call may outlive its time budget, and the same objects recover.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import os
import random
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections.abc import Iterator

import numpy as np
import pytest

from helpers import HashEmbedder
from nearcache import AsyncCachedEmbedder, CachedEmbedder, EmbeddingCache
from nearcache.stores.redis import RedisStore

pytestmark = pytest.mark.redis

NS = "proxy.test.dense"
TIMEOUT = 0.5  # the store's socket (and connect) timeout
# A call may make two round trips (metadata, records), each a connect plus a command, and a
# circuit probe first: 4 timeouts, plus scheduling slack on a loaded 2-core box. Hangs last
# longer than that, so a call that waited out a hang instead of timing out is caught.
BUDGET = 4 * TIMEOUT + 1.0
HANG = BUDGET + 1.0
TICK = 0.02  # the heartbeat's period: a longer gap means the whole process stood still


def stalled(ticks: list[float], t0: float, t1: float) -> float:
    """Seconds of ``[t0, t1]`` during which the heartbeat thread could not run.

    A garbage collection, a host that deschedules the VM, or six threads spinning on
    fail-fast misses while one waits for the GIL stop every thread alike; that time says
    nothing about the store's timeouts, so it is not charged to the call. A store call that
    waits past its timeout releases the GIL: the heartbeat goes on and the time counts.
    """
    lost = 0.0
    for a, b in itertools.pairwise(ticks):
        if b > t0 and a < t1 and b - a > 10 * TICK:
            lost += min(b, t1) - max(a, t0) - TICK
    return max(0.0, lost)


def test_stalled_counts_only_gaps_inside_the_call() -> None:
    ticks = [0.0, 0.02, 0.04, 1.04, 1.06, 3.06]  # gaps of 1.0 s and 2.0 s
    assert stalled(ticks, 0.5, 0.9) == pytest.approx(0.4 - TICK)
    assert stalled(ticks, 0.0, 5.0) == pytest.approx(3.0 - 2 * TICK)
    assert stalled(ticks, 1.04, 1.06) == 0.0  # a normal tick is no stall
    assert stalled(ticks, 3.1, 4.0) == 0.0  # after the last tick: nothing known, nothing taken


class DelayProxy:
    """Relay 127.0.0.1:<port> to a backend, with latency, pauses and resets."""

    def __init__(self, backend_port: int) -> None:
        self.backend_port = backend_port
        self.latency = 0.0
        self.paused = threading.Event()
        self.loop = asyncio.new_event_loop()
        self.writers: set[asyncio.StreamWriter] = set()
        self.port = 0
        started = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(started,), daemon=True)
        self.thread.start()
        started.wait(5)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        started.set()
        self.loop.run_forever()
        server.close()
        self.loop.run_until_complete(server.wait_closed())
        self.loop.close()

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: bool
    ) -> None:
        try:
            while data := await reader.read(65536):
                while self.paused.is_set():
                    await asyncio.sleep(0.01)
                if delay and self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.backend_port)
        except OSError:
            client_w.close()
            return
        self.writers.update((client_w, server_w))
        await asyncio.gather(
            self._pipe(client_r, server_w, False), self._pipe(server_r, client_w, True)
        )
        self.writers.difference_update((client_w, server_w))

    def reset_all(self) -> None:
        """Abort every relayed connection with a TCP RST (SO_LINGER 0)."""

        def reset() -> None:
            for w in list(self.writers):
                sock = w.get_extra_info("socket")
                if sock is not None:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                w.transport.abort()
            self.writers.clear()

        self.loop.call_soon_threadsafe(reset)

    def close(self) -> None:
        async def shutdown() -> None:
            for w in list(self.writers):
                w.transport.abort()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        self.thread.join(5)


@pytest.fixture
def proxy(redis_server) -> Iterator[DelayProxy]:  # type: ignore[no-untyped-def]
    p = DelayProxy(redis_server.port)
    yield p
    p.close()


def expected(text: str) -> np.ndarray:
    return np.random.default_rng(abs(hash(text)) % 2**32).standard_normal(16).astype(np.float32)


def filled(  # type: ignore[no-untyped-def]
    redis_server, proxy: DelayProxy, prefix: str, texts: list[str]
) -> tuple[EmbeddingCache, EmbeddingCache]:
    """``texts`` stored straight into Redis; the same data through the proxy, with short
    timeouts: ``(direct, proxied)``."""
    direct = EmbeddingCache(RedisStore(redis_server.url, prefix=prefix))
    direct.put_many(texts, np.stack([expected(t) for t in texts]), NS)
    url = f"redis://127.0.0.1:{proxy.port}/0"
    store = RedisStore(url, prefix=prefix, socket_timeout=TIMEOUT, connect_timeout=TIMEOUT)
    return direct, EmbeddingCache(store)


@dataclasses.dataclass
class Storm:
    """What reader threads saw while ``storm`` made the network hostile."""

    wrong: list[str]  # texts served another key's vector
    slow: list[float]  # seconds of calls past the budget, process stalls not counted
    stuck: list[str]  # where those calls were waiting
    served: int


def storm(  # type: ignore[no-untyped-def]
    proxy: DelayProxy,
    redis_server,
    cache: EmbeddingCache,
    texts: list[str],
    sizes: tuple[int, int],
    *,
    readers: int,
    steps: int,
    latency: tuple[float, float],
    calm: float,
    gap: float,
    warmup: float = 0.0,
) -> Storm:
    """``readers`` threads read random batches of ``sizes`` texts through the proxy while
    it adds latency and resets connections (``steps`` rounds of ``calm`` then ``gap``
    seconds), stops forwarding, and the server freezes, after ``warmup`` seconds of a
    normal network; a heartbeat measures stalls of the whole process and a watchdog keeps
    the stack of any call past the budget."""
    stop = threading.Event()
    wrong: list[str] = []
    served = [0]
    lock = threading.Lock()
    calls: list[tuple[float, float]] = []  # (start, end) of calls past their budget
    ticks: list[float] = []
    started: dict[int, float] = {}  # thread ident -> start of its call in flight
    stuck: list[str] = []

    def reader(seed: int) -> None:
        rng = random.Random(seed)
        me = threading.get_ident()
        while not stop.is_set():
            batch = rng.sample(texts, rng.randint(*sizes))
            t0 = started[me] = time.monotonic()
            got, mask = cache.get_many(batch, NS)  # never raises: outages are misses
            took = time.monotonic() - t0
            started.pop(me, None)
            with lock:
                if took > BUDGET:
                    calls.append((t0, t0 + took))
                for text, vec, ok in zip(batch, got, mask):  # type: ignore[arg-type]
                    if ok:
                        served[0] += 1
                        if not np.array_equal(vec, expected(text)):
                            wrong.append(text)

    def watchdog() -> None:
        # A call past its budget is a failure; its stack says which wait ignored a timeout.
        seen: set[tuple[int, float]] = set()
        while not stop.wait(0.25):
            frames = sys._current_frames()
            for ident, t0 in list(started.items()):
                if time.monotonic() - t0 > BUDGET and (ident, t0) not in seen and ident in frames:
                    seen.add((ident, t0))
                    stuck.append("".join(traceback.format_stack(frames[ident])[-14:]))

    def heartbeat() -> None:
        while not stop.wait(TICK):
            ticks.append(time.monotonic())

    threads = [threading.Thread(target=reader, args=(s,)) for s in range(readers)]
    threads += [threading.Thread(target=watchdog), threading.Thread(target=heartbeat)]
    for t in threads:
        t.start()
    try:
        time.sleep(warmup)
        for step in range(steps):
            proxy.latency = random.Random(step).uniform(*latency)
            time.sleep(calm)
            proxy.reset_all()  # connections die mid-reply
            time.sleep(gap)
        proxy.latency = 0.0
        proxy.paused.set()  # the network stops: replies hang past the timeout
        time.sleep(HANG)
        proxy.paused.clear()
        proxy.reset_all()
        os.kill(redis_server.proc.pid, signal.SIGSTOP)  # the server itself freezes
        time.sleep(HANG)
        os.kill(redis_server.proc.pid, signal.SIGCONT)
    finally:
        os.kill(redis_server.proc.pid, signal.SIGCONT)
        proxy.paused.clear()
        stop.set()
        for t in threads:
            t.join(10)
    slow = [round(t1 - t0 - stalled(ticks, t0, t1), 2) for t0, t1 in calls]
    return Storm(wrong, [took for took in slow if took > BUDGET], stuck, served[0])


def assert_weathered(seen: Storm) -> None:
    assert seen.wrong == [], f"{len(seen.wrong)} reads returned another key's vector"
    assert seen.slow == [], f"calls outlived their budget: {seen.slow[:5]}; waiting in:\n" + (
        "\n".join(seen.stuck[:3])
    )
    assert seen.served > 0


def test_reads_stay_correct_and_bounded_through_a_hostile_network(  # type: ignore[no-untyped-def]
    redis_server, proxy, caplog
) -> None:
    # Thousands of reads become logged misses here. pytest keeps every captured record,
    # and each holds the store error with its traceback: the growing heap made GC pauses
    # of 2-3 s that pushed calls past the budget. Warnings are not what this test checks.
    caplog.set_level(logging.ERROR, logger="nearcache")
    texts = [f"doc {i}" for i in range(300)]
    direct, proxied = filled(redis_server, proxy, "proxy9", texts)
    seen = storm(
        proxy,
        redis_server,
        proxied,
        texts,
        (1, 20),
        readers=6,
        steps=6,
        latency=(0.05, 0.4),
        calm=0.6,
        gap=0.3,
    )
    assert_weathered(seen)
    # The same objects recover by themselves once the network behaves.
    deadline = time.monotonic() + 10
    while True:
        got, mask = proxied.get_many(texts[:50], NS)
        if mask.all():
            break
        assert time.monotonic() < deadline, "the cache did not recover"
        time.sleep(0.1)
    assert np.array_equal(got, np.stack([expected(t) for t in texts[:50]]))
    assert proxied.stats(NS).errors > 0  # the outages were counted
    assert direct.check() == []


async def test_cancelled_async_callers_never_get_crossed_answers(redis_server, proxy) -> None:  # type: ignore[no-untyped-def]
    """Random cancellations while the proxy delays replies (the CVE-2023-28858 scenario)."""
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0", prefix="proxy9b", socket_timeout=2.0)
    emb = HashEmbedder(dim=16)
    cached = AsyncCachedEmbedder(emb, EmbeddingCache(store), cross_process=False)
    reference = CachedEmbedder(HashEmbedder(dim=16), EmbeddingCache()).embed
    texts = [f"question {i}" for i in range(200)]
    proxy.latency = 0.02
    rng = random.Random(7)

    async def one(text: str) -> tuple[str, np.ndarray | None]:
        try:
            out = await asyncio.wait_for(cached.embed([text]), rng.uniform(0.001, 0.2))
            return text, out[0]
        except asyncio.TimeoutError:
            return text, None

    for _ in range(3):
        results = await asyncio.gather(*(one(t) for t in rng.sample(texts, 100)))
        for text, vec in results:
            if vec is not None:
                assert np.allclose(vec, reference([text])[0]), text
    proxy.latency = 0.0
    final = await cached.embed(texts)
    assert np.allclose(final, reference(texts))
    # A cancelled caller's step may still be running in its worker thread; its flow is
    # closed (and its claims released) as soon as that step ends — never left behind.
    deadline = time.monotonic() + 10
    while len(cached.cache.flights) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert len(cached.cache.flights) == 0
    assert cached.cache.check() == []


def test_reads_in_parts_stay_correct_through_resets_and_pauses(  # type: ignore[no-untyped-def]
    redis_server, proxy, caplog
) -> None:
    """Batches of two parts or more (``RedisStore.get_many_parts``: part 2 is sent before
    part 1's reply is read) through latency, resets mid-reply, a paused network and a
    frozen server: every served vector is its own text's, no call outlives its budget,
    and no connection goes back to the pool with a reply left unread (a later read would
    take it for its own)."""
    from nearcache.embedding.reads import PART

    caplog.set_level(logging.ERROR, logger="nearcache")
    texts = [f"part doc {i}" for i in range(3 * PART)]
    direct, proxied = filled(redis_server, proxy, "proxy9c", texts)
    seen = storm(
        proxy,
        redis_server,
        proxied,
        texts,
        (2 * PART, 3 * PART),
        readers=3,
        steps=4,
        latency=(0.01, 0.1),
        calm=0.5,
        gap=0.2,
        warmup=1.0,  # a batch of 1,000+ keys rarely completes inside the storm's calm spells
    )
    assert_weathered(seen)
    deadline = time.monotonic() + 10
    while True:
        got, mask = proxied.get_many(texts, NS)
        if mask.all():
            break
        assert time.monotonic() < deadline, "the cache did not recover"
        time.sleep(0.1)
    assert np.array_equal(got, np.stack([expected(t) for t in texts]))
    assert direct.check() == []
