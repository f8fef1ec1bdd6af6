"""The chunker: line ranges are right, nothing is lost, sizes hold, edits stay local."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearcache.cli.chunking import Chunk, chunk_text, split_lines


def _own_lines(chunks: list[Chunk], text: str) -> set[int]:
    return {n for c in chunks for n in range(c.start_line, c.end_line + 1)}


def _document(seed: int, paragraphs: int = 40) -> str:
    rng = random.Random(seed)
    words = ["cache", "hit", "miss", "vector", "store", "key", "value", "expire", "evict"]
    out = []
    for p in range(paragraphs):
        lines = [
            " ".join(rng.choice(words) for _ in range(rng.randint(3, 14)))
            for _ in range(rng.randint(1, 6))
        ]
        out.append(f"## section {p}\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


def test_empty_and_blank_texts_have_no_chunks() -> None:
    assert chunk_text("") == []
    assert chunk_text("\n\n   \n\t\n") == []


def test_line_ranges_point_at_the_chunk_text() -> None:
    text = _document(1)
    lines = split_lines(text)
    for c in chunk_text(text, 300, 60):
        assert 1 <= c.start_line <= c.end_line <= len(lines)
        assert c.text == "".join(lines[c.start_line - 1 : c.end_line])


def test_line_numbers_count_newlines_only() -> None:
    text = "one\ntwo\x0cstill two\u2028and still two\r\nthree\n\nfour"
    assert split_lines(text)[1] == "two\x0cstill two\u2028and still two\r\n"
    (chunk,) = chunk_text(text, 500, 0)
    assert (chunk.start_line, chunk.end_line) == (1, 5)
    assert chunk.text == text


def test_every_non_blank_line_is_in_some_chunk() -> None:
    text = _document(2)
    lines = split_lines(text)
    covered = _own_lines(chunk_text(text, 250, 40), text)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            assert number in covered, f"line {number} lost"


def test_chunks_respect_size_plus_overlap() -> None:
    text = _document(3)
    for c in chunk_text(text, 200, 50):
        assert len(c.text) <= 200 + 50


def test_overlap_repeats_whole_lines_of_the_previous_chunk() -> None:
    text = _document(4)
    chunks = chunk_text(text, 300, 80)
    assert len(chunks) > 3
    overlapping = sum(b.start_line <= a.end_line for a, b in itertools.pairwise(chunks))
    assert overlapping >= len(chunks) // 2
    no_overlap = chunk_text(text, 300, 0)
    assert all(b.start_line > a.end_line for a, b in itertools.pairwise(no_overlap))


def test_a_line_longer_than_the_chunk_is_sliced_with_its_line_number() -> None:
    text = "short\n\n" + "x" * 1000 + "\n\nend\n"
    chunks = chunk_text(text, 300, 0)
    long_parts = [c for c in chunks if "x" * 50 in c.text]
    assert len(long_parts) >= 4
    assert all(c.start_line <= 3 <= c.end_line for c in long_parts)
    assert sum(c.text.count("x") for c in long_parts) == 1000


def test_editing_one_paragraph_changes_few_chunks() -> None:
    text = _document(5, paragraphs=80)
    before = {c.text for c in chunk_text(text)}
    edited = text.replace("## section 40\n", "## section 40 (edited)\n")
    after = [c.text for c in chunk_text(edited)]
    changed = [t for t in after if t not in before]
    # The edited block can change its own anchor status, so the chunks up to the next
    # anchor may move too; fixed windows would keep all but one, but lose on insertions.
    assert 1 <= len(changed) <= 5
    assert len(after) > 20


def test_inserting_a_paragraph_resynchronises() -> None:
    text = _document(6, paragraphs=80)
    before = {c.text for c in chunk_text(text)}
    lines = split_lines(text)
    mid = len(lines) // 4
    inserted = "".join([*lines[:mid], "\nA brand new paragraph about caching.\n\n", *lines[mid:]])
    after = [c.text for c in chunk_text(inserted)]
    changed = [t for t in after if t not in before]
    # Fixed windows would change every chunk after the insertion (about 3/4 of them).
    assert len(changed) <= 5, len(changed)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        chunk_text("x", 0)
    with pytest.raises(ValueError):
        chunk_text("x", 10, -1)
    with pytest.raises(ValueError):
        chunk_text("x", 10, 10)


@given(st.text(alphabet=st.sampled_from("ab \n\t\u00e9\u4e2d"), max_size=2000))
def test_any_text_is_covered_in_order(text: str) -> None:
    chunks = chunk_text(text, 64, 16)
    lines = split_lines(text)
    starts = [c.start_line for c in chunks]
    assert starts == sorted(starts)
    covered = _own_lines(chunks, text)
    for number, line in enumerate(lines, start=1):
        if line.strip():
            assert number in covered
    for c in chunks:
        assert c.text.strip()
        assert len(c.text) <= 64 + 16
