"""Keys worked out part by part (``embedding/reads.py``) are the keys of the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcache import EmbeddingCache, MemoryStore, SQLiteStore
from nearcache.embedding.reads import LONG_PART, LONG_TEXT, PART, KeyParts, key_parts
from nearcache.errors import InvalidTypeError
from nearcache.keys import join_key_batches, key_batch

TEXTS = [f"  text\t{i} \n" if i % 3 else f"texte n\u00b0{i}" for i in range(25)]


@pytest.mark.parametrize("normalize", [True, False])
def test_parts_join_into_the_keys_of_the_whole_batch(normalize: bool) -> None:
    whole = key_batch(TEXTS, normalize=normalize)
    parts = KeyParts(TEXTS, 10, normalize)
    assert [len(p) for p in parts] == [10, 10, 5]
    keys = parts.keys()
    assert keys == whole and keys.digests == whole.digests


def test_keys_work_out_the_parts_not_asked_for() -> None:
    parts = KeyParts(TEXTS, 10, True)
    first = next(iter(parts))
    assert first == key_batch(TEXTS[:10])
    assert parts.keys() == key_batch(TEXTS)
    assert KeyParts(TEXTS, 10, True).keys().digests == key_batch(TEXTS).digests


def test_a_bad_text_raises_from_its_part_and_again_from_keys() -> None:
    texts: list[object] = [*TEXTS, 5]
    parts = KeyParts(texts, 10, True)  # type: ignore[arg-type]
    it = iter(parts)
    next(it), next(it)
    with pytest.raises(InvalidTypeError, match=r"texts\[25\]"):
        next(it)
    with pytest.raises(InvalidTypeError):
        parts.keys()


def test_one_batch_joins_to_itself() -> None:
    one = key_batch(TEXTS)
    assert join_key_batches([one]) is one
    two = join_key_batches([key_batch(TEXTS[:3]), key_batch(TEXTS[3:])])
    assert two == one and two.digests == one.digests


def test_the_part_size_follows_the_length_of_the_texts(tmp_path: Path) -> None:
    """Long texts (keyed slower than the store reads them) go in smaller parts; a batch
    of fewer than two parts, or a store that does not read in parts, is keyed at once."""
    short = [f"text {i}" for i in range(2 * PART)]
    long = ["x" * LONG_TEXT + str(i) for i in range(2 * LONG_PART)]
    with EmbeddingCache(SQLiteStore(tmp_path / "p.db")) as cache:
        got = key_parts(cache, short)
        assert got is not None and got.size == PART
        got = key_parts(cache, long)
        assert got is not None and got.size == LONG_PART
        assert key_parts(cache, short[:-1]) is None
        assert key_parts(cache, long[:-1]) is None
        assert key_parts(cache, [*long, 5]) is None  # type: ignore[list-item]
    with EmbeddingCache(MemoryStore()) as cache:
        assert key_parts(cache, short) is None
