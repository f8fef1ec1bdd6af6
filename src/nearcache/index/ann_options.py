"""HNSW settings shared by the ANN engines (usearch, hnswlib, faiss)."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidInputError

__all__ = ["DEFAULTS", "ann_options"]

DEFAULTS: dict[str, int] = {"M": 16, "ef_construction": 128, "ef_search": 128, "threads": 1}


def ann_options(options: dict[str, Any] | None) -> dict[str, int]:
    """Validated HNSW settings: ``M``, ``ef_construction``, ``ef_search``, ``threads``."""
    out = dict(DEFAULTS)
    for name, value in (options or {}).items():
        if name not in DEFAULTS:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidInputError(
                f"index option {name} must be a non-negative int, not {value!r}"
            )
        if name != "threads" and value < 1:
            raise InvalidInputError(f"index option {name} must be at least 1")
        out[name] = value
    return out
