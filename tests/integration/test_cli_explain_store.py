"""``nearcache explain`` on a store: the feedback a proxy recorded, seen from the shell.

A real proxy (over a SQLite file, in front of the stub upstream) serves a look-alike, the
client reports it wrong through ``/nearcache/feedback``; ``nearcache explain --hit-id``
(the id from the response header) then shows the refusal the proxy now makes, and
``--store/--namespace`` does the same for a library cache's entries.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import openai
import pytest
from typer.testing import CliRunner

from nearcache import EmbeddingCache, SemanticCache, open_store
from nearcache.cli.app import app
from nearcache.cli.models import HashEmbedder
from proxy_support import Upstream, running_proxy


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("NEARCACHE_MODEL", "hash-test")
    return CliRunner()


def explain(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["explain", *args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def ask(url: str, text: str) -> Any:
    c = openai.OpenAI(base_url=url, api_key="sk-fh", max_retries=0)
    return c.chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": text}]
    )


def test_explain_a_proxy_hit_id_shows_the_feedback_it_got(
    runner: CliRunner, upstream: Upstream, tmp_path: Path
) -> None:
    store = f"sqlite:///{tmp_path / 'proxy.db'}"
    with running_proxy(upstream, store=store, embedder=HashEmbedder()) as url:
        ask(url, "Which entry?")
        hit = ask(url, "which entry")
        assert hit.headers["x-nearcache-cache"] == "HIT-SEMANTIC"
        hit_id = hit.headers["x-nearcache-hit-id"]
        before = explain(runner, "which entry", "--store", store, "--hit-id", hit_id)
        assert before["accept"] is True and before["stored"] == "Which entry?"
        assert before["namespace"] == "default" and before["steps"][-1]["name"] == "feedback"
        assert before["steps"][-1]["outcome"] == "neutral"
        r = httpx.post(
            url.removesuffix("/v1") + "/nearcache/feedback",
            json={"hit_id": hit_id, "correct": False},
            headers={"authorization": "Bearer sk-fh"},
            timeout=30,
        )
        assert r.json()["action"] == "entry_floor_raised"
        assert ask(url, "which entry").headers["x-nearcache-cache"] == "MISS"
    after = explain(runner, "which entry", "--store", store, "--hit-id", hit_id)
    assert after["accept"] is False and after["reason"] == "feedback"
    assert "entry floor" in after["steps"][-1]["detail"]
    table = runner.invoke(app, ["explain", "which entry", "--store", store, "--hit-id", hit_id])
    assert "MISS: refused by feedback" in table.stdout and "Which entry?" in table.stdout
    # Without the id the entry cannot be found (the proxy keys it with a context).
    plain = explain(runner, "Which entry?", "which entry", "--store", store)
    assert plain["accept"] is True and "not stored" in plain["steps"][-1]["detail"]


def test_explain_store_namespace_and_context(runner: CliRunner, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'lib.db'}"
    with SemanticCache(store=open_store(store), embedder=HashEmbedder()) as cache:
        cache.put("Which entry?", "this one", namespace="docs", context={"user": 7})
        hit = cache.get("which entry", namespace="docs", context={"user": 7})
        assert hit is not None
        cache.feedback(hit, correct=False)
    args = ("Which entry?", "which entry", "--store", store, "--namespace", "docs")
    refused = explain(runner, *args, "--context", '{"user": 7}')
    assert refused["accept"] is False and refused["reason"] == "feedback"
    other = explain(runner, *args, "--context", '{"user": 8}')
    assert other["accept"] is True and "not stored" in other["steps"][-1]["detail"]


def test_explain_store_refusals(runner: CliRunner, tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'lib.db'}"
    with SemanticCache(store=open_store(store), embedder=HashEmbedder()) as cache:
        cache.put("Which entry?", "this one")
    cases = [
        (["a", "b", "--store", store, "--context", "[1]"], "JSON object"),
        (["a", "b", "--store", store, "--context", "{"], "not JSON"),
        (["b", "--store", store, "--hit-id", "nope"], "not a hit id"),
        (["a", "b", "--store", store, "--hit-id", "x"], "give only ASKED"),
        (["b", "--hit-id", "x", "--namespace", "n"], "names the namespace"),
        (["only one", "--store", store], "Invalid value for ASKED"),
    ]
    for args, said in cases:
        result = runner.invoke(app, ["explain", *args])
        assert result.exit_code == 2, (args, result.output)
        assert said in result.output, (args, result.output)
    missing = runner.invoke(app, ["explain", "a", "b", "--store", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and not (tmp_path / "none.db").exists()
    typo = runner.invoke(app, ["explain", "a", "b", "--store", store, "--namespace", "dflt"])
    assert typo.exit_code == 1 and "its namespaces: default" in str(typo.exception)


def test_explain_leaves_a_store_without_semantic_entries_alone(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A store only ``nearcache embed`` used: no cache is made over it (which would write
    the semantic cache's id into it and an index folder beside it)."""
    store = tmp_path / "embed.db"
    with EmbeddingCache(open_store(f"sqlite:///{store}")) as cache:
        cache.put("a chunk", np.ones(4, np.float32), "docs.dense")
    before = sorted(p.name for p in tmp_path.iterdir())
    with sqlite3.connect(store) as con:
        meta = con.execute("SELECT * FROM nearcache_meta ORDER BY key").fetchall()
    result = runner.invoke(app, ["explain", "a", "b", "--store", f"sqlite:///{store}"])
    assert result.exit_code == 1 and "it holds none" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    with sqlite3.connect(store) as con:
        assert con.execute("SELECT * FROM nearcache_meta ORDER BY key").fetchall() == meta


def test_the_docs_hit_id_example_passes_the_asked_question(
    runner: CliRunner, upstream: Upstream, tmp_path: Path
) -> None:
    """docs/proxy.md's example gave ``"which entry"`` (a placeholder to a reader), which the
    command reads as the question asked: the example now names the request's question
    and runs as written, the hit id aside."""
    text = (Path(__file__).parents[2] / "docs" / "proxy.md").read_text("utf-8")
    said = re.search(r'# the request asked "([^"]+)"', text)
    line = re.search(r'nearcache explain "([^"]+)" --store \S+ --hit-id "1\.', text)
    assert said is not None and line is not None
    asked = said.group(1)
    assert line.group(1) == asked
    store = f"sqlite:///{tmp_path / 'proxy.db'}"
    with running_proxy(upstream, store=store, embedder=HashEmbedder()) as url:
        ask(url, asked.capitalize() + "?")
        hit = ask(url, asked)
        assert hit.headers["x-nearcache-cache"] == "HIT-SEMANTIC"
        hit_id = hit.headers["x-nearcache-hit-id"]
        httpx.post(
            url.removesuffix("/v1") + "/nearcache/feedback",
            json={"hit_id": hit_id, "correct": False},
            headers={"authorization": "Bearer sk-fh"},
            timeout=30,
        ).raise_for_status()
    got = explain(runner, asked, "--store", store, "--hit-id", hit_id)
    assert got["asked"] == asked and got["stored"] == asked.capitalize() + "?"
    table = runner.invoke(app, ["explain", asked, "--store", store, "--hit-id", hit_id])
    assert "MISS: refused by feedback" in table.stdout
