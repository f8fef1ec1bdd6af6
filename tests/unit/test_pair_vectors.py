"""benchmarks/pair_vectors.py: blind splits are never read, the pair features are symmetric
in the two questions, and the held-out head's bar refuses about the asked share of the
other splits' accepted hits while a split's own scores come from a head that never saw it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import pair_vectors as pv


@pytest.mark.parametrize("split", ["blind", "blind21", "blind23"])
def test_blind_splits_are_refused_before_any_read(tmp_path: Path, split: str) -> None:
    with pytest.raises(SystemExit):
        pv.Vectors(tmp_path).add(["dev", split])
    with pytest.raises(SystemExit):
        pv._load(tmp_path, tmp_path / "verdicts.json", [split])
    assert not list(tmp_path.iterdir())


def test_pair_features_are_symmetric_and_carry_score_and_cosine() -> None:
    rng = np.random.default_rng(1)
    u, v = (x / np.linalg.norm(x) for x in rng.normal(size=(2, 384)))
    f, g = pv.pair_features(u, v, 0.99, 0.7), pv.pair_features(v, u, 0.99, 0.7)
    assert f.shape == (770,)
    assert np.array_equal(f, g)
    assert f[:384].sum() == pytest.approx(float(u @ v), abs=1e-5)  # u*v sums to the cosine
    assert f[768] == pytest.approx(np.log(0.99 / 0.01), rel=1e-5)
    assert f[769] == pytest.approx(0.7)


def _data(per: int = 400, shift: float = 2.0) -> dict[str, np.ndarray]:
    names = ["train", "dev", "probe", *pv.REWORDED]
    rng = np.random.default_rng(0)
    n = len(names) * per
    bad = rng.random(n) < 0.2
    x = rng.normal(size=(n, 3)) + np.where(bad, shift, 0.0)[:, None]
    return {
        "x": x,
        "id": np.array([f"p{i}" for i in range(n)]),
        "split": np.repeat(names, per),
        "bad": bad,
        "acc": np.ones(n, dtype=bool),
        "reached": np.ones(n, dtype=bool),
    }


def test_held_out_bar_refuses_about_the_asked_share_of_hits_and_catches_separable_bad() -> None:
    data = _data()
    scores, refused, bars = pv.loao(data, [0, 1, 2], "all", 1.0, 0.05)
    res = pv.summarize(data, refused)
    pooled = res["pooled"]
    assert 0.02 <= pooled["hits_lost"] / pooled["hits"] <= 0.09
    assert pooled["bad_refused"] / pooled["bad"] > 0.5  # well separated: most are caught
    for split, bar in bars.items():
        others = (data["split"] != split) & ~data["bad"]
        assert (scores[others] > bar).mean() == pytest.approx(0.05, abs=0.005)


def test_summarize_applies_the_written_bar() -> None:
    data = _data(shift=0.0)  # no signal: nothing passes
    _, refused, _ = pv.loao(data, [0, 1, 2], "all", 1.0, 0.01)
    assert pv.summarize(data, refused)["bar"]["passes"] is False
    perfect = pv.summarize(data, data["bad"].copy())  # every bad refused, no hit lost
    assert perfect["bar"]["passes"] is True
    assert perfect["pooled"]["hits_lost"] == 0
