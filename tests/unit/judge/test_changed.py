"""The verifier's ``numbers_changed`` / ``negation_changed`` features: a figure or a
negation that changed while every content word met, with no guard vouching for it."""

from __future__ import annotations

from nearcache.judge.features import FEATURES, features
from nearcache.judge.types import GuardResult

_NUM = FEATURES.index("numbers_changed")
_NEG = FEATURES.index("negation_changed")

VERSION = ("How do I install Python 3.11 on Ubuntu?", "How do I install Python 3.12 on Ubuntu?")
NEGATED = ("Can I take ibuprofen with food?", "Can I take ibuprofen without food?")


def _guard(name: str, outcome: str) -> GuardResult:  # detail: the name, for reading
    return GuardResult(outcome, name)  # type: ignore[arg-type]


def test_a_figure_changed_under_the_same_words_reads_one_unless_a_guard_vouched() -> None:
    # as if the numbers guard had missed it: nothing said
    assert features(*VERSION, 0.97, {})[_NUM] == 1.0
    assert features(*VERSION, 0.97, {"numbers": _guard("numbers", "neutral")})[_NUM] == 1.0
    # a guard that compared the figures and found them the same overrules the shape
    assert features(*VERSION, 0.97, {"numbers": _guard("numbers", "pass")})[_NUM] == 0.0
    assert features(*VERSION, 0.97, {"time": _guard("time", "pass")})[_NUM] == 0.0
    assert features(*VERSION, 0.97, {})[_NEG] == 0.0


def test_a_negation_changed_under_the_same_words_reads_one_unless_the_guard_passed() -> None:
    assert features(*NEGATED, 0.95, {})[_NEG] == 1.0
    assert features(*NEGATED, 0.95, {"negation": _guard("negation", "pass")})[_NEG] == 0.0
    assert features(*NEGATED, 0.95, {})[_NUM] == 0.0


def test_other_words_or_the_same_figures_read_nothing() -> None:
    same = ("How do I install Python 3.11 on Ubuntu?", "how to install python 3.11 on ubuntu")
    assert features(*same, 0.95, {})[_NUM] == 0.0
    reworded = ("How do I install Python 3.11 on Ubuntu?", "Python 3.12 setup steps for Debian")
    assert features(*reworded, 0.8, {})[_NUM] == 0.0  # content words differ: not this shape
    both_negated = ("Why can't I log in?", "Why can't I sign in?")
    assert features(*both_negated, 0.9, {})[_NEG] == 0.0
