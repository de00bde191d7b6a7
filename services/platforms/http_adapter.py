"""Plumbing every HTTP adapter shares: one request path that maps failures onto the error taxonomy.

Keeping the mapping in one place is what lets the publishing engine trust `kind`: every adapter
turns a read timeout on a create call into UNKNOWN_OUTCOME the same way, and every error message
carries the platform's own words (never a token: messages are built from response bodies only,
and tokens travel in headers or form bodies, never in URLs that httpx might log).
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from services.platforms.base import Credentials, MediaFile, PlatformAdapter
from services.platforms.errors import (
    AuthError,
    PermanentError,
    PlatformError,
    UnknownOutcomeError,
    error_from_response,
    error_from_transport,
)

MAX_MESSAGE = 300


def platform_message(resp: httpx.Response) -> str:
    """The platform's own explanation, whatever shape its error body has."""
    try:
        data = resp.json()
    except (ValueError, json.JSONDecodeError):
        # Never echo a non-JSON body: the host may be anything a user typed (an internal admin page,
        # a proxy's error page), so its text is not shown, only the status and a sentence.
        return status_sentence(resp.status_code)
    return _message_from_body(data) or status_sentence(resp.status_code)


def status_sentence(status: int) -> str:
    reason = httpx.codes.get_reason_phrase(status)
    return f"the server answered HTTP {status}{f' ({reason})' if reason else ''} without an error message we can show"


def _message_from_body(data: Any) -> str:
    if not isinstance(data, dict):
        return ""
    error = data.get("error")
    if isinstance(error, dict):  # Graph {"error": {"message"}} and TikTok {"error": {"code", "message"}}
        return str(error.get("message") or error.get("code") or "")[:MAX_MESSAGE]
    for key in ("detail", "error_description", "message"):  # X, OAuth, LinkedIn/Bluesky
        if data.get(key):
            return str(data[key])[:MAX_MESSAGE]
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return str(first.get("detail") or first.get("message") or first.get("title") or "")[:MAX_MESSAGE]
    if isinstance(error, str) and error:  # Mastodon {"error": "..."}
        return error[:MAX_MESSAGE]
    return str(data.get("title") or "")[:MAX_MESSAGE]


def expires_at_from(expires_in: Any, now: datetime | None = None) -> datetime | None:
    try:
        seconds = int(expires_in)
    except (TypeError, ValueError):
        return None
    return (now or datetime.now(UTC)) + timedelta(seconds=seconds)


def credentials_from_token_response(data: Mapping[str, Any], previous: Credentials | None = None) -> Credentials:
    """OAuth token responses; a refresh that does not rotate the refresh token keeps the old one."""
    access = str(data.get("access_token") or "")
    if not access:
        raise AuthError("the platform returned no access token")
    extra = dict(previous.extra) if previous else {}
    return Credentials(
        access_token=access,
        refresh_token=str(data.get("refresh_token") or (previous.refresh_token if previous else "")),
        expires_at=expires_at_from(data.get("expires_in")),
        extra=extra,
    )


def read_media_bytes(media: MediaFile) -> bytes:
    try:
        return Path(media.path).read_bytes()
    except OSError as exc:
        raise PermanentError(f"media file is missing on the server: {Path(media.path).name}") from exc


def filename_of(media: MediaFile) -> str:
    name = Path(media.path).name
    if "." not in name:
        name += mimetypes.guess_extension(media.mime_type) or ""
    return name


class HttpPlatformAdapter(PlatformAdapter):
    """Base for adapters that talk HTTP: `_send` is the only place requests leave."""

    def _classify(self, resp: httpx.Response, message: str) -> PlatformError:
        """Platform-specific refinement hook (e.g. Graph code 190 → auth); default by status."""
        return error_from_response(resp, message)

    def _message(self, resp: httpx.Response) -> str:
        return platform_message(resp)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        creates: bool = False,
        token: str | None = None,
        ok_statuses: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request; `creates=True` marks calls after which a lost answer may mean 'posted'."""
        headers = dict(kwargs.pop("headers", None) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            resp = await self.http().request(method, url, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, request_sent_matters=creates) from None
        if resp.is_success or resp.status_code in ok_statuses:
            return resp
        raise self._classify(resp, f"{self.label}: {self._message(resp)}")

    async def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        creates = bool(kwargs.get("creates"))
        resp = await self._send(method, url, **kwargs)
        try:
            return resp.json()
        except ValueError:
            message = f"{self.label}: unexpected non-JSON answer (HTTP {resp.status_code})"
            if creates:  # it said yes but not what it made: the post may exist
                raise UnknownOutcomeError(message, status_code=resp.status_code) from None
            raise PermanentError(message, status_code=resp.status_code) from None
