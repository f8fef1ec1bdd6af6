"""A platform engineer running nearcache for several teams: moving a store with
``export``/``import``, ``serve`` under a process manager, and the errors an operator
meets (another model's entries, a password the URL does not give)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from cli_support import assert_one_line_error, nc, nc_json, serve_on_free_port
from nearcache import EmbeddingCache, SemanticCache, get_cache, open_store
from nearcache.archive import read_manifest
from nearcache.cli.models import HashEmbedder
from nearcache.errors import InvalidInputError
from nearcache.stores.url import parse_store_url
from proxy_support import Upstream, words_embedder
from servers import unique_name


def _semantic_store(path: Path, embedder: Any) -> str:
    """A SQLite store (its URL) holding one semantic entry made with ``embedder``."""
    url = f"sqlite:///{path}"
    with closing(open_store(url)) as store, SemanticCache(embedder=embedder, store=store) as c:
        c.put("how do I rotate the api keys", "use the console")
    return url


def test_serve_with_workers_removes_the_metrics_folder_it_made(
    upstream: Upstream, tmp_path: Path
) -> None:
    # A process manager restarts `serve --workers N` many times: each start made a
    # prometheus multiprocess folder in the temp folder and none was ever removed.
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    store = f"sqlite:///{tmp_path / 'serve.db'}"
    args = ["--upstream", upstream.url, "--store", store, "--exact-only", "--workers", "2"]
    args += ["--log-level", "warning"]
    for url in serve_on_free_port(args, tmp_path, {"TMPDIR": str(tmp)}):
        body = {"model": "m", "messages": [{"role": "user", "content": "Counted?"}]}
        assert httpx.post(url + "/v1/chat/completions", json=body, timeout=60).status_code == 200
        assert "nearcache_proxy_requests_total" in httpx.get(url + "/metrics", timeout=60).text
        assert list(tmp.glob("nearcache-metrics-*"))  # the workers count in it meanwhile
    assert not list(tmp.glob("nearcache-metrics-*"))  # serve ended on SIGTERM: removed


def test_commands_that_embed_nothing_use_the_embedder_the_store_recorded(tmp_path: Path) -> None:
    # Team A's application fills the store with its own embedder, which the CLI cannot
    # load. vacuum, compact, inspect, export and import embed nothing: they used to
    # refuse ("the store holds 64-d entries, the embedder makes 384-d vectors") unless
    # given a --model naming that very embedder, so the operator could not run them.
    app_embedder = words_embedder()
    url = f"sqlite:///{tmp_path / 'team-a.db'}"
    with (
        closing(open_store(url)) as store,
        SemanticCache(embedder=app_embedder, store=store) as cache,
    ):
        cache.put("how do I rotate the api keys", "use the console")
        cache.put("which port does the proxy listen on", "8080", ttl=3600)
    no_model = {"NEARCACHE_MODEL": ""}
    for command in ("vacuum", "compact"):
        proc = nc(command, "--store", url, env=no_model)
        assert proc.returncode == 0, proc.stderr
    inspected = nc_json("inspect", "--store", url, env=no_model)
    assert inspected["semantic_cache"]["fingerprint"] == app_embedder.fingerprint
    archive = tmp_path / "team-a.tar.gz"
    assert nc_json("export", str(archive), "--store", url, env=no_model)["semantic"]["entries"] == 2
    moved = f"sqlite:///{tmp_path / 'moved.db'}"
    restored = nc_json("import", str(archive), "--store", moved, env=no_model)
    assert restored["semantic"]["entries"] == 2
    with (
        closing(open_store(moved)) as store,
        SemanticCache(embedder=app_embedder, store=store) as cache,
    ):
        hit = cache.get("how do I rotate the api keys")
        assert hit is not None and hit.response == "use the console"
    # A --model that is not the entries' embedder is still refused, in one line.
    made_by = f"its entries were made with {app_embedder.fingerprint!r}, which no --model names"
    assert_one_line_error(nc("vacuum", "--store", url, model="default"), "384-d", made_by)


def _records(url: str, namespace: str) -> dict[str, tuple[bytes, float | None]]:
    with closing(open_store(url)) as store:
        return {
            item.key: (bytes(item.value), item.expires_at)
            for batch in store.scan("kv", namespace)
            for item in batch
        }


def test_export_import_carries_named_caches_to_redis_and_back(
    tmp_path: Path, redis_server: Any
) -> None:
    # Moving a store to Redis and back: the teams' get_cache() entries (and the proxy's
    # exact-only answers, kept the same way) were left out of the archive without a word.
    source = f"sqlite:///{tmp_path / 'shared.db'}"
    with closing(open_store(source)) as store:
        sessions = get_cache("sessions", store=store)
        sessions.set("token-1f3a", {"user": "ada"}, ttl=3600)
        sessions.set("token-9c0d", {"user": "bob"})
        get_cache("nearcache-proxy-exact/default", store=store).set("digest", {"id": "chat-1"})
    redis = f"{redis_server.url}?prefix={unique_name('moved')}"
    first = tmp_path / "to-redis.tar.gz"
    wrote = nc_json("export", str(first), "--store", source)
    assert wrote["kv"]["namespaces"] == {
        "nearcache-proxy-exact/default": {"entries": 1},
        "sessions": {"entries": 2},
    }
    assert read_manifest(first)["format"] == 2  # older versions refuse it by its number
    assert nc_json("import", str(first), "--store", redis)["kv"]["entries"] == 3
    back = tmp_path / "back.tar.gz"
    nc_json("export", str(back), "--store", redis)
    returned = f"sqlite:///{tmp_path / 'returned.db'}"
    nc_json("import", str(back), "--store", returned)
    for url in (redis, returned):  # the same records, the same expiry times
        for namespace in ("sessions", "nearcache-proxy-exact/default"):
            assert _records(url, namespace) == _records(source, namespace)
        with closing(open_store(url)) as store:
            assert get_cache("sessions", store=store).get("token-1f3a") == {"user": "ada"}


def test_an_archive_without_named_caches_keeps_format_1(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'files-only.db'}"
    with closing(open_store(source)) as store:
        EmbeddingCache(store).put("a text", np.ones(4, np.float32), namespace="t.m.dense")
    archive = tmp_path / "a.tar.gz"
    assert nc_json("export", str(archive), "--store", source)["kv"]["entries"] == 0
    assert read_manifest(archive)["format"] == 1


def test_closing_a_cache_whose_index_folder_cannot_be_written_says_so_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # `serve` on a SQLite file of a read-only mount answers (nothing is stored) and, when
    # stopped, logged an ERROR with a traceback for the index it could not save there.
    # A file where the index folder would go fails the same way, as root too.
    (tmp_path / "shared.db.index").write_text("not a folder")
    with closing(open_store(f"sqlite:///{tmp_path / 'shared.db'}")) as store:
        cache = SemanticCache(embedder=words_embedder(), store=store)
        cache.put("how do I rotate the api keys", "use the console")
        with caplog.at_level(logging.WARNING, logger="nearcache"):
            cache.close()
    said = [r for r in caplog.records if "could not save the index" in r.getMessage()]
    assert [(r.levelno, r.exc_info) for r in said] == [(logging.WARNING, None)]
    assert "it will be rebuilt from the store" in said[0].getMessage()


# `nearcache ARGS` in a process whose files fail with EFBIG past 256 KiB (set in the
# child itself: no preexec_fn in a test process that may run threads).
LIMITED = (
    "import resource, runpy, signal, sys;"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 10, 256 << 10));"
    "sys.argv = ['nearcache', *sys.argv[1:]];"
    "runpy.run_module('nearcache', run_name='__main__')"
)


def test_export_onto_a_full_disk_names_the_archive(tmp_path: Path) -> None:
    # Exporting a big store onto a disk that fills up said only
    # "nearcache: error: OSError: [Errno 28] No space left on device". A file size limit
    # fails the write the same way (EFBIG) without a tiny filesystem.
    source = f"sqlite:///{tmp_path / 'big.db'}"
    rng = np.random.default_rng(7)
    with closing(open_store(source)) as store:
        texts = [f"text {i}" for i in range(3000)]
        vectors = rng.standard_normal((len(texts), 64)).astype(np.float32)
        EmbeddingCache(store).put_many(texts, vectors, namespace="team.model.dense")
    dest = tmp_path / "out" / "big.tar.gz"
    proc = subprocess.run(
        [sys.executable, "-c", LIMITED, "export", str(dest), "--store", source],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert_one_line_error(proc, f"cannot write {dest}: ", "large")
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []  # the work folder is gone too


def test_serve_refuses_a_store_of_another_embedder_in_one_line(tmp_path: Path) -> None:
    # The server's start-up failed on it: a 30-line traceback, "Application startup
    # failed", exit status 3, which a process manager restarts forever.
    url = _semantic_store(tmp_path / "team-a.db", words_embedder())
    proc = nc("serve", "--upstream", "http://127.0.0.1:9/v1", "--store", url, "--port", "0")
    assert proc.returncode == 1
    assert_one_line_error(proc, "embedded by", "which no --model names", "another --store")


def test_serve_max_entries_bounds_the_answers_kept(upstream: Upstream, tmp_path: Path) -> None:
    # `--ttl` said "(default: until evicted)", but no serve option or setting bounded the
    # store: the proxy's cache grew without limit.
    url = f"sqlite:///{tmp_path / 'bounded.db'}"
    args = ["--upstream", upstream.url, "--store", url, "--model", "hash-test"]
    args += ["--max-entries", "2", "--log-level", "warning"]
    for base in serve_on_free_port(args, tmp_path):
        for question in ("alpha bravo charlie", "delta echo foxtrot", "golf hotel india"):
            body = {"model": "m", "messages": [{"role": "user", "content": question}]}
            got = httpx.post(base + "/v1/chat/completions", json=body, timeout=60)
            assert got.headers["x-nearcache-cache"] == "MISS"
    # serve has exited (SIGTERM): the answers it had sent are written
    rows = {(r["table"], r["namespace"]): r for r in nc_json("stats", "--store", url)["namespaces"]}
    assert rows["semantic", "default"]["entries"] == 2
    assert rows["semantic", "default"]["evictions"] == 1
    proc = nc("serve", "--upstream", upstream.url, "--store", url, "--max-entries", "0")
    assert proc.returncode == 2 and "--max-entries" in proc.stderr
    settings = tmp_path / "serve.json"  # the same setting from a file: checked before start
    settings.write_text(json.dumps({"max_entries": 0}), "utf-8")
    proc = nc("serve", "--upstream", upstream.url, "--store", url, "--config", str(settings))
    assert_one_line_error(proc, "--max-entries", ">= 1, not 0")


def test_a_mistyped_redis_url_parameter_is_refused_before_any_command() -> None:
    # docs/cli.md: "an unknown URL parameter is refused with the list of valid ones"; a
    # Redis URL's went to redis-py, and the first command failed with "TypeError:
    # AbstractConnection.__init__() got an unexpected keyword argument 'prefx'".
    pytest.importorskip("redis")
    for url in (
        "redis://:s3cret@127.0.0.1:6379/0?prefx=team-a",
        "unix:///run/redis.sock?prefx=team-a",
    ):
        with pytest.raises(InvalidInputError) as info:
            parse_store_url(url)
        text = str(info.value)
        assert "unknown parameter 'prefx'" in text and "did you mean 'prefix'?" in text, text
        assert "s3cret" not in text
    with pytest.raises(InvalidInputError, match="'ssl_cert_reqs'"):
        parse_store_url("redis://127.0.0.1:6379/0?ssl_cert_reqs=none")  # a TLS-only one
    for url in (  # what redis-py's connections take still goes through to them
        "redis://127.0.0.1:6379/0?health_check_interval=5&socket_keepalive=true",
        "rediss://127.0.0.1:6379/0?ssl_cert_reqs=none&prefix=team-a",
    ):
        assert parse_store_url(url)[0] == "redis"


def test_a_command_refusing_the_model_names_the_one_the_entries_were_made_with(
    tmp_path: Path,
) -> None:
    # "the store holds 64-d entries, the embedder makes 384-d vectors" said what was
    # wrong but not which --model the store's entries were made with.
    url = _semantic_store(tmp_path / "hashed.db", HashEmbedder())
    explain = ["explain", "how do I rotate the api keys", "how to rotate api keys"]
    for command in (explain, ["export", str(tmp_path / "a.tar.gz")], ["vacuum"]):
        proc = nc(*command, "--store", url, model="default")
        assert_one_line_error(proc, "64-d", "its entries were made with --model hash-test")


def test_bench_on_a_store_of_another_embedder_times_what_it_can(tmp_path: Path) -> None:
    # bench's semantic rows use a private hashing embedder, which the store's binding
    # refuses: the whole bench failed with the dimension message.
    url = _semantic_store(tmp_path / "team-a.db", words_embedder())
    proc = nc("bench", "--store", url, "--n", "20", "--repeat", "1", "--json")
    assert proc.returncode == 0, proc.stderr
    timed = {row["benchmark"] for row in json.loads(proc.stdout)["results"]}
    assert "embedding.get_many" in timed and not any(op.startswith("semantic") for op in timed)
    assert "note: semantic cache not timed on this store" in proc.stderr
