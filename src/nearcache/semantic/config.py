"""The semantic cache's settings, validated once and frozen.

Every constructor argument is checked here before a store is opened, so a bad argument
touches nothing. The few settings that change at run time (the similarity threshold,
the vector dtype after ``requantize``) are changed by replacing the whole config
(``dataclasses.replace``), so a reader always sees one consistent set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from ..codecs import check_dtype_name
from ..embedding.cache import EmbeddingCache
from ..errors import InvalidInputError, InvalidTypeError
from ..index.factory import check_backend
from ..judge import Judge
from ..keys import validate_namespace
from ..policy import check_ttl
from ..stores.memory import MemoryStore
from ..stores.protocol import Store
from .judging import build_judge, default_floor
from .types import Hit, MetricEvent

__all__ = ["MODES", "SemanticConfig", "check_threshold", "resolve_mode"]

#: ``"auto"`` resolves to ``"single"`` for a store only this process can reach (a
#: ``MemoryStore``) and to ``"shared"`` for every store other processes can write.
MODES: tuple[str, ...] = ("auto", "single", "shared")


def check_threshold(value: object) -> float:
    """A similarity threshold: a finite number in [-1, 1] (else ``InvalidInputError``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not -1.0 <= value <= 1.0
    ):
        raise InvalidInputError(f"similarity_threshold must be a number in [-1, 1], not {value!r}")
    return float(value)


def _count(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInputError(f"{name} must be a non-negative int, not {value!r}")
    return value


def _limit(name: str, value: object) -> int:
    limit = _count(name, value)
    if limit is None:
        raise InvalidInputError(f"{name} must be a non-negative int, not None")
    return limit


def _cap(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInputError(f"{name} must be a positive int, not {value!r}")
    return value


def _seconds(name: str, value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not value >= 0
        or not math.isfinite(value)
    ):
        raise InvalidInputError(f"{name} must be a non-negative number of seconds")
    return float(value)


def _quotas(quotas: Mapping[str, int] | None) -> Mapping[str, int]:
    out: dict[str, int] = {}
    for ns, quota in dict(quotas or {}).items():
        validate_namespace(ns)
        if quota is None:
            raise InvalidInputError(f"namespace_quotas[{ns!r}] must be a non-negative int")
        q = _count(f"namespace_quotas[{ns!r}]", quota)
        assert q is not None
        out[ns] = q
    return MappingProxyType(out)


def _rate(value: object) -> float | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0.0 < float(value) < 1.0
    ):
        raise InvalidInputError(f"max_false_hit_rate must be a number in (0, 1), not {value!r}")
    return float(value)


def resolve_mode(mode: str, store: Store | None) -> str:
    """``"auto"`` -> ``"single"`` for an in-process store, else ``"shared"``."""
    if mode != "auto":
        return mode
    return "single" if store is None or isinstance(store, MemoryStore) else "shared"


@dataclass(frozen=True)
class SemanticConfig:
    """Validated settings of one semantic cache (see ``SemanticCache`` for each one)."""

    similarity_threshold: float = 0.85
    default_ttl: float | None = None
    max_entries: int | None = None
    namespace_quotas: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    confidence_fn: Callable[[str, Hit], float] | None = None
    validator: Callable[[str, Hit], bool] | None = None
    metrics_hook: Callable[[MetricEvent], Any] | None = None
    normalize: bool = True
    index_backend: str = "auto"
    index_options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    vector_dtype: str = "float32"
    multi_process_mode: str = "auto"
    stale_check_interval: float = 0.0
    max_query_bytes: int = 32768
    max_response_bytes: int = 4 * 1048576
    max_metadata_bytes: int = 65536
    embedding_cache: EmbeddingCache | None = None
    top_k: int = 4
    fail_open: bool = False
    judge: Judge | None = None
    judge_spec: object = None
    max_false_hit_rate: float | None = None
    hot_entries: int = 4096
    hot_bytes: int = 32 * 1048576

    def with_threshold(self, value: float) -> SemanticConfig:
        """A copy with another similarity threshold (a default judge gets it as floor)."""
        threshold = check_threshold(value)
        judge = self.judge
        if self.judge_spec == "default":
            judge = build_judge("default", threshold, self.max_false_hit_rate)
        return replace(self, similarity_threshold=threshold, judge=judge)

    @classmethod
    def build(cls, **kwargs: Any) -> SemanticConfig:
        """Validate every setting; raise the error tree's specific class for a bad one."""
        k = dict(kwargs)
        for name in ("confidence_fn", "validator", "metrics_hook"):
            if k.get(name) is not None and not callable(k[name]):
                raise InvalidTypeError(f"{name} must be callable")
        mode = k.get("multi_process_mode", "auto")
        if mode not in MODES:
            raise InvalidInputError(
                f"unknown multi_process_mode {mode!r}; allowed: {', '.join(MODES)}"
            )
        ec = k.get("embedding_cache")
        if ec is not None and not isinstance(ec, EmbeddingCache):
            raise InvalidTypeError("embedding_cache must be an EmbeddingCache")
        top_k = k.get("top_k", 4)
        if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 1000:
            raise InvalidInputError("top_k must be an int between 1 and 1000")
        spec = k.get("judge", "default")
        threshold = k.get("similarity_threshold")
        threshold = check_threshold(default_floor(spec) if threshold is None else threshold)
        bound = _rate(k.get("max_false_hit_rate"))
        return cls(
            judge=build_judge(spec, threshold, bound),
            judge_spec=spec,
            max_false_hit_rate=bound,
            similarity_threshold=threshold,
            default_ttl=check_ttl(k.get("default_ttl")),
            max_entries=_count("max_entries", k.get("max_entries")),
            namespace_quotas=_quotas(k.get("namespace_quotas")),
            confidence_fn=k.get("confidence_fn"),
            validator=k.get("validator"),
            metrics_hook=k.get("metrics_hook"),
            normalize=bool(k.get("normalize", True)),
            index_backend=check_backend(k.get("index_backend", "auto")),
            index_options=MappingProxyType(dict(k.get("index_options") or {})),
            vector_dtype=check_dtype_name(k.get("vector_dtype", "float32")),
            multi_process_mode=mode,
            stale_check_interval=_seconds(
                "stale_check_interval", k.get("stale_check_interval", 0.0)
            ),
            max_query_bytes=_cap("max_query_bytes", k.get("max_query_bytes", 32768)),
            max_response_bytes=_cap("max_response_bytes", k.get("max_response_bytes", 4 << 20)),
            max_metadata_bytes=_cap("max_metadata_bytes", k.get("max_metadata_bytes", 65536)),
            embedding_cache=ec,
            top_k=top_k,
            fail_open=bool(k.get("fail_open", False)),
            hot_entries=_limit("hot_entries", k.get("hot_entries", 4096)),
            hot_bytes=_limit("hot_bytes", k.get("hot_bytes", 32 * 1048576)),
        )
