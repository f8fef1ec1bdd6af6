"""calibrate(): the Beta quantile, Clopper-Pearson bounds and the threshold choice."""

from __future__ import annotations

import asyncio
import gc
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcache import InvalidInputError, InvalidTypeError, SemanticCache, calibrate
from nearcache.judge import DefaultJudge, Verdict
from nearcache.semantic.calibrate import beta_ppf, betainc, clopper_pearson_upper
from semantic_support import AsyncTableEmbedder, TableEmbedder, angled

# -- the incomplete beta function and its quantile ------------------------------------------


def _nudge(x: float, toward: float, steps: int = 4) -> float:
    for _ in range(steps):
        x = math.nextafter(x, toward)
    return x


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(0.2, 60),
    b=st.floats(0.2, 60),
    p=st.floats(0.001, 0.999),
)
def test_ppf_inverts_betainc(a: float, b: float, p: float) -> None:
    x = beta_ppf(p, a, b)
    assert 0.0 <= x <= 1.0
    # Where the CDF is steep (x near 1 with b < 1) the neighbouring doubles of x already
    # differ by more than 1e-9 in I_x: then p must lie between them.
    below, above = (betainc(a, b, _nudge(x, t)) for t in (0.0, 1.0))
    assert betainc(a, b, x) == pytest.approx(p, abs=1e-9) or below <= p <= above


def test_ppf_on_a_steep_cdf_is_as_close_as_doubles_allow() -> None:
    # Beta(49, 0.219) at p = 0.969: x = 0.99999999824..., where one double moves I_x ~4e-10
    x = beta_ppf(0.969, 49.0, 0.219)
    assert abs(x - 0.999999998243014) < 1e-15
    assert betainc(49.0, 0.219, _nudge(x, 0.0)) <= 0.969 <= betainc(49.0, 0.219, _nudge(x, 1.0))


@given(b=st.floats(0.1, 200), x=st.floats(0.0, 1.0), a=st.floats(0.1, 200))
def test_betainc_closed_forms(b: float, x: float, a: float) -> None:
    # I_x(1, b) = 1 - (1 - x)^b ; I_x(a, 1) = x^a ; symmetry I_x(a, b) = 1 - I_{1-x}(b, a)
    assert betainc(1.0, b, x) == pytest.approx(1 - (1 - x) ** b, abs=1e-10)
    assert betainc(a, 1.0, x) == pytest.approx(x**a, abs=1e-10)
    if 1e-6 < x < 1 - 1e-6:  # outside, 1 - x rounds and the identity cannot be checked
        assert betainc(a, b, x) == pytest.approx(1 - betainc(b, a, 1 - x), abs=1e-10)


def test_known_values() -> None:
    assert betainc(2, 3, 0.4) == pytest.approx(0.5248, abs=1e-12)  # 1 - 0.6^4 - 4*0.4*0.6^3
    assert betainc(5, 5, 0.5) == pytest.approx(0.5, abs=1e-12)
    assert beta_ppf(0.95, 2, 2) == pytest.approx(0.8646496, abs=1e-6)
    assert beta_ppf(0.5, 3, 3) == pytest.approx(0.5, abs=1e-12)
    assert beta_ppf(0.0, 2, 5) == 0.0 and beta_ppf(1.0, 2, 5) == 1.0
    with pytest.raises(InvalidInputError):
        betainc(0, 1, 0.5)
    with pytest.raises(InvalidInputError):
        beta_ppf(1.5, 1, 1)


@pytest.mark.parametrize("n", [1, 3, 10, 100, 1000])
def test_zero_failures_rule_of_three(n: int) -> None:
    # With no failures the exact bound is 1 - (1 - c)^(1/n) (about 3/n at 95%).
    assert clopper_pearson_upper(0, n, 0.95) == pytest.approx(1 - 0.05 ** (1 / n), abs=1e-9)


