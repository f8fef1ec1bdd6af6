"""The write path's batch and one-row shortcuts give what the general code gives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nearcache import SemanticCache
from nearcache.codecs import as_matrix
from nearcache.errors import (
    DimensionMismatchError,
    InvalidInputError,
    InvalidTypeError,
    NonFiniteVectorError,
    PayloadTooLargeError,
    ZeroNormError,
)
from nearcache.index.exact import ExactIndex
from nearcache.semantic.admission import key_text, key_texts, pack_response, pack_responses
from nearcache.semantic.config import SemanticConfig
from nearcache.semantic.encoding import encode_entries, encode_entry
from nearcache.semantic.record import (
    entry_key,
    entry_keys,
    new_write_id,
    new_write_ids,
)
from semantic_support import TableEmbedder

DIM = 8


def config(**kw: Any) -> SemanticConfig:
    return SemanticConfig.build(judge=None, **kw)


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8"])
@pytest.mark.parametrize("layout", ["contiguous", "strided"])
def test_batch_records_are_the_records_of_one_entry_each(dtype: str, layout: str) -> None:
    rng = np.random.default_rng(3)
    wide = rng.standard_normal((5, 2 * DIM)).astype(np.float32)
    vecs = np.ascontiguousarray(wide[:, :DIM]) if layout == "contiguous" else wide[:, ::2]
    keys = [entry_key("", f"q{i}") for i in range(5)]
    args: dict[str, Any] = {
        "queries": [f"q{i}" for i in range(5)],
        "responses": [pack_response(config(), f"r{i}") for i in range(5)],
        "metadata": [None, b'{"a":1}', None, None, b"{}"],
        "created_at": 12.5,
        "expires_at": None if layout == "contiguous" else 99.0,
        "scope": "" if dtype == "float32" else "ab" * 32,
        "write_ids": [7, 8, 9, 10, 2**62],
    }
    batch = encode_entries("ns", keys, vectors=vecs, dtype=dtype, **args)
    one_by_one = [
        encode_entry(
            "ns",
            keys[i],
            query=args["queries"][i],
            response=args["responses"][i],
            metadata=args["metadata"][i],
            created_at=args["created_at"],
            expires_at=args["expires_at"],
            scope=args["scope"],
            write_id=args["write_ids"][i],
            vector=vecs[i],
            dtype=dtype,
        )
        for i in range(5)
    ]
    assert batch == one_by_one


@pytest.mark.parametrize("normalize", [True, False])
def test_batch_admission_gives_what_each_query_gives(normalize: bool) -> None:
    cfg = config(normalize=normalize, max_query_bytes=64, max_response_bytes=64)
    queries = ["a  b", " lead", "tab\there", "ünï  códe", "x" * 16, "."]
    assert key_texts(cfg, queries) == [key_text(cfg, q) for q in queries]
    responses = ["plain", "ünï", "", "y" * 16]
    assert pack_responses(cfg, responses) == [pack_response(cfg, r) for r in responses]
    mixed: list[Any] = ["s", b"raw", {"a": 1}, 3]  # not all str: each packed as before
    assert pack_responses(cfg, mixed) == [pack_response(cfg, r) for r in mixed]


def test_batch_admission_raises_what_the_general_path_raises() -> None:
    cfg = config(max_query_bytes=64, max_response_bytes=64)
    with pytest.raises(InvalidTypeError):
        key_texts(cfg, ["fine", 3])
    with pytest.raises(PayloadTooLargeError):
        key_texts(cfg, ["fine", "z" * 65])
    with pytest.raises(InvalidInputError, match="query 1 is blank"):
        key_texts(cfg, ["fine", " "])
    with pytest.raises(PayloadTooLargeError):
        pack_responses(cfg, ["fine", "z" * 65])
    with pytest.raises(InvalidInputError) as batch_err:
        pack_responses(cfg, ["fine", "bad \ud800"])
    with pytest.raises(InvalidInputError) as one_err:
        pack_response(cfg, "bad \ud800")
    assert type(batch_err.value) is type(one_err.value)
    assert str(batch_err.value) == str(one_err.value)

    class Text(str):
        pass

    assert key_texts(cfg, [Text("sub  class")]) == ["sub class"]  # a str subclass is a str


def test_batch_keys_and_write_ids() -> None:
    texts = ["q", "", "ünï", "a b"]
    for scope in ("", "cd" * 32):
        assert entry_keys(scope, texts) == [entry_key(scope, t) for t in texts]
    with pytest.raises(InvalidInputError, match="lone surrogate") as batch_err:
        entry_keys("", ["ok", "bad \udc00"])
    with pytest.raises(InvalidInputError, match="lone surrogate") as one_err:
        entry_key("", "bad \udc00")
    assert str(batch_err.value) == str(one_err.value)
    first = new_write_id()
    ids = new_write_ids(5)
    assert ids == [first + i for i in range(1, 6)]  # the same counter, no id repeated
    assert new_write_id() == first + 6


@pytest.mark.parametrize("dtype", ["float32", "float16", "int8"])
def test_exact_add_one_is_add_of_one_row(dtype: str) -> None:
    rng = np.random.default_rng(5)
    rows = rng.standard_normal((40, DIM)).astype(np.float32)  # past the first capacity (16)
    one, many = ExactIndex(DIM, dtype), ExactIndex(DIM, dtype)
    for i in range(len(rows)):
        one.add_one(i, rows[i : i + 1])
    many.add(np.arange(len(rows)), rows)
    assert len(one) == len(many) == 40 and one.rows_used == 40
    assert np.array_equal(one.get(np.arange(40)), many.get(np.arange(40)))
    q = rows[3] / np.linalg.norm(rows[3])
    (ids_one, sims_one), (ids_many, sims_many) = one.search(q, 5), many.search(q, 5)
    assert np.array_equal(ids_one, ids_many) and np.array_equal(sims_one, sims_many)
    with pytest.raises(InvalidInputError, match="appended in order"):
        one.add_one(39, rows[:1])
    with pytest.raises(InvalidInputError):
        one.add_one(40, rows[:2])


def test_as_matrix_of_a_float32_array_checks_it_and_keeps_it() -> None:
    mat = np.ones((2, DIM), dtype=np.float32)
    assert as_matrix(mat, rows=2, dim=DIM) is mat
    bad = mat.copy()
    bad[1, 3] = np.nan
    with pytest.raises(NonFiniteVectorError) as err:
        as_matrix(bad, rows=2, dim=DIM)
    assert err.value.index == 1
    zero = mat.copy()
    zero[0] = 0.0
    with pytest.raises(ZeroNormError):
        as_matrix(zero)
    with pytest.raises(DimensionMismatchError):
        as_matrix(mat, rows=3)
    with pytest.raises(DimensionMismatchError):
        as_matrix(mat, dim=DIM + 1)
    big_endian = mat.astype(">f4")
    out = as_matrix(big_endian)
    assert out is not big_endian and out.dtype == np.float32 and np.array_equal(out, mat)


def test_single_put_drives_no_generator_and_keeps_no_embedder_array() -> None:
    """The sync put calls the embedder itself; the vector it keeps is a copy."""

    class Holding(TableEmbedder):
        def embed(self, texts: list[str]) -> np.ndarray:
            self.last = super().embed(texts)
            return self.last

    emb = Holding(DIM)
    cache = SemanticCache(embedder=emb, judge=None)
    cache.put("kept", "r")
    emb.last[:] = 1.0  # the caller's array changes after the put
    hit = cache.get("kept")
    assert hit is not None and hit.response == "r"
    again = emb.embed(["kept"])
    assert np.allclose(hit.embedding, again[0] / np.linalg.norm(again[0]))
    cache.close()


def test_a_just_embedded_vector_brings_the_unit_row_unit_rows_gives() -> None:
    """The sync put takes the unit row from the output check's float64 sum of squares;
    it must be ``unit_rows``' bits, and a bad output must still fail as before."""
    from nearcache.index.protocol import unit_rows
    from nearcache.semantic.vectors import QueryVectors

    rng = np.random.default_rng(11)
    scales = rng.uniform(1e-30, 1e30, size=(200, 1))
    rows = (rng.standard_normal((200, DIM)) * scales).astype(np.float32)

    class Fixed:
        fingerprint, dim = "fixed", DIM

    qv = QueryVectors(None)
    for i, row in enumerate(rows):
        vec, unit = qv.one(Fixed(), f"t{i}", DIM, lambda texts, r=row: r[None].copy())
        assert unit is not None and np.array_equal(vec, row)
        assert np.array_equal(unit, unit_rows(row[None])) and unit.dtype == np.float32
    again, unit = qv.one(Fixed(), "t0", DIM, lambda texts: pytest.fail("embedded twice"))
    assert unit is None and np.array_equal(again, rows[0])  # remembered: no unit row
    for bad, error in ((np.nan, NonFiniteVectorError), (0.0, ZeroNormError)):
        out = np.zeros((1, DIM), dtype=np.float32)
        out[0, 2] = bad
        with pytest.raises(error):
            qv.one(Fixed(), f"bad {bad}", DIM, lambda texts, o=out: o)
    wide, unit = qv.one(Fixed(), "f64", DIM, lambda texts: np.ones((1, DIM)))
    assert unit is None and wide.dtype == np.float32  # float64 output: the general path
