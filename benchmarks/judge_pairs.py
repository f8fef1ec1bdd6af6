"""Shared helpers for the judge scripts: read the labeled pairs, embed them, score them.

Used by ``train_verifier.py``, ``hit_quality.py`` and ``compare_embedders.py``, so all
three read the pairs and compute cosines the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

DATA = Path(__file__).parent / "data" / "judge"


def load_pairs(split: str) -> list[dict[str, Any]]:
    """The pairs of ``split`` (train, train2, dev or test) as dicts."""
    path = DATA / f"{split}.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def cosines(embedder: Any, pairs: list[dict[str, Any]], batch: int = 256) -> np.ndarray:
    """Cosine of (asked, stored) for each pair, embedding each distinct text once."""
    texts = sorted({p[k] for p in pairs for k in ("asked", "stored")})
    vecs = (
        np.concatenate(
            [
                np.asarray(embedder.embed(texts[i : i + batch]), dtype=np.float32)
                for i in range(0, len(texts), batch)
            ]
        )
        if texts
        else np.zeros((0, 1))
    )
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    row = {t: i for i, t in enumerate(texts)}
    return np.array([float(vecs[row[p["asked"]]] @ vecs[row[p["stored"]]]) for p in pairs])


def is_hit(pair: dict[str, Any]) -> bool:
    """Whether the stored answer serves the asked question."""
    return bool(pair["label"] == "hit")
