"""A false-hit rate or confidence outside (0, 1) is a usage error naming the option, found
before any model loads: ``explain --max-false-hit-rate 2`` loaded the default model and
then said "max_false_hit_rate must be in (0, 1)", a Python parameter name, with status 1."""

from __future__ import annotations

from pathlib import Path

import pytest

import nearcache.cli.models as models
from nearcache.cli.runner import run


@pytest.mark.parametrize(
    ("argv", "option", "value"),
    [
        (["explain", "a cat", "a dog", "--max-false-hit-rate", "2"], "--max-false-hit-rate", "2"),
        (["explain", "a cat", "a dog", "--max-false-hit-rate", "0"], "--max-false-hit-rate", "0"),
        (["calibrate", "PAIRS", "--max-false-hit-rate", "-0.1"], "--max-false-hit-rate", "-0.1"),
        (["calibrate", "PAIRS", "--confidence", "1"], "--confidence", "1"),
    ],
)
def test_a_rate_outside_the_unit_interval_is_a_usage_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    option: str,
    value: str,
) -> None:
    def no_model(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model was loaded before the option was checked")

    monkeypatch.setattr(models, "resolve_embedder", no_model)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "a cat", "b": "a cat", "same": true}\n')
    argv = [str(pairs) if a == "PAIRS" else a for a in argv]
    assert run([*argv, "--store", str(tmp_path / "c.db")]) == 2
    assert f"Invalid value for {option}: {value} is not inside (0, 1)" in capsys.readouterr().err
    assert not (tmp_path / "c.db").exists()
