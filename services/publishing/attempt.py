"""One publish attempt for one claimed target, mapped onto the error taxonomy.

The question every branch answers: could the platform already have this post? If it certainly
does not (transient, rate limited, permanent, auth) we retry or fail. If it might
(UNKNOWN_OUTCOME) we only send again when that cannot duplicate it — the platform dedupes our
idempotency key, or a lookup of recent posts shows it is absent — else the user reviews it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

import httpx

from services.media.backends import MediaStorageUnavailable, backend
from services.media.sniff import MediaNotFound
from services.media.storage import local_media_path, public_link
from services.platforms import registry
from services.platforms.base import AccountRef, Credentials, MediaFile, PlatformAdapter, PublishRequest
from services.platforms.errors import (
    AuthError,
    ErrorKind,
    PermanentError,
    PlatformError,
    TransientError,
    error_from_transport,
)
from services.publishing import claims as claims_mod
from services.publishing import outcomes, states
from services.publishing.maintenance import UNKNOWN

if TYPE_CHECKING:
    from services.publishing.engine import PublishingEngine

log = logging.getLogger(__name__)

R = TypeVar("R")
REFRESH_AHEAD_SECONDS = 300
RECONNECT_PREFIX = "The account needs to be reconnected"
#: How far before the first attempt a lookup searches, to cover clock skew with the platform.
LOOKUP_SLACK = timedelta(minutes=5)


def _now() -> datetime:
    return datetime.now(UTC)


def build_request(claim: claims_mod.ClaimedTarget) -> PublishRequest:
    """The request an adapter gets: each file as a local path (a cached copy when media is on S3).

    Blocking when media is on S3 (it downloads): `prepare_request` runs it in a thread. A bucket
    that can't be reached is a TransientError — the post is retried later, never sent without it.
    """
    try:
        paths = [str(local_media_path(m.storage_path)) for m in claim.media]
    except MediaStorageUnavailable as exc:
        raise TransientError(str(exc)) from exc
    except MediaNotFound as exc:
        raise PermanentError("media file is missing from the media storage") from exc
    media = [
        MediaFile(
            path=path,
            mime_type=m.mime_type,
            kind=m.kind,  # type: ignore[arg-type]
            size_bytes=m.size_bytes,
            width=m.width,
            height=m.height,
            # Instagram / TikTok pull fetch the file themselves from a signed public link.
            public_url=public_link(m.asset_id, m.sha256, m.storage_path, m.mime_type),
        )
        for m, path in zip(claim.media, paths, strict=True)
    ]
    return PublishRequest(text=claim.text, media=media, idempotency_key=claim.idempotency_key)


async def prepare_request(claim: claims_mod.ClaimedTarget) -> PublishRequest:
    """On the event loop for local files (no I/O); in a thread when they come from a bucket."""
    if not claim.media or backend().name == "local":
        return build_request(claim)
    return await asyncio.to_thread(build_request, claim)


def account_ref(claim: claims_mod.ClaimedTarget) -> AccountRef:
    return AccountRef(
        external_id=claim.account_external_id,
        instance_url=claim.instance_url,
        username=claim.account_username,
        display_name=claim.account_display_name,
    )


async def _with_credentials(
    engine: PublishingEngine,
    claim: claims_mod.ClaimedTarget,
    adapter: PlatformAdapter,
    fn: Callable[[Credentials], Awaitable[R]],
) -> R:
    """`call_with_refresh` semantics (refresh ahead of expiry; one refresh + retry after an auth error;
    then the account needs reconnecting), but the stored credentials were already read in a DB
    thread: reading them on the event loop for every post stalls every other publish in flight.
    """
    from services.accounts.tokens import get_fresh_credentials, mark_needs_reconnect, refresh_account_credentials

    creds = claim.credentials
    if creds is None or (creds.expires_within(REFRESH_AHEAD_SECONDS) and adapter.can_refresh(creds)):
        creds = await get_fresh_credentials(claim.social_account_id)
    try:
        return await fn(creds)
    except AuthError:
        pass
    fresh = await refresh_account_credentials(claim.social_account_id)  # AuthError (+ needs_reconnect) if it can't
    try:
        return await fn(fresh)
    except AuthError as exc:
        await engine.db(mark_needs_reconnect, claim.social_account_id, exc.message)
        raise


def _reconnect_message(detail: str) -> str:
    return f"{RECONNECT_PREFIX}: {detail}" if detail else f"{RECONNECT_PREFIX}."


async def _lookup(
    engine: PublishingEngine, adapter: PlatformAdapter, claim: claims_mod.ClaimedTarget, request: PublishRequest
) -> outcomes.Outcome | None:
    """Before re-sending after an unknown outcome: already there → published; absent → None (send)."""
    ref = account_ref(claim)
    since = claim.created_at - LOOKUP_SLACK
    try:
        found = await _with_credentials(
            engine, claim, adapter, lambda creds: adapter.find_recent_post(creds, ref, request, since)
        )
    except Exception as exc:  # noqa: BLE001 - any doubt means a human decides
        log.warning("lookup for target %s failed: %s", claim.target_id, exc)
        return outcomes.needs_review()
    if found is not None:
        return outcomes.published(_now(), found.external_id, found.url, found.published_at)
    return None


def _classify(
    exc: PlatformError, adapter: PlatformAdapter, claim: claims_mod.ClaimedTarget, engine: PublishingEngine
) -> outcomes.Outcome:
    settings = engine.settings
    now = _now()
    out_of_attempts = claim.attempts >= settings.publish_max_attempts
    message = exc.message or str(exc) or exc.kind.value
    if exc.kind in (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED):
        if out_of_attempts:
            return outcomes.failed(f"Gave up after {claim.attempts} attempts: {message}", exc.kind.value)
        return outcomes.retry_later(now, claim.attempts, settings, message, exc.kind.value, not_before=exc.retry_at)
    if exc.kind == ErrorKind.AUTH:
        return outcomes.failed(_reconnect_message(message), ErrorKind.AUTH.value)
    if exc.kind == ErrorKind.UNKNOWN_OUTCOME:
        safe_to_retry = adapter.supports_idempotency_key or adapter.can_lookup_recent_posts
        if safe_to_retry and not out_of_attempts:
            # The next attempt re-sends with the same key, or looks the post up first (error_kind flags it).
            return outcomes.retry_later(now, claim.attempts, settings, message, UNKNOWN, not_before=exc.retry_at)
        return outcomes.needs_review()
    return outcomes.failed(message, exc.kind.value)


def _needs_recheck(claim: claims_mod.ClaimedTarget, lease_seconds: float) -> bool:
    if claim.claimed_at is None or claim.credentials is None:
        return True
    return (_now() - claim.claimed_at).total_seconds() > min(10.0, lease_seconds / 4)


async def attempt_publish(engine: PublishingEngine, claim: claims_mod.ClaimedTarget) -> outcomes.Outcome | None:
    """Returns the outcome to record, or None when the target is no longer ours to touch."""
    try:
        adapter = registry.get_adapter(
            claim.platform, instance_url=claim.instance_url, client=engine.client_for(claim.social_account_id)
        )
    except KeyError:
        return outcomes.failed(f"The platform '{claim.platform}' is not available on this server.", "permanent")
    # A claim that waited (e.g. behind a busy account) is re-read: send what the post is *now*, or
    # nothing. A fresh one is current by construction (see ClaimedTarget.claimed_at) — skipping the
    # extra round trip per post is what lets one worker keep up with a large backlog.
    if engine.fenced or _needs_recheck(claim, engine.settings.publish_lease_seconds):
        current = await engine.db(claims_mod.recheck_claim, engine.worker_id, claim)
        if current is None:
            log.info("target %s is no longer ours (cancelled, deleted or reclaimed); not sending", claim.target_id)
            return None
        claim = current
    if claim.account_status == "needs_reconnect":
        return outcomes.failed(_reconnect_message(claim.account_status_reason), ErrorKind.AUTH.value)
    try:
        request = await prepare_request(claim)
    except PlatformError as exc:  # media storage unreachable (transient) or file gone (permanent)
        return _classify(exc, adapter, claim, engine)

    if claim.error_kind == UNKNOWN and not adapter.supports_idempotency_key:
        if not adapter.can_lookup_recent_posts:
            return outcomes.needs_review()
        found = await _lookup(engine, adapter, claim, request)
        if found is not None:
            return found

    ref = account_ref(claim)
    try:
        result = await _with_credentials(engine, claim, adapter, lambda creds: adapter.publish(creds, ref, request))
    except PlatformError as exc:
        return _classify(exc, adapter, claim, engine)
    except httpx.HTTPError as exc:  # an adapter that let a transport error escape: same rules
        return _classify(error_from_transport(exc, request_sent_matters=True), adapter, claim, engine)
    except Exception as exc:  # noqa: BLE001 - a bug after sending could hide a real post
        log.exception("unexpected error publishing target %s", claim.target_id)
        return outcomes.needs_review(f"{states.NEEDS_REVIEW_MESSAGE} (internal error: {type(exc).__name__})")
    return outcomes.published(_now(), result.external_id, result.url, result.published_at)
