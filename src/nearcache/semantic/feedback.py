"""Feedback: callers say whether a served hit was right, and the cache adapts.

Two thresholds tighten, never loosen on their own (a fast wrong answer is worse than a
miss; ``reset_feedback`` starts a namespace over):

* **Per entry.** A semantic hit reported wrong stores its score in the entry's record as a
  *feedback floor*: that entry is then served only for candidates the judge scores above
  it, so the same look-alike is refused next time while closer paraphrases still hit. The
  record is rewritten with a new write id, so every process's index follows it through
  the store's change log. A wrong *exact* hit means the stored answer itself is wrong for
  its own question: the entry is deleted.
* **Per namespace.** Each namespace keeps its recent feedback (score, correct) in the
  store's metadata. Once it holds at least ``MIN_REPORTS`` reports (both kinds: this rule
  estimates the false-hit rate from them) and the wrong share among the hits served at the
  current threshold is *provably* above the bound ``max_false_hit_rate`` (the one-sided
  Clopper-Pearson lower bound exceeds it), the namespace's threshold rises to the lowest
  score at which the observed wrong share is within the bound. A few unlucky reports do
  not move it; a real excess does. (The idea of per-prompt thresholds learned from
  feedback comes from the vCache paper; this is a simpler, deterministic rule.)

Concurrent feedback from several processes on one namespace is merged by re-reading the
metadata before each update; two reports landing in the same instant may count once.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field

from ..clock import Clock
from ..errors import InvalidTypeError
from ..index.protocol import unit_rows
from ..keys import encode_parts, validate_namespace
from ..stores.protocol import Item, Store
from .calibrate import beta_ppf
from .indexing import ANY_TIME, TABLE
from .record import new_write_id, with_feedback_floor
from .state import CoreState
from .types import Hit

__all__ = [
    "DEFAULT_BOUND",
    "FeedbackBook",
    "FeedbackMixin",
    "NamespaceFeedback",
    "feedback_limits",
]

#: The false-hit bound feedback holds a namespace to when none was configured.
DEFAULT_BOUND = 0.02
#: Feedback reports kept per namespace (the oldest are dropped).
MAX_OBSERVATIONS = 1000
#: Confidence of the evidence needed before a namespace threshold rises.
EVIDENCE = 0.95
#: Reports a namespace needs before its threshold can move (a handful proves nothing,
#: and callers who only report wrong hits would otherwise shut the namespace at once).
MIN_REPORTS = 30
#: How often (seconds, cache clock) a process re-reads a namespace's feedback state.
REFRESH = 1.0


def _meta_key(namespace: str) -> str:
    return encode_parts("semantic", "feedback", namespace)


@dataclass
class NamespaceFeedback:
    """One namespace's feedback: counts, recent (score, correct) pairs, its threshold."""

    correct: int = 0
    wrong: int = 0
    threshold: float = -math.inf
    observations: list[tuple[float, bool]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(
            {
                "correct": self.correct,
                "wrong": self.wrong,
                "threshold": None if math.isinf(self.threshold) else self.threshold,
                "observations": [[s, c] for s, c in self.observations],
            }
        )

    @classmethod
    def from_json(cls, raw: str | None) -> NamespaceFeedback:
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
            obs = [(float(s), bool(c)) for s, c in data.get("observations", [])]
            t = data.get("threshold")
            return cls(
                int(data.get("correct", 0)),
                int(data.get("wrong", 0)),
                -math.inf if t is None else float(t),
                obs[-MAX_OBSERVATIONS:],
            )
        except (ValueError, TypeError, AttributeError):
            return cls()  # unreadable feedback state: start over rather than fail lookups

    def adapt(self, bound: float) -> None:
        """Raise the threshold while the served hits' wrong share is provably over bound."""
        served = [(s, c) for s, c in self.observations if s >= self.threshold]
        wrong = sum(not c for _, c in served)
        if len(served) < MIN_REPORTS or not wrong or _lower_bound(wrong, len(served)) <= bound:
            return
        for t in sorted({s for s, _ in served}):
            above = [c for s, c in served if s > t]
            if not above or sum(not c for c in above) / len(above) <= bound:
                self.threshold = math.nextafter(t, math.inf)
                return


def _lower_bound(failures: int, trials: int) -> float:
    """One-sided Clopper-Pearson lower bound of a rate seen ``failures/trials`` times."""
    if failures <= 0:
        return 0.0
    return beta_ppf(1.0 - EVIDENCE, failures, trials - failures + 1)


class FeedbackBook:
    """Per-namespace feedback state, cached in process and kept in the store's metadata."""

    def __init__(self, store: Store, clock: Clock, bound: float) -> None:
        self.store = store
        self.clock = clock
        self.bound = bound
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, NamespaceFeedback]] = {}

    def state(self, namespace: str) -> NamespaceFeedback:
        """The namespace's state, re-read from the store at most every ``REFRESH`` s."""
        now = self.clock()
        with self._lock:
            got = self._cached.get(namespace)
            if got is not None and 0 <= now - got[0] < REFRESH:
                return got[1]
        state = NamespaceFeedback.from_json(self.store.get_meta(_meta_key(namespace)))
        with self._lock:
            self._cached[namespace] = (now, state)
        return state

    def threshold(self, namespace: str) -> float:
        return self.state(namespace).threshold

    def record(self, namespace: str, score: float, correct: bool) -> NamespaceFeedback:
        """Add one report (re-reading the stored state first) and adapt the threshold."""
        with self._lock:
            state = NamespaceFeedback.from_json(self.store.get_meta(_meta_key(namespace)))
            if correct:
                state.correct += 1
            else:
                state.wrong += 1
            state.observations.append((float(score), bool(correct)))
            del state.observations[:-MAX_OBSERVATIONS]
            state.adapt(self.bound)
            self.store.set_meta(_meta_key(namespace), state.to_json())
            self._cached[namespace] = (self.clock(), state)
            return state

    def reset(self, namespace: str) -> None:
        """Forget a namespace's feedback (its threshold returns to the judge's)."""
        with self._lock:
            self.store.set_meta(_meta_key(namespace), NamespaceFeedback().to_json())
            self._cached.pop(namespace, None)


