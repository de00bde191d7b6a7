"""The one error taxonomy every adapter maps its platform's failures into.

The publishing engine decides retry / fail / needs_review from `kind` alone, so an adapter's
job is to be precise about one question: could the platform have posted this?
- TRANSIENT / RATE_LIMITED / PERMANENT / AUTH: the platform certainly did NOT post.
- UNKNOWN_OUTCOME: the request left us and no answer came back (read timeout, dropped
  connection): the post may exist. Never retried blindly.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import httpx

from services.errors import UserError


class ErrorKind(StrEnum):
    TRANSIENT = "transient"
    RATE_LIMITED = "rate_limited"
    PERMANENT = "permanent"
    AUTH = "auth"
    UNKNOWN_OUTCOME = "unknown_outcome"


class PlatformError(UserError):
    kind: ErrorKind = ErrorKind.PERMANENT

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        retry_at: datetime | None = None,
        platform_code: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.retry_at = retry_at
        self.platform_code = platform_code

    def __str__(self) -> str:
        return self.message


class TransientError(PlatformError):
    kind = ErrorKind.TRANSIENT


class RateLimitedError(PlatformError):
    kind = ErrorKind.RATE_LIMITED


class PermanentError(PlatformError):
    kind = ErrorKind.PERMANENT


class AuthError(PlatformError):
    kind = ErrorKind.AUTH


class UnknownOutcomeError(PlatformError):
    kind = ErrorKind.UNKNOWN_OUTCOME


class NotConfiguredError(PermanentError):
    """The platform has no client id/secret configured on this server."""


def parse_retry_at(headers: httpx.Headers, now: datetime | None = None) -> datetime | None:
    """Retry-After (seconds or HTTP date), x-rate-limit-reset / ratelimit-reset (epoch or ISO)."""
    now = now or datetime.now(UTC)
    retry_after = headers.get("retry-after")
    if retry_after:
        value = retry_after.strip()
        if value.isdigit():
            return now + timedelta(seconds=int(value))
        try:
            parsed = email.utils.parsedate_to_datetime(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (TypeError, ValueError):
            pass
    for name in ("x-rate-limit-reset", "ratelimit-reset", "x-ratelimit-reset"):
        raw = headers.get(name)
        if not raw:
            continue
        raw = raw.strip()
        try:
            number = float(raw)
        except ValueError:
            try:
                parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
                return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            except ValueError:
                continue
        # Small numbers are "seconds from now" (some APIs), large ones are epoch seconds.
        if number < 10**9:
            return now + timedelta(seconds=number)
        return datetime.fromtimestamp(number, UTC)
    return None


def error_from_response(resp: httpx.Response, message: str) -> PlatformError:
    """Default mapping of an HTTP error status to the taxonomy (adapters refine the message)."""
    code = resp.status_code
    if code == 429:
        return RateLimitedError(message, status_code=code, retry_at=parse_retry_at(resp.headers))
    if code in (401,):
        return AuthError(message, status_code=code)
    if code >= 500:
        return TransientError(message, status_code=code, retry_at=parse_retry_at(resp.headers))
    return PermanentError(message, status_code=code)


def error_from_transport(exc: httpx.HTTPError, *, request_sent_matters: bool) -> PlatformError:
    """Connection failures before sending are safe to retry; after sending the outcome is unknown.

    `request_sent_matters` is True for calls that create something (publish): a read timeout or
    a dropped connection there means the platform may have posted.
    """
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return TransientError(f"could not reach the platform: {type(exc).__name__}")
    if request_sent_matters and isinstance(
        exc, (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError)
    ):
        return UnknownOutcomeError(
            f"no answer after the request was sent ({type(exc).__name__}); the platform may have posted it"
        )
    return TransientError(f"network error: {type(exc).__name__}")
