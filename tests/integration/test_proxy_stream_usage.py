"""A stream whose caller did not ask ``stream_options.include_usage`` was stored without
usage, so a later JSON request served from it had ``usage`` None (``resp.usage.total_tokens``
raised) and an include_usage stream got no usage chunk. ``ProxyConfig(stream_usage=True)``
(``serve --stream-usage``, LiteLLM's ``always_include_stream_usage``) asks the upstream
for it on every stream; off, the answer is relayed and stored as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openai

from proxy_support import Upstream, running_proxy

MSG = [{"role": "user", "content": "Stream me an answer please"}]


def _stream(c: openai.OpenAI, **kw: Any) -> tuple[str, list[Any]]:
    with c.chat.completions.with_streaming_response.create(
        model="gpt-test", messages=MSG, stream=True, **kw
    ) as resp:
        return resp.headers["x-nearcache-cache"], list(resp.parse())


def test_stream_usage_stores_usage_for_later_json_and_usage_streams(upstream: Upstream) -> None:
    with running_proxy(upstream, stream_usage=True) as url:
        c = openai.OpenAI(base_url=url, api_key="sk-usage", max_retries=0)
        header, relayed = _stream(c)  # the caller did not ask for usage
        assert header == "MISS" and relayed[-1].usage is not None
        plain = c.chat.completions.with_raw_response.create(model="gpt-test", messages=MSG)
        assert plain.headers["x-nearcache-cache"] == "HIT-EXACT"
        usage = plain.parse().usage
        assert usage is not None and usage.total_tokens == relayed[-1].usage.total_tokens
        header, replayed = _stream(c)
        assert header == "HIT-EXACT" and replayed[-1].usage == relayed[-1].usage
        legacy = c.completions.create(model="gpt-test", prompt="say hi", stream=True)
        assert [ch for ch in legacy][-1].usage is not None
        assert upstream.count("/v1/chat/completions") == 1


def test_without_it_a_stream_is_stored_as_relayed(upstream: Upstream) -> None:
    with running_proxy(upstream) as url:
        c = openai.OpenAI(base_url=url, api_key="sk-usage", max_retries=0)
        _, relayed = _stream(c)
        assert all(ch.usage is None for ch in relayed)
        plain = c.chat.completions.create(model="gpt-test", messages=MSG)
        assert plain.usage is None  # documented: send include_usage, or --stream-usage


def test_serve_takes_it_as_an_option_and_a_setting(tmp_path: Path) -> None:
    from nearcache.cli.serve import build_config
    from nearcache.cli.servesettings import read_settings

    path = tmp_path / "serve.toml"
    path.write_text('upstream = "http://127.0.0.1:9/v1"\nstream-usage = true\n', "utf-8")
    settings = read_settings(path)
    assert settings["stream_usage"] is True
    settings.update(semantic=False, store="memory://")
    assert build_config(settings, check_store=False).stream_usage is True
    settings.pop("stream_usage")
    assert build_config(settings, check_store=False).stream_usage is False
