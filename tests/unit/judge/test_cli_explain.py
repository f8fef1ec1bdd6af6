"""``nearcache explain`` through the Typer CLI runner (hash-test embedder: no model load)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nearcache.cli.app import app
from nearcache.errors import InvalidInputError

STORED = "How do I convert Celsius to Fahrenheit?"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NEARCACHE_MODEL", "hash-test")
    return CliRunner()


def test_explain_json_lists_every_step(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["explain", STORED, "How do I convert Fahrenheit to Celsius?", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["accept"] is False and data["reason"] == "guard:direction"
    names = [s["name"] for s in data["steps"]]
    assert names[0] == "floor" and names[-2:] == ["verifier", "threshold"]
    assert {"guard:negation", "guard:numbers", "guard:direction"} <= set(names)
    direction = next(s for s in data["steps"] if s["name"] == "guard:direction")
    assert direction["outcome"] == "reject" and "exchanged" in direction["detail"]
    assert data["stored"] == STORED and data["model"].startswith("nearcache/hash-test")


def test_explain_table_and_hit(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", STORED, "how do I convert celsius to fahrenheit??"])
    assert result.exit_code == 0, result.output
    assert "guard:direction" in result.stdout and "HIT" in result.stdout
    miss = runner.invoke(app, ["explain", STORED, "How do I convert Celsius to Kelvin?"])
    assert "MISS" in miss.stdout


def test_explain_bound_and_errors(runner: CliRunner) -> None:
    loose = runner.invoke(
        app, ["explain", "a b c", "a b d", "--max-false-hit-rate", "0.2", "--json"]
    )
    assert loose.exit_code == 0, loose.output
    default = runner.invoke(app, ["explain", "a b c", "a b d", "--json"])
    assert (
        json.loads(loose.stdout)["accept_threshold"]
        < json.loads(default.stdout)["accept_threshold"]
    )
    bad = runner.invoke(app, ["explain", "a", "b", "--max-false-hit-rate", "0.0001"])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, InvalidInputError) and "smallest" in str(bad.exception)
    missing = runner.invoke(app, ["explain", "only one"])
    assert missing.exit_code == 2
