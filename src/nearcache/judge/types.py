"""The judge's vocabulary: a :class:`Step` of an explanation, a :class:`Verdict`, the
:class:`Judge` protocol and a guard's :class:`GuardResult`.

A semantic cache finds the stored question nearest to the asked one; the judge decides
whether the stored answer really answers the asked question. Every judge returns a
:class:`Verdict` so the cache can report *why* a candidate was refused (``reason``), and
``explain`` can show each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

__all__ = ["PASS", "NEUTRAL", "REJECT", "GuardResult", "Judge", "Outcome", "Step", "Verdict"]

Outcome = Literal["pass", "neutral", "reject"]
PASS: Outcome = "pass"
NEUTRAL: Outcome = "neutral"
REJECT: Outcome = "reject"


@dataclass(frozen=True)
class Step:
    """One line of an explanation.

    ``name`` is ``"floor"``, ``"guard:<name>"``, ``"verifier"`` or ``"threshold"``;
    ``outcome`` is ``"pass"``, ``"neutral"`` or ``"reject"``; ``detail`` says why in words.
    """

    name: str
    outcome: Outcome
    detail: str
    score: float | None = None


@dataclass(frozen=True)
class Verdict:
    """A judge's decision on one candidate.

    ``score`` is the judge's confidence in [0, 1] that both texts ask the same question;
    ``reason`` is None when accepted, else ``"floor"``, ``"guard:<name>"``, ``"verifier"``
    or ``"error"``. ``steps`` is filled by ``explain`` (and empty on the fast path).
    """

    accept: bool
    score: float
    reason: str | None
    steps: tuple[Step, ...] = ()


_SIGNAL = {REJECT: -1.0, NEUTRAL: 0.0, PASS: 1.0}


@dataclass(frozen=True)
class GuardResult:
    """What one guard found on a pair: ``reject`` means the texts provably differ in the
    guard's dimension (a number, a negation, ...), ``pass`` that the guard found its cues
    on both sides and they agree, ``neutral`` that it found nothing to compare."""

    outcome: Outcome
    detail: str

    @property
    def signal(self) -> float:
        """-1 for reject, 0 for neutral, +1 for pass (a feature for the verifier)."""
        return _SIGNAL[self.outcome]


@runtime_checkable
class Judge(Protocol):
    """Anything that decides whether a stored question's answer serves the asked one.

    ``query`` is the asked question, ``candidate_query`` the stored one, ``similarity``
    the cosine of their embeddings. Must not raise on any text (a cache treats an
    exception as a rejection) and must be thread-safe.
    """

    def judge(self, query: str, candidate_query: str, similarity: float) -> Verdict: ...
