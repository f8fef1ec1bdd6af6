"""Normalization and content keys (SPEC §0)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearcache import InvalidInputError, InvalidTypeError, content_hash, normalize_text
from nearcache.keys import (
    _BATCH_MIN,
    HASH_ALGORITHM,
    check_content_hash,
    check_content_hashes,
    content_hashes,
    encode_parts,
    key_batch,
    validate_namespace,
)
from nearcache.normbatch import _TAIL_STEPS

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hello \t\n world  ", "Hello world"),
        ("already normal", "already normal"),
        ("Code  Is\u00a0CaseSensitive", "Code Is CaseSensitive"),
        ("\ufb01le", "file"),  # ligature → NFKC
        ("\uff21\uff22", "AB"),  # fullwidth → NFKC
        ("e\u0301", "\u00e9"),  # decomposed → composed
        ("", ""),
        ("\n\t ", ""),
        ("a\x1fb", "a b"),  # unit separator is whitespace for str.split
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@given(texts)
def test_normalize_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFKC", once)
    assert once == once.strip()
    assert "  " not in once


@given(st.text(alphabet="aBcDeF \t\n", max_size=50))
def test_normalize_keeps_case_and_non_space(s: str) -> None:
    out = normalize_text(s)
    assert out.replace(" ", "") == "".join(s.split())
    assert out.split(" ") == s.split() or out == ""


def test_normalize_rejects_non_str() -> None:
    with pytest.raises(InvalidTypeError):
        normalize_text(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        normalize_text(None)  # type: ignore[arg-type]


def test_content_hash_shape_and_determinism() -> None:
    h = content_hash("hello")
    assert len(h) == 64 and all(c in "0123456789abcdef" for c in h)
    assert h == content_hash("hello") == content_hash(b"hello")
    assert h != content_hash("hello ")
    assert HASH_ALGORITHM in ("blake3", "blake2b-256")


def test_content_hash_is_stable_across_processes() -> None:
    sample = ["hello", "", "\x00nul", "\ufeffbom", "e\u0301", "日本語"]
    code = (
        "import sys, json; from nearcache import content_hash, normalize_text;"
        "print(json.dumps([content_hash(normalize_text(t)) for t in json.loads(sys.argv[1])]))"
    )
    import json

    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(sample)], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == [content_hash(normalize_text(t)) for t in sample]


# Keys written by earlier releases must keep matching: pinned digests of one text and of a
# whole batch (normal texts, every whitespace kind, NFKC, NUL, empty), made by the code
# that wrote existing stores.
_PINNED_HELLO = "ea8f163db38682925e4491c5e58d4bb3506ef8c14eb78a86e908c5624a67200f"
_PINNED_BATCH = [f"text {i} is normal" for i in range(40)] + [
    "  lead",
    "trail \t\n",
    "in  side\r\nx",
    "caf\u00e9  \u00a0 au lait ",
    "a\x00b",
    "\x1c",
    "",
]
_PINNED_BATCH_DIGEST = "2584e2602f3009de20deae1a8f04ab627d7718d1ccefff1279975d146d7e050f"


@pytest.mark.skipif(HASH_ALGORITHM != "blake3", reason="pinned BLAKE3 digests")
def test_keys_stay_what_existing_stores_hold() -> None:
    assert content_hash("hello") == _PINNED_HELLO
    batch = key_batch(_PINNED_BATCH)
    assert content_hash("".join(batch)) == _PINNED_BATCH_DIGEST
    assert batch[0] == "5ae32f632c790d7507be22b1f7452b0c43c94c3a6c0e9dcf2c2369b9910f9934"
    assert batch[-4] == "7e2d9a3f9587819c9cd516f39183646981fb340af0401f2a858119f1797f3721"
    assert list(key_batch(_PINNED_BATCH[:5])) == list(batch[:5])  # the text-by-text path


def test_batches_keyed_in_threads_at_once_get_their_own_keys() -> None:
    from concurrent.futures import ThreadPoolExecutor

    batches = [[f"thread {t} text {i}" + " x" * (i % 50) for i in range(500)] for t in range(8)]
    expect = [[content_hash(t) for t in b] for b in batches]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch between any two calls of a batch
    try:
        with ThreadPoolExecutor(8) as pool:
            for _ in range(5):
                assert list(pool.map(content_hashes, batches)) == expect
    finally:
        sys.setswitchinterval(interval)


def test_lone_surrogate_is_rejected_with_a_typed_error() -> None:
    with pytest.raises(InvalidInputError, match="surrogate"):
        content_hash("abc\ud800")
    with pytest.raises(InvalidInputError):
        content_hashes(["ok", "bad\udfff"])


def test_content_hashes_matches_single() -> None:
    items = ["a  b", "c", "a b"]
    assert content_hashes(items) == [content_hash(normalize_text(t)) for t in items]
    assert content_hashes(items, normalize=False)[0] != content_hashes(items, normalize=False)[2]
    with pytest.raises(InvalidTypeError, match=r"texts\[1\]"):
        content_hashes(["a", 3])  # type: ignore[list-item]


@given(
    st.lists(st.text(max_size=5), min_size=1, max_size=4),
    st.lists(st.text(max_size=5), min_size=1, max_size=4),
)
def test_encode_parts_is_injective(a: list[str], b: list[str]) -> None:
    if a != b:
        assert encode_parts(*a) != encode_parts(*b)


def test_validate_namespace() -> None:
    assert validate_namespace("") == ""
    assert validate_namespace("a.b.dense") == "a.b.dense"
    with pytest.raises(InvalidTypeError):
        validate_namespace(None)
    with pytest.raises(InvalidInputError):
        validate_namespace("x" * 10_000)
    with pytest.raises(InvalidInputError):
        validate_namespace("bad\ud800")


# -- fast paths: each must give exactly what the plain definition gives ----------------


def _reference(text: str) -> str:
    """The definition (SPEC §0): NFKC, then whitespace runs collapsed, then stripped."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


