"""CLI commands that operate the semantic cache: stats/inspect of semantic namespaces,
export/import checkpoints, vacuum, compact and calibrate (skipped until the semantic
cache is installed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_support import nc, nc_json

try:
    from nearcache.semantic.cache import SemanticCache
except ImportError:  # pragma: no cover - until the semantic cache is in this tree
    pytest.skip("nearcache.semantic.cache is not in this tree yet", allow_module_level=True)

from nearcache.cli.models import HashEmbedder
from nearcache.stores.sqlite import SQLiteStore

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "answers.db"
    cache = SemanticCache(embedder=HashEmbedder(), store=SQLiteStore(path))
    try:
        for i in range(20):
            cache.put(f"question number {i} about caching", f"answer {i}", namespace="faq")
        cache.put("temporary question", "temporary answer", namespace="faq")
        cache.delete("temporary question", namespace="faq")
    finally:
        cache.close()
    return path


def test_stats_and_inspect_show_semantic_namespaces(filled: Path) -> None:
    url = f"sqlite:///{filled}"
    stats = nc_json("stats", "--store", url)
    rows = {(r["table"], r["namespace"]): r for r in stats["namespaces"]}
    assert any(table == "semantic" for table, _ in rows)
    info = nc_json("inspect", "--store", url)
    assert info["semantic"] and all(ns["entries"] >= 1 for ns in info["semantic"])
    sem = info["semantic_cache"]
    assert (sem["dim"], sem["dtype"]) == (64, "float32")
    assert sem["fingerprint"] == HashEmbedder().fingerprint
    assert sem["tombstones"] >= 0 and sem["index_entries"] >= 20
    (faq,) = [ns for ns in info["semantic"] if ns["namespace"] == "faq"]
    assert faq["entries"] == 20 and faq["partitions"] >= 1
    wrong = nc_json("inspect", "--store", url, model="default")
    assert "error" in wrong["semantic_cache"] and wrong["semantic"]


def test_export_import_roundtrip_and_refusals(filled: Path, tmp_path: Path) -> None:
    checkpoint = tmp_path / "faq.tar.gz"
    out = nc_json("export", str(checkpoint), "--store", f"sqlite:///{filled}")
    assert checkpoint.is_file() and out["bytes"] > 0
    target = tmp_path / "restored.db"
    restored = nc_json("import", str(checkpoint), "--store", f"sqlite:///{target}")
    assert restored["entries"] >= 20
    cache = SemanticCache(embedder=HashEmbedder(), store=SQLiteStore(target))
    try:
        hit = cache.get("question number 7 about caching", namespace="faq")
        assert hit and hit.response == "answer 7"
    finally:
        cache.close()
    again = nc("import", str(checkpoint), "--store", f"sqlite:///{target}")
    assert again.returncode == 1 and len(again.stderr.strip().splitlines()) == 1
    assert "holds 20 semantic entries" in again.stderr  # and what to do:
    assert "`nearcache clear --table semantic" in again.stderr and "new store" in again.stderr
    other = tmp_path / "other.db"
    proc = nc("import", str(checkpoint), "--store", f"sqlite:///{other}", model="default")
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")
    proc = nc("import", str(bogus), "--store", f"sqlite:///{other}")
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1


def test_vacuum_and_compact(filled: Path) -> None:
    url = f"sqlite:///{filled}"
    vac = nc_json("vacuum", "--store", url)
    assert vac["total"] >= 0 and "semantic" in vac["removed"]
    compacted = nc_json("compact", "--store", url)
    assert compacted["total"] >= 0
    again = nc_json("compact", "--store", url)
    assert again["total"] == 0  # nothing left to reclaim


def _has_calibrate() -> bool:
    try:
        import nearcache.semantic.calibrate  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _has_calibrate(), reason="nearcache.semantic.calibrate not in this tree")
def test_calibrate_on_the_example_pairs(tmp_path: Path) -> None:
    out = nc_json(
        "calibrate",
        str(EXAMPLES / "calibration_pairs.jsonl"),
        "--max-false-hit-rate",
        "0.1",
        "--store",
        f"sqlite:///{tmp_path / 'cal.db'}",
        model="default",
    )
    assert out["pairs"] == 40
    threshold = out.get("threshold")
    assert threshold is None or -1.0 <= threshold <= 1.0


@pytest.mark.skipif(not _has_calibrate(), reason="nearcache.semantic.calibrate not in this tree")
def test_calibrate_scores_by_the_judge_when_asked(tmp_path: Path) -> None:
    """Without --judge the command calibrates cosine alone; a default SemanticCache serves
    by its judge's accept threshold, which --judge calibrates."""
    args = ["calibrate", str(EXAMPLES / "calibration_pairs.jsonl"), "--max-false-hit-rate"]
    args += ["0.3", "--store", f"sqlite:///{tmp_path / 'cal.db'}"]
    assert nc_json(*args, model="default")["score"] == "similarity"
    judged = nc_json(*args, "--judge", model="default")
    assert judged["score"] == "judge" and judged["pairs"] == 40


@pytest.mark.skipif(not _has_calibrate(), reason="nearcache.semantic.calibrate not in this tree")
def test_calibrate_shows_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """Embedding and scoring many pairs takes a while: a terminal sees a bar per stage (on
    stderr, so stdout stays the result), not silence; --json and --quiet show none."""
    args = ["calibrate", str(EXAMPLES / "calibration_pairs.jsonl"), "--max-false-hit-rate"]
    args += ["0.3", "--store", f"sqlite:///{tmp_path / 'cal.db'}"]
    tty = {"FORCE_COLOR": "1", "TERM": "xterm-256color", "TTY_COMPATIBLE": "1"}
    run = nc(*args, env=tty)
    assert run.returncode == 0, run.stderr
    assert "embedding" in run.stderr and "scoring" in run.stderr
    assert "40/40" in run.stderr  # every pair scored
    assert "scoring" not in run.stdout
    for flag in ("--json", "--quiet"):
        quiet = nc(*args, flag, env=tty)
        assert quiet.returncode == 0 and "scoring" not in quiet.stderr, quiet.stderr