def test_clopper_pearson_bounds_cover_the_rate() -> None:
    assert clopper_pearson_upper(5, 5, 0.95) == 1.0
    assert clopper_pearson_upper(0, 0, 0.95) == 1.0
    ub = clopper_pearson_upper(10, 100, 0.95)
    # Independent check: the p at which P(X <= 10 | n=100, p) falls to 5%, by bisection
    # on the exact binomial sum.
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        cdf = sum(math.comb(100, i) * mid**i * (1 - mid) ** (100 - i) for i in range(11))
        lo, hi = (mid, hi) if cdf > 0.05 else (lo, mid)
    assert ub == pytest.approx(lo, abs=1e-9)
    # More confidence, or fewer trials at the same rate, means a wider bound.
    assert clopper_pearson_upper(10, 100, 0.99) > ub > clopper_pearson_upper(100, 1000, 0.95)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 200), data=st.data())
def test_bound_is_monotone_in_failures(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n - 1))
    assert clopper_pearson_upper(k, n, 0.9) <= clopper_pearson_upper(k + 1, n, 0.9) + 1e-12
    assert clopper_pearson_upper(k, n, 0.9) >= k / n


# -- calibrate ------------------------------------------------------------------------------------


def test_calibrate_on_scores_picks_the_lowest_safe_threshold() -> None:
    rng = np.random.default_rng(0)
    pos = rng.uniform(0.85, 1.0, 400)
    neg = rng.uniform(0.4, 0.9, 400)  # negatives overlap the positives below 0.9
    pairs = [(float(s), True) for s in pos] + [(float(s), False) for s in neg]
    result = calibrate(None, pairs, max_false_hit_rate=0.05, confidence=0.95)
    assert result.threshold is not None
    assert result.upper_bound is not None and result.upper_bound <= 0.05
    assert result.pairs == 800 and result.positives == 400
    # Every lower threshold on the curve fails the bound; the chosen one is on the curve.
    chosen = [p for p in result.curve if p.threshold == result.threshold]
    assert chosen and chosen[0].upper_bound <= 0.05
    assert all(p.upper_bound > 0.05 for p in result.curve if p.threshold < result.threshold)
    thresholds = [p.threshold for p in result.curve]
    assert thresholds == sorted(thresholds)
    recalls = [p.recall for p in result.curve]
    assert recalls == sorted(recalls, reverse=True)  # a higher threshold never finds more
    assert result.recall is not None and 0.5 < result.recall <= 1.0
    assert result.precision == pytest.approx(1 - result.false_hit_rate)  # type: ignore[operator]


def test_calibrate_says_when_no_threshold_is_safe() -> None:
    pairs = [(0.9, True), (0.9, False), (0.8, True)]
    result = calibrate(None, pairs, max_false_hit_rate=0.01)
    assert result.threshold is None and result.curve
    # It says how many pairs it takes: 0 wrong of 299 is the fewest whose 95% bound < 1%.
    with pytest.raises(InvalidInputError, match="on 3 pairs: that takes at least 299 pairs"):
        result.apply(SemanticCache(embedder=TableEmbedder(4)))
    assert clopper_pearson_upper(0, 299, 0.95) < 0.01 < clopper_pearson_upper(0, 298, 0.95)


def test_calibrate_with_an_embedder_and_with_a_cache() -> None:
    table = {"q": angled(0), "same": angled(10), "close": angled(25), "other": angled(80)}
    pairs = [("q", "same", True)] * 30 + [("q", "other", False)] * 30 + [("q", "close", False)] * 3
    by_embedder = calibrate(TableEmbedder(16, table), pairs, max_false_hit_rate=0.2)
    assert by_embedder.threshold == pytest.approx(math.cos(math.radians(10)), abs=1e-5)
    cache = SemanticCache(embedder=TableEmbedder(16, table), judge=None)  # cosine alone
    by_cache = calibrate(cache, pairs, max_false_hit_rate=0.2)
    assert by_cache.score == "similarity"
    assert by_cache.threshold == pytest.approx(by_embedder.threshold)  # type: ignore[arg-type]
    by_cache.apply(cache)
    assert cache.similarity_threshold == pytest.approx(by_cache.threshold)  # type: ignore[arg-type]
    cache.close()
    conf = SemanticCache(
        embedder=TableEmbedder(16, table), confidence_fn=lambda q, h: h.similarity / 2, judge=None
    )
    halved = calibrate(conf, pairs, max_false_hit_rate=0.2)
    assert halved.threshold == pytest.approx(by_embedder.threshold / 2)  # type: ignore[operator]
    conf.close()


