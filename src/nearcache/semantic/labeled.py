"""The labeled pairs ``calibrate`` reads: their accepted shapes, and which of them the
embedder reads whole (a pair with a text past the window is left out and counted)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..embedders.protocol import fits_of
from ..errors import InvalidInputError
from ..keys import normalize_text

__all__ = ["Pair", "fitting", "parse_pairs"]

log = logging.getLogger("nearcache.semantic")


@dataclass(frozen=True)
class Pair:
    """One labeled pair: its texts (or a ready score), its label and its namespace."""

    query: str | None
    cached: str | None
    score: float | None
    same: bool
    namespace: str | None


def _as_tuple(p: Any, scored: bool) -> tuple[Any, ...]:
    """A dict pair as a tuple: ``query``/``asked``, ``cached_query``/``stored``,
    ``same`` (or ``label == "hit"``), ``score``, ``namespace``."""
    if not isinstance(p, dict):
        return tuple(p)
    same = p["same"] if "same" in p else (p["label"] == "hit" if "label" in p else None)
    if scored:
        head: tuple[Any, ...] = (p.get("score"), same)
    else:
        head = (p.get("query", p.get("asked")), p.get("cached_query", p.get("stored")), same)
    return (*head, p["namespace"]) if p.get("namespace") is not None else head


def _parse(p: Any, scored: bool) -> Pair:
    t = _as_tuple(p, scored)
    size = 2 if scored else 3
    if len(t) not in (size, size + 1):
        raise InvalidInputError(
            "without an embedder, pairs are (score, same: bool[, namespace])"
            if scored
            else "pairs are (query, cached_query, same: bool[, namespace])"
        )
    namespace = t[size] if len(t) > size else None
    if namespace is not None and not isinstance(namespace, str):
        raise InvalidInputError("a pair's namespace must be a str")
    if not isinstance(t[size - 1], bool):
        raise InvalidInputError("a pair's label (same answer) must be a bool")
    if scored:
        if isinstance(t[0], bool) or not isinstance(t[0], (int, float)):
            raise InvalidInputError("without an embedder, a pair's score must be a number")
        return Pair(None, None, float(t[0]), t[1], namespace)
    if not isinstance(t[0], str) or not isinstance(t[1], str):
        raise InvalidInputError("pairs are (query, cached_query, same: bool[, namespace])")
    return Pair(t[0], t[1], None, t[2], namespace)


def parse_pairs(labeled_pairs: Iterable[Any], scored: bool) -> list[Pair]:
    """Every labeled pair, checked (``scored``: they carry scores, not texts)."""
    out = [_parse(p, scored) for p in labeled_pairs]
    for i, pair in enumerate(out):
        if not scored and not (str(pair.query).strip() and str(pair.cached).strip()):
            raise InvalidInputError(
                f"pair {i} has a blank question: the cache never serves one (its lookup "
                "is an empty_query miss), so no threshold is chosen on it"
            )
    if not out:
        raise InvalidInputError("calibrate needs at least one labeled pair")
    return out


def fitting(source: Any, pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    """(the pairs whose two texts the embedder reads whole, the others): a lookup never
    serves a hit decided on a cut vector, so a threshold is not chosen on one either."""
    if source is None:
        return pairs, []
    core = getattr(source, "_core", source)
    cache_like = hasattr(core, "lookup_flow")
    fits = fits_of(core.embedder if cache_like else source)
    normalize = bool(getattr(core.config, "normalize", True)) if cache_like else True
    known: dict[str, bool] = {}
    kept: list[Pair] = []
    cut: list[Pair] = []
    for p in pairs:
        ok = True
        for text in (p.query, p.cached):
            if ok and text is not None:
                if text not in known:
                    known[text] = bool(fits(normalize_text(text) if normalize else text))
                ok = known[text]
        (kept if ok else cut).append(p)
    if cut:
        log.warning("calibrate left out %d pairs longer than the embedder's window", len(cut))
    return kept, cut
