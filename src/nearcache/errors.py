"""The one error tree of nearcache.

Every exception the library raises on purpose derives from :class:`NearcacheError`.
Bad input from the caller also derives from :class:`ValueError` (or :class:`TypeError`
for a wrong type), so ordinary ``except ValueError`` code keeps working; transient
problems with a store are kept apart from bad input so callers can retry only those::

    NearcacheError
    ├── CacheError                      an operation on a cache or store failed
    │   ├── CacheClosedError            the cache/store was closed
    │   ├── CorruptEntryError           a stored entry failed its checksum/header check
    │   ├── CorruptStoreError           the store file/schema is not usable
    │   ├── StoreUnavailableError       transient: server down, connection lost
    │   │   └── StoreTimeoutError       the store stayed busy past the time budget
    │   ├── StoreWriteError             the store could not persist (disk full, I/O error)
    │   ├── NamespaceQuotaError         a namespace quota cannot admit an entry
    │   └── CheckpointError             a checkpoint could not be written or restored
    │       └── UnsafeArchiveError      the archive tries to escape or exhaust the target
    ├── InvalidInputError (ValueError)  the caller passed something unusable
    │   ├── InvalidTypeError (TypeError)
    │   ├── InvalidVectorError
    │   │   ├── NonFiniteVectorError    NaN or infinity in a vector
    │   │   ├── ZeroNormError           all-zero vector where a direction is needed
    │   │   ├── DimensionMismatchError  wrong dimension or shape
    │   │   └── DTypeError              a dtype that cannot be cast safely
    │   └── PayloadTooLargeError        a byte/count cap was exceeded
    ├── EmbeddingAPIError               an embeddings API refused or kept failing
    ├── FingerprintMismatchError        vectors/config from a different embedder or hash
    └── MissingExtraError (ImportError) an optional dependency is not installed
        └── MissingServerExtensionError the server lacks an extension (pgvector)
"""

from __future__ import annotations

__all__ = [
    "CacheClosedError",
    "CacheError",
    "CheckpointError",
    "CorruptEntryError",
    "CorruptStoreError",
    "DTypeError",
    "DimensionMismatchError",
    "EmbeddingAPIError",
    "FingerprintMismatchError",
    "InvalidInputError",
    "InvalidTypeError",
    "InvalidVectorError",
    "MissingExtraError",
    "MissingServerExtensionError",
    "NamespaceQuotaError",
    "NearcacheError",
    "NonFiniteVectorError",
    "PayloadTooLargeError",
    "StoreTimeoutError",
    "StoreUnavailableError",
    "StoreWriteError",
    "TooLargeError",
    "UnsafeArchiveError",
    "ZeroNormError",
]


class NearcacheError(Exception):
    """Root of every error nearcache raises on purpose."""


class CacheError(NearcacheError):
    """An operation on a cache or its store failed."""


class CacheClosedError(CacheError):
    """The cache or store was closed; open a new one."""


class CorruptEntryError(CacheError):
    """A stored entry failed its checksum, header or identity check.

    Reads treat such entries as misses; ``check(fix=True)`` removes them.
    """


class CorruptStoreError(CacheError):
    """The store file or schema cannot be used (not a database, unknown schema)."""


class StoreUnavailableError(CacheError):
    """The store could not be reached (server down, connection lost). Transient."""


class StoreTimeoutError(StoreUnavailableError):
    """The store stayed busy or locked for longer than the configured budget."""


class StoreWriteError(CacheError):
    """The store could not persist a write (disk full, I/O error); nothing was written."""


class NamespaceQuotaError(CacheError):
    """A namespace quota cannot admit the entry (e.g. a quota of zero)."""


class CheckpointError(CacheError):
    """A checkpoint archive could not be written or restored."""


class UnsafeArchiveError(CheckpointError):
    """A checkpoint archive tried to escape its target or exhaust resources."""


class InvalidInputError(NearcacheError, ValueError):
    """The caller passed a value nearcache cannot use."""


class InvalidTypeError(InvalidInputError, TypeError):
    """The caller passed a value of the wrong type (e.g. a non-str text)."""


class InvalidVectorError(InvalidInputError):
    """A vector is empty, not 1-D/2-D as required, or otherwise unusable."""


class NonFiniteVectorError(InvalidVectorError):
    """A vector contains NaN or infinity."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class ZeroNormError(InvalidVectorError):
    """An all-zero vector where cosine similarity needs a direction."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class DimensionMismatchError(InvalidVectorError):
    """A vector, batch or embedder output has the wrong dimension or row count."""

    def __init__(
        self, message: str, *, expected: int | None = None, got: int | None = None
    ) -> None:
        super().__init__(message)
        self.expected = expected
        self.got = got


class DTypeError(InvalidVectorError):
    """A vector's dtype cannot be converted safely (object, complex, ...)."""


class PayloadTooLargeError(InvalidInputError):
    """A query, response, metadata, batch or vector exceeds its configured cap."""

    def __init__(self, message: str, *, limit: int | None = None, size: int | None = None):
        super().__init__(message)
        self.limit = limit
        self.size = size


TooLargeError = PayloadTooLargeError


class EmbeddingAPIError(NearcacheError):
    """An embeddings API (OpenAI-compatible HTTP) refused a request or kept failing.

    ``status_code`` is the HTTP status (None for transport errors); ``retryable`` says
    whether the failure was transient (it was retried ``attempts - 1`` times).
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retryable: bool = False,
        attempts: int = 1,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.retryable = retryable
        self.attempts = attempts


class FingerprintMismatchError(NearcacheError):
    """Vectors or settings come from a different embedder, dimension or hash function."""


class MissingExtraError(NearcacheError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, extra: str, module: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs the optional dependency {module!r}; "
            f"install it with: pip install 'nearcache[{extra}]'"
        )
        self.extra = extra
        self.module = module


class MissingServerExtensionError(MissingExtraError):
    """The database server lacks an extension a feature needs (PostgreSQL without
    pgvector); nothing to ``pip install``: the message says what to do on the server."""

    def __init__(self, extension: str, feature: str, detail: str) -> None:
        ImportError.__init__(
            self, f"{feature} needs the {extension} extension on the server: {detail}"
        )
        self.extra = extension
        self.module = extension
