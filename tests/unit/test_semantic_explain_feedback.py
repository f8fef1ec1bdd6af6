"""``cache.explain(stored, asked, namespace=...)`` shows what feedback asks there, so it
agrees with ``lookup``: an entry refused by feedback and a namespace threshold raised by
feedback are a ``feedback`` refusal in both."""

from __future__ import annotations

from nearcache import SemanticCache
from nearcache.clock import ManualClock
from nearcache.judge import Step, Verdict
from nearcache.semantic.types import Hit, Miss
from nearcache.stores.memory import MemoryStore
from semantic_support import TableEmbedder, angled, make_cache

STORED, ASKED = "how do I rotate the logs", "rotating log files how"  # cosine 0.985
OTHER, NEAR = "how do I prune docker images", "docker image pruning"  # cosine 0.978


def _cache() -> SemanticCache:
    table = {
        STORED: angled(0),
        ASKED: angled(10),
        OTHER: angled(90, axis=2),
        NEAR: angled(78, axis=2),
    }
    cache = make_cache(MemoryStore(), TableEmbedder(table=table), ManualClock(1.0))
    cache.put(STORED, "logrotate")
    cache.put(OTHER, "docker image prune")
    return cache


def _feedback_step(verdict: Verdict) -> Step:
    steps = [s for s in verdict.steps if s.name == "feedback"]
    assert len(steps) == 1
    return steps[0]


def _refused_by_feedback(cache: SemanticCache, stored: str, asked: str) -> str:
    """Lookup and explain-in-a-namespace agree that feedback refuses the pair (explain of
    the texts alone still accepts it); the feedback step's detail."""
    miss = cache.lookup(asked)
    assert isinstance(miss, Miss) and miss.reason == "feedback"
    verdict = cache.explain(stored, asked, namespace="default")
    assert not verdict.accept and verdict.reason == "feedback"
    step = _feedback_step(verdict)
    assert step.outcome == "reject"
    assert cache.explain(stored, asked).accept  # the texts alone: the judge's verdict
    return step.detail


def test_explain_in_a_namespace_shows_an_entry_refused_by_feedback() -> None:
    cache = _cache()
    before = cache.explain(STORED, ASKED, namespace="default")
    assert before.accept and _feedback_step(before).outcome == "neutral"
    hit = cache.get(ASKED)
    assert isinstance(hit, Hit) and hit.layer == "semantic"
    cache.feedback(hit, correct=False)
    assert "entry floor 0.985" in _refused_by_feedback(cache, STORED, ASKED)
    # Another namespace holds no such entry and no raised threshold.
    elsewhere = cache.explain(STORED, ASKED, namespace="other")
    assert elsewhere.accept and "not stored" in _feedback_step(elsewhere).detail


def test_explain_in_a_namespace_shows_its_threshold_raised_by_feedback() -> None:
    cache = _cache()
    hit = cache.get(ASKED)
    for _ in range(30):  # enough wrong reports to prove the namespace's rate is too high
        cache.feedback(hit, correct=False)
    # OTHER's entry was never reported, but NEAR scores under the raised threshold.
    detail = _refused_by_feedback(cache, OTHER, NEAR)
    assert "namespace threshold 0.985" in detail and "no entry floor" in detail
