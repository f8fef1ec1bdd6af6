"""A platform engineer running nearcache for several teams: moving a store with
``export``/``import``, ``serve`` under a process manager, and the errors an operator
meets (another model's entries, a password the URL does not give)."""

from __future__ import annotations

from pathlib import Path

import httpx

from cli_support import serve_on_free_port
from proxy_support import Upstream


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
