"""Retry policies (``nearcache.retry``) and the places that take them: the circuit
breaker, the OpenAI-compatible embedder and the cached embedder's wait for a lease."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from helpers import HashEmbedder
from nearcache import CachedEmbedder, EmbeddingCache, ManualClock
from nearcache.codecs import KIND_LEASE, pack_record
from nearcache.errors import InvalidInputError, InvalidTypeError, StoreUnavailableError
from nearcache.retry import ConstantBackoff, ExponentialBackoff, NoBackoff, Retry
from nearcache.stores.breaker import CircuitBreaker
from nearcache.stores.protocol import Item


def test_exponential_backoff_doubles_to_its_cap_with_or_without_jitter() -> None:
    plain = ExponentialBackoff(0.1, 1.0, jitter="none")
    assert [plain.delay(n) for n in range(6)] == [0.1, 0.2, 0.4, 0.8, 1.0, 1.0]
    assert plain.delay(10_000) == 1.0  # no overflow on long outages
    jittered = ExponentialBackoff(0.1, 1.0, seed=7)
    draws = [jittered.delay(3) for _ in range(200)]
    assert all(0.0 <= d <= 0.8 for d in draws) and max(draws) > 0.6
    again = ExponentialBackoff(0.1, 1.0, seed=7)
    assert [again.delay(3) for _ in range(200)] == draws  # seeded: reproducible
    assert ConstantBackoff(0.3).delay(9) == 0.3 and NoBackoff().delay(5) == 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda: ExponentialBackoff(1.0, 0.5),
        lambda: ExponentialBackoff(-1.0, 1.0),
        lambda: ExponentialBackoff(0.1, 1.0, jitter="some"),  # type: ignore[arg-type]
        lambda: ConstantBackoff(-1),
        lambda: Retry(NoBackoff(), 0),
        lambda: Retry(NoBackoff(), True),  # type: ignore[arg-type]
        lambda: Retry(0.5, 3),  # type: ignore[arg-type]
    ],
)
def test_bad_policies_are_refused(make: object) -> None:
    with pytest.raises(InvalidInputError):
        make()  # type: ignore[operator]


def test_retry_lists_its_waits_and_retries_only_what_it_should() -> None:
    retry = Retry(ExponentialBackoff(0.01, 0.04, jitter="none"), 4, retry_on=(OSError,))
    assert list(retry.delays()) == [0.01, 0.02, 0.04] and retry.retries == 3
    calls: list[int] = []
    slept: list[float] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise OSError("reset")
        return "ok"

    assert retry.call(flaky, sleep=slept.append) == "ok"
    assert len(calls) == 3 and slept == [0.01, 0.02]
    with pytest.raises(OSError):  # out of attempts: the last error propagates
        retry.call(lambda: (_ for _ in ()).throw(OSError("down")), sleep=slept.append)
    with pytest.raises(KeyError):  # not retryable: at once
        retry.call(lambda: {}["k"], sleep=lambda s: pytest.fail("slept"))


def test_breaker_waits_between_probes_follow_its_backoff() -> None:
    clock = ManualClock(0.0)
    breaker = CircuitBreaker("t", clock=clock, backoff=ConstantBackoff(2.0))

    def down() -> None:
        raise OSError("refused")

    def is_outage(exc: BaseException) -> bool:
        return isinstance(exc, OSError)

    with pytest.raises(OSError):
        breaker.call(down, is_outage=is_outage)
    assert breaker.state == "open"
    clock.advance(1.9)
    with pytest.raises(StoreUnavailableError):  # still inside the backoff: no call
        breaker.call(down, is_outage=is_outage)
    clock.advance(0.2)
    assert breaker.call(lambda: 42, is_outage=is_outage) == 42  # the probe closes it
    assert breaker.state == "closed"


def test_openai_embedder_takes_a_retry_object() -> None:
    pytest.importorskip("httpx")
    from nearcache.embedders.openai import OpenAIEmbedder

    policy = Retry(ConstantBackoff(0.25), 3)
    emb = OpenAIEmbedder("m", base_url="http://127.0.0.1:9/v1", dim=2, retry=policy)
    assert emb.retry is policy and emb.max_retries == 2
    assert emb.backoff(0) == 0.25 and emb.backoff(1, "7") == 7.0
    with pytest.raises(InvalidTypeError):
        OpenAIEmbedder("m", dim=2, retry=3)  # type: ignore[arg-type]


def test_waiting_for_a_lease_ends_on_the_caches_clock(tmp_path: Path) -> None:
    """Another process holds a lease on the text: the follower polls (with its ``poll``
    backoff) until ``wait_timeout`` passes on the cache's clock, then embeds itself."""
    clock = ManualClock(1_000.0)
    cache = EmbeddingCache(path=str(tmp_path / "c.db"), clock=clock)
    emb = HashEmbedder()
    cached = CachedEmbedder(emb, cache, wait_timeout=60.0, poll=ConstantBackoff(0.01))
    key = cache.key_for("busy text")
    lease = pack_record(KIND_LEASE, cached.namespace, key, b"someone else")
    cache.store.add_many("lease", cached.namespace, [Item(key, lease, clock() + 3600)], now=clock())
    done = threading.Event()
    worker = threading.Thread(target=lambda: (cached.embed(["busy text"]), done.set()))
    worker.start()
    time.sleep(0.3)
    assert not done.is_set() and emb.calls == []  # still waiting for the other leader
    clock.advance(61.0)  # past wait_timeout on the cache's clock (lease still live)
    assert done.wait(10), "the follower never gave up waiting"
    worker.join()
    assert emb.seen == ["busy text"]
    cache.close()
