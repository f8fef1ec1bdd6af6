"""Keys worked out part by part (``embedding/reads.py``) are the keys of the batch."""

from __future__ import annotations

import pytest

from nearcache.embedding.reads import KeyParts
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
