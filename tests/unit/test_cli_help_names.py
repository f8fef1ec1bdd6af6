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


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        (["search", "--help"], "nearcache search [OPTIONS] QUERY"),
        (["search"], "nearcache search [OPTIONS] QUERY"),
        (["embed"], "nearcache embed [OPTIONS] PATHS..."),
        (["explain", "--help"], "nearcache explain [OPTIONS] [STORED] [ASKED]"),
    ],
)
def test_usage_shows_required_arguments_bare(
    argv: list[str], usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Typer 0.29 wrapped a required argument in braces in the usage line (``nearcache
    search [OPTIONS] {QUERY}``), which reads as a literal or a set to pick from; the
    convention (click, argparse, man pages) is the bare name, ``[NAME]`` if optional."""
    run(argv)
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    line = next(line for line in shown.splitlines() if "Usage:" in line)
    assert usage in line and "{" not in line, line


def test_bench_takes_n_as_the_benchmark_scripts_do(capsys: pytest.CaptureFixture[str]) -> None:
    """``benchmarks/embedding_cache.py -n 100000`` and RESULTS.md write ``-n``; ``nearcache
    bench -n 50`` said "No such option: -n" (only ``--n`` was taken)."""
    argv = ["bench", "--store", "memory://", "-n", "20", "--dim", "8", "--repeat", "1", "--json"]
    assert run(argv) == 0
    assert '"n": 20' in capsys.readouterr().out