def feedback_limits(core: CoreState, ns: str, key: str) -> tuple[float, float | None]:
    """What feedback asks of a candidate in ``ns``: the namespace's threshold, and the
    feedback floor of the entry stored under ``key`` (None: there is no live entry)."""
    blob = core.store.get_many(TABLE, ns, [key], now=core.clock(), touch=False)[0]
    entry = None if blob is None else core._decode(ns, key, blob)
    return core.feedback_book.threshold(ns), None if entry is None else entry.feedback_floor


class FeedbackMixin(CoreState):
    """``feedback(hit, correct)`` and ``reset_feedback(namespace)``."""

    def feedback(self, hit: Hit, correct: bool) -> None:
        """Report whether a served hit was right; a wrong one tightens thresholds.

        A wrong semantic hit gives its entry a feedback floor (the entry is then served
        only to candidates scored above this hit's ``confidence``) and counts toward the
        namespace's threshold; a wrong exact hit deletes the entry (its answer is wrong
        for its own question). A hit whose entry is gone since is only counted.

        Raises:
            InvalidTypeError: ``hit`` is not a ``Hit`` from a lookup, or ``correct`` is
                not a bool.
        """
        self._check_open()
        if not isinstance(hit, Hit) or not hit.key:
            raise InvalidTypeError("feedback needs a Hit returned by get() or lookup()")
        if not isinstance(correct, bool):
            raise InvalidTypeError(f"correct must be a bool, not {type(correct).__name__}")
        ns = validate_namespace(hit.namespace)
        self.counters.feedback(ns, correct)
        if hit.layer == "exact":
            if not correct:
                self._remove_entry(ns, hit.key)
            return
        if not correct:
            self._raise_entry_floor(ns, hit.key, hit.confidence)
        self.feedback_book.record(ns, hit.confidence, correct)

    def reset_feedback(self, namespace: str) -> None:
        """Forget a namespace's feedback threshold (entries keep their own floors)."""
        self._check_open()
        self.feedback_book.reset(validate_namespace(namespace))

    def _raise_entry_floor(self, ns: str, key: str, score: float) -> None:
        index = self.index
        with index.lock:
            self._check_open()
            blob = self.store.get_many(TABLE, ns, [key], now=ANY_TIME, touch=False)[0]
            entry = None if blob is None else self._decode(ns, key, blob)
            if blob is None or entry is None or entry.feedback_floor >= score:
                return
            wid = new_write_id()
            record = with_feedback_floor(blob, ns, key, score, wid)  # same vector bytes
            index.write(
                ns,
                [Item(key, record, entry.expires_at)],
                [entry.scope],
                unit_rows(entry.vector.reshape(1, -1)),
                [wid],
                now=self.clock(),
            )
