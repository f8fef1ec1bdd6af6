"""benchmarks/verifier_fit.fit: the weight of ``crossed`` is fit on refused look-alikes."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("scipy")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import verifier_fit as vf

from nearcache.judge.features import FEATURES

_COS = FEATURES.index("cosine")
_CROSSED = FEATURES.index("crossed")


def _rows(n: int, cosine: float, crossed: float, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).uniform(0.0, 1.0, (n, len(FEATURES)))
    x[:, _COS] = cosine + np.random.default_rng(seed + 1).uniform(-0.05, 0.05, n)
    x[:, _CROSSED] = crossed
    return x


def test_refused_look_alikes_of_the_crossed_shape_lower_its_weight_alone() -> None:
    # live pairs: hits at a high cosine, look-alikes at a low one; four hits have the
    # crossed shape (no live look-alike does: the guards refused them all)
    x = np.vstack([_rows(60, 0.9, 0.0, 1), _rows(4, 0.9, 1.0, 2), _rows(60, 0.6, 0.0, 3)])
    y = np.array([1.0] * 64 + [0.0] * 60)
    shadow = _rows(200, 0.9, 1.0, 4)  # refused role swaps, read with every guard neutral
    plain = vf.fit(x, y, 1.0)
    taught = vf.fit(x, y, 1.0, shadow=shadow)
    # the live pool alone cannot give the shape a weight: only hits have it
    assert plain.score(shadow[0].tolist()) > 0.8
    # taught by the refused look-alikes, the verifier scores them low ...
    assert np.mean([taught.score(r.tolist()) for r in shadow]) < 0.5
    # ... and every pair without the shape exactly as before
    for r in x[y == 1][:60]:
        assert taught.score(r.tolist()) == pytest.approx(plain.score(r.tolist()), abs=1e-9)
    assert taught.weights[_CROSSED] < plain.weights[_CROSSED] <= 0.0


def test_without_refused_look_alikes_the_fit_is_unchanged() -> None:
    x = np.vstack([_rows(30, 0.9, 0.0, 5), _rows(30, 0.6, 0.0, 6)])
    y = np.array([1.0] * 30 + [0.0] * 30)
    empty = np.zeros((0, len(FEATURES)))
    assert vf.fit(x, y, 1.0, shadow=empty).weights == vf.fit(x, y, 1.0).weights


def test_unshared_words_under_a_low_cosine_can_only_lower_the_score() -> None:
    assert vf.SIGNS["apart"] == -1


def test_each_second_stage_shape_is_fit_on_its_own_refused_look_alikes() -> None:
    neg = FEATURES.index("negation_changed")
    x = np.vstack([_rows(60, 0.9, 0.0, 7), _rows(60, 0.6, 0.0, 8)])
    x[:, neg] = 0.0
    y = np.array([1.0] * 60 + [0.0] * 60)
    shadow = _rows(100, 0.9, 0.0, 9)  # refused negation traps: the shape, not crossed
    shadow[:, neg] = 1.0
    plain = vf.fit(x, y, 1.0)
    taught = vf.fit(x, y, 1.0, shadow=shadow)
    assert (
        np.mean([taught.score(r.tolist()) for r in shadow]) < 0.5 < plain.score(shadow[0].tolist())
    )
    assert taught.weights[neg] < plain.weights[neg] == 0.0
    assert taught.weights[_CROSSED] == plain.weights[_CROSSED]  # no row of its shape
    assert set(vf.SHADOW_STAGES) == {"crossed", "numbers_changed", "negation_changed"}
    assert all(vf.SIGNS[name] == -1 for name in vf.SHADOW_STAGES)


def test_the_pool_scores_a_pair_as_the_judge_does_also_with_context_dropped() -> None:
    # the held-out scores the threshold is chosen on must be the judge's own: with a
    # context sentence that says none of the questions' differences, the judge takes the
    # lower of the pair's score and the two questions' alone (context.bare_pair)
    from nearcache.judge import DefaultJudge
    from nearcache.judge.verifier import default_verifier

    stored = "Is a swimmer disqualified for doing a flip turn in a breaststroke race?"
    changed = "Is a swimmer disqualified for doing a flip turn in a backstroke race?"
    lead = "Quick question before I commit to anything. "
    pairs = [
        {"asked": lead + changed, "stored": stored, "label": "trap", "category": "entity"},
        {"asked": lead + stored, "stored": stored, "label": "hit", "category": "context"},
        {"asked": changed, "stored": stored, "label": "trap", "category": "entity"},
        {"asked": "???", "stored": stored, "label": "miss", "category": "unrelated"},
    ]
    for n, p in enumerate(pairs):
        p["group"] = f"g{n}"
    sims = np.array([0.91, 0.95, 0.93, 0.5])
    pool = vf.Pool(pairs, sims, ["s"] * len(pairs))
    assert pool.bare.tolist() == [True, False, False, False]
    assert pool.wordless.tolist() == [False, False, False, True]
    verifier = default_verifier()
    judge = DefaultJudge(verifier=verifier, floor=0.0)
    scores = vf.judge_scores(verifier, pool, np.arange(len(pairs)), pool.live(0.0))
    for p, s, score in zip(pairs, sims, scores):
        verdict = judge.judge(p["asked"], p["stored"], float(s))
        assert score == pytest.approx(verdict.score if verdict.reason != "floor" else 0.0)
    whole = verifier.score(pool.x[0].tolist())
    assert scores[0] == pytest.approx(min(whole, verifier.score(pool.bare_x[0].tolist())))
