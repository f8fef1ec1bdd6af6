"""``--help`` names a command's arguments as its description does (``PATHS``, ``QUERY``):
the usage line said ``nearcache embed [OPTIONS] {paths}...`` under "Chunk the text and code
files under PATHS"."""

from __future__ import annotations

import pytest

from nearcache.cli.runner import run


@pytest.mark.parametrize(
    ("command", "name"),
    [("embed", "PATHS"), ("search", "QUERY"), ("import", "SOURCE"), ("calibrate", "PAIRS")],
)
def test_help_names_arguments_in_upper_case(
    command: str, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run([command, "--help"]) == 0
    shown = capsys.readouterr().out
    usage = next(line for line in shown.splitlines() if "Usage:" in line)
    assert name in usage and name.lower() not in usage, usage