ascii_texts = st.text(alphabet=st.characters(max_codepoint=127), max_size=120)
whitespace_heavy = st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x00\x7fab", max_size=40)
mixed_texts = st.one_of(ascii_texts, whitespace_heavy, texts)


@given(st.one_of(ascii_texts, whitespace_heavy))
def test_ascii_fast_path_equals_the_definition(s: str) -> None:
    assert normalize_text(s) == _reference(s)


@given(texts)
def test_normalize_text_equals_the_definition(s: str) -> None:
    assert normalize_text(s) == _reference(s)


@given(st.lists(mixed_texts, max_size=40), st.booleans())
def test_batch_hashes_equal_single_hashes(items: list[str], normalize: bool) -> None:
    expect = [content_hash(normalize_text(t) if normalize else t) for t in items]
    assert content_hashes(items, normalize=normalize) == expect


# Batches of at least ``_BATCH_MIN`` texts take the whole-batch path; runs of whitespace
# longer than ``_TAIL_STEPS`` at a text's end take its fallback.
tail_heavy = st.builds(
    lambda body, tail: body + tail,
    st.one_of(ascii_texts, whitespace_heavy),
    st.text(alphabet=" \t\n\x1f", min_size=0, max_size=3 * _TAIL_STEPS),
)
batch_texts = st.one_of(ascii_texts, whitespace_heavy, tail_heavy, texts)


@given(st.lists(batch_texts, min_size=_BATCH_MIN, max_size=3 * _BATCH_MIN))
def test_whole_batch_normalization_equals_the_definition(items: list[str]) -> None:
    assert content_hashes(items) == [content_hash(_reference(t)) for t in items]


@pytest.mark.parametrize(
    "items",
    [
        [""] * _BATCH_MIN,
        [" "] * _BATCH_MIN,
        ["a"] + [""] * _BATCH_MIN + ["  b  "],
        ["x" + " " * 100] * _BATCH_MIN,  # tails longer than the vectorized walk
        [" \n lead", "trail \t\n", "in  side", "\x1c\x1d", "a\x00 \x7fb"] * 10,
        ["caf\u00e9  \u00a0 au lait ", "  plain  ascii  "] * _BATCH_MIN,
    ],
)
def test_whole_batch_normalization_edges(items: list[str]) -> None:
    assert content_hashes(items) == [content_hash(_reference(t)) for t in items]


