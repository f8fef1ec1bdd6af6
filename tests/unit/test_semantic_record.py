"""Semantic records (semantic/record.py) and the hit built on every exact read.

``decode_record`` runs on every exact-layer read from the store, so it is written for
speed; these tests hold every check it makes: a record whose checksum is valid but whose
fields are not what a writer makes is a ``CorruptEntryError``, never an entry.
"""

from __future__ import annotations

import dataclasses
import math
import os
from typing import Any

import msgpack
import numpy as np
import pytest

from nearcache import CorruptEntryError
from nearcache.codecs import KIND_SEMANTIC, pack_record
from nearcache.semantic.encoding import encode_entry
from nearcache.semantic.record import (
    BODY_FORMAT,
    decode_record,
    entry_digest,
    entry_key,
    new_write_id,
    with_feedback_floor,
)
from nearcache.semantic.types import Hit, make_hit

NS = "n"
KEY = entry_key("", "q")
DIM = 8


def fields(**changed: Any) -> dict[str, Any]:
    vec = np.arange(1, DIM + 1, dtype="<f4")
    body = {
        "q": "q",
        "r": msgpack.packb({"a": [1]}),
        "m": b'{"m": 1}',
        "c": 10.0,
        "e": 20.0,
        "s": "",
        "w": 7,
        "t": "float32",
        "k": 1.0,
        "x": vec.tobytes(),
    }
    body.update(changed)
    return {k: v for k, v in body.items() if v is not _DROP}


_DROP = object()


def planted(body: Any) -> bytes:
    """A record with a valid checksum around any msgpack body."""
    return pack_record(KIND_SEMANTIC, NS, KEY, msgpack.packb(body, use_bin_type=True))


def as_array(body: Any) -> Any:
    """A format-1 (map) body's fields as a format-2 array, the response as its object (a
    dropped field is left out, so the array is short); anything else as it is."""
    if not isinstance(body, dict):
        return body
    body = {**body, "r": msgpack.unpackb(body["r"])} if "r" in body else body
    out = [BODY_FORMAT, *[body[k] for k in "qrmceswtkx" if k in body]]
    return [*out, body.get("f")]


FORMATS = pytest.mark.parametrize("form", [as_array, lambda body: body], ids=["array", "map"])


def test_a_written_entry_reads_back_field_for_field() -> None:
    vec = np.array([3.0, -4.0] + [0.0] * (DIM - 2), dtype=np.float32)
    for dtype in ("float32", "float16", "int8"):
        blob = encode_entry(
            NS,
            KEY,
            query="q",
            response=msgpack.packb([1, "x"]),
            metadata=b'{"m": [1]}',
            created_at=10.0,
            expires_at=None,
            scope="",
            write_id=5,
            vector=vec,
            dtype=dtype,
        )
        entry, meta = decode_record(blob, NS, KEY, DIM)
        assert entry.query == "q" and entry.response == [1, "x"]
        assert entry.metadata == {"m": [1]} and meta == b'{"m": [1]}'
        assert entry.created_at == 10.0 and entry.expires_at is None and entry.write_id == 5
        assert entry.vector.dtype == np.float32 and entry.vector.flags.writeable
        assert np.allclose(entry.vector, vec, atol=0.05) and math.isclose(
            entry.norm, 5.0, rel_tol=0.01
        )
        assert entry.feedback_floor == -math.inf
        floored = decode_record(with_feedback_floor(blob, NS, KEY, 0.5, 6), NS, KEY, DIM)[0]
        assert floored.feedback_floor == 0.5 and floored.write_id == 6


def test_an_entry_is_written_as_a_format_2_array() -> None:
    blob = encode_entry(NS, KEY, **writer_fields(), dtype="float32")
    body = msgpack.unpackb(blob[16 + 3 + 32 :], raw=False)
    assert isinstance(body, list) and body[0] == BODY_FORMAT == 2 and len(body) == 12


def writer_fields() -> dict[str, Any]:
    f = fields()
    return {
        "query": f["q"],
        "response": f["r"],
        "metadata": f["m"],
        "created_at": f["c"],
        "expires_at": f["e"],
        "scope": f["s"],
        "write_id": f["w"],
        "vector": np.frombuffer(f["x"], dtype="<f4"),
    }


def test_a_format_1_record_reads_as_the_same_entry_written_now() -> None:
    """Entries written before format 2 (a msgpack map) stay readable, field for field,
    and a feedback floor set on one rewrites it in format 2 with every field kept."""
    old = planted(fields())
    new = encode_entry(NS, KEY, **writer_fields(), dtype="float32")
    (a, ma), (b, mb) = decode_record(old, NS, KEY, DIM), decode_record(new, NS, KEY, DIM)
    assert ma == mb and a[:7] == b[:7] and a[8:] == b[8:]
    assert np.array_equal(a.vector, b.vector)
    floored = with_feedback_floor(old, NS, KEY, 0.25, 9)
    body = msgpack.unpackb(floored[16 + 3 + 32 :], raw=False)
    assert isinstance(body, list) and body[0] == BODY_FORMAT
    c = decode_record(floored, NS, KEY, DIM)[0]
    assert c.feedback_floor == 0.25 and c.write_id == 9
    assert c[:6] == a[:6] and np.array_equal(c.vector, a.vector) and c.norm == a.norm


