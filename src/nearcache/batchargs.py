"""One check, and one message, for an argument that must be a batch of values.

A str is a sequence of str and bytes a sequence of ints, so ``put_many("ab", "cd")``
stored "c" for the question "a" and "d" for "b", ``deduplicate("ab")`` returned the
characters and ``get_many("ab")`` read the keys "a" and "b". Every batch API (the
semantic cache's ``put_many``, the kv cache's ``get_many``/``set_many``, the embedding
cache's ``*_many``/``deduplicate``/``store_batch``, the embedders' ``embed``) refuses
one str or bytes with the same words, and says what to pass instead. Results come
back one per item in order, so an iterator (a generator) is refused too where the
batch is read twice; ``pass list(...)`` says how to keep it; and a set, whose order is
not the caller's to know, is refused where results come back by position
(``put_many({"q1", "q2"}, [...])`` failed late with "'set' object is not subscriptable").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Set

from .errors import InvalidTypeError

__all__ = ["SINGLE", "batch_error", "check_batch", "one_text"]

#: Types that are sequences but are one value to the caller.
SINGLE = (str, bytes, bytearray)


def batch_error(
    values: object, what: str, expected: str = "a list", single: str = "wrap one in a list"
) -> InvalidTypeError:
    """The error for ``values`` given as ``what`` where ``expected`` (a batch) goes;
    ``single`` says what to do with one str, bytes or dict given instead."""
    kind = type(values).__name__
    if isinstance(values, (*SINGLE, Mapping)):
        unit = "key" if isinstance(values, Mapping) else "byte"
        unit = "character" if isinstance(values, str) else unit
        return InvalidTypeError(
            f"{what} must be {expected}, not a single {kind} (read as one item a {unit}): {single}"
        )
    if isinstance(values, Set):
        return InvalidTypeError(
            f"{what} must be {expected}, not {kind}: a set has no order for the results to "
            f"follow; pass sorted({what}) or a list"
        )
    if isinstance(values, Iterable):
        return InvalidTypeError(f"{what} must be {expected}, not {kind}: pass list({what})")
    return InvalidTypeError(f"{what} must be {expected}, not {kind}")


def check_batch(
    values: object,
    what: str,
    expected: str = "a list",
    *,
    iterators: bool = False,
    mappings: bool = True,
    unordered: bool = False,
    single: str = "wrap one in a list",
) -> None:
    """Raise :func:`batch_error` unless ``values`` is a batch: a sized collection that is
    not one str/bytes (any iterable when ``iterators``: the callee reads it once; not a
    dict unless ``mappings``: where each item is a dict, one dict is one item; not a set
    unless ``unordered``: where results come back by position, a set's order is not the
    caller's)."""
    if type(values) is list or type(values) is tuple:  # the common case, no ABC check
        return
    if (
        isinstance(values, SINGLE)
        or (not mappings and isinstance(values, Mapping))
        or (not unordered and isinstance(values, Set))
    ):
        raise batch_error(values, what, expected, single)
    if isinstance(values, Collection):
        return
    if iterators and isinstance(values, Iterable):
        return
    raise batch_error(values, what, expected, single)


def one_text(text: object) -> str:
    """``text`` where one text goes (``embed_one``), which took ``["a"]`` and said
    "texts[0] must be str, not list" of it (no ``texts`` was passed)."""
    if not isinstance(text, str):
        hint = ": embed() takes a list of texts" if isinstance(text, (list, tuple)) else ""
        raise InvalidTypeError(f"text must be str, not {type(text).__name__}{hint}")
    return text