def test_calibrate_reports_its_progress_per_stage() -> None:
    """``progress(stage, done, total)``: texts embedded in batches, then pairs scored, each
    stage rising to its total (a CLI draws its bar from it)."""
    emb = TableEmbedder()
    pairs = [(f"question {i}", f"stored {i}", i % 2 == 0) for i in range(150)]
    seen: list[tuple[str, int, int]] = []
    calibrate(emb, pairs, max_false_hit_rate=0.5, progress=lambda *a: seen.append(a))
    stages = [stage for stage, _, _ in seen]
    assert stages == sorted(stages)  # "embedding" first, then "scoring"
    for stage, total in (("embedding", 300), ("scoring", 150)):
        done = [d for s, d, t in seen if s == stage and t == total]
        assert done == sorted(done) and done[-1] == total
    assert len([s for s in stages if s == "embedding"]) == 5  # 300 texts, 64 per call
    assert len(emb.calls) == 5 and max(len(c) for c in emb.calls) == 64


def test_calibrate_with_an_async_embedder_outside_a_loop() -> None:
    table = {"a": angled(0), "b": angled(5)}
    result = calibrate(
        AsyncTableEmbedder(16, table), [("a", "b", True)] * 60, max_false_hit_rate=0.1
    )
    assert result.threshold == pytest.approx(math.cos(math.radians(5)), abs=1e-5)


def test_calibrate_inside_a_loop_refuses_without_leaving_a_coroutine() -> None:
    """Inside a running loop the refusal says to use a thread; the embedder's coroutine
    it already made is closed, not left for the garbage collector to warn about."""
    embedder = AsyncTableEmbedder(16, {"a": angled(0), "b": angled(5)})

    async def main() -> str:
        try:
            calibrate(embedder, [("a", "b", True)], max_false_hit_rate=0.1)
        except InvalidTypeError as exc:
            return str(exc)
        return ""

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        said = asyncio.run(main())
        gc.collect()
    assert "asyncio.to_thread(calibrate" in said
    assert not [w for w in seen if "never awaited" in str(w.message)], seen


@pytest.mark.parametrize(
    ("pairs", "kw"),
    [
        ([], {"max_false_hit_rate": 0.1}),
        ([(0.5, True)], {"max_false_hit_rate": 0.0}),
        ([(0.5, True)], {"max_false_hit_rate": 0.1, "confidence": 1.0}),
        ([(0.5, "yes")], {"max_false_hit_rate": 0.1}),
        ([(float("nan"), True)], {"max_false_hit_rate": 0.1}),
    ],
)
def test_calibrate_bad_input(pairs: list[tuple[object, ...]], kw: dict[str, float]) -> None:
    with pytest.raises(InvalidInputError):
        calibrate(None, pairs, **kw)


def test_calibrate_bad_pairs_for_an_embedder() -> None:
    with pytest.raises(InvalidInputError):
        calibrate(TableEmbedder(4), [("a", "b", "yes")], max_false_hit_rate=0.1)
    with pytest.raises(InvalidInputError):
        calibrate(TableEmbedder(4), [("a", 3, True)], max_false_hit_rate=0.1)


@pytest.mark.parametrize("blank", [("", "b", False), ("a", "  \n", True)])
def test_calibrate_refuses_a_blank_question(blank: tuple[str, str, bool]) -> None:
    """A pair with a blank side was embedded and counted, while the cache never serves a
    blank query (its lookup is an ``empty_query`` miss): a threshold chosen on it."""
    emb = TableEmbedder(4)
    pairs = [("a", "b", True), blank]
    with pytest.raises(InvalidInputError, match=r"pair 1 has a blank question"):
        calibrate(emb, pairs, max_false_hit_rate=0.5)
    assert emb.calls == []


# -- the whole judge, per namespace ------------------------------------------------------------


class ScoreJudge:
    """A judge whose verdicts are read from a table: (score, accept, reason) per query."""

    def __init__(self, table: dict[str, tuple[float, bool, str | None]]) -> None:
        self.table = table
        self.accept_threshold = 0.5

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict:
        score, accept, reason = self.table[query]
        return Verdict(accept, score, reason)


