"""The judge inside the semantic cache (issue 9): every semantic candidate passes it,
a refusal is a miss with the judge's reason, feedback tightens thresholds.

Toy embedders put look-alikes at a chosen angle, so the cosine is whatever the test needs
and the judge's own decision is what is being tested.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from nearcache import (
    AsyncSemanticCache,
    InvalidInputError,
    InvalidTypeError,
    ManualClock,
    Miss,
    SemanticCache,
    SQLiteStore,
)
from nearcache.judge import DefaultJudge, Verdict
from nearcache.semantic.types import Hit, MetricEvent
from semantic_support import TableEmbedder, angled

DIM = 16
F2C = "How do I convert Fahrenheit to Celsius?"
C2F = "How do I convert Celsius to Fahrenheit?"
WW1 = "When did World War I end?"
WW2 = "When did World War II end?"


class ScoreJudge:
    """Accepts everything at a score equal to the similarity; counts its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        self.calls.append((query, candidate_query, similarity))
        return Verdict(True, similarity, None)


class RefuseJudge:
    """Refuses every candidate with a fixed reason."""

    def __init__(self, reason: str = "guard:custom") -> None:
        self.reason = reason

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        return Verdict(False, 0.0, self.reason)


class BrokenJudge:
    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        raise RuntimeError("boom")


def table(**extra: Any) -> dict[str, Any]:
    base = {F2C: angled(0), C2F: angled(3), WW1: angled(0, axis=2), WW2: angled(20, axis=2)}
    base.update(extra)
    return base


def cache_with(judge: Any = "default", **kw: Any) -> SemanticCache:
    return SemanticCache(embedder=TableEmbedder(DIM, table()), judge=judge, **kw)


def test_the_default_judge_refuses_a_direction_swap_that_cosine_would_serve() -> None:
    events: list[MetricEvent] = []
    cache = cache_with(metrics_hook=events.append)
    assert isinstance(cache.judge, DefaultJudge)
    assert cache.similarity_threshold == DefaultJudge.floor  # the judge's measured floor
    cache.put(F2C, "subtract 32, multiply by 5/9")
    miss = cache.lookup(C2F)  # cosine 0.9986: served by cosine alone
    assert isinstance(miss, Miss) and miss.reason == "guard:direction"
    assert miss.similarity is not None and miss.similarity > 0.99
    assert cache.stats().miss_reasons == {"guard:direction": 1}
    assert [e.reason for e in events if e.kind == "miss"] == ["guard:direction"]
    cosine_only = cache_with(judge=None)
    cosine_only.put(F2C, "subtract 32, multiply by 5/9")
    assert cosine_only.get(C2F) is not None  # the wrong answer the judge prevents
    cache.close()
    cosine_only.close()


def test_the_default_judge_refuses_a_different_number() -> None:
    cache = cache_with(similarity_threshold=0.5)
    cache.put(WW1, "1918")
    miss = cache.lookup(WW2)
    assert isinstance(miss, Miss) and miss.reason == "guard:numbers"
    cache.close()


def test_the_exact_layer_is_not_judged() -> None:
    cache = cache_with(judge=RefuseJudge())
    cache.put(F2C, "answer")
    hit = cache.get("how do I convert  Fahrenheit to Celsius?".replace("how", "How"))
    assert hit is not None and hit.layer == "exact"
    miss = cache.lookup(C2F)
    assert isinstance(miss, Miss) and miss.reason == "guard:custom"
    cache.close()


def test_a_custom_judge_sees_each_candidate_and_its_score_is_the_confidence() -> None:
    judge = ScoreJudge()
    cache = cache_with(judge=judge, similarity_threshold=0.9)
    assert cache.similarity_threshold == 0.9
    cache.put(F2C, "a")
    hit = cache.get(C2F)
    assert hit is not None and hit.layer == "semantic"
    assert judge.calls == [(C2F, F2C, pytest.approx(hit.similarity))]
    assert hit.confidence == pytest.approx(hit.similarity)
    cache.close()


def test_a_judge_that_raises_fails_closed_and_is_counted() -> None:
    events: list[MetricEvent] = []
    cache = cache_with(judge=BrokenJudge(), metrics_hook=events.append)
    cache.put(F2C, "a")
    miss = cache.lookup(C2F)
    assert isinstance(miss, Miss) and miss.reason == "judge_error"
    assert cache.stats().errors == 1
    assert ("error", "judge") in [(e.kind, e.reason) for e in events]
    cache.close()


def test_a_judge_returning_something_else_fails_closed() -> None:
    class Sloppy:
        def judge(self, query: str, candidate_query: str, similarity: float) -> Any:
            return True

    cache = cache_with(judge=Sloppy())
    cache.put(F2C, "a")
    assert cache.lookup(C2F).reason == "judge_error"  # type: ignore[union-attr]
    cache.close()


