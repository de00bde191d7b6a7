"""Connected accounts of a workspace: saving what a login discovered, listing, disconnecting.

Every function takes the workspace id and filters by it: another workspace's account is simply
"not found". Disconnecting is a soft delete (status "disconnected", tokens wiped) so published
history and analytics keep their account; reconnecting the same identity revives the same row.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TypedDict

from sqlmodel import Session, select

from services.accounts.catalog import adapter_for_account, known_adapter_class, platform_label
from services.accounts.tokens import DISCONNECTED, load_credentials, store_credentials
from services.db import session_scope
from services.errors import NotFound
from services.models.accounts import SocialAccount
from services.models.identity import AuditLog
from services.models.posts import PostTarget
from services.platforms.base import Credentials, DiscoveredAccount
from services.platforms.errors import AuthError, PermanentError, PlatformError
from services.publishing.states import TargetStatus

log = logging.getLogger(__name__)
EXPIRING_WITHIN = timedelta(days=3)
#: Targets that have not gone out yet and never will once the account is gone.
PENDING_TARGET_STATUSES = (TargetStatus.SCHEDULED,)


class AccountNotFoundError(NotFound, LookupError):
    """No such account in this workspace."""


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def save_discovered_accounts(
    session: Session,
    *,
    org_id: int,
    user_id: int | None,
    platform: str,
    instance_url: str,
    discovered: list[DiscoveredAccount],
) -> list[int]:
    """Upsert on the identity key: a reconnect replaces the tokens and reactivates the row."""
    ids: list[int] = []
    now = datetime.now(UTC)
    for item in discovered:
        p = item.profile
        account = session.exec(
            select(SocialAccount).where(
                SocialAccount.organization_id == org_id,
                SocialAccount.platform == platform,
                SocialAccount.instance_url == instance_url,
                SocialAccount.external_id == p.external_id,
            )
        ).first()
        if account is None:
            account = SocialAccount(
                organization_id=org_id,
                platform=platform,
                instance_url=instance_url,
                external_id=p.external_id,
                display_name=p.display_name[:255],
                connected_by=user_id,
            )
        account.display_name = (p.display_name or p.username or p.external_id)[:255]
        account.username = p.username[:255]
        account.avatar_url = p.avatar_url[:1000]
        account.profile_url = p.profile_url[:1000]
        account.status = "active"
        account.status_reason = ""
        account.updated_at = now
        store_credentials(session, account, item.credentials)
        session.flush()
        ids.append(account.id)
        session.add(
            AuditLog(
                organization_id=org_id,
                user_id=user_id,
                action="account.connected",
                detail={"platform": platform, "account_id": account.id, "name": account.display_name},
            )
        )
    return ids


async def connect_bluesky(org_id: int, user_id: int, identifier: str, app_password: str) -> int:
    """Log in with an app password (never the main password) and store the session."""
    adapter = known_adapter_class("bluesky")()
    try:
        creds = await adapter.login_with_app_password(identifier, app_password)
        discovered = await adapter.discover_accounts(creds)
    except AuthError as exc:
        raise AuthError(f"Bluesky refused the login: {exc.message}. Use your handle and an app password.") from None
    finally:
        await adapter.aclose()
    with session_scope() as session:
        ids = save_discovered_accounts(
            session, org_id=org_id, user_id=user_id, platform="bluesky", instance_url="", discovered=discovered
        )
    return ids[0]


def connect_demo(org_id: int, user_id: int) -> int:
    """One Demo account per workspace: a second click returns (and revives) the same account."""
    external_id = f"demo-{org_id}"
    with session_scope() as session:
        existing = session.exec(
            select(SocialAccount).where(
                SocialAccount.organization_id == org_id,
                SocialAccount.platform == "demo",
                SocialAccount.external_id == external_id,
            )
        ).first()
        if existing is not None and existing.status != DISCONNECTED:
            return existing.id
        creds = Credentials(extra={"external_id": external_id, "connected_at": datetime.now(UTC).isoformat()})
        discovered = [known_adapter_class("demo")().demo_account(creds)]
        ids = save_discovered_accounts(
            session, org_id=org_id, user_id=user_id, platform="demo", instance_url="", discovered=discovered
        )
    return ids[0]


def _display_status(account: SocialAccount, now: datetime) -> tuple[str, str]:
    if account.status != "active":
        return account.status, account.status_reason
    expires = _aware(account.token_expires_at)
    if expires is None or expires - now > EXPIRING_WITHIN:
        return "active", ""
    try:
        creds = load_credentials(account)
        refreshable = adapter_for_account(account).can_refresh(creds)
    except (AuthError, KeyError):
        refreshable = False
    if refreshable:
        return "active", ""
    if expires <= now:
        return "needs_reconnect", f"Access expired on {expires:%Y-%m-%d}; reconnect the account"
    return "expiring", f"Access expires on {expires:%Y-%m-%d %H:%M} UTC; reconnect before then"


class AccountRow(TypedDict):
    """A connected account as the Accounts page, composer and filters list it."""

    id: int
    platform: str
    platform_label: str
    display_name: str
    username: str
    avatar_url: str
    profile_url: str
    status: str  # active | expiring | needs_reconnect
    status_reason: str
    token_expires_at: str | None  # UTC ISO 8601


def list_accounts(org_id: int) -> list[AccountRow]:
    now = datetime.now(UTC)
    with session_scope() as session:
        accounts = session.exec(
            select(SocialAccount)
            .where(SocialAccount.organization_id == org_id, SocialAccount.status != DISCONNECTED)
            .order_by(SocialAccount.platform, SocialAccount.display_name, SocialAccount.id)
        ).all()
        rows: list[AccountRow] = []
        for account in accounts:
            status, reason = _display_status(account, now)
            expires = _aware(account.token_expires_at)
            rows.append(
                {
                    "id": account.id,
                    "platform": account.platform,
                    "platform_label": platform_label(account.platform),
                    "display_name": account.display_name,
                    "username": account.username,
                    "avatar_url": account.avatar_url,
                    "profile_url": account.profile_url,
                    "status": status,
                    "status_reason": reason,
                    "token_expires_at": expires.isoformat() if expires else None,
                }
            )
    return rows


def get_account(org_id: int, account_id: int) -> SocialAccount:
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None or account.organization_id != org_id or account.status == DISCONNECTED:
            raise AccountNotFoundError("Account not found")
        session.expunge(account)
        return account


async def disconnect_account(org_id: int, account_id: int, *, user_id: int | None = None) -> None:
    """Revoke at the platform (best effort), wipe the tokens, fail what was still scheduled."""
    account = get_account(org_id, account_id)
    if account.token_blob:
        adapter = adapter_for_account(account)
        try:
            await adapter.revoke(load_credentials(account))
        except (PlatformError, PermanentError) as exc:
            log.info("revoking %s account %s failed (ignored): %s", account.platform, account_id, exc.message)
        finally:
            await adapter.aclose()
    now = datetime.now(UTC)
    with session_scope() as session:
        row = session.get(SocialAccount, account_id)
        if row is None or row.organization_id != org_id:
            raise AccountNotFoundError("Account not found")
        row.status = DISCONNECTED
        row.status_reason = "Disconnected by a user"
        row.token_blob = None
        row.token_expires_at = None
        row.updated_at = now
        session.add(row)
        targets = session.exec(
            select(PostTarget).where(
                PostTarget.organization_id == org_id,
                PostTarget.social_account_id == account_id,
                PostTarget.status.in_(PENDING_TARGET_STATUSES),
            )
        ).all()
        for target in targets:
            target.status = TargetStatus.FAILED
            target.last_error = "account disconnected"
            target.error_kind = "auth"
            target.updated_at = now
            session.add(target)
        session.add(
            AuditLog(
                organization_id=org_id,
                user_id=user_id,
                action="account.disconnected",
                detail={"platform": row.platform, "account_id": account_id, "failed_targets": len(targets)},
            )
        )