def _judge_pairs() -> tuple[ScoreJudge, list[tuple[str, str, bool, str]]]:
    table: dict[str, tuple[float, bool, str | None]] = {}
    pairs: list[tuple[str, str, bool, str]] = []
    for i in range(60):  # true hits, accepted with high scores
        table[f"h{i}"] = (0.9 + i / 1000, True, None)
        pairs.append((f"h{i}", "s", True, "docs"))
    for i in range(60):  # look-alikes refused by a guard: 0 whatever their score says
        table[f"g{i}"] = (0.99, False, "guard:numbers")
        pairs.append((f"g{i}", "s", False, "docs"))
    for i in range(20):  # look-alikes the verifier scores low
        table[f"v{i}"] = (0.3, False, "verifier")
        pairs.append((f"v{i}", "s", False, "code"))
    for i in range(20):
        table[f"c{i}"] = (0.8, True, None)
        pairs.append((f"c{i}", "s", True, "code"))
    return ScoreJudge(table), pairs


def test_calibrate_the_judge_scores_guard_rejections_zero() -> None:
    judge, pairs = _judge_pairs()
    table = {t: angled(0) for p in pairs for t in p[:2]}
    result = calibrate(TableEmbedder(16, table), pairs, max_false_hit_rate=0.1, judge=judge)
    assert result.score == "judge"
    # Guard rejections score 0 and never count as hits, so every threshold > 0.3 is clean.
    assert result.threshold == pytest.approx(0.8)
    assert result.false_hit_rate == 0.0 and result.recall == 1.0
    assert 0.0 not in [p.threshold for p in result.curve if p.upper_bound <= 0.1]
    # Per namespace: each gets its own threshold over its own pairs.
    assert set(result.namespaces) == {"docs", "code"}
    assert result.namespaces["docs"].pairs == 120 and result.namespaces["code"].pairs == 40
    assert result.namespaces["docs"].threshold == pytest.approx(0.9)
    result.apply(judge)
    assert judge.accept_threshold == pytest.approx(0.8)
    result.apply(judge, namespace="docs")
    assert judge.accept_threshold == pytest.approx(0.9)
    with pytest.raises(InvalidInputError):
        result.apply(judge, namespace="nope")
    with pytest.raises(InvalidInputError):
        result.apply(object())


def test_calibrate_a_cache_uses_its_judge_and_dict_pairs() -> None:
    judge, pairs = _judge_pairs()
    table = {t: angled(0) for p in pairs for t in p[:2]}
    cache = SemanticCache(embedder=TableEmbedder(16, table), judge=judge)
    rows = [{"query": q, "cached_query": c, "same": s, "namespace": n} for q, c, s, n in pairs]
    result = calibrate(cache, rows, max_false_hit_rate=0.1)
    assert result.score == "judge" and result.threshold == pytest.approx(0.8)
    result.apply(cache)
    assert judge.accept_threshold == pytest.approx(0.8)
    cache.close()
    asked = [{"asked": q, "stored": c, "label": "hit" if s else "trap"} for q, c, s, _ in pairs]
    assert calibrate(TableEmbedder(16, table), asked, max_false_hit_rate=0.1, judge=judge).threshold
    scored = calibrate(None, [(0.9, True, "a"), (0.2, False, "b")], max_false_hit_rate=0.9)
    assert set(scored.namespaces) == {"a", "b"}


def test_calibrate_the_default_judge_end_to_end() -> None:
    pairs = [
        (
            "How do I convert Fahrenheit to Celsius?",
            "How do I convert Celsius to Fahrenheit?",
            False,
        ),
        ("how do i exit vim??", "How do I exit vim?", True),
    ] * 40
    table = {t: angled(0) for p in pairs for t in p[:2]}
    result = calibrate(
        TableEmbedder(16, table), pairs, max_false_hit_rate=0.1, judge=DefaultJudge()
    )
    assert result.threshold is not None and result.false_hit_rate == 0.0


def test_calibrate_judge_and_namespace_bad_input() -> None:
    with pytest.raises(InvalidTypeError):
        calibrate(TableEmbedder(4), [("a", "b", True)], max_false_hit_rate=0.1, judge=object())
    with pytest.raises(InvalidInputError):
        calibrate(TableEmbedder(4), [("a", "b", True, 7)], max_false_hit_rate=0.1)
    with pytest.raises(InvalidInputError):
        calibrate(None, [("x", True)], max_false_hit_rate=0.1)
    with pytest.raises(InvalidInputError):
        calibrate(None, [(0.5, True, "ns", "extra")], max_false_hit_rate=0.1)
