"""benchmarks/token_signal.py and token_states.py: blind splits are never read, the
alignment features read what they claim, and the held-out head's bar refuses the asked
share of hits."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import token_signal as ts
import token_states as states

_VOCAB = ["[CLS]", "[SEP]", "?", "dog", "bites", "man", "cat"]


def _texts(rows: dict[str, list[int]], dim: int = 8) -> states.Texts:
    """Texts whose pieces have fixed one-hot-ish states (the same piece, the same state,
    plus a small context mark by position), no model needed."""
    texts = states.Texts.__new__(states.Texts)
    texts.vocab = _VOCAB
    texts.rows = {}
    for text, ids in rows.items():
        rows_ = np.zeros((len(ids), dim))
        for n, i in enumerate(ids):
            rows_[n, i] = 1.0
            rows_[n, 7] = 0.1 * n
        rows_ /= np.linalg.norm(rows_, axis=1, keepdims=True)
        texts.rows[text] = (rows_, np.array(ids))
    texts.types(len(_VOCAB))
    return texts


def _features(texts: states.Texts, asked: str, stored: str) -> dict[str, float]:
    idf = np.ones(len(_VOCAB))
    return dict(zip(ts.FEATURES, ts.pair_features(texts, asked, stored, idf, 0.99, 0.9)))


@pytest.mark.parametrize("split", ["blind", "blind21", "blind22"])
def test_blind_splits_are_refused_before_any_read(tmp_path: Path, split: str) -> None:
    with pytest.raises(SystemExit):
        states.Texts(tmp_path, [split], _VOCAB)
    with pytest.raises(SystemExit):  # before the model is even loaded
        states.cmd_states(tmp_path, ["dev", split], 1, [6])
    assert not list(tmp_path.iterdir())


def test_a_text_against_itself_aligns_fully_without_crossings() -> None:
    texts = _texts({"a": [0, 3, 4, 5, 2, 1]})
    f = _features(texts, "a", "a")
    assert f["bs_f"] == pytest.approx(1.0)
    assert f["crossing"] == 0.0
    assert f["shared_frac"] == 1.0
    assert f["unmatched_a"] == 0.0


def test_swapped_parties_cross_and_markers_are_not_content() -> None:
    texts = _texts({"dog bites man": [0, 3, 4, 5, 2, 1], "man bites dog": [0, 5, 4, 3, 1]})
    f = _features(texts, "dog bites man", "man bites dog")
    # dog/man exchange places: of the three mutual partners' pairs, all three cross
    # (positions 0,1,2 -> 2,1,0); "?" and the markers are left out of the alignment.
    assert f["crossing"] == pytest.approx(1.0)
    assert f["shared_frac"] == 1.0


def test_an_unshared_piece_is_unmatched() -> None:
    texts = _texts({"dog bites man": [0, 3, 4, 5, 1], "cat bites man": [0, 6, 4, 5, 1]})
    f = _features(texts, "dog bites man", "cat bites man")
    assert f["unmatched_a"] == pytest.approx(1 / 3)
    assert f["min_a"] < ts.MATCH


def test_held_out_bar_refuses_the_asked_share_of_other_splits_hits() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    bad = rng.random(n) < 0.2
    x = rng.normal(size=(n, 2)) + np.where(bad, 2.0, 0.0)[:, None]
    split = np.where(np.arange(n) % 2 == 0, "a", "b")
    everyone = np.ones(n, dtype=bool)
    scores, refused = ts.loao(x, bad, split, everyone, everyone, 1.0, 0.05)
    assert 0.02 < refused[~bad].mean() < 0.08  # about the 5% asked, held out
    assert refused[bad].mean() > 0.5  # a separable signal is caught
    assert ts._auc(scores[bad], scores[~bad]) > 0.9
