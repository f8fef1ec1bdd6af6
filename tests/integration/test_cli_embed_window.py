"""``nearcache embed --chunk-size`` past the model's window: the chunks it cuts are counted
and named once, not embedded silently in part."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import make_corpus, nc

WARNING = "longer than the model's window (256 word pieces)"


def test_chunks_past_the_default_models_window_are_counted_once(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", paragraphs=60)  # ~8,000 characters a file
    store = f"sqlite:///{tmp_path / 'store.db'}"
    proc = nc("embed", str(corpus), "--store", store, "--chunk-size", "5000", model="default")
    assert proc.returncode == 0, proc.stderr
    [line] = [x for x in proc.stderr.splitlines() if "window" in x]
    assert line.startswith("warning: ") and WARNING in line and "--chunk-size" in line
    again = nc(
        "embed", str(corpus), "--store", store, "--chunk-size", "5000", "--json", model="default"
    )
    assert again.returncode == 0 and "window" not in again.stderr  # nothing new embedded
    data = json.loads(again.stdout)
    assert data["embedded"] == 0 and data["truncated"] == 0


def test_chunks_within_the_window_warn_of_nothing(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", paragraphs=4)
    store = f"sqlite:///{tmp_path / 'store.db'}"
    proc = nc("embed", str(corpus), "--store", store, "--json", model="default")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["embedded"] > 0 and data["truncated"] == 0 and data["window"] == 256
    assert "window" not in proc.stderr
