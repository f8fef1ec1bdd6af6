"""Normalization and content keys.

Keys are content addressed: ``content_hash(normalize_text(text))``. BLAKE3 is used for
speed (about 1 µs for a 500-byte chunk); when the ``blake3`` wheel cannot be imported,
BLAKE2b-256 from the standard library gives digests of the same length. Stores record
which algorithm wrote them and refuse to mix the two (see ``open_hash_algorithm``).
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections.abc import Callable, Sequence
from itertools import chain, compress
from operator import methodcaller, not_
from typing import Any, Protocol

from .errors import FingerprintMismatchError, InvalidInputError, InvalidTypeError
from .normbatch import normalize_ascii

__all__ = [
    "HASH_ALGORITHM",
    "HASH_SIZE",
    "check_content_hash",
    "check_content_hashes",
    "content_hash",
    "content_hashes",
    "encode_parts",
    "join_key_batches",
    "joined_content_hashes",
    "KeyBatch",
    "key_batch",
    "normalize_text",
    "open_hash_algorithm",
    "text_digest",
    "validate_namespace",
]

HASH_SIZE = 32
MAX_NAMESPACE_CHARS = 512
_HEX_DIGITS = b"0123456789abcdef"

_hasher: Callable[..., Any]
_digest_of: Callable[[Any], bytes]
_resettable: bool
try:  # pragma: no cover - exercised by whichever branch is installed
    from blake3 import blake3 as _hasher

    HASH_ALGORITHM = "blake3"
    _digest_of = _hasher.digest  # type: ignore[attr-defined]  # unbound: ``map`` calls it
    _resettable = True

except ImportError:  # pragma: no cover
    HASH_ALGORITHM = "blake2b-256"

    def _hasher(data: bytes = b"") -> Any:
        return hashlib.blake2b(data, digest_size=HASH_SIZE)

    _digest_of = methodcaller("digest")
    _resettable = False


def _digest(data: bytes) -> bytes:
    return _hasher(data).digest()  # type: ignore[no-any-return]


_LOCAL = threading.local()


def text_digest(text: str) -> bytes:
    """Raw digest of ``text``'s UTF-8 (a lone surrogate raises ``InvalidInputError``).

    Every lookup keys its query, so BLAKE3 goes through one hasher per thread, reset for
    each text: making a hasher object costs more than hashing a short text.
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        _encode(text)  # raises the typed error naming the position
        raise
    if not _resettable:  # pragma: no cover - the BLAKE2b fallback
        return _digest(data)
    try:
        hasher = _LOCAL.hasher
    except AttributeError:
        hasher = _LOCAL.hasher = _hasher()
    hasher.reset()
    hasher.update(data)
    return hasher.digest()  # type: ignore[no-any-return]


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInputError(
            f"text contains a lone surrogate at position {exc.start}; "
            "it has no UTF-8 form and cannot be keyed"
        ) from exc


def _ascii_is_normal(text: str) -> bool:
    """Whether ASCII ``text`` is already normalized (no NFKC work: ASCII is its own NFKC).

    In ASCII, ``str.split()`` splits on ' ', \\t \\n \\v \\f \\r and \\x1c-\\x1f: ``strip``
    finds any of them at either end. Printable ASCII (one C pass) holds no whitespace but
    ' '; other text takes the ``in`` tests (one ``memchr`` pass each).
    """
    if len(text.strip()) != len(text) or "  " in text:
        return False
    return text.isprintable() or not (
        "\n" in text
        or "\t" in text
        or "\r" in text
        or "\x0b" in text
        or "\x0c" in text
        or "\x1c" in text
        or "\x1d" in text
        or "\x1e" in text
        or "\x1f" in text
    )


def normalize_text(text: str) -> str:
    """Return the canonical form used for keys: NFKC, whitespace runs collapsed, stripped.

    Case is kept because code is case-sensitive. The function is idempotent.

    >>> normalize_text("  Hello\\t\\n  world ")
    'Hello world'
    """
    if not isinstance(text, str):
        raise InvalidTypeError(f"text must be str, not {type(text).__name__}")
    if text.isascii():
        return text if _ascii_is_normal(text) else " ".join(text.split())
    # NFKC can produce new whitespace runs, so collapse after normalizing; NFKC of the
    # collapsed text is still NFKC because ' ' is a starter with no compatibility form.
    return " ".join(_nfkc(text).split())


