"""The CLI through its real entry point (``python -m nearcache``) on temp folders.

Most tests use the deterministic ``hash-test`` embedder (``NEARCACHE_MODEL``) to stay
fast; ``test_real_default_model_end_to_end`` runs the shipped default model.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cli_support import TOPICS, assert_one_line_error, make_corpus, nc, nc_json


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus")


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


# --------------------------------------------------------------------------- embed


def test_second_run_embeds_nothing_and_an_edit_only_its_chunks(corpus: Path, store: str) -> None:
    first = nc_json("embed", str(corpus), "--store", store)
    assert first["files"] == len(TOPICS)
    assert first["chunks"] >= first["unique_chunks"] > len(TOPICS)
    assert first["embedded"] == first["unique_chunks"]
    assert first["cache_hits"] == 0
    assert first["changed_files"] == len(TOPICS)

    second = nc_json("embed", str(corpus), "--store", store)
    assert second["embedded"] == 0
    assert second["cache_hits"] == first["unique_chunks"]
    assert second["changed_files"] == 0
    assert second["time_saved_s"] is not None and second["time_saved_s"] >= 0

    target = corpus / "ttl.md"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("Detail number 35", "Detail number 35 (revised)"), "utf-8")
    third = nc_json("embed", str(corpus), "--store", store)
    assert third["changed_files"] == 1
    assert 1 <= third["embedded"] <= 3
    assert third["cache_hits"] == third["unique_chunks"] - third["embedded"]


def test_skips_binary_oversized_and_ignored_files(corpus: Path, store: str) -> None:
    (corpus / ".gitignore").write_text("drafts/\n*.tmp\n", encoding="utf-8")
    (corpus / "drafts").mkdir()
    (corpus / "drafts" / "wip.md").write_text("work in progress", encoding="utf-8")
    (corpus / "scratch.tmp").write_text("scratch", encoding="utf-8")
    (corpus / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    (corpus / "legacy.txt").write_bytes("caf\u00e9".encode("latin-1"))
    (corpus / "huge.txt").write_text("big " * 5000, encoding="utf-8")
    out = nc_json("embed", str(corpus), "--store", store, "--max-file-size", "10000")
    assert out["ignored"] == 2
    assert out["skipped"] == {"binary": 1, "not_utf8": 1, "too_large": 1}
    assert out["skipped_total"] == 3
    assert out["files"] == len(TOPICS) + 1  # the .gitignore itself is text

    everything = nc_json("embed", str(corpus), "--store", store, "--no-gitignore")
    assert everything["ignored"] == 0
    assert everything["files"] == len(TOPICS) + 4


def test_removed_files_leave_the_search_index(corpus: Path, store: str) -> None:
    nc_json("embed", str(corpus), "--store", store)
    (corpus / "sharding.md").unlink()
    out = nc_json("embed", str(corpus), "--store", store)
    assert out["removed_files"] == 1
    found = nc_json("search", "consistent hashing ring servers", "--store", store, "-k", "50")
    assert all(not r["path"].endswith("sharding.md") for r in found["results"])


def test_search_finds_the_right_file_with_line_ranges(corpus: Path, store: str) -> None:
    nc_json("embed", str(corpus), "--store", store, "--chunk-size", "300", "--overlap", "0")
    out = nc_json(
        "search", "consistent hashing spreads keys on a ring", "--store", store, "-k", "3"
    )
    assert out["query"] == "consistent hashing spreads keys on a ring"
    assert out["files"] == len(TOPICS)
    assert len(out["results"]) == 3
    best = out["results"][0]
    assert best["path"] == str((corpus / "sharding.md").resolve())
    lines = Path(best["path"]).read_text(encoding="utf-8").splitlines()
    assert 1 <= best["start_line"] <= best["end_line"] <= len(lines)
    assert best["similarity"] >= out["results"][1]["similarity"]
    first_words = " ".join(lines[best["start_line"] - 1].split())[:20]
    assert best["snippet"].startswith(first_words)


def test_human_output(corpus: Path, store: str) -> None:
    proc = nc("embed", str(corpus), "--store", store)
    assert proc.returncode == 0, proc.stderr
    for label in ("Files", "Chunks", "Unique chunks", "Cache hits", "Embedded", "Throughput"):
        assert label in proc.stdout
    proc = nc("search", "time to live expire", "--store", store, "-k", "2", cwd=corpus)
    assert proc.returncode == 0, proc.stderr
    assert "ttl.md:" in proc.stdout
    proc = nc("stats", "--store", store)
    assert proc.returncode == 0 and "nearcache.hash-test.dense" in proc.stdout
    assert "hit rate:" not in proc.stderr  # every namespace has one: nothing to explain


def test_stats_says_where_a_missing_hit_rate_is(tmp_path: Path) -> None:
    # a proxy's store showed "-" under "hit rate" after hundreds of hits, unexplained
    from nearcache import FunctionEmbedder, SemanticCache

    def embed(texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 8), np.float32)

    words = FunctionEmbedder(embed, dim=8, name="ones")
    with SemanticCache(tmp_path / "p.db", embedder=words) as cache:
        cache.put("what is a cache?", "a store of answers")
        assert cache.get("what is a cache?") is not None
    proc = nc("stats", "--store", str(tmp_path / "p.db"))
    assert proc.returncode == 0, proc.stderr
    assert "/metrics" in proc.stderr and "cache.stats()" in proc.stderr, proc.stderr


def test_json_goes_to_stdout_at_the_end_and_the_bar_to_stderr_meanwhile(
    corpus: Path, store: str
) -> None:
    # `--json` turned the progress bar off, so `embed --json > out.json` on a terminal
    # showed nothing until the end; docs said progress goes to stderr with --json
    forced = {"NEARCACHE_FORCE_PROGRESS": "1"}  # stderr stands in for a terminal
    proc = nc("embed", str(corpus), "--store", store, "--json", env=forced)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["embedded"] > 0  # one object, nothing else on stdout
    assert "embedding" in proc.stderr and "chunks/s" in proc.stderr, proc.stderr
    quiet = nc("embed", str(corpus), "--store", store, "--json", "--quiet", env=forced)
    assert quiet.returncode == 0 and "chunks/s" not in quiet.stderr
    assert json.loads(quiet.stdout)["cache_hits"] > 0


def test_default_store_lives_in_the_user_cache_dir(corpus: Path, tmp_path: Path) -> None:
    cache_home = tmp_path / "xdg"
    out = nc_json("embed", str(corpus), env={"XDG_CACHE_HOME": str(cache_home)})
    assert out["store"] == f"sqlite:///{cache_home / 'nearcache' / 'nearcache.db'}"
    assert (cache_home / "nearcache" / "nearcache.db").is_file()
    env_store = tmp_path / "env.db"
    out = nc_json("embed", str(corpus), env={"NEARCACHE_STORE": str(env_store)})
    assert out["store"] == f"sqlite:///{env_store}"


# --------------------------------------------------------------------------- operations


def test_stats_inspect_vacuum_compact(corpus: Path, store: str) -> None:
    first = nc_json("embed", str(corpus), "--store", store)
    nc_json("embed", str(corpus), "--store", store)
    stats = nc_json("stats", "--store", store)
    rows = {(r["table"], r["namespace"]): r for r in stats["namespaces"]}
    emb = rows[("embedding", "nearcache.hash-test.dense")]
    assert emb["entries"] == first["unique_chunks"]
    assert emb["bytes"] > emb["entries"] * 64 * 4
    assert emb["hits"] == first["unique_chunks"] and emb["misses"] == first["unique_chunks"]
    assert emb["hit_rate"] == pytest.approx(0.5)
    assert rows[("kv", "nearcache.corpus:nearcache.hash-test.dense")]["entries"] == len(TOPICS)
    assert stats["total"]["entries"] == sum(r["entries"] for r in stats["namespaces"])

    info = nc_json("inspect", "--store", store)
    (ns,) = info["embedding"]
    assert ns["namespace"] == "nearcache.hash-test.dense"
    assert (ns["kind"], ns["dim"], ns["vector_dtype"]) == ("dense", 64, "float32")
    assert ns["fingerprints"] == ["nearcache/hash-test@1;dim=64;l2norm=1"]
    assert ns["oldest"]["age_insertions"] == first["unique_chunks"] - 1
    assert info["corpus"][0]["files"] == len(TOPICS)

    only = nc_json("inspect", "--store", store, "--namespace", "nearcache.hash-test.dense")
    assert len(only["embedding"]) == 1
    assert_one_line_error(
        nc("inspect", "--store", store, "--namespace", "nope"),
        "nope",
        "it holds: nearcache.hash-test.dense",  # what to ask for instead
    )

    assert nc_json("vacuum", "--store", store)["total"] == 0
    assert nc_json("compact", "--store", store)["total"] == 0
    proc = nc("inspect", "--store", store)
    assert proc.returncode == 0 and "dense / 64" in proc.stdout


def test_bench_writes_a_results_file(tmp_path: Path, store: str) -> None:
    out_file = tmp_path / "results.json"
    data = nc_json("bench", "--store", store, "--n", "200", "--repeat", "2", "--out", str(out_file))
    names = {r["benchmark"] for r in data["results"]}
    assert {"embedding.put_many", "embedding.get_many", "embedding.get"} <= names
    for r in data["results"]:
        assert r["median"] > 0 and r["max"] >= r["median"]
        assert r["store"] in ("sqlite", "-")
    saved = json.loads(out_file.read_text())
    assert saved["format"] == 1 and len(saved["results"]) == len(data["results"])
    nc_json("bench", "--store", store, "--n", "200", "--repeat", "2", "--out", str(out_file))
    assert len(json.loads(out_file.read_text())["results"]) == len(data["results"])
    # The benchmark cleaned up after itself.
    assert nc_json("stats", "--store", store)["total"]["entries"] == 0


# --------------------------------------------------------------------------- errors


def test_error_paths_print_one_line(tmp_path: Path, corpus: Path, store: str) -> None:
    assert_one_line_error(nc("embed", str(tmp_path / "missing"), "--store", store), "missing")
    assert_one_line_error(nc("embed", str(corpus), "--store", "bogus://x"), "bogus")
    assert_one_line_error(nc("stats", "--store", "redis://127.0.0.1:1"))
    assert_one_line_error(nc("search", "anything", "--store", store), "nearcache embed")
    assert_one_line_error(nc("embed", str(corpus), "--model", "no-such-model", "--store", store))
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all" * 10)
    assert_one_line_error(nc("stats", "--store", f"sqlite:///{garbage}"), "not a SQLite")
    assert_one_line_error(nc("import", str(tmp_path / "nope.tar.gz"), "--store", store))


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    proc = nc("--debug", "embed", str(tmp_path / "missing"))
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("nearcache: error: ")


def test_usage_errors_exit_2() -> None:
    proc = nc("embed", "--no-such-option")
    assert proc.returncode == 2
    assert "No such option" in proc.stderr


def test_help_and_version() -> None:
    proc = nc("--help")
    assert proc.returncode == 0
    for command in (
        "embed",
        "search",
        "stats",
        "inspect",
        "vacuum",
        "compact",
        "export",
        "import",
        "bench",
        "calibrate",
        "explain",
    ):
        assert command in proc.stdout
    proc = nc("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("nearcache ")


def test_help_does_not_import_the_library() -> None:
    code = (
        "import sys\n"
        "from nearcache.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('nearcache.embedding.cache', 'nearcache.stores.sqlite',"
        " 'onnxruntime', 'tokenizers') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in proc.stderr, proc.stderr


def test_missing_cli_extra_prints_the_install_hint() -> None:
    code = (
        "import sys\nsys.modules['typer'] = None\n"
        "from nearcache.cli import main\nmain(['--help'])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "pip install 'nearcache[cli]'" in proc.stderr
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- real model


def test_real_default_model_end_to_end(tmp_path: Path, store: str) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "expiry.md").write_text(
        "# Expiry\n\nSet a time to live on each entry so that stale answers disappear "
        "after an hour.\n",
        encoding="utf-8",
    )
    (root / "gardening.md").write_text(
        "# Tomatoes\n\nWater tomato plants deeply twice a week and give them full sun.\n",
        encoding="utf-8",
    )
    (root / "shards.md").write_text(
        "# Shards\n\nConsistent hashing maps keys to servers on a ring.\n", encoding="utf-8"
    )
    env = {"NEARCACHE_MODEL": "default", "HF_HUB_OFFLINE": "1"}
    first = nc_json("embed", str(root), "--store", store, env=env)
    assert first["namespace"] == "onnx.all-MiniLM-L6-v2-int8.dense"
    assert first["embedded"] == first["unique_chunks"] == 3
    assert first["model_loaded"] and first["model_load_s"] > 0
    assert first["throughput_chunks_per_s"] > 0
    again = nc_json("embed", str(root), "--store", store, env=env)
    assert again["embedded"] == 0 and again["cache_hits"] == 3
    # Nothing to embed: the model is not loaded, and no throughput is made up.
    assert again["model_loaded"] is False and again["model_load_s"] == 0
    assert again["throughput_chunks_per_s"] is None
    assert again["time_saved_s"] > 0
    out = nc_json("search", "how do I make cached items expire?", "--store", store, env=env)
    assert Path(out["results"][0]["path"]).name == "expiry.md"
    assert Path(out["results"][-1]["path"]).name == "gardening.md"
    assert out["results"][0]["similarity"] > out["results"][-1]["similarity"] + 0.2
