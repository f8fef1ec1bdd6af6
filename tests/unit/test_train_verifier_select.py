"""benchmarks/train_verifier.py: how the regularization is chosen."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import train_verifier as tv


@pytest.mark.parametrize(
    ("outcomes", "chosen"),
    [
        # (recall, look-alike rate) per l2: within 0.01 of the best recall, fewest look-alikes
        (
            {0.3: (0.770, 0.004), 1.0: (0.772, 0.003), 3.0: (0.775, 0.005), 10.0: (0.760, 0.001)},
            1.0,
        ),
        # equal look-alike rates: the strongest regularization
        ({0.3: (0.770, 0.004), 1.0: (0.772, 0.004), 3.0: (0.775, 0.004), 10.0: (0.700, 0.0)}, 3.0),
    ],
)
def test_select_prefers_fewer_look_alikes_then_stronger_regularization(
    monkeypatch: pytest.MonkeyPatch, outcomes: dict[float, tuple[float, float]], chosen: float
) -> None:
    full = {l2: outcomes.get(l2, (0.0, 1.0)) for l2 in tv.L2S}
    monkeypatch.setattr(tv, "out_of_fold", lambda pool, live, l2, k, seed: np.array([l2]))
    monkeypatch.setattr(tv, "operating_threshold", lambda runs, pool: 0.9)

    def metrics(scores: np.ndarray, pool: Any, t: float) -> dict[str, float]:
        rec, fhr = full[float(scores[0])]
        return {"recall": rec, "trap_false_hit_rate": fhr}

    monkeypatch.setattr(tv, "metrics", metrics)
    l2, runs = tv.select(None, np.array([True]), 5, 2)  # type: ignore[arg-type]
    assert l2 == chosen and len(runs) == 2 and float(runs[0][0]) == chosen