# Batches whose texts are all normal already take a shortcut (recognized over the whole
# batch); one abnormal text anywhere, a NUL inside a text (the batch is joined with NUL),
# CRLF, NBSP or control characters must each send it down the full path unchanged.
words = st.text(alphabet="abcXYZ019.,;:-_()[]{}", min_size=1, max_size=8)
normal_texts = st.lists(words, max_size=12).map(" ".join)
awkward_texts = st.one_of(
    st.text(alphabet=" \t\r\n\x00\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000ab", max_size=12),
    st.sampled_from(["a\r\nb", "a\u00a0b", " a", "a ", "a  b", "a\x00b", "\x00", "\x7f \x08"]),
)
keyed_batches = st.lists(normal_texts, min_size=_BATCH_MIN, max_size=2 * _BATCH_MIN).flatmap(
    lambda batch: st.lists(
        st.tuples(st.integers(0, len(batch) - 1), st.one_of(awkward_texts, texts)), max_size=3
    ).map(lambda subs: _substitute(batch, subs))
)


def _substitute(batch: list[str], subs: list[tuple[int, str]]) -> list[str]:
    out = list(batch)
    for i, text in subs:
        out[i] = text
    return out


@given(keyed_batches)
def test_keys_of_mostly_normal_batches_equal_the_definition(items: list[str]) -> None:
    batch = key_batch(items)
    assert list(batch) == [content_hash(_reference(t)) for t in items]
    assert batch.digests == bytes.fromhex("".join(batch))
    assert content_hashes(items) == list(batch)


