"""One reading of an identifier's words for every module that splits identifiers."""

from __future__ import annotations

import pytest

from nearcache.judge.oneword import one_word_changed
from nearcache.judge.shortenings import identifier_parts, identifier_words


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("x_train", ["x", "train"]),
        ("useLayoutEffect", ["use", "layout", "effect"]),
        ("utf8Encode", ["utf", "8", "encode"]),
        ("spec.selector", ["spec", "selector"]),
        ("HTTPServer", ["http", "server"]),
    ],
)
def test_identifier_words(raw: str, words: list[str]) -> None:
    assert identifier_words(raw) == words


def test_the_alignment_and_the_one_word_check_read_the_same_parts() -> None:
    assert identifier_parts("root_validator") == {"root", "validator"}
    assert one_word_changed(
        "what replaced the validator decorator", "what replaced the root_validator decorator"
    ) == ("validator", "root_validator")
    assert one_word_changed("how do I call utf8Encode here", "how do I call encode here") == (
        "utf8encode",
        "encode",
    )
    assert one_word_changed("sort my_list in place", "sort list in place") is None
