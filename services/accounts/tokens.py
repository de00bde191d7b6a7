"""Stored credentials: encrypted at rest, refreshed before expiry and once after a 401.

Some platforms (X, TikTok) rotate refresh tokens: the old one dies on use. Two refreshes racing
with the same refresh token would leave one of them holding a dead token and wrongly flag the
account. So refreshes are serialized per account (an asyncio lock per event loop), the row is
re-read inside the lock, and the new blob is written with compare-and-swap on the old blob, which
also covers a second process: whoever loses the race adopts the winner's tokens.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import update
from sqlmodel import Session

from services.accounts.catalog import adapter_for_account
from services.audit import audit_in
from services.config import get_settings
from services.crypto import DecryptionError, decrypt_json, encrypt_json
from services.db import session_scope
from services.events import emit_event
from services.models.accounts import SocialAccount
from services.notifications.events import notify_account_needs_reconnect
from services.platforms.base import Credentials
from services.platforms.errors import AuthError, PermanentError

log = logging.getLogger(__name__)
T = TypeVar("T")
REFRESH_AHEAD_SECONDS = 300
DISCONNECTED = "disconnected"

_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Lock]] = weakref.WeakKeyDictionary()


def _lock_for(account_id: int) -> asyncio.Lock:
    """asyncio locks belong to one event loop; keep one set per loop (tests and workers run several)."""
    per_loop = _locks.setdefault(asyncio.get_running_loop(), {})
    return per_loop.setdefault(account_id, asyncio.Lock())


def load_credentials(account: SocialAccount) -> Credentials:
    if not account.token_blob:
        raise AuthError(f"{account.display_name or 'This account'} has no stored credentials; reconnect it")
    try:
        return Credentials.from_dict(decrypt_json(account.token_blob))
    except DecryptionError:
        raise AuthError(
            "Stored credentials cannot be decrypted (was SOCIALHUB_SECRET_KEY changed?); reconnect"
        ) from None


def store_credentials(session: Session, account: SocialAccount, creds: Credentials) -> None:
    account.token_blob = encrypt_json(creds.to_dict())
    account.token_expires_at = creds.expires_at
    account.updated_at = datetime.now(UTC)
    session.add(account)


def _read_account(account_id: int) -> SocialAccount:
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None:
            raise AuthError("The social account no longer exists")
        session.expunge(account)
        return account


def _usable_account(account_id: int) -> SocialAccount:
    account = _read_account(account_id)
    if account.status == DISCONNECTED:
        raise AuthError("The account was disconnected")
    if account.status == "needs_reconnect":
        raise AuthError(account.status_reason or "The account needs to be reconnected")
    return account


def mark_needs_reconnect(account_id: int, reason: str) -> None:
    """Flag the account; the first time (not on every later failure) `account.needs_reconnect` is
    queued for webhooks and alert mails in the same transaction as the flag."""
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None or account.status == DISCONNECTED:
            return
        newly = account.status != "needs_reconnect"
        account.status = "needs_reconnect"
        account.status_reason = (reason or "Access was revoked or expired; reconnect the account")[:1000]
        account.updated_at = datetime.now(UTC)
        session.add(account)
        if newly:  # once per breakage, not at every failed refresh; committed with the status change
            _announce_needs_reconnect(session, account)
            notify_account_needs_reconnect(session, account, account.updated_at)
            audit_in(session, account.organization_id, None, "account.needs_reconnect",
                     account_id=account.id, platform=account.platform, reason=account.status_reason)  # fmt: skip
    log.info("account %s needs reconnect: %s", account_id, reason)


def _announce_needs_reconnect(session: Session, account: SocialAccount) -> None:
    name = account.display_name or (f"@{account.username}" if account.username else account.platform)
    emit_event(
        account.organization_id,
        "account.needs_reconnect",
        {"account": {"id": account.id, "platform": account.platform, "username": account.username,
                     "display_name": account.display_name}, "reason": account.status_reason},  # fmt: skip
        session=session,
        ordering_key=f"account:{account.id}",
        summary=f"{account.platform} account {name} needs to be reconnected: {account.status_reason}"[:1000],
        link=get_settings().base_url.rstrip("/") + "/accounts",
    )


async def _refresh(account_id: int, *, force: bool, stale_access_token: str | None = None) -> Credentials:
    async with _lock_for(account_id):
        account = _usable_account(account_id)
        blob_before = account.token_blob
        creds = load_credentials(account)
        if stale_access_token is not None and creds.access_token != stale_access_token:
            return creds  # another task refreshed while we waited for the lock
        if not force and not creds.expires_within(REFRESH_AHEAD_SECONDS):
            return creds
        adapter = adapter_for_account(account)
        try:
            fresh = await adapter.refresh(creds)
        except (AuthError, PermanentError) as exc:
            current = _read_account(account_id)
            if current.token_blob != blob_before and current.status == "active":
                return load_credentials(current)  # another process refreshed first; our token was the stale one
            reason = f"Could not renew access: {exc.message}"
            mark_needs_reconnect(account_id, reason)
            raise AuthError(reason, status_code=exc.status_code, platform_code=exc.platform_code) from None
        finally:
            await adapter.aclose()
        with session_scope() as session:
            result = session.execute(
                update(SocialAccount)
                .where(SocialAccount.id == account_id, SocialAccount.token_blob == blob_before)
                .values(
                    token_blob=encrypt_json(fresh.to_dict()),
                    token_expires_at=fresh.expires_at,
                    status="active",
                    status_reason="",
                    updated_at=datetime.now(UTC),
                )
            )
            swapped = result.rowcount == 1
        if not swapped:
            return load_credentials(_usable_account(account_id))  # someone else wrote first: adopt theirs
        return fresh


async def get_fresh_credentials(account_id: int) -> Credentials:
    """Credentials valid for the next few minutes, refreshed first when they are about to expire."""
    account = _usable_account(account_id)
    creds = load_credentials(account)
    if creds.expires_within(REFRESH_AHEAD_SECONDS) and adapter_for_account(account).can_refresh(creds):
        return await _refresh(account_id, force=False)
    return creds


async def refresh_account_credentials(account_id: int) -> Credentials:
    """Forced refresh. Auth/permanent failure → account needs reconnect + AuthError; transient ones propagate."""
    return await _refresh(account_id, force=True)


async def call_with_refresh(account_id: int, fn: Callable[[Credentials], Awaitable[T]]) -> T:
    """Run `fn(creds)`; on an auth error refresh once and retry once, else flag the account."""
    creds = await get_fresh_credentials(account_id)
    try:
        return await fn(creds)
    except AuthError:
        fresh = await _refresh(account_id, force=True, stale_access_token=creds.access_token)
    try:
        return await fn(fresh)
    except AuthError as exc:
        mark_needs_reconnect(account_id, exc.message)
        raise