def test_the_closest_refused_candidate_names_the_miss() -> None:
    emb = TableEmbedder(DIM, {"a": angled(0), "b": angled(10), "q": angled(2)})
    reasons = {"a": "guard:numbers", "b": "verifier"}

    class ByCandidate:
        def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            return Verdict(False, 0.0, reasons[candidate_query])

    cache = SemanticCache(embedder=emb, judge=ByCandidate(), similarity_threshold=0.5)
    cache.put_many(["a", "b"], ["A", "B"])
    assert cache.lookup("q").reason == "guard:numbers"  # type: ignore[union-attr]
    cache.close()


def test_a_refused_candidate_does_not_hide_a_later_accepted_one() -> None:
    emb = TableEmbedder(DIM, {"near": angled(1), "far": angled(15), "q": angled(0)})

    class RefuseNear:
        def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            ok = candidate_query != "near"
            return Verdict(ok, similarity, None if ok else "guard:numbers")

    cache = SemanticCache(embedder=emb, judge=RefuseNear(), similarity_threshold=0.5)
    cache.put_many(["near", "far"], ["N", "F"])
    hit = cache.get("q")
    assert hit is not None and hit.response == "F"
    cache.close()


def test_candidates_after_the_first_refusal_are_judged_quickly() -> None:
    """Only the closest refused candidate's reason is reported, so the others are asked
    of ``judge_quick`` (the same decision, any refusing guard named), when a judge has it."""
    emb = TableEmbedder(
        DIM, {"a": angled(1), "b": angled(8), "c": angled(12), "q": angled(0), "r": angled(30)}
    )
    asked: list[tuple[str, str]] = []

    class Quick:
        def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            asked.append(("judge", candidate_query))
            return Verdict(
                candidate_query == "c",
                similarity,
                None if candidate_query == "c" else "guard:numbers",
            )

        def judge_quick(self, query: str, candidate_query: str, similarity: float) -> Verdict:
            asked.append(("quick", candidate_query))
            ok = candidate_query == "c"
            return Verdict(ok, similarity, None if ok else "guard:time")

    cache = SemanticCache(embedder=emb, judge=Quick(), similarity_threshold=0.5)
    cache.put_many(["a", "b", "c"], ["A", "B", "C"])
    hit = cache.lookup("q")
    assert isinstance(hit, Hit) and hit.response == "C"
    assert asked == [("judge", "a"), ("quick", "b"), ("quick", "c")]
    cache.delete("c")
    asked.clear()
    miss = cache.lookup("q")
    assert isinstance(miss, Miss) and miss.reason == "guard:numbers"  # the closest's reason
    assert asked == [("judge", "a"), ("quick", "b")]
    cache.close()


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"judge": "strict"}, InvalidTypeError),
        ({"judge": object()}, InvalidTypeError),
        ({"judge": None, "max_false_hit_rate": 0.05}, InvalidInputError),
        ({"judge": ScoreJudge(), "max_false_hit_rate": 0.05}, InvalidInputError),
        ({"max_false_hit_rate": 0.0}, InvalidInputError),
        ({"max_false_hit_rate": 1.5}, InvalidInputError),
        ({"max_false_hit_rate": "0.05"}, InvalidInputError),
    ],
)
def test_bad_judge_settings_are_refused_before_anything_opens(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        SemanticCache(tmp_path / "x.db", TableEmbedder(DIM), **kwargs)
    assert not (tmp_path / "x.db").exists()


def test_max_false_hit_rate_picks_the_shipped_threshold() -> None:
    from nearcache.judge import shipped_calibration

    table_ = shipped_calibration().table
    bound, threshold = table_[-1]
    cache = cache_with(max_false_hit_rate=bound)
    assert isinstance(cache.judge, DefaultJudge)
    assert cache.judge.accept_threshold == threshold
    cache.close()


def test_set_similarity_threshold_moves_the_default_judges_floor() -> None:
    cache = cache_with()
    cache.set_similarity_threshold(0.7)
    assert isinstance(cache.judge, DefaultJudge) and cache.judge.floor == 0.7
    cache.close()


def test_explain_lists_the_floor_every_guard_and_the_decision() -> None:
    cache = cache_with()
    verdict = cache.explain(F2C, C2F)
    names = [s.name for s in verdict.steps]
    assert names[0] == "floor" and "guard:direction" in names and "verifier" in names
    assert not verdict.accept and verdict.reason == "guard:direction"
    assert cache.stats().misses == 0 and cache.stats().entries == 0  # nothing counted
    low = cache_with(similarity_threshold=0.9995).explain(F2C, C2F)
    assert low.reason == "floor" and low.steps[0].outcome == "reject"
    plain = cache_with(judge=None).explain(F2C, C2F)
    assert plain.accept and [s.name for s in plain.steps] == ["floor"]
    cache.close()


# -- feedback ---------------------------------------------------------------------------


def test_wrong_feedback_gives_the_entry_a_floor_that_holds_across_processes(
    tmp_path: Path,
) -> None:
    emb = TableEmbedder(DIM, {"stored": angled(0), "look-alike": angled(10), "close": angled(2)})
    db = tmp_path / "fb.db"
    kw: dict[str, Any] = {"judge": ScoreJudge(), "similarity_threshold": 0.5}
    a = SemanticCache(db, emb, **kw)
    b = SemanticCache(db, TableEmbedder(DIM, emb.table), **kw)
    a.put("stored", "answer")
    hit = b.get("look-alike")
    assert hit is not None and hit.layer == "semantic" and hit.key
    b.feedback(hit, correct=False)
    assert b.stats().feedback_wrong == 1
    for cache in (a, b):  # the floor is in the stored record: every process follows it
        miss = cache.lookup("look-alike")
        assert isinstance(miss, Miss) and miss.reason == "feedback"
        close = cache.get("close")  # a closer paraphrase scores above the floor
        assert close is not None and close.response == "answer"
        assert cache.check() == []
    a.close()
    b.close()
    again = SemanticCache(db, TableEmbedder(DIM, emb.table), **kw)
    assert again.lookup("look-alike").reason == "feedback"  # type: ignore[union-attr]
    again.close()


def test_right_feedback_changes_nothing_and_is_counted() -> None:
    cache = cache_with(judge=ScoreJudge(), similarity_threshold=0.5)
    cache.put(F2C, "a")
    hit = cache.get(C2F)
    assert hit is not None
    cache.feedback(hit, True)
    assert cache.get(C2F) is not None and cache.stats().feedback_correct == 1
    cache.close()


def test_wrong_feedback_on_an_exact_hit_deletes_the_entry() -> None:
    cache = cache_with()
    cache.put(F2C, "a wrong answer")
    hit = cache.get(F2C)
    assert hit is not None and hit.layer == "exact"
    cache.feedback(hit, False)
    assert cache.get(F2C) is None and cache.stats().entries == 0 and cache.check() == []
    cache.close()


def test_namespace_threshold_rises_only_on_evidence_and_resets(tmp_path: Path) -> None:
    clock = ManualClock(1000.0)
    vecs = {f"q{i}": angled(i % 40 + 1) for i in range(60)} | {"base": angled(0)}
    emb = TableEmbedder(DIM, vecs)
    cache = SemanticCache(
        store=SQLiteStore(tmp_path / "ns.db"),
        embedder=emb,
        judge=ScoreJudge(),
        similarity_threshold=0.5,
        max_false_hit_rate=None,
        clock=clock,
    )
    cache.put("base", "answer")
    hits = [cache.get(f"q{i}") for i in range(60)]
    assert all(h is not None for h in hits)
    cache.feedback(hits[0], False)  # one report proves nothing about the namespace
    book = cache._core.feedback_book
    assert book.threshold("default") == float("-inf")
    # Most hits below ~cos(20 deg) are reported wrong, those above right: a real excess.
    for h in hits[1:]:
        assert h is not None
        cache.feedback(h, h.similarity > 0.94)
    clock.advance(2)
    t = book.threshold("default")
    assert 0.9 < t < 1.0
    assert cache.lookup("q30").reason == "feedback"  # type: ignore[union-attr]
    cache.reset_feedback("default")
    assert book.threshold("default") == float("-inf")
    cache.close()


def test_feedback_refuses_what_is_not_a_hit() -> None:
    cache = cache_with()
    with pytest.raises(InvalidTypeError):
        cache.feedback("not a hit", False)  # type: ignore[arg-type]
    hit = Hit("r", "semantic", 0.9, 0.9, "q", "default", None, 0.0, None)
    with pytest.raises(InvalidTypeError):
        cache.feedback(hit, False)  # no key: not from a lookup
    cache.put(F2C, "a")
    real = cache.get(F2C)
    assert real is not None
    with pytest.raises(InvalidTypeError):
        cache.feedback(real, 0)  # type: ignore[arg-type]
    cache.close()


def test_async_twin_explains_and_takes_feedback() -> None:
    async def main() -> None:
        async with AsyncSemanticCache(
            embedder=TableEmbedder(DIM, table()), judge=ScoreJudge(), similarity_threshold=0.5
        ) as cache:
            await cache.put(F2C, "a")
            hit = await cache.get(C2F)
            assert hit is not None
            await cache.feedback(hit, False)
            miss = await cache.lookup(C2F)
            assert isinstance(miss, Miss) and miss.reason == "feedback"
            verdict = await cache.explain(F2C, C2F)
            assert verdict.accept and verdict.steps[0].name == "floor"

    asyncio.run(main())
