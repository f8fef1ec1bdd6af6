"""benchmarks/verifier_cv.py: leave-one-split-out estimate and the selection rule."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import verifier_cv as cv

_METRICS = {"recall": 0.8, "precision": 0.99, "traps_served": 1, "wrong": 2}


@pytest.mark.parametrize(
    ("utilities", "chosen"),
    [
        # the highest held-out utility wins; within 1% of it, the stronger regularization
        ({0.3: 1000.0, 1.0: 1005.0, 3.0: 990.0, 10.0: 900.0}, 1.0),
        ({0.3: 1000.0, 1.0: 1005.0, 3.0: 999.0, 10.0: 900.0}, 3.0),
        ({0.3: 1100.0, 1.0: 1005.0, 3.0: 999.0, 10.0: 900.0}, 0.3),
    ],
)
def test_select_takes_the_best_utility_then_the_stronger_regularization(
    monkeypatch: pytest.MonkeyPatch, utilities: dict[float, float], chosen: float
) -> None:
    full = {l2: utilities.get(l2, 0.0) for l2 in cv.L2S}
    # the richer class scores the same everywhere: the simpler one wins every tie
    monkeypatch.setattr(cv, "leave_one_split_out", lambda pool, live, l2, pairs: np.array([l2]))
    monkeypatch.setattr(cv, "operating_threshold", lambda scores, pool, cost: 0.9)
    monkeypatch.setattr(cv, "utility", lambda scores, pool, t, cost: full[float(scores[0])])
    monkeypatch.setattr(cv, "metrics", lambda s, p, t: _METRICS)
    kind, l2, scores, t = cv.select(None, np.array([True]))  # type: ignore[arg-type]
    assert (kind, l2) == ("linear", chosen) and float(scores[0]) == chosen and t == 0.9


def test_select_takes_the_richer_class_only_when_it_earns_utility(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def loso(pool: Any, live: Any, l2: float, pairs: Any) -> np.ndarray:
        return np.array([2.0 if pairs else 1.0])

    monkeypatch.setattr(cv, "leave_one_split_out", loso)
    monkeypatch.setattr(cv, "operating_threshold", lambda scores, pool, cost: 0.8)
    monkeypatch.setattr(cv, "metrics", lambda s, p, t: _METRICS)
    monkeypatch.setattr(
        cv, "utility", lambda s, p, t, cost: 1000.0 + (50.0 if s[0] == 2.0 else 0.0)
    )
    kind, l2, _, _ = cv.select(None, np.array([True]))  # type: ignore[arg-type]
    assert (kind, l2) == ("interactions", max(cv.L2S))  # 5% better: it earns its place
    monkeypatch.setattr(cv, "utility", lambda s, p, t, cost: 1000.0 + (5.0 if s[0] == 2.0 else 0.0))
    kind, l2, _, _ = cv.select(None, np.array([True]))  # type: ignore[arg-type]
    assert (kind, l2) == ("linear", max(cv.L2S))  # within 1%: the simpler


def _pool(
    splits: list[str], y: list[int], trap: list[bool], shadow: list[bool] | None = None
) -> Any:
    n = len(splits)
    x = np.arange(n, dtype=np.float64).reshape(n, 1)
    return SimpleNamespace(
        pairs=[{}] * n,
        split=np.array(splits),
        x=x,
        y=np.array(y, dtype=np.float64),
        trap=np.array(trap),
        same=np.zeros(n, dtype=bool),
        wordless=np.zeros(n, dtype=bool),
        bare=np.zeros(n, dtype=bool),
        shadow=np.array(shadow or [False] * n),
        shadow_x=x,
    )


def test_leave_one_split_out_never_fits_on_the_split_it_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shadow = [False, False, False, True, False]  # b's refused trap trains `crossed`
    pool = _pool(
        ["a", "a", "b", "b", "c"], [1, 0, 1, 0, 1], [False, True, False, True, False], shadow
    )
    live = np.array([True, True, True, False, True])
    seen: list[set[int]] = []
    shadows: list[set[int]] = []

    def fit(x: np.ndarray, y: np.ndarray, l2: float, pairs: Any, refused: np.ndarray) -> Any:
        rows = {int(v) for v in x[:, 0]}
        seen.append(rows)
        shadows.append({int(v) for v in refused[:, 0]})
        return SimpleNamespace(judge_score=lambda feats, bare=None: 0.5 + 0.1 * len(rows))

    monkeypatch.setattr(cv, "fit", fit)
    scores = cv.leave_one_split_out(pool, live, 1.0)  # type: ignore[arg-type]
    # held out a: fit on b's live row and c; b: on a and c; c: on a and b's live row
    assert seen == [{2, 4}, {0, 1, 4}, {0, 1, 2}]
    assert shadows == [{3}, set(), {3}]  # nor on its refused traps
    # a dead pair (floor or guard) scores 0 whatever the verifier says
    assert scores.tolist() == pytest.approx([0.7, 0.7, 0.8, 0.0, 0.8])


def test_the_threshold_maximizes_utility_within_the_precision_and_recall_floors() -> None:
    # 265 hits (200 at 0.8, 60 at 0.6, 5 at 0.44) and 100 look-alikes (98 at 0.1, one at
    # 0.45, one at 0.95). Down to 0.6: 260 hits and 1 look-alike (utility 240). Taking
    # the look-alike at 0.45 would buy 5 hits for one wrong hit (< COST): refused. The
    # one at 0.95 is not worth refusing (every hit scores below it).
    scores = np.array([0.8] * 200 + [0.6] * 60 + [0.44] * 5 + [0.1] * 98 + [0.45, 0.95])
    y = [1] * 265 + [0] * 100
    pool = _pool(["a"] * 365, y, [v == 0 for v in y])
    t = cv.operating_threshold(scores, pool)  # type: ignore[arg-type]
    assert t == 0.6
    m = cv.metrics(scores, pool, t)  # type: ignore[arg-type]
    assert m["traps_served"] == 1 and m["recall"] == 260 / 265
    assert cv.utility(scores, pool, t) == 260 - cv.COST * 1  # type: ignore[arg-type]
    # with 100 look-alikes at the top no threshold keeps precision and recall: None
    worse = np.concatenate([scores[:265], np.full(100, 0.999)])
    assert cv.operating_threshold(worse, pool) is None  # type: ignore[arg-type]
    # a wrong hit worth only 4 missed hits: the look-alike at 0.45 buys 5 hits, so it is
    # taken (265 - 4 x 2 = 257 > 260 - 4 = 256)
    assert cv.operating_threshold(scores, pool, cost=4) == 0.44  # type: ignore[arg-type]
    assert cv.utility(scores, pool, 0.44, cost=4) == 257  # type: ignore[arg-type]


def test_choose_floor_breaks_ties_over_every_floor_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = SimpleNamespace(live=lambda floor: np.array([floor]))
    earned = {0.45: {1.0: 900.0}, 0.5: {0.1: 1000.0, 3.0: 995.0}, 0.55: {1.0: 996.0}}

    def candidates(pool: Any, live: np.ndarray, cost: float, floor: float) -> list[Any]:
        assert float(live[0]) == floor
        return [
            (u, 0, wrong.get(floor, 5), l2, floor, "linear", live, 0.9)
            for l2, u in earned[floor].items()
        ]

    wrong: dict[float, int] = {}
    monkeypatch.setattr(cv, "candidates", candidates)
    floor, kind, l2, scores, t = cv.choose_floor(pool, 0.45, highest=0.55)  # type: ignore[arg-type]
    # within 1% of the best (1000): the stronger regularization, whichever floor has it
    # (one floor at a time, 0.50 would keep l2 3 at 995 and lose to 0.55's 996)
    assert (floor, kind, l2, t) == (0.5, "linear", 3.0, 0.9) and float(scores[0]) == 0.5
    earned[0.5] = {1.0: 1000.0}
    earned[0.55] = {1.0: 1000.0}
    # higher of equals
    assert cv.choose_floor(pool, 0.45, highest=0.55)[0] == 0.55  # type: ignore[arg-type]
    wrong[0.5] = 4  # one wrong pair fewer held out: it wins the tie before the l2 and floor
    assert cv.choose_floor(pool, 0.45, highest=0.55)[0] == 0.5  # type: ignore[arg-type]
    earned[0.45] = {1.0: 1011.0}
    assert cv.choose_floor(pool, 0.45, highest=0.55)[0] == 0.45  # type: ignore[arg-type]


def test_the_floors_tried_stop_at_the_highest_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    assert cv.HIGHEST_FLOOR == 0.45
    assert cv.floors(0.40) == [0.40, 0.45]
    assert cv.floors(0.35) == [0.35, 0.40, 0.45]
    assert cv.floors(0.45) == [0.45]
    assert cv.floors(0.50) == [0.50]  # a pool whose hits all lie higher keeps its own
    assert cv.floors(0.40, 0.40) == [0.40]  # train_verifier --floor 0.40
    pool = SimpleNamespace(live=lambda floor: np.array([floor]))
    seen: list[float] = []

    def candidates(pool: Any, live: np.ndarray, cost: float, floor: float) -> list[Any]:
        seen.append(floor)
        return [(1000.0 + 100 * floor, 0, 5, 1.0, floor, "linear", live, 0.9)]

    monkeypatch.setattr(cv, "candidates", candidates)
    # 0.50 would earn the most, but it is never tried
    assert cv.choose_floor(pool, 0.40)[0] == 0.45  # type: ignore[arg-type]
    assert seen == [0.40, 0.45]


def test_pick_breaks_a_utility_tie_by_fewer_wrong_pairs_before_the_regularization() -> None:
    scores = np.zeros(1)
    tried = [
        (1000.0, 0, 9, 10.0, 0.5, "linear", scores, 0.9),
        (1004.0, 0, 7, 1.0, 0.5, "linear", scores, 0.91),
        (1050.0, 1, 3, 0.1, 0.5, "interactions", scores, 0.95),  # 5% more: a richer class
        (995.0, 0, 7, 3.0, 0.45, "linear", scores, 0.92),
    ]
    # the richer class earns its place by > 1%
    assert cv.pick(tried)[5] == "interactions"
    tried[2] = (1005.0, 1, 3, 0.1, 0.5, "interactions", scores, 0.95)
    # within 1% of 1005: the simpler class, then fewest wrong (7: l2 1 at 0.50, l2 3 at
    # 0.45), then the stronger l2
    assert cv.pick(tried)[3:5] == (3.0, 0.45)
