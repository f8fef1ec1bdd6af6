"""What a new user meets in the first hour with the CLI (issue 10, items 3 and 5).

Typos never become databases, read-only commands create nothing, Ctrl-C and concurrent
runs explain themselves, skipped files are named, export/import cover the whole store
and clean up after a killed run, and the rough edges of help and errors are gone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cli_support import assert_one_line_error, make_corpus, nc, nc_json

# A CLI whose embedder is slow (DELAY seconds per text) and says on stderr when it starts
# each batch, so tests can act while a run is embedding. With HANG_AT=n in its environment
# the n-th batch never ends by itself: a signal sent once it is announced always lands
# mid-run, however loaded the machine. With GATE=path the second batch starts only once
# that file exists, so a test can hold a run until another one is waiting for it; a run
# says "waiting" when it starts polling for texts another process is embedding. Ctrl-C is
# Python's KeyboardInterrupt even when the test runner was started with SIGINT ignored
# (a background job of a shell without job control), which the child would inherit.
SLOW_CLI = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
import nearcache.cli.models as models
import nearcache.embedding.cached_embedder as cached_embedder
poll = cached_embedder.POLL.delay
def announced(failures):
    if failures == 0:
        print("waiting", file=sys.stderr, flush=True)
    return poll(failures)
cached_embedder.POLL.delay = announced
DELAY = float(sys.argv[1])
HANG_AT = int(os.environ.get("HANG_AT", "0"))
GATE = os.environ.get("GATE", "")
print("started", file=sys.stderr, flush=True)
class Slow(models.HashEmbedder):
    batches = 0
    def embed(self, texts):
        Slow.batches += 1
        while GATE and Slow.batches == 2 and not os.path.exists(GATE):
            time.sleep(0.01)
        print(f"batch {len(texts)}", file=sys.stderr, flush=True)
        time.sleep(600 if Slow.batches == HANG_AT else DELAY * len(texts))
        return super().embed(texts)
models.resolve_embedder = lambda name, lazy=False: Slow()
from nearcache.cli.runner import run
raise SystemExit(run(sys.argv[2:]))
"""