@FORMATS
def test_a_well_formed_planted_record_decodes(form: Any) -> None:
    entry = decode_record(planted(form(fields())), NS, KEY, DIM)[0]
    assert entry.response == {"a": [1]} and entry.metadata == {"m": 1}
    assert entry.expires_at == 20.0 and isinstance(entry.created_at, float)
    created = decode_record(planted(form(fields(c=10, e=None))), NS, KEY, DIM)[0].created_at
    assert created == 10.0
    assert decode_record(planted(form(fields(f=0.5))), NS, KEY, DIM)[0].feedback_floor == 0.5


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        [BODY_FORMAT] * 12,
        [3, *as_array(fields())[1:]],  # a body format this version does not know
        [True, *as_array(fields())[1:]],
        [*as_array(fields()), None],  # a field too many
        "a string",
        7,
        fields(q=_DROP),
        fields(x=_DROP),
        fields(q=b"q"),
        fields(q=1),
        fields(m="{}"),
        fields(m=b"not json"),
        fields(c="10"),
        fields(c=True),
        fields(e="20"),
        fields(s=None),
        fields(w=1.5),
        fields(t="float64"),
        fields(t=["float32"]),  # unhashable: still a corrupt entry, not a TypeError
        fields(t={"a": 1}),
        fields(k=1),
        fields(x="text"),
        fields(x=b""),
        fields(x=b"\x00" * (DIM * 4 - 1)),
        fields(x=np.zeros(DIM + 1, dtype="<f4").tobytes()),
        fields(x=np.zeros(DIM, dtype="<f4").tobytes()),
        fields(x=np.full(DIM, np.nan, dtype="<f4").tobytes()),
        fields(x=np.full(DIM, np.inf, dtype="<f4").tobytes()),
        fields(f="0.5"),
        fields(f=math.nan),
        fields(f=math.inf),
        [*as_array(fields())[:2], msgpack.ExtType(1, b"x"), *as_array(fields())[3:]],
    ],
)
@FORMATS
def test_a_record_a_writer_never_makes_is_corrupt(body: Any, form: Any) -> None:
    with pytest.raises(CorruptEntryError):
        decode_record(planted(form(body)), NS, KEY, DIM)


@pytest.mark.parametrize(
    "body",
    [
        fields(r="not bytes"),
        fields(r=b"\xc1"),  # not msgpack
        fields(r=b""),
        fields(r=b"\xa3ab"),  # a str head longer than its bytes
        fields(r=b"\xa1ab"),  # ... shorter
        fields(r=b"\xa2\xff\xfe"),  # not UTF-8
        fields(r=b"\xd9"),
        fields(r=b"\xd9\x03ab"),
        fields(r=b"\xd9\x02\xed\xa0"),  # a lone surrogate's bytes
        fields(r=msgpack.packb(msgpack.ExtType(1, b"x"))),  # extension types refused
    ],
)
def test_a_format_1_response_that_is_not_msgpack_bytes_is_corrupt(body: Any) -> None:
    """Format 1 nests the response as msgpack bytes (format 2 holds it as an element)."""
    with pytest.raises(CorruptEntryError):
        decode_record(planted(body), NS, KEY, DIM)


@pytest.mark.parametrize(
    "response",
    [
        *("", "a", "x" * 31, "x" * 32, "é" * 127, "x" * 255, "x" * 256, "ü" * 200, "日本"),
        *(None, 3, 2.5, True, {"a": [1]}, [1, "x"], b"raw"),
    ],
)
@FORMATS
def test_a_stored_response_reads_back_as_msgpack_reads_it(response: Any, form: Any) -> None:
    packed = msgpack.packb(response, use_bin_type=True)
    got = decode_record(planted(form(fields(r=packed))), NS, KEY, DIM)[0].response
    assert got == msgpack.unpackb(packed, raw=False) and type(got) is type(response)


def test_a_record_for_another_key_namespace_or_with_a_flipped_bit_is_corrupt() -> None:
    blob = planted(fields())
    with pytest.raises(CorruptEntryError):
        decode_record(blob, NS, entry_key("", "other"), DIM)
    with pytest.raises(CorruptEntryError):
        decode_record(blob, "other", KEY, DIM)
    bad = bytearray(blob)
    bad[-3] ^= 1
    with pytest.raises(CorruptEntryError):
        decode_record(bytes(bad), NS, KEY, DIM)


def test_the_raw_key_a_lookup_passes_is_checked_like_the_hex_key() -> None:
    blob = planted(as_array(fields()))
    assert entry_digest("", "q") == bytes.fromhex(KEY)
    assert decode_record(blob, NS, KEY, DIM, entry_digest("", "q"))[0].query == "q"
    with pytest.raises(CorruptEntryError):
        decode_record(blob, NS, entry_key("", "other"), DIM, entry_digest("", "other"))


def test_make_hit_builds_the_same_hit_as_the_constructor() -> None:
    vec = np.ones(3, dtype=np.float32)
    args = ({"a": 1}, "exact", 1.0, 0.5, "q", "ns", {"m": 1}, 1.0, None, vec, "k")
    made, built = make_hit(*args), Hit(*args)  # type: ignore[arg-type]
    assert type(made) is Hit and made == built
    assert repr(made) == repr(built) and vars(made) == vars(built)
    for f in dataclasses.fields(Hit):
        assert getattr(made, f.name) is getattr(built, f.name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.response = 2  # type: ignore[misc]
    plain = ("r", "semantic", 0.9, 0.9, "q", "ns", None, 1.0, 2.0, None, "k")
    assert hash(make_hit(*plain)) == hash(Hit(*plain))  # type: ignore[arg-type]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_a_forked_child_draws_write_ids_of_its_own() -> None:
    """The fork handler re-draws the base: parent and child never hand out the same ids."""
    new_write_id()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: send its next ids, leave without running pytest's teardown
        os.write(write, b" ".join(b"%d" % new_write_id() for _ in range(3)))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        child = [int(x) for x in fh.read().split()]
    os.waitpid(pid, 0)
    parent = [new_write_id() for _ in range(3)]
    assert len(child) == 3 and not set(child) & set(parent)
    assert abs(child[0] - parent[0]) > 1000  # another base, not the same counter going on
