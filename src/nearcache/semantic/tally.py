"""``Tally``: what happened to one lookup's candidates, for the most telling miss reason."""

from __future__ import annotations

__all__ = ["Tally"]


class Tally:
    """What happened to the candidates, for the most telling miss reason.

    A plain class whose defaults live on the class: one is made per lookup, and an
    instance with nothing set costs no more than ``object()``."""

    rejected_exact: bool = False
    exact_expired: bool = False
    validator: bool = False
    scored: bool = False
    expired: bool = False
    best_similarity: float | None = None
    judged: str | None = None  # why the closest candidate over the floor was refused

    def saw(self, similarity: float) -> None:
        self.scored = True
        if self.best_similarity is None or similarity > self.best_similarity:
            self.best_similarity = similarity

    def refused(self, reason: str) -> None:
        if self.judged is None:  # candidates come closest first
            self.judged = reason

    def reason(self) -> str:
        if self.validator or self.rejected_exact:
            return "validator"
        if self.exact_expired:
            return "expired"
        if self.judged is not None:
            return self.judged
        if self.scored:
            return "below_threshold"
        return "expired" if self.expired else "not_found"