def slow_cli(
    delay: float, *args: str, tmpdir: Path | None = None, hang_at: int = 0, gate: str = ""
) -> subprocess.Popen[str]:
    env = {**os.environ, "HANG_AT": str(hang_at), "GATE": gate}
    env.pop("NEARCACHE_STORE", None)
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    return subprocess.Popen(
        [sys.executable, "-c", SLOW_CLI, str(delay), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_line(stream: Any, needle: str, count: int = 1) -> None:
    seen = 0
    for line in stream:
        if needle in line:
            seen += 1
            if seen == count:
                return
    raise AssertionError(f"the process ended before printing {needle!r} {count} times")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make_corpus(tmp_path / "corpus", paragraphs=40)  # over 100 chunks


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


# --------------------------------------------------------------------------- item 3


def test_a_mistyped_store_url_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    proc = nc("stats", "--store", "rediss//127.0.0.1:6379/0", cwd=work)
    assert_one_line_error(proc, "rediss://127.0.0.1:6379/0", "mistyped")
    proc = nc("embed", str(work), "--store", "localhost:6379", cwd=work)
    assert_one_line_error(proc, "redis://localhost:6379")
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["inspect"],
        ["vacuum"],
        ["compact"],
        ["search", "anything"],
        ["export", "OUT"],
    ],
)
def test_read_only_commands_refuse_a_store_that_does_not_exist(
    command: list[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such" / "store.db"
    args = [str(tmp_path / "out.tar.gz") if a == "OUT" else a for a in command]
    proc = nc(*args, "--store", f"sqlite:///{missing}", cwd=tmp_path)
    assert_one_line_error(proc, "no store at", "nothing was created")
    assert not (tmp_path / "no").exists()
    # The default store (in the user cache folder) is not created either.
    cache_home = tmp_path / "xdg"
    proc = nc(*args, env={"XDG_CACHE_HOME": str(cache_home)}, cwd=tmp_path)
    assert_one_line_error(proc, "no store at")
    assert not cache_home.exists()
    assert not (tmp_path / "out.tar.gz").exists()


def test_an_unknown_store_url_parameter_lists_the_valid_ones(tmp_path: Path) -> None:
    proc = nc("embed", str(tmp_path), "--store", f"sqlite:///{tmp_path}/s.db?timout=3")
    assert_one_line_error(proc, "'timout'", "timeout", "synchronous")
    assert "supported schemes" not in proc.stderr


# --------------------------------------------------------------------------- embed


def test_two_concurrent_runs_report_what_the_other_embedded(
    corpus: Path, store: str, tmp_path: Path
) -> None:
    args = ["embed", str(corpus), "--store", store, "--json"]
    gate = tmp_path / "gate"
    first = slow_cli(0.03, *args, gate=str(gate))
    assert first.stderr is not None
    wait_for_line(first.stderr, "batch")
    second = slow_cli(0.03, *args)
    assert second.stderr is not None
    # The first run holds its second batch until the second run waits for texts the first
    # is embedding, so the two runs overlap however late the second one gets there.
    wait_for_line(second.stderr, "waiting")
    gate.touch()
    runs = []
    for proc in (first, second):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        runs.append(json.loads(out))
    unique = runs[0]["unique_chunks"]
    assert unique > 64  # more than two batches, so the runs overlap
    for run in runs:
        assert run["cache_hits"] + run["embedded"] + run["embedded_elsewhere"] == unique
    assert runs[0]["embedded"] + runs[1]["embedded"] == unique  # each chunk embedded once
    assert runs[1]["embedded_elsewhere"] > 0
    assert runs[1]["time_saved_s"] > 0


def test_the_summary_names_chunks_embedded_by_another_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from nearcache.cli.corpus import EmbedSummary
    from nearcache.cli.render import render_embed_summary

    summary = EmbedSummary(store="sqlite:///s.db", model="m", namespace="ns")
    summary.unique_chunks, summary.embedded_elsewhere = 2163, 2163
    render_embed_summary(summary)
    out = capsys.readouterr().out
    assert "Embedded elsewhere" in out and "2,163" in out and "another process" in out


def _interrupted_embed(corpus: Path, store: str, sig: int = signal.SIGINT) -> str:
    """Ctrl-C (or ``sig``) an ``embed`` run once its first batch is stored; its stderr."""
    proc = slow_cli(0.05, "embed", str(corpus), "--store", store, "--json", hang_at=2)
    assert proc.stderr is not None
    wait_for_line(proc.stderr, "batch", count=2)  # the first batch is stored
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig
    return str(err)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_says_how_many_vectors_were_kept(corpus: Path, store: str, sig: int) -> None:
    """SIGTERM (kill, timeout, systemd, a container stop) ended the run silently, status
    -15: the vectors were kept but no line said so."""
    err = _interrupted_embed(corpus, store, sig)
    last = err.strip().splitlines()[-1]
    assert last.startswith("nearcache: interrupted: ") and "rerun to resume" in last, err
    kept = int(last.split("interrupted: ")[1].split(" vectors")[0].replace(",", ""))
    assert kept >= 32
    stats = nc_json("stats", "--store", store)
    assert {r["namespace"]: r["entries"] for r in stats["namespaces"]}[
        "nearcache.hash-test.dense"
    ] == kept
    again = nc_json("embed", str(corpus), "--store", store)
    assert again["cache_hits"] == kept
    assert again["embedded"] == again["unique_chunks"] - kept


def test_files_finished_before_ctrl_c_can_be_searched(corpus: Path, store: str) -> None:
    """File records were written only at the end of a run: after Ctrl-C (or a kill) the
    vectors stayed but ``search`` said "no chunks embedded ... run `nearcache embed`"."""
    err = _interrupted_embed(corpus, store)
    last = err.strip().splitlines()[-1]
    done, files = last.split("kept, ")[1].split(" files searchable")[0].split(" of ")
    assert 1 <= int(done) < int(files) == len(list(corpus.iterdir())), last
    found = nc_json("search", "least recently used eviction", "--store", store, "-k", "50")
    assert found["files"] == int(done)
    assert found["results"] and all(Path(r["path"]).exists() for r in found["results"])
    again = nc_json("embed", str(corpus), "--store", store)
    assert again["changed_files"] == int(files) - int(done)
    assert nc_json("search", "eviction", "--store", store)["files"] == int(files)


def test_skipped_files_are_named_with_verbose_and_in_json(corpus: Path, store: str) -> None:
    (corpus / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR")
    (corpus / "legacy.txt").write_bytes("caf\u00e9".encode("latin-1"))
    data = nc_json("embed", str(corpus), "--store", store)
    assert data["skipped_files"] == [
        {"path": str((corpus / "legacy.txt").resolve()), "reason": "not_utf8"},
        {"path": str((corpus / "logo.png").resolve()), "reason": "binary"},
    ]
    quiet = nc("embed", str(corpus), "--store", store)
    assert "logo.png" not in quiet.stdout
    for args in (["embed", str(corpus), "-v"], ["-v", "embed", str(corpus)]):
        proc = nc(*args, "--store", store)
        assert proc.returncode == 0, proc.stderr
        assert "logo.png" in proc.stdout and "legacy.txt" in proc.stdout
        assert "binary" in proc.stdout and "not_utf8" in proc.stdout


def test_an_openai_model_without_a_key_fails_at_once(corpus: Path, store: str) -> None:
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": "", "HTTPS_PROXY": "http://127.0.0.1:9"}
    proc = nc(
        "embed", str(corpus), "--store", store, "--model", "openai:text-embedding-3-small", env=env
    )
    assert_one_line_error(proc, "OPENAI_API_KEY")


# --------------------------------------------------------------------------- search


def test_search_with_another_model_names_the_model_option(corpus: Path, store: str) -> None:
    nc_json("embed", str(corpus), "--store", store)
    proc = nc("search", "ring of servers", "--store", store, env={"NEARCACHE_MODEL": "default"})
    assert_one_line_error(proc, "--model hash-test", "nearcache.hash-test.dense")


# --------------------------------------------------------------------------- help, bench


@pytest.mark.parametrize("args", [["--help"], ["embed", "--help"], ["export", "--help"]])
def test_help_shows_no_value_type_after_flags(args: list[str]) -> None:
    proc = nc(*args)
    assert proc.returncode == 0, proc.stderr
    assert "--help" in proc.stdout
    assert "<bool>" not in proc.stdout


BENCH_WITHOUT = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
from nearcache.cli.runner import run
raise SystemExit(run(sys.argv[2:]))
"""


def test_bench_peers_without_the_bench_extra_says_what_to_install(store: str) -> None:
    def bench(missing: str) -> Any:
        args = ["bench", "--peers", "--store", store, "--n", "50", "--repeat", "1", "--json"]
        return subprocess.run(
            [sys.executable, "-c", BENCH_WITHOUT, missing, *args],
            capture_output=True,
            text=True,
            timeout=300,
        )

    proc = bench("diskcache,langchain_classic")
    assert_one_line_error(proc, "pip install 'nearcache[bench]'", "--peers")
    # One peer installed, the other not: it runs, and says what was left out.
    from importlib.util import find_spec

    present = [m for m in ("diskcache", "langchain_classic") if find_spec(m) is not None]
    if not present:
        return  # the [bench] extra is not installed here: the case above is the real one
    kept = present[0]
    hidden = "langchain_classic" if kept == "diskcache" else "diskcache"
    proc = bench(hidden)
    assert proc.returncode == 0, proc.stderr
    package = {"diskcache": "diskcache", "langchain_classic": "langchain-classic"}[hidden]
    assert f"{package} not installed" in proc.stderr and "nearcache[bench]" in proc.stderr
    subjects = {r["subject"] for r in json.loads(proc.stdout)["results"]}
    assert not any(package.split("-")[0] in s for s in subjects)


# --------------------------------------------------------------------------- export, import


def _filled(tmp_path: Path, corpus: Path) -> str:
    from nearcache.cli.models import HashEmbedder
    from nearcache.semantic.cache import SemanticCache
    from nearcache.stores.sqlite import SQLiteStore

    url = f"sqlite:///{tmp_path / 'filled.db'}"
    nc_json("embed", str(corpus), "--store", url)
    cache = SemanticCache(embedder=HashEmbedder(), store=SQLiteStore(tmp_path / "filled.db"))
    try:
        for i in range(12):
            cache.put(f"question number {i} about caching", f"answer {i}", namespace="faq")
    finally:
        cache.close()
    return url


def test_export_and_import_cover_the_embedding_cache_too(tmp_path: Path, corpus: Path) -> None:
    url = _filled(tmp_path, corpus)
    dest = tmp_path / "all.tar.gz"
    out = nc("export", str(dest), "--store", url)
    assert out.returncode == 0, out.stderr
    chunks = nc_json("stats", "--store", url)["namespaces"]
    vectors = {r["namespace"]: r["entries"] for r in chunks if r["table"] == "embedding"}
    n = vectors["nearcache.hash-test.dense"]
    assert f"{n:,} vectors in 1 embedding namespace" in out.stdout
    assert "5 file records" in out.stdout and "12 semantic entries" in out.stdout

    target = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = nc_json("import", str(dest), "--store", target)
    assert restored["embedding"]["entries"] == n
    assert restored["semantic"]["entries"] == 12 and restored["files"]["entries"] == 5
    found = nc_json("search", "consistent hashing ring", "--store", target, "-k", "1")
    assert found["results"][0]["path"].endswith("sharding.md")
    again = nc_json("embed", str(corpus), "--store", target)
    assert again["embedded"] == 0 and again["cache_hits"] == again["unique_chunks"]

    from nearcache.cli.models import HashEmbedder
    from nearcache.semantic.cache import SemanticCache
    from nearcache.stores.sqlite import SQLiteStore

    cache = SemanticCache(embedder=HashEmbedder(), store=SQLiteStore(tmp_path / "restored.db"))
    try:
        hit = cache.get("question number 7 about caching", namespace="faq")
        assert hit and hit.response == "answer 7"
    finally:
        cache.close()


def test_export_says_when_it_wrote_nothing(tmp_path: Path) -> None:
    proc = nc("export", str(tmp_path / "e.tar.gz"), "--store", "memory://")
    assert proc.returncode == 0, proc.stderr
    assert "0 vectors, 0 file records of `nearcache embed`, 0 semantic entries" in proc.stdout
    assert "holds nothing to export" in proc.stderr


def test_export_refuses_to_overwrite_without_force(tmp_path: Path, corpus: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    nc_json("embed", str(corpus), "--store", url)
    dest = tmp_path / "x.tar.gz"
    dest.write_bytes(b"precious")
    assert_one_line_error(nc("export", str(dest), "--store", url), "exists", "--force")
    assert dest.read_bytes() == b"precious"
    assert nc_json("export", str(dest), "--store", url, "--force")["embedding"]["entries"] > 0
    assert dest.read_bytes() != b"precious"


def test_export_under_a_file_says_the_parent_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "hostname").write_text("box\n")
    proc = nc("export", str(tmp_path / "hostname" / "x.tar.gz"), "--store", "memory://")
    assert_one_line_error(proc, "is not a folder", str(tmp_path / "hostname"))


KILLABLE_EXPORT = """
import sys, time
import nearcache.cli.archive as archive
def stuck(path, manifest, work):
    path.write_bytes(b"partial")
    print("writing", flush=True)
    time.sleep(600)
archive.write_tar = stuck
from nearcache.cli.runner import run
raise SystemExit(run(sys.argv[1:]))
"""


def test_a_killed_export_is_swept_by_the_next_one(tmp_path: Path, corpus: Path) -> None:
    url = _filled(tmp_path, corpus)
    out_dir, private_tmp = tmp_path / "out", tmp_path / "tmp"
    out_dir.mkdir()
    private_tmp.mkdir()
    dest = out_dir / "all.tar.gz"
    env = {**os.environ, "TMPDIR": str(private_tmp), "NEARCACHE_MODEL": "hash-test"}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLABLE_EXPORT, "export", str(dest), "--store", url],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    wait_for_line(proc.stdout, "writing")
    proc.kill()
    proc.wait(timeout=60)
    leftovers = [p.name for p in out_dir.iterdir()]
    assert leftovers == [f".all.tar.gz.nearcache-export-{proc.pid}"]  # nothing else
    assert list(private_tmp.iterdir()) == []  # no scratch folder in the temp folder

    again = subprocess.run(
        [sys.executable, "-m", "nearcache", "export", str(dest), "--store", url, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["swept"] == [str(out_dir / leftovers[0])]
    assert [p.name for p in out_dir.iterdir()] == ["all.tar.gz"]
    assert list(private_tmp.iterdir()) == []


def test_sweep_removes_only_leftovers_of_dead_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nearcache.cli.archive import OLD_TEMP_AGE, sweep

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    dead, alive = done.pid, os.getppid()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / f".a.tar.gz.nearcache-export-{dead}").mkdir()
    (folder / f".a.tar.gz.tmp-{dead}-0123abcd").write_bytes(b"partial")
    (folder / f".b.tar.gz.nearcache-export-{alive}").mkdir()
    (folder / "keep.tar.gz").write_bytes(b"archive")
    old = tmp_path / "tmp" / "nearcache-export-oldone"
    fresh = tmp_path / "tmp" / "nearcache-export-fresh"
    old.mkdir()
    fresh.mkdir()
    os.utime(old, (time.time() - OLD_TEMP_AGE - 60,) * 2)
    removed = sweep(folder)
    assert sorted(Path(p).name for p in removed) == sorted(
        [f".a.tar.gz.nearcache-export-{dead}", f".a.tar.gz.tmp-{dead}-0123abcd", old.name]
    )
    assert sorted(p.name for p in folder.iterdir()) == [
        f".b.tar.gz.nearcache-export-{alive}",
        "keep.tar.gz",
    ]
    assert fresh.exists()


def test_import_still_takes_a_bare_semantic_checkpoint(tmp_path: Path, corpus: Path) -> None:
    from nearcache.cli.models import HashEmbedder
    from nearcache.semantic.cache import SemanticCache
    from nearcache.stores.sqlite import SQLiteStore

    url = _filled(tmp_path, corpus)
    cache = SemanticCache(embedder=HashEmbedder(), store=SQLiteStore(url[len("sqlite:///") :]))
    try:
        cache.dumps(str(tmp_path / "faq.tar.gz"))
    finally:
        cache.close()
    restored = nc_json("import", str(tmp_path / "faq.tar.gz"), "--store", str(tmp_path / "r.db"))
    assert restored["semantic"]["entries"] == 12 and restored["embedding"]["entries"] == 0


def test_the_cost_per_embedding_is_recorded_after_the_first_step(
    corpus: Path, tmp_path: Path
) -> None:
    """A concurrent run that finds every chunk embedded elsewhere reads this run's cost
    while it is still running, so it can say what it saved (not "n/a")."""
    from helpers import HashEmbedder
    from nearcache.cli.corpus import embed_paths
    from nearcache.cli.filerecords import meta_key
    from nearcache.stores.sqlite import SQLiteStore

    seen: list[str | None] = []
    db = SQLiteStore(tmp_path / "cost.db")
    embedder = HashEmbedder(dim=8, delay=0.001)

    def progress(done: int, total: int) -> None:
        if not seen:
            seen.append(db.get_meta(meta_key("cost", "test.hash.dense")))

    summary = embed_paths([corpus], store=db, embedder=embedder, progress=progress)
    db.close()
    assert summary.unique_chunks > 32  # more than one step
    assert seen and seen[0] is not None and float(seen[0]) > 0
