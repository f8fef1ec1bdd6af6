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


@pytest.mark.parametrize(
    ("outcomes", "chosen"),
    [
        # (recall, look-alikes served) per l2: within 0.01 of the best recall, fewest served
        ({0.3: (0.770, 4), 1.0: (0.772, 3), 3.0: (0.775, 5), 10.0: (0.760, 1)}, 1.0),
        # equal look-alikes: the strongest regularization
        ({0.3: (0.770, 4), 1.0: (0.772, 4), 3.0: (0.775, 4), 10.0: (0.700, 0)}, 3.0),
    ],
)
def test_select_prefers_fewer_look_alikes_then_stronger_regularization(
    monkeypatch: pytest.MonkeyPatch, outcomes: dict[float, tuple[float, int]], chosen: float
) -> None:
    full = {l2: outcomes.get(l2, (0.0, 99)) for l2 in cv.L2S}
    # the richer class scores the same everywhere: the simpler one wins every tie
    monkeypatch.setattr(cv, "leave_one_split_out", lambda pool, live, l2, pairs: np.array([l2]))
    monkeypatch.setattr(cv, "operating_threshold", lambda scores, pool: 0.9)

    def metrics(scores: np.ndarray, pool: Any, t: float) -> dict[str, float]:
        rec, served = full[float(scores[0])]
        return {"recall": rec, "traps_served": served}

    monkeypatch.setattr(cv, "metrics", metrics)
    kind, l2, scores, t = cv.select(None, np.array([True]))  # type: ignore[arg-type]
    assert (kind, l2) == ("linear", chosen) and float(scores[0]) == chosen and t == 0.9


def test_select_takes_the_richer_class_only_when_it_earns_recall(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def loso(pool: Any, live: Any, l2: float, pairs: Any) -> np.ndarray:
        return np.array([l2 + (1000.0 if pairs else 0.0)])

    def metrics(scores: np.ndarray, pool: Any, t: float) -> dict[str, float]:
        richer = scores[0] >= 1000.0
        return {"recall": 0.80 + (0.02 if richer else 0.0), "traps_served": 4}

    monkeypatch.setattr(cv, "leave_one_split_out", loso)
    monkeypatch.setattr(cv, "operating_threshold", lambda scores, pool: 0.8)
    monkeypatch.setattr(cv, "metrics", metrics)
    kind, l2, _, _ = cv.select(None, np.array([True]))  # type: ignore[arg-type]
    assert (kind, l2) == ("interactions", max(cv.L2S))  # 0.02 > TOLERANCE: it earns it
    monkeypatch.setattr(
        cv,
        "metrics",
        lambda s, p, t: {"recall": 0.80 + (0.005 if s[0] >= 1000 else 0), "traps_served": 4},
    )
    kind, l2, _, _ = cv.select(None, np.array([True]))  # type: ignore[arg-type]
    assert (kind, l2) == ("linear", max(cv.L2S))  # within the tolerance: the simpler


def _pool(splits: list[str], y: list[int], trap: list[bool]) -> Any:
    n = len(splits)
    return SimpleNamespace(
        pairs=[{}] * n,
        split=np.array(splits),
        x=np.arange(n, dtype=np.float64).reshape(n, 1),
        y=np.array(y, dtype=np.float64),
        trap=np.array(trap),
        same=np.zeros(n, dtype=bool),
    )


def test_leave_one_split_out_never_fits_on_the_split_it_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = _pool(["a", "a", "b", "b", "c"], [1, 0, 1, 0, 1], [False, True, False, True, False])
    live = np.array([True, True, True, False, True])
    seen: list[set[int]] = []

    def fit(x: np.ndarray, y: np.ndarray, l2: float, pairs: Any) -> Any:
        rows = {int(v) for v in x[:, 0]}
        seen.append(rows)
        return SimpleNamespace(score=lambda feats: 0.5 + 0.1 * len(rows))

    monkeypatch.setattr(cv, "fit", fit)
    scores = cv.leave_one_split_out(pool, live, 1.0)  # type: ignore[arg-type]
    # held out a: fit on b's live row and c; b: on a and c; c: on a and b's live row
    assert seen == [{2, 4}, {0, 1, 4}, {0, 1, 2}]
    # a dead pair (floor or guard) scores 0 whatever the verifier says
    assert scores.tolist() == pytest.approx([0.7, 0.7, 0.8, 0.0, 0.8])


def test_margins_hold_for_every_held_out_split_not_only_pooled() -> None:
    # 400 look-alikes in split a, 50 in b; one served in b is 2% of b but 0.22% pooled
    splits = ["a"] * 500 + ["b"] * 100
    y = [1] * 100 + [0] * 400 + [1] * 50 + [0] * 50
    pool = _pool(splits, y, [v == 0 for v in y])
    scores = np.array([0.95] * 100 + [0.1] * 400 + [0.95] * 50 + [0.1] * 49 + [0.97])
    assert not cv.meets_margins(scores, pool, 0.9)  # type: ignore[arg-type]
    assert cv.operating_threshold(scores, pool) is None  # type: ignore[arg-type]
    scores[-1] = 0.92  # now a threshold between 0.92 and 0.95 refuses it
    assert cv.operating_threshold(scores, pool) == 0.95  # type: ignore[arg-type]
    m = cv.per_split(scores, pool, 0.95)  # type: ignore[arg-type]
    assert m["b"]["traps_served"] == 0 and m["b"]["recall"] == 1.0
