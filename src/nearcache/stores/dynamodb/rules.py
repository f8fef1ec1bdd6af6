"""What botocore's errors mean: which are outages, and which nearcache error each becomes,
matched on the error code of the response (the first matching rule wins)."""

from __future__ import annotations

import re

from ...errors import CacheError, StoreTimeoutError, StoreUnavailableError, StoreWriteError
from ..translate import DriverErrors, ErrorRule

__all__ = ["error_code", "dynamodb_errors"]

_THROTTLED = (
    r"^(ProvisionedThroughputExceededException|ThrottlingException"
    r"|RequestLimitExceeded|InternalServerError)$"
)


def error_code(exc: BaseException) -> str:
    """The DynamoDB error code of a botocore ``ClientError`` ("" for other errors)."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def dynamodb_errors() -> DriverErrors:
    """(outage exceptions, translation rules); imports the driver, so call it only once
    the store knows the extra is installed."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        EndpointConnectionError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )
    from botocore.exceptions import ConnectionError as BotoConnectionError

    outages = (
        BotoConnectionError,
        EndpointConnectionError,
        ConnectionClosedError,
        HTTPClientError,
        OSError,
    )
    rules = (
        ErrorRule(
            (ClientError,), StoreTimeoutError, "{url} is throttling: {exc}", re.compile(_THROTTLED)
        ),
        ErrorRule(
            (ClientError,),
            StoreUnavailableError,
            "{url}: table not found: {exc}",
            re.compile(r"^ResourceNotFoundException$"),
        ),
        ErrorRule(
            (ClientError,),
            StoreWriteError,
            "{url} refused the write: {exc}",
            re.compile(r"^(ValidationException|ItemCollectionSizeLimitExceededException)$"),
        ),
        ErrorRule((ClientError,), CacheError, "{url}: {exc}"),
        ErrorRule(  # not an outage: the client never sent a request
            (NoCredentialsError, PartialCredentialsError),
            StoreUnavailableError,
            "{url}: {exc}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
            "(a local endpoint_url takes any values)",
        ),
        ErrorRule((BotoCoreError, OSError), StoreUnavailableError, "{url} is unreachable: {exc}"),
    )
    return outages, rules