def _nfkc(text: str) -> str:
    """``text`` in NFKC (checked first: most text is)."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _ascii_spaced(form: str) -> bool:
    """Whether an NFKC text's only whitespace (``str.split``'s) is ASCII: the others
    that NFKC keeps are these four (NFKC makes the rest ' ')."""
    return not ("\x85" in form or "\u2028" in form or "\u2029" in form or "\u1680" in form)


def content_hash(text: str | bytes) -> str:
    """Hex digest (64 characters) of ``text``'s UTF-8 bytes.

    The caller decides whether to normalize first; the caches do when ``normalize=True``.

    >>> len(content_hash("hello"))
    64
    """
    if isinstance(text, str):
        return text_digest(text).hex()
    if isinstance(text, (bytes, bytearray, memoryview)):
        return _digest(bytes(text)).hex()
    raise InvalidTypeError(f"text must be str or bytes, not {type(text).__name__}")


class KeyBatch(tuple[str, ...]):
    """The keys of a batch of texts, carrying their raw digests as ``digests`` (the
    32-byte digests joined in order): what stores and record checks compare, so they
    need not turn the hex back into bytes. A tuple, so the keys cannot change after the
    digests were taken; only :func:`key_batch` makes one."""

    digests: bytes


def content_hashes(texts: Sequence[str], *, normalize: bool = True) -> list[str]:
    """Keys for a batch of texts (normalized first when ``normalize``).

    Equal to ``[content_hash(normalize_text(t)) for t in texts]``; large batches of ASCII
    texts are normalized all at once (see :mod:`.normbatch`).
    """
    return list(key_batch(texts, normalize=normalize))


def key_batch(texts: Sequence[str], *, normalize: bool = True) -> KeyBatch:
    """:func:`content_hashes` as a :class:`KeyBatch` (the keys and their raw digests).

    The digests are joined and turned to hex once, then cut into keys: cheaper than one
    ``hexdigest`` per text (or a slice per key).
    """
    try:
        ascii = list(map(str.isascii, texts))  # one C pass that fails on the first non-str
    except TypeError:
        _name_bad_item(texts)
        raise
    try:
        if not normalize:
            parts = list(map(str.encode, texts))
        elif len(texts) < _BATCH_MIN:
            norm = normalize_text
            parts = [norm(text).encode() for text in texts]
        else:
            parts = _normalized_utf8(texts, ascii)
    except UnicodeEncodeError:
        _name_bad_item([normalize_text(t) if normalize else t for t in texts])
        raise
    digests = _joined_digests(parts)
    # the hex with a space after every digest's 64 digits, cut by one split (C loops)
    keys = KeyBatch(digests.hex(" ", HASH_SIZE).split(" ") if digests else ())
    keys.digests = digests
    return keys


def join_key_batches(batches: Sequence[KeyBatch]) -> KeyBatch:
    """The keys of several batches as one :class:`KeyBatch`, in order."""
    if len(batches) == 1:
        return batches[0]
    keys = KeyBatch(chain.from_iterable(batches))
    keys.digests = b"".join(batch.digests for batch in batches)
    return keys


def _joined_digests(parts: list[bytes]) -> bytes:
    """The digests of ``parts``, joined in order.

    BLAKE3 goes through one hasher, reset between texts: a new hasher object per text
    costs ~0.2-0.4 us more than the hashing of a 200-byte text itself. The hasher is
    made per call, so threads never share one.
    """
    if not _resettable:  # pragma: no cover - the BLAKE2b fallback
        return b"".join(map(_digest_of, map(_hasher, parts)))
    hasher = _hasher()
    reset, update, digest = hasher.reset, hasher.update, hasher.digest
    out: list[bytes] = []
    append = out.append
    for part in parts:
        reset()
        update(part)
        append(digest())
    return b"".join(out)


#: Fewest texts for which normalizing the whole batch at once beats text by text.
_BATCH_MIN = 32


def _normalized_utf8(texts: Sequence[str], ascii: list[bool]) -> list[bytes]:
    """UTF-8 of ``normalize_text(t)`` for each of a large batch of texts; ``ascii`` says
    which texts are ASCII.

    The ASCII texts are normalized as one batch (:func:`.normbatch.normalize_ascii`).
    Each of the others is put in NFKC on its own; when its only whitespace is ASCII
    (nearly always), its UTF-8 joins the batch as Latin-1 (one character a byte, the
    batch stays one byte a character) and the batch collapses its whitespace: ~2 us for
    a 600-character chunk, against 10-20 us for ``str.split`` and ``join`` on it alone.
    A text with other whitespace stands in as an empty text there and is normalized on
    its own. Checking each text for ASCII first (a flag read per text) keeps the joined
    batch one byte per character: joining ASCII and non-ASCII texts would widen every
    character of the batch.
    """
    if False not in ascii:
        return normalize_ascii(texts)
    batch = list(texts)
    alone: list[tuple[int, str]] = []
    for i in compress(range(len(texts)), map(not_, ascii)):
        form = _nfkc(texts[i])
        if _ascii_spaced(form):
            batch[i] = form.encode().decode("latin-1")
        else:
            batch[i] = ""
            alone.append((i, form))
    out = normalize_ascii(batch)
    for i, form in alone:
        out[i] = " ".join(form.split()).encode()
    return out


def _name_bad_item(texts: Sequence[str]) -> None:
    """Raise the typed error for the first item that is not a str or has no UTF-8 form."""
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise InvalidTypeError(f"texts[{i}] must be str, not {type(text).__name__}")
        _encode(text)


def check_content_hash(key: object) -> str:
    """``key`` if it is a content hash (64 lowercase hex characters), else raise.

    Raises:
        InvalidInputError: (a ValueError) anything else.
    """
    if (
        not isinstance(key, str)
        or len(key) != 2 * HASH_SIZE
        or not key.isascii()
        or key.encode().translate(None, _HEX_DIGITS)  # left over: not lowercase hex
    ):
        raise InvalidInputError(f"not a content hash (64 lowercase hex characters): {key!r:.80}")
    return key


_HASH_LENGTH = frozenset({2 * HASH_SIZE})


def joined_content_hashes(keys: Sequence[str]) -> str | None:
    """``"".join(keys)`` if every key is a content hash (lowercase hex of the right
    length), else None; checked on the joined string (deleting the hex digits in C
    leaves nothing: ~10x faster than a regex over it) and on each key's length (a short
    key and a long one can add up to the right total)."""
    try:
        joined = "".join(keys)
        bad = (
            len(joined) != 2 * HASH_SIZE * len(keys)
            or not set(map(len, keys)) <= _HASH_LENGTH
            or joined.encode("ascii").translate(None, _HEX_DIGITS)
        )
    except (TypeError, UnicodeEncodeError):
        return None
    return None if bad else joined


def check_content_hashes(keys: Sequence[str]) -> None:
    """Validate many content hashes at once; only a bad batch is checked key by key, to
    name the culprit."""
    if joined_content_hashes(keys) is None:
        for key in keys:
            check_content_hash(key)


def encode_parts(*parts: str) -> str:
    """Join strings injectively (length-prefixed), so ("a", "bc") != ("ab", "c").

    >>> encode_parts("a", "bc") != encode_parts("ab", "c")
    True
    """
    return "".join(f"{len(p)}:{p}" for p in parts)


#: Names ``validate_namespace`` accepted: the check looks at the string alone, so a name
#: used again (every lookup names one) skips it. Plain ``str`` only (a subclass may claim
#: to equal a name that fails); bounded, emptied wholesale when full.
_NAMESPACES: set[str] = set()
NAMESPACE_MEMO_SIZE = 4096


def validate_namespace(namespace: object) -> str:
    """Return ``namespace`` if it is a usable namespace name, else raise."""
    if type(namespace) is str and namespace in _NAMESPACES:
        return namespace
    if not isinstance(namespace, str):
        raise InvalidTypeError(f"namespace must be str, not {type(namespace).__name__}")
    if len(namespace) > MAX_NAMESPACE_CHARS:
        raise InvalidInputError(
            f"namespace is {len(namespace)} characters; the limit is {MAX_NAMESPACE_CHARS}"
        )
    _encode(namespace)
    if type(namespace) is str:
        if len(_NAMESPACES) >= NAMESPACE_MEMO_SIZE:
            _NAMESPACES.clear()  # cheap and rare
        _NAMESPACES.add(namespace)
    return namespace


def digest_bytes(data: bytes) -> bytes:
    """Raw 32-byte digest with the active algorithm (used for ids and checksums)."""
    return _digest(data)


class MetaStore(Protocol):
    """The part of a ``Store`` that keeps store-wide settings (every store has it)."""

    url: str

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...


def open_hash_algorithm(store: MetaStore) -> None:
    """Record the key hash algorithm in ``store``, or refuse a store keyed by another.

    Every cache calls this before its first write: keys made with BLAKE3 and with the
    BLAKE2b fallback never match, so mixing them would turn every lookup into a miss.

    Raises:
        FingerprintMismatchError: the store was keyed with another algorithm.
    """
    found = store.get_meta("hash_algorithm")
    if found is None:
        store.set_meta("hash_algorithm", HASH_ALGORITHM)
    elif found != HASH_ALGORITHM:
        raise FingerprintMismatchError(
            f"store {store.url} is keyed with {found}, this process uses {HASH_ALGORITHM}; "
            "mixing them would make every lookup miss"
        )
