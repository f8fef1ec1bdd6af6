"""The judge: does a stored question's answer really answer the asked one?

A semantic cache finds the stored question nearest to the asked one; similar is not the
same ("Celsius to Fahrenheit" / "Fahrenheit to Celsius" embed at 0.995). The judge runs
after the vector search: a similarity floor, deterministic guards (numbers, negation,
antonyms, direction and role, time, entities; scope as a soft signal), a learned verifier
and a calibrated accept threshold. See docs/judge.md.

A building block: it imports only the standard library, NumPy and nearcache's errors.

>>> from nearcache.judge import DefaultJudge
>>> j = DefaultJudge()
>>> j.judge("convert Fahrenheit to Celsius", "convert Celsius to Fahrenheit", 0.99).reason
'guard:direction'
"""

from __future__ import annotations

from .antonyms import guard_antonyms
from .calibration import ShippedCalibration, shipped_calibration
from .dates import guard_time
from .direction import guard_direction
from .entities import guard_entities, guard_scope
from .explain import explain, similarity
from .judge import (
    GUARDS,
    HARD_GUARDS,
    ChainJudge,
    CosineJudge,
    DefaultJudge,
    Guard,
    chain,
    run_guards,
)
from .negation import guard_negation
from .numbers import guard_numbers
from .tokens import clear_caches
from .types import GuardResult, Judge, Step, Verdict
from .verifier import Verifier, default_verifier

__all__ = [
    "GUARDS",
    "HARD_GUARDS",
    "ChainJudge",
    "CosineJudge",
    "DefaultJudge",
    "Guard",
    "GuardResult",
    "Judge",
    "ShippedCalibration",
    "Step",
    "Verdict",
    "Verifier",
    "chain",
    "clear_caches",
    "default_verifier",
    "explain",
    "guard_antonyms",
    "guard_direction",
    "guard_entities",
    "guard_negation",
    "guard_numbers",
    "guard_scope",
    "guard_time",
    "run_guards",
    "shipped_calibration",
    "similarity",
]
