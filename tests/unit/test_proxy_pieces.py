"""The proxy's pure pieces: keys, hit ids, controls, SSE parsing, stream rebuilding and
replay (the routes themselves are tested over real sockets in tests/integration)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearcache.errors import InvalidInputError
from nearcache.proxy.config import ClientKeys, ProxyConfig, is_loopback, load_client_keys
from nearcache.proxy.controls import read_controls
from nearcache.proxy.http import ProxyHTTPError, forward_headers
from nearcache.proxy.keys import (
    canonical_json,
    chat_key,
    make_hit_id,
    parse_hit_id,
    tenant_of,
)
from nearcache.proxy.responses import ResponseCollector, replay_events, response_key
from nearcache.proxy.sse import Accumulator, SSEReader, replay_chunks, storable

KW: dict[str, Any] = {"upstream": "u", "tenant": "t", "semantic": True, "max_query_bytes": 1000}


def chat(*messages: dict[str, Any], **params: Any) -> dict[str, Any]:
    return {"model": "m", "messages": list(messages), **params}


USER = {"role": "user", "content": "What is 2+2?"}


def test_transport_fields_do_not_change_the_key() -> None:
    base = chat_key(chat(USER), **KW)
    same = chat_key(
        chat(USER, stream=True, user="u1", stream_options={"include_usage": True}), **KW
    )
    assert (base.query, base.context) == (same.query, same.context)
    assert chat_key(chat(USER, temperature=1), **KW) == chat_key(chat(USER, temperature=1.0), **KW)


def test_text_parts_and_strings_key_alike_but_images_are_exact_only() -> None:
    parts = {"role": "user", "content": [{"type": "text", "text": "What is 2+2?"}]}
    assert chat_key(chat(parts), **KW) == chat_key(chat(USER), **KW)
    image = {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}
    key = chat_key(chat(image), **KW)
    assert not key.semantic and key.query.startswith("#")


def test_tenant_upstream_and_route_are_in_the_context() -> None:
    a = chat_key(chat(USER), **KW)
    assert chat_key(chat(USER), **{**KW, "tenant": "other"}).context != a.context
    assert chat_key(chat(USER), **{**KW, "upstream": "v"}).context != a.context
    r = response_key({"model": "m", "input": "What is 2+2?"}, **KW)
    assert r.query == a.query and r.context != a.context


def test_tenant_ids_never_contain_the_key() -> None:
    tid = tenant_of(["authorization=Bearer sk-secret-123"])
    assert "sk-secret" not in tid and tid.startswith("key:")
    assert tid != tenant_of(["authorization=Bearer sk-secret-124"])
    assert tenant_of([]) == "anonymous"
    assert tenant_of(["a"], label="team") == tenant_of(["b"], label="team")


@given(st.text(max_size=60), st.binary(min_size=32, max_size=32), st.text(max_size=20))
def test_hit_ids_round_trip(namespace: str, key: bytes, tenant: str) -> None:
    hit_id = make_hit_id(namespace, key.hex(), tenant)
    assert hit_id.isascii() and " " not in hit_id and "/" not in hit_id and "+" not in hit_id
    ref = parse_hit_id(hit_id)
    assert ref is not None and (ref.namespace, ref.key) == (namespace, key.hex())
    assert ref.served_to(tenant) and not ref.served_to(tenant + "x")


@given(st.text(max_size=200))
def test_parse_hit_id_never_raises(text: str) -> None:
    assert parse_hit_id(text) is None or len(parse_hit_id(text).key) == 64  # type: ignore[union-attr]


def test_canonical_json_sorts_keys() -> None:
    assert canonical_json({"b": 1.0, "a": [2.5, 3.0]}) == b'{"a":[2.5,3],"b":1}'


def test_controls() -> None:
    c = read_controls({"cache-control": "no-cache, max-age=5"}, "ns")
    assert (c.lookup, c.store, c.max_age, c.namespace) == (False, True, 5.0, "ns")
    c = read_controls({"cache-control": "No-Store", "x-nearcache-ttl": "2.5"}, "ns")
    assert (c.lookup, c.store, c.ttl) == (False, False, 2.5)
    for headers in (
        {"x-nearcache-ttl": "nan"},
        {"x-nearcache-ttl": "0"},
        {"cache-control": "max-age=-1"},
    ):
        with pytest.raises(ProxyHTTPError):
            read_controls(headers, "ns")


def test_forward_headers_strip_hop_by_hop_own_and_replaced_credentials() -> None:
    headers = [
        ("Host", "x"),
        ("Authorization", "Bearer caller"),
        ("X-Nearcache-Ttl", "5"),
        ("Cache-Control", "no-cache"),
        ("Connection", "keep-alive"),
        ("OpenAI-Organization", "org"),
    ]
    out = dict(forward_headers(headers, upstream_key=None, keep_encoding=False))
    assert out == {"authorization": "Bearer caller", "openai-organization": "org"}
    out = dict(forward_headers(headers, upstream_key="sk-proxy", keep_encoding=False))
    assert out["authorization"] == "Bearer sk-proxy"


def test_sse_reader_handles_any_split() -> None:
    stream = b'data: {"a":1}\n\n: comment\nevent: x\ndata: {"b":\ndata: 2}\r\n\r\ndata: [DONE]\n\n'
    for size in (1, 2, 7, len(stream)):
        reader = SSEReader()
        events = [e for i in range(0, len(stream), size) for e in reader.feed(stream[i : i + size])]
        assert events == [b'{"a":1}', b'{"b":\n2}', b"[DONE]"]


def _chunk(index: int, **delta: Any) -> bytes:
    finish = delta.pop("finish", None)
    choice = {"index": index, "delta": delta, "finish_reason": finish}
    return orjson.dumps({"id": "c1", "created": 5, "model": "m", "choices": [choice]})


def test_accumulator_rebuilds_choices_tool_calls_and_usage() -> None:
    acc = Accumulator(chat=True)
    call = {"index": 0, "id": "t1", "type": "function", "function": {"name": "f", "arguments": ""}}
    for data in (
        _chunk(0, role="assistant", content=""),
        _chunk(1, role="assistant", content="B"),
        _chunk(0, content="Hel"),
        _chunk(0, content="lo"),
        _chunk(1, tool_calls=[call]),
        _chunk(1, tool_calls=[{"index": 0, "function": {"arguments": '{"x":1}'}}]),
        _chunk(0, finish="stop"),
        _chunk(1, finish="tool_calls"),
        orjson.dumps({"id": "c1", "choices": [], "usage": {"total_tokens": 9}}),
    ):
        acc.feed_event(data)
    assert acc.result() is None  # no [DONE] yet
    acc.feed_event(b"[DONE]")
    body = acc.result()
    assert body is not None and storable(body, chat=True)
    assert body["choices"][0]["message"]["content"] == "Hello"
    assert body["choices"][1]["message"]["tool_calls"][0]["function"]["arguments"] == '{"x":1}'
    assert body["usage"] == {"total_tokens": 9}
    replayed = Accumulator(chat=True)
    for event in SSEReader().feed(b"".join(replay_chunks(body, chat=True, include_usage=True))):
        replayed.feed_event(event)
    assert replayed.result() == body


def test_not_storable() -> None:
    ok = {"choices": [{"finish_reason": "stop", "message": {"content": "x"}}]}
    assert storable(ok, chat=True)
    assert not storable(
        {"choices": [{"finish_reason": "length", "message": {"content": "x"}}]}, chat=True
    )
    assert not storable(
        {"choices": [{"finish_reason": "stop", "message": {"content": ""}}]}, chat=True
    )
    assert not storable({"choices": []}, chat=True)
    acc = Accumulator(chat=True)
    acc.feed_event(b'{"error": {"message": "boom"}}')
    acc.feed_event(b"[DONE]")
    assert acc.result() is None


def test_response_events_round_trip() -> None:
    body = {
        "id": "resp_1",
        "object": "response",
        "status": "completed",
        "output": [
            {
                "type": "message",
                "id": "m1",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": "Hi", "annotations": []}],
            },
            {"type": "function_call", "id": "f1", "call_id": "c", "name": "f", "arguments": "{}"},
        ],
    }
    collector = ResponseCollector()
    events = SSEReader().feed(b"".join(replay_events(body)))
    kinds = [orjson.loads(e)["type"] for e in events]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert [orjson.loads(e)["sequence_number"] for e in events] == list(range(len(events)))
    for event in events:
        collector.feed_event(event)
    assert collector.result() == body


def test_client_keys_file(tmp_path: Any) -> None:
    path = tmp_path / "keys"
    path.write_text("k1 team  # comment\n\nk2\n")
    keys = load_client_keys(path)
    assert (keys.tenant_of("k1"), keys.tenant_of("k2"), keys.tenant_of("k3")) == ("team", "", None)
    with pytest.raises(InvalidInputError):
        ClientKeys({})
    path.write_text("a b c\n")
    with pytest.raises(InvalidInputError):
        load_client_keys(path)


def test_config_validation() -> None:
    with pytest.raises(InvalidInputError):
        ProxyConfig(upstream="ftp://x")
    with pytest.raises(InvalidInputError):
        ProxyConfig(upstream="http://x", client_keys=ClientKeys({"k": None}))
    assert ProxyConfig(upstream="http://x/v1/").upstream == "http://x/v1"
    assert is_loopback("127.0.0.2") and is_loopback("::1") and not is_loopback("0.0.0.0")


async def test_inflight_serves_exact_and_finds_near_writes() -> None:
    import asyncio

    import numpy as np

    from nearcache.proxy.inflight import InFlight
    from nearcache.semantic.types import Hit

    flights = InFlight()
    scope = ("ns", ("route", "chat"))
    hit = Hit("body", "exact", 1.0, 1.0, "q", "ns", None, 0.0, None)
    vector: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    write = flights.add(scope, "q", hit, vector)
    assert flights.exact(scope, "q") is hit and flights.exact(scope, "other") is None
    vector.set_result(np.array([1.0, 0.0], np.float32))
    writes = flights.writes(scope)
    assert await InFlight.near(writes, np.array([0.99, 0.1]), 0.9, 1.0) == [write.done]
    assert await InFlight.near(writes, np.array([0.0, 1.0]), 0.9, 1.0) == []
    flights.finish(scope, "q", write)
    assert write.done.done() and flights.exact(scope, "q") is None and not flights.writes(scope)


async def test_a_write_landing_during_a_lookup_is_looked_at_again() -> None:
    """The lookup of "count me" starts while the answer to "Count me" is being written
    and misses; the write lands before the lookup returns. The proxy must look again
    (it once saw no write in flight by then and answered a miss)."""
    import asyncio

    from nearcache.proxy.state import ProxyState
    from nearcache.semantic.types import Hit, Miss
    from proxy_support import words_embedder

    state = ProxyState(
        ProxyConfig(
            upstream="http://127.0.0.1:9", embedder=words_embedder(), similarity_threshold=0.95
        )
    )
    controls = read_controls({}, "default")
    first = chat_key(chat({"role": "user", "content": "Count me"}), **KW)
    second = chat_key(chat({"role": "user", "content": "count me"}), **KW)
    vector = state.config.embedder.embed(["Count me"])[0]
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    done.set_result(vector)
    state.put_soon(first, b'{"answer": 1}', {}, controls, done)
    real = state._lookup_store
    calls = []

    async def lookup_while_the_write_lands(key: Any, controls: Any) -> Hit | Miss:
        calls.append(key.query)
        if len(calls) == 1:
            miss = await real(key, controls)  # before the write: a miss
            await asyncio.wait(list(state._tasks))  # the write lands meanwhile
            return miss
        return await real(key, controls)

    state._lookup_store = lookup_while_the_write_lands  # type: ignore[method-assign]
    try:
        result = await state.lookup(second, controls)
        assert isinstance(result, Hit) and result.layer == "semantic", result
        assert calls == ["count me", "count me"]
    finally:
        await state.aclose()
        state.store.close()


@pytest.mark.parametrize("threshold", [None, 0.95])
def test_proxy_semantic_floor_is_the_libraries_unless_given(threshold: float | None) -> None:
    """Adopting the proxy must not change what the cache serves: with no threshold its
    semantic cache keeps the library's default (the default judge's floor), not a
    stricter cosine cut that refuses paraphrases the judge accepts."""
    from nearcache.proxy.state import ProxyState
    from nearcache.semantic.cache import SemanticCache
    from proxy_support import words_embedder

    config = ProxyConfig(
        upstream="http://127.0.0.1:9", embedder=words_embedder(), similarity_threshold=threshold
    )
    state = ProxyState(config)
    library = SemanticCache(embedder=words_embedder())
    try:
        expected = library.similarity_threshold if threshold is None else threshold
        assert state.semantic.similarity_threshold == expected
    finally:
        state.semantic.close()
        library.close()


@pytest.mark.parametrize("config", ["https://api.openai.com/v1", {"upstream": "https://x/v1"}])
def test_create_app_refuses_what_is_not_a_config(config: object) -> None:
    """``create_app("https://api.openai.com/v1")`` made an app that failed when the server
    started it ("'str' object has no attribute 'prices'"), after the server announced
    itself; refused at once, naming ProxyConfig."""
    from nearcache.errors import InvalidTypeError
    from nearcache.proxy import create_app

    with pytest.raises(InvalidTypeError, match=r"^config must be a ProxyConfig, not (str|dict)"):
        create_app(config)  # type: ignore[arg-type]
    if isinstance(config, str):
        with pytest.raises(InvalidTypeError, match=r"create_app\(ProxyConfig\(upstream=url\)\)"):
            create_app(config)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"threshold": 0.8}, "threshold (did you mean similarity_threshold?)"),
        ({"ttl": 60}, "ttl (did you mean default_ttl?)"),
        ({"base_url": "https://x"}, "base_url (did you mean upstream?)"),
        ({"api_key": "k"}, "api_key (did you mean upstream_api_key?)"),
        ({"redis_url": "redis://h"}, "redis_url (did you mean store?)"),
        ({"exact_only": True}, "exact_only (did you mean semantic=False?)"),
        ({"port": 8080}, "port (did you mean nearcache serve --port"),
        ({"max_body_size": 1}, "max_body_size (did you mean max_body_bytes?)"),
        ({"maxsize": 9, "colour": "red"}, ": colour, maxsize (did you mean max_entries?)"),
    ],
)
def test_an_unknown_config_option_is_named_with_the_one_meant(
    given: dict[str, Any], said: str
) -> None:
    """``ProxyConfig(upstream=..., threshold=0.8)`` raised Python's own "__init__() got an
    unexpected keyword argument 'threshold'", no hint (the serve option is --threshold)."""
    with pytest.raises(InvalidInputError) as info:
        ProxyConfig(upstream="https://api.example/v1", **given)
    text = str(info.value)
    said_as = "unexpected keyword arguments" if len(given) > 1 else "an unexpected keyword argument"
    assert text.startswith(f"ProxyConfig() got {said_as}: "), text
    assert said in text, text
    assert isinstance(info.value, TypeError)


def test_a_config_is_still_copied_and_replaced() -> None:
    import copy
    import dataclasses

    config = ProxyConfig(upstream="https://api.example/v1", default_ttl=5)
    assert copy.deepcopy(config) == config
    assert dataclasses.replace(config, default_ttl=6).default_ttl == 6
