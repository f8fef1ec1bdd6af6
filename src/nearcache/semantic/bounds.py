"""The one-sided Clopper-Pearson upper bound of a rate, and the Beta distribution it
needs (:mod:`.calibrate` judges thresholds by it; :mod:`.feedback` uses the quantile).

SciPy is not a dependency, so the quantile of the Beta distribution is computed here:
the regularized incomplete beta function by its continued fraction (evaluated with the
modified Lentz method, using ``math.lgamma``) and the quantile by bisection, which is
slow but exact to ~1e-12 and only runs once per threshold.
"""

from __future__ import annotations

import math

from ..errors import InvalidInputError

__all__ = ["beta_ppf", "betainc", "clopper_pearson_upper"]

_TINY = 1e-300
_EPS = 1e-15


def _beta_fraction(x: float, a: float, b: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for num in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > _TINY else _TINY)
            c = 1.0 + num / c
            c = c if abs(c) > _TINY else _TINY
            step = d * c
            h *= step
        if abs(step - 1.0) < _EPS:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``."""
    if not (a > 0 and b > 0):
        raise InvalidInputError("betainc needs a > 0 and b > 0")
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return min(1.0, max(0.0, front * _beta_fraction(x, a, b) / a))
    return min(1.0, max(0.0, 1.0 - front * _beta_fraction(1.0 - x, b, a) / b))


def beta_ppf(p: float, a: float, b: float) -> float:
    """Quantile of Beta(a, b): the ``x`` with ``I_x(a, b) = p`` (bisection)."""
    if not 0.0 <= p <= 1.0:
        raise InvalidInputError("p must be in [0, 1]")
    if p == 0.0:
        return 0.0
    if p == 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    for _ in range(1100):  # relative precision, so tiny quantiles are exact too
        mid = 0.5 * (lo + hi)
        if mid <= lo or mid >= hi:
            break
        if betainc(a, b, mid) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * hi:
            break
    return 0.5 * (lo + hi)


def clopper_pearson_upper(failures: int, trials: int, confidence: float) -> float:
    """One-sided Clopper-Pearson upper bound of a rate seen ``failures/trials`` times."""
    if trials <= 0 or failures >= trials:
        return 1.0
    return beta_ppf(confidence, failures + 1, trials - failures)
