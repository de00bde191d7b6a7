"""Shareable preview links: a read-only view of one post for someone without an account.

The link carries a random 256-bit token; the database keeps only HMAC-SHA256(secret key, token),
so the link is signed by the instance (a leaked database can't mint or check links) and a guessed
token can't be verified offline. Links expire (7 days by default) and can be revoked; an expired,
revoked or unknown link shows a clear page and nothing else. When the workspace allows external
approval, the visitor may approve or request changes — through the same compare-and-set as members.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from services.approvals import workflow
from services.approvals.rules import ApprovalError, config_in
from services.approvals.states import ApprovalState
from services.config import get_settings
from services.db import session_scope
from services.models import Organization, Post, PostMedia, PostTarget, PreviewLink, SocialAccount, utcnow
from services.posts.errors import PostNotFound
from services.posts.preview import evaluate_targets

DEFAULT_DAYS = 7
MAX_TOKEN_LEN = 200
T, A, PM = PostTarget.__table__, SocialAccount.__table__, PostMedia.__table__


class PreviewLinkInvalid(ApprovalError):
    """The link can't be used (expired, revoked, unknown); the message is the page's text."""


def _digest(token: str) -> str:
    key = get_settings().secret_keys[0].encode()
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def link_url(token: str) -> str:
    return f"{get_settings().base_url}/preview?token={token}"


def create_link(org_id: int, post_id: int, user_id: int | None, days: int = DEFAULT_DAYS) -> dict[str, str]:
    """A new link for the post (callers check "preview.share"); the token is shown once, never stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with session_scope() as session:
        _post(session, org_id, post_id)
        link = PreviewLink(organization_id=org_id, post_id=post_id, token_hash=_digest(token), created_by=user_id,
                           created_at=now, expires_at=now + timedelta(days=max(1, int(days))))  # fmt: skip
        session.add(link)
        session.flush()
        expires = link.expires_at.isoformat()
    return {"url": link_url(token), "expires_at": expires}


def list_links(org_id: int, post_id: int) -> list[dict[str, object]]:
    """The post's links that still work (the token itself can't be shown again: only its hash is kept)."""
    now = utcnow()
    with session_scope() as session:
        rows = session.execute(
            select(PreviewLink.__table__).where(
                PreviewLink.__table__.c.organization_id == org_id,
                PreviewLink.__table__.c.post_id == post_id,
                PreviewLink.__table__.c.revoked_at.is_(None),
                PreviewLink.__table__.c.expires_at > now,
            )
        ).all()
    return [{"id": r.id, "expires_at": r.expires_at.isoformat()} for r in rows]


def revoke_links(org_id: int, post_id: int) -> int:
    """Revoke every live link of the post (one button in the composer); returns how many."""
    now = utcnow()
    with session_scope() as session:
        _post(session, org_id, post_id)
        links = session.exec(
            select(PreviewLink).where(
                PreviewLink.organization_id == org_id, PreviewLink.post_id == post_id, PreviewLink.revoked_at.is_(None)  # type: ignore[union-attr]
            )
        ).scalars().all()
        for link in links:
            link.revoked_at = now
        return len(links)


@dataclass(frozen=True)
class PreviewPage:
    """What the public page shows."""

    workspace: str
    post_id: int
    version: int
    approval_state: str
    approval_label: str
    can_decide: bool  # external approval allowed and the post waits for review
    scheduled_at: str
    previews: list[dict[str, str]] = field(default_factory=list)
    media_ids: list[int] = field(default_factory=list)


def open_link(token: str | None, now: datetime | None = None) -> PreviewPage:
    """The page for a live link, or PreviewLinkInvalid with what to tell the visitor."""
    now = now or utcnow()
    with session_scope() as session:
        link = _live_link(session, token, now)
        post = _post(session, link.organization_id, link.post_id)
        org = session.get(Organization, link.organization_id)
        config = config_in(session, link.organization_id)
        accounts = session.execute(
            select(A.c.id, A.c.platform, A.c.display_name)
            .join(T, T.c.social_account_id == A.c.id)
            .where(T.c.post_id == post.id)
            .order_by(T.c.id)
        ).all()
        overrides = {
            str(r.social_account_id): r.body_override
            for r in session.execute(select(T.c.social_account_id, T.c.body_override).where(T.c.post_id == post.id))
            if r.body_override
        }
        media_ids = list(session.execute(select(PM.c.media_asset_id).where(PM.c.post_id == post.id)).scalars())
        state = ApprovalState(post.approval_state)
        page = PreviewPage(
            workspace=org.name if org else "",
            post_id=int(post.id),
            version=post.version,
            approval_state=state.value,
            approval_label=state.label,
            can_decide=config.allow_external and state is ApprovalState.IN_REVIEW,
            scheduled_at=post.scheduled_at.isoformat() if post.scheduled_at else "",
            media_ids=media_ids,
        )
        body, org_id = post.body, post.organization_id
    rows = evaluate_targets(
        org_id, [{"id": str(a.id), "platform": a.platform, "display_name": a.display_name} for a in accounts],
        body, overrides, media_ids,
    )  # fmt: skip
    previews = [{"platform": r.platform, "label": r.label, "account": r.account_name, "text": r.preview} for r in rows]
    return PreviewPage(**{**page.__dict__, "previews": previews})


def decide(token: str | None, version: int, *, approve: bool, name: str, note: str = "") -> str:
    """An external reviewer's decision through a live link (only when the workspace allows it)."""
    name = (name or "").strip()
    if not name:
        raise ApprovalError("Type your name so the team knows who decided.")
    with session_scope() as session:
        link = _live_link(session, token, utcnow())
        if not config_in(session, link.organization_id).allow_external:
            raise ApprovalError("This workspace doesn't take approvals through preview links.")
        org_id, post_id = link.organization_id, link.post_id
    reviewer = workflow.Reviewer(user_id=None, name=f"{name[:100]} (via preview link)")
    if approve:
        return workflow.approve(org_id, post_id, version, reviewer, note)
    return workflow.request_changes(org_id, post_id, version, reviewer, note)


def _live_link(session: Session, token: str | None, now: datetime) -> PreviewLink:
    if not token or len(token) > MAX_TOKEN_LEN:
        raise PreviewLinkInvalid("This preview link is not valid. Ask for a new one.")
    link = session.exec(select(PreviewLink).where(PreviewLink.token_hash == _digest(token))).scalars().first()
    if link is None:
        raise PreviewLinkInvalid("This preview link is not valid. Ask for a new one.")
    if link.revoked_at is not None:
        raise PreviewLinkInvalid("This preview link was revoked. Ask for a new one.")
    if link.expires_at <= now:
        raise PreviewLinkInvalid("This preview link has expired. Ask for a new one.")
    return link


def _post(session: Session, org_id: int, post_id: int) -> Post:
    post = session.get(Post, post_id)
    if post is None or post.organization_id != org_id:
        raise PostNotFound("That post was not found.")
    return post