@pytest.mark.parametrize("where", [0, _BATCH_MIN // 2, _BATCH_MIN - 1])
@pytest.mark.parametrize(
    "odd", ["a  b", " a", "a ", " ", "a\r\nb", "a\tb", "a\x1fb", "a\u00a0b", "a\x00b", "\x00 "]
)
def test_one_abnormal_text_in_a_normal_batch(where: int, odd: str) -> None:
    items = [f"text {i} is normal" for i in range(_BATCH_MIN)]
    items[where] = odd
    assert content_hashes(items) == [content_hash(_reference(t)) for t in items]


@given(st.lists(st.one_of(awkward_texts, texts), min_size=_BATCH_MIN, max_size=2 * _BATCH_MIN))
def test_keys_of_awkward_batches_equal_the_definition(items: list[str]) -> None:
    assert content_hashes(items) == [content_hash(_reference(t)) for t in items]
    raw = content_hashes(items, normalize=False)
    assert raw == [content_hash(t) for t in items]


def test_the_whitespace_nfkc_keeps_beyond_ascii_is_what_the_batch_path_checks() -> None:
    """A non-ASCII text joins the whole-batch path only when its NFKC form holds no
    whitespace but ASCII's; the four looked for must be every other one NFKC keeps."""
    from nearcache.keys import _ascii_spaced

    kept = [
        c
        for c in map(chr, range(0x80, sys.maxunicode + 1))
        if c.isspace() and unicodedata.normalize("NFKC", c) == c
    ]
    assert kept == ["\x85", "\u1680", "\u2028", "\u2029"]
    assert not any(_ascii_spaced(f"a{c}b") for c in kept)
    assert _ascii_spaced("caf\u00e9 \t\x1f au lait")


# Non-ASCII texts in a batch: whitespace NFKC makes (NBSP, en space, the space of a
# diaeresis), whitespace it keeps (NEL, line separator: those texts go alone), long
# whitespace tails after a character whose UTF-8 ends in byte 0xA0 or 0x85 (NBSP and
# NEL in Latin-1, as the batch reads it), NUL inside (the batch is joined again with
# 0xFE), a batch of non-ASCII texts only, multi-byte characters.
_NON_ASCII_EDGES = [
    "caf\u00e9\u00a0 au\u2002lait\t",
    "\u00a8 diaeresis\n",
    "  \uff21\uff22  \u00e9 ",
    "nel\x85line\u2028sep ",
    "\u1680ogham \u2029",
    "\u00e0" + " \x1c\x1d\x1e\x1f\t\n" * 4,
    "x \u00c5" + "\n " * 6,
    "\u00e9\x00 b\x00",
    "\U0001f600  emoji\r\n\u00e0",
    "\u00e9",
]


@pytest.mark.parametrize("ascii_too", [True, False])
def test_non_ascii_texts_in_a_batch_equal_the_definition(ascii_too: bool) -> None:
    plain = [" a\tb ", "x  y", "normal text"] if ascii_too else []
    items = (_NON_ASCII_EDGES + plain) * (_BATCH_MIN // len(_NON_ASCII_EDGES) + 1)
    assert len(items) >= _BATCH_MIN
    assert content_hashes(items) == [content_hash(_reference(t)) for t in items]


non_ascii_texts = st.text(
    alphabet=st.sampled_from(
        " \t\n\r\x00\x1c\x1fab\u00e0\u00c5\u00a0\u00a8\u2002\u3000\x85\u2028\uff21\U0001f600"
    ),
    max_size=30,
)


@given(st.lists(st.one_of(non_ascii_texts, ascii_texts), min_size=_BATCH_MIN, max_size=80))
def test_batches_with_non_ascii_texts_equal_the_definition(items: list[str]) -> None:
    assert content_hashes(items) == [content_hash(_reference(t)) for t in items]


def test_batch_errors_name_the_item() -> None:
    with pytest.raises(InvalidTypeError, match=r"texts\[2\]"):
        content_hashes(["a", "b", b"c"])  # type: ignore[list-item]
    with pytest.raises(InvalidTypeError, match=r"texts\[1\]"):
        content_hashes(["a", b"b"], normalize=False)  # type: ignore[list-item]
    with pytest.raises(InvalidInputError, match="surrogate"):
        content_hashes(["ok", "bad\ud800"], normalize=False)
    with pytest.raises(InvalidInputError, match="surrogate"):
        content_hashes(["ok"] * _BATCH_MIN + ["bad\ud800"])  # the whole-batch path
    with pytest.raises(InvalidTypeError, match=rf"texts\[{_BATCH_MIN}\]"):
        content_hashes(["ok"] * _BATCH_MIN + [None])  # type: ignore[list-item]


hex_keys = st.text(alphabet="0123456789abcdefABCDEF \n\u00e9g", min_size=60, max_size=68)


@given(st.lists(st.one_of(hex_keys, st.sampled_from([content_hash("a")])), max_size=5))
def test_batch_key_check_agrees_with_the_single_check(keys: list[str]) -> None:
    import re

    valid = all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys)
    if valid:
        check_content_hashes(keys)
        assert all(check_content_hash(k) == k for k in keys)
    else:
        with pytest.raises(InvalidInputError, match="not a content hash"):
            check_content_hashes(keys)


def test_batch_key_check_reads_each_length() -> None:
    # a short key and a long one add up to the right total length
    short, long = content_hash("a")[:62], content_hash("b") + "ab"
    with pytest.raises(InvalidInputError, match="not a content hash"):
        check_content_hashes([short, long])


def test_sqlite_batch_refuses_keys_whose_lengths_add_up(tmp_path: Path) -> None:
    from nearcache import SQLiteStore
    from nearcache.stores.protocol import Item

    store = SQLiteStore(tmp_path / "c.db")
    keys = [content_hash("a")[:62], content_hash("b") + "ab"]
    try:
        with pytest.raises(InvalidInputError, match="not a content hash"):
            store.put_many("semantic", "ns", [Item(k, b"v") for k in keys], now=1)
        assert store.get_many("semantic", "ns", keys, now=1) == [None, None]  # a read misses
        assert store.info("semantic", "ns").entries == 0  # nothing was written
    finally:
        store.close()


def test_batch_key_check_refuses_non_str() -> None:
    with pytest.raises(InvalidInputError):
        check_content_hashes([content_hash("a"), None])  # type: ignore[list-item]
    with pytest.raises(InvalidInputError):
        check_content_hash(b"x" * 64)
