"""``explain``: how the cache would judge serving one stored question's answer for another.

The same steps as a lookup's for one candidate -- the embedder's window, the similarity
floor, the judge, and in a namespace the feedback limits -- reported step by step;
nothing is stored or counted.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any

import numpy as np

from .._flow import Embed
from ..judge import Verdict
from ..keys import validate_namespace
from .admission import key_text
from .feedback import feedback_limits
from .judging import explain_steps, window_refusal, with_feedback
from .lookup import unit
from .record import entry_key, scope_of
from .state import CoreState

__all__ = ["ExplainMixin"]


class ExplainMixin(CoreState):
    """``explain_flow``."""

    def explain_flow(
        self,
        stored: str,
        asked: str,
        *,
        namespace: str | None = None,
        context: Mapping[str, Any] | None = None,
        entry: str | None = None,
    ) -> Generator[Embed, Any, Verdict]:
        """How this cache would judge serving ``stored``'s answer for ``asked``: a ``Verdict``
        whose ``steps`` list each decision (nothing is stored or counted); with
        ``namespace`` (and ``context``) also what feedback asks there. ``entry``: the store
        key of the stored entry (as a proxy hit id names it) instead of ``stored``'s key
        in ``context``."""
        self._check_open()
        ns = None if namespace is None else validate_namespace(namespace)
        texts = [key_text(self.config, stored), key_text(self.config, asked)]
        refused = window_refusal(self.embedder, texts[0], texts[1])
        if refused is not None:
            return refused
        mat = yield from self.vectors.flow(self.embedder, texts, self.dim)
        a, b = unit(np.ascontiguousarray(mat[0])), unit(np.ascontiguousarray(mat[1]))
        sim = max(-1.0, min(1.0, float(np.dot(a, b))))
        cfg = self.config
        verdict = explain_steps(cfg.judge, cfg.similarity_threshold, asked, stored, sim)
        if ns is None:
            return verdict
        key = entry_key(scope_of(context), texts[0]) if entry is None else entry
        return with_feedback(verdict, *feedback_limits(self, ns, key))
