"""The calibration shipped for the default embedder and judge: floor and accept thresholds.

``data/calibration.json`` is written by ``benchmarks/train_verifier.py`` from the
out-of-fold judge scores of the train and dev pairs (never test). It holds the embedder's
fingerprint, the default similarity floor, the default accept threshold, and a table
mapping a bound on the false-hit rate (``max_false_hit_rate``) to the lowest threshold
whose one-sided 95% Clopper-Pearson upper bound on the share of wrong hits stays within
it (bounds the pool cannot prove have no row). The table is only valid for the embedder
it was measured with; for another embedder, run ``nearcache.calibrate(embedder, pairs,
judge=...)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from ..errors import InvalidInputError

__all__ = ["ShippedCalibration", "shipped_calibration"]


@dataclass(frozen=True)
class ShippedCalibration:
    """The shipped floor, default threshold and the bound -> threshold table."""

    embedder: str
    floor: float
    accept_threshold: float
    table: tuple[tuple[float, float], ...]  # (max_false_hit_rate, accept_threshold), ascending
    meta: dict[str, Any]

    def threshold_for(self, max_false_hit_rate: float) -> float:
        """The accept threshold for a bound: the table row with the largest bound that
        does not exceed the request (conservative); requests below the table's smallest
        bound raise, since the shipped pairs cannot prove them."""
        if not 0.0 < max_false_hit_rate < 1.0:
            raise InvalidInputError("max_false_hit_rate must be in (0, 1)")
        usable = [t for d, t in self.table if d <= max_false_hit_rate + 1e-12]
        if not usable:
            smallest = self.table[0][0] if self.table else None
            raise InvalidInputError(
                f"the shipped calibration cannot prove a false-hit rate of "
                f"{max_false_hit_rate}; the smallest it supports is {smallest}. "
                "Calibrate on your own labeled pairs with nearcache.calibrate(..., judge=...)."
            )
        return usable[-1]


@lru_cache(maxsize=1)
def shipped_calibration() -> ShippedCalibration:
    """Read ``data/calibration.json`` (once)."""
    text = resources.files(__package__).joinpath("data").joinpath("calibration.json")
    data = json.loads(text.read_text("utf-8"))
    rows = sorted(
        (float(r["max_false_hit_rate"]), float(r["accept_threshold"]))
        for r in data["table"]
        if r.get("accept_threshold") is not None
    )
    return ShippedCalibration(
        embedder=str(data["embedder"]),
        floor=float(data["floor"]),
        accept_threshold=float(data["accept_threshold"]),
        table=tuple(rows),
        meta=dict(data.get("meta", {})),
    )
