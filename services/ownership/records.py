"""What goes into an export, read in batches (a workspace may hold hundreds of thousands of rows).

Every function takes an open session and yields plain dicts, so the archive writer can stream them
into the ZIP. Secrets never appear: no token blobs, no API key hashes, no password hash, no TOTP
secret; an AI provider's key is reduced to "has a key".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from services.models import (
    AIProvider,
    AlertPreference,
    ApiKey,
    ApprovalSettings,
    AuditLog,
    Comment,
    McpToken,
    MediaAsset,
    Membership,
    Notification,
    Organization,
    Persona,
    Post,
    PostMedia,
    PostMetricSnapshot,
    PostTarget,
    PromptTemplate,
    QueueSlot,
    SocialAccount,
    User,
    UserSession,
)

BATCH = 500
METRICS = ("likes", "reposts", "replies", "impressions", "reach", "clicks")
POST_FIELDS = ("id", "body", "status", "scheduled_at", "timezone", "version", "series_id", "recurrence",
               "series_occurrence", "series_detached", "approval_state", "approved_version", "submitted_at",
               "reviewer_name", "reviewed_at", "review_note", "created_at", "updated_at")  # fmt: skip
TARGET_FIELDS = ("body_override", "status", "attempts", "last_error", "error_kind", "external_id", "external_url",
                 "published_at", "created_at", "updated_at")  # fmt: skip
ACCOUNT_FIELDS = ("id", "platform", "instance_url", "external_id", "display_name", "username", "avatar_url",
                  "profile_url", "persona_id", "created_at")  # fmt: skip
MEDIA_FIELDS = ("id", "kind", "mime_type", "original_name", "size_bytes", "width", "height", "duration_seconds",
                "sha256", "alt_text", "generated_prompt", "created_at")  # fmt: skip
PERSONA_FIELDS = ("id", "name", "audience", "tone", "topics", "mission", "created_at")


def _pick(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields}


def _keyset(s: Session, model: Any, *where: Any) -> Iterator[Any]:
    """Rows of `model` matching `where`, by id, BATCH at a time (never the whole table in memory)."""
    last = 0
    while True:
        rows = s.execute(select(model).where(*where, model.id > last).order_by(model.id).limit(BATCH)).scalars().all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        s.expunge_all()


def _emails(s: Session, ids: set[int]) -> dict[int, str]:
    ids.discard(None)  # type: ignore[arg-type]
    if not ids:
        return {}
    return {int(u.id): u.email for u in s.execute(select(User).where(User.id.in_(ids))).scalars()}


def posts(s: Session, *where: Any) -> Iterator[dict[str, Any]]:
    """Posts with their targets (and each target's latest metrics) and media, batch by batch."""
    batch: list[Post] = []
    for post in _keyset(s, Post, *where):
        batch.append(post)
        if len(batch) >= BATCH:
            yield from _post_batch(s, batch)
            batch = []
    if batch:
        yield from _post_batch(s, batch)


def _post_batch(s: Session, batch: list[Post]) -> list[dict[str, Any]]:
    ids = [p.id for p in batch]
    targets = s.execute(select(PostTarget).where(PostTarget.post_id.in_(ids)).order_by(PostTarget.id)).scalars().all()
    target_ids = [t.id for t in targets]
    latest: dict[int, PostMetricSnapshot] = {}
    if target_ids:
        snaps = s.execute(
            select(PostMetricSnapshot).where(PostMetricSnapshot.post_target_id.in_(target_ids))
            .order_by(PostMetricSnapshot.captured_at, PostMetricSnapshot.id)
        ).scalars()  # fmt: skip
        for snap in snaps:
            latest[snap.post_target_id] = snap  # the newest wins
    media = s.execute(
        select(PostMedia).where(PostMedia.post_id.in_(ids)).order_by(PostMedia.position, PostMedia.id)
    ).scalars().all()
    emails = _emails(s, {p.author_id for p in batch})
    by_post: dict[int, list[dict[str, Any]]] = {}
    for t in targets:
        snap = latest.get(t.id)
        metrics = None
        if snap is not None:
            metrics = {"captured_at": snap.captured_at, "simulated": snap.simulated, "platform": snap.platform,
                       **{m: getattr(snap, m) for m in METRICS}}  # fmt: skip
        by_post.setdefault(t.post_id, []).append(
            {"account_id": t.social_account_id, **_pick(t, TARGET_FIELDS), "metrics": metrics}
        )
    media_by_post: dict[int, list[int]] = {}
    for m in media:
        media_by_post.setdefault(m.post_id, []).append(m.media_asset_id)
    out = [
        {**_pick(p, POST_FIELDS), "organization_id": p.organization_id, "author_email": emails.get(p.author_id, ""),
         "targets": by_post.get(p.id, []), "media_ids": media_by_post.get(p.id, [])}  # fmt: skip
        for p in batch
    ]
    s.expunge_all()
    return out


def accounts(s: Session, org_id: int) -> Iterator[dict[str, Any]]:
    for a in _keyset(s, SocialAccount, SocialAccount.organization_id == org_id):
        yield {**_pick(a, ACCOUNT_FIELDS), "status_before_export": a.status}


def media(s: Session, *where: Any) -> Iterator[tuple[dict[str, Any], str]]:
    """(metadata, storage path) of each asset; the path is the instance's own and stays out of the JSON."""
    for m in _keyset(s, MediaAsset, *where):
        yield {**_pick(m, MEDIA_FIELDS), "organization_id": m.organization_id}, m.storage_path


def comments(s: Session, *where: Any) -> Iterator[dict[str, Any]]:
    for c in _keyset(s, Comment, *where):
        author = s.get(User, c.author_id) if c.author_id else None
        yield {"id": c.id, "post_id": c.post_id, "organization_id": c.organization_id, "body": c.body,
               "author_email": author.email if author else "", "author_name": author.name if author else "",
               "created_at": c.created_at}  # fmt: skip


def personas(s: Session, org_id: int) -> list[dict[str, Any]]:
    rows = s.execute(select(Persona).where(Persona.organization_id == org_id).order_by(Persona.id)).scalars()
    return [_pick(p, PERSONA_FIELDS) for p in rows]


def templates(s: Session, *where: Any) -> list[dict[str, Any]]:
    rows = s.execute(select(PromptTemplate).where(*where).order_by(PromptTemplate.id)).scalars()
    return [{"action": t.action, "system_template": t.system_template, "user_template": t.user_template,
             "personal": t.user_id is not None, "updated_at": t.updated_at} for t in rows]  # fmt: skip


def queue_slots(s: Session, org_id: int) -> list[dict[str, Any]]:
    rows = s.execute(select(QueueSlot).where(QueueSlot.organization_id == org_id).order_by(QueueSlot.id)).scalars()
    return [{"account_id": q.social_account_id, "weekday": q.weekday, "local_time": q.local_time,
             "timezone": q.timezone} for q in rows]  # fmt: skip


def workspace(s: Session, org_id: int) -> dict[str, Any]:
    org = s.get(Organization, org_id)
    approval = s.get(ApprovalSettings, org_id)
    return {
        "name": org.name, "ai_monthly_budget_usd": org.ai_monthly_budget_usd, "require_2fa": org.require_2fa,
        "created_at": org.created_at,
        "approvals": {"mode": approval.mode, "allow_external": approval.allow_external} if approval else None,
    }  # fmt: skip


def members(s: Session, org_id: int) -> list[dict[str, Any]]:
    rows = s.execute(
        select(User.name, User.email, Membership.role, Membership.created_at)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == org_id)
        .order_by(Membership.id)
    ).all()
    return [{"name": r.name, "email": r.email, "role": r.role, "member_since": r.created_at} for r in rows]


# --- personal data ("Download my data") -------------------------------------------------------


def profile(s: Session, user_id: int, totp: bool) -> dict[str, Any]:
    u = s.get(User, user_id)
    return {"name": u.name, "email": u.email, "timezone": u.timezone, "registered_at": u.created_at,
            "email_verified_at": u.email_verified_at, "instance_admin": u.is_instance_admin,
            "two_factor_enabled": totp}  # fmt: skip


def memberships(s: Session, user_id: int) -> list[dict[str, Any]]:
    rows = s.execute(
        select(Organization.id, Organization.name, Membership.role, Membership.created_at)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.id)
    ).all()
    return [{"workspace_id": r.id, "workspace": r.name, "role": r.role, "since": r.created_at} for r in rows]


def sessions(s: Session, user_id: int) -> list[dict[str, Any]]:
    rows = s.execute(select(UserSession).where(UserSession.user_id == user_id).order_by(UserSession.id)).scalars()
    return [{"created_at": r.created_at, "last_seen_at": r.last_seen_at, "expires_at": r.expires_at,
             "revoked_at": r.revoked_at, "ip": r.ip, "user_agent": r.user_agent} for r in rows]  # fmt: skip


def ai_providers(s: Session, user_id: int) -> list[dict[str, Any]]:
    rows = s.execute(select(AIProvider).where(AIProvider.user_id == user_id).order_by(AIProvider.id)).scalars()
    return [{"workspace_id": p.organization_id, "name": p.name, "base_url": p.base_url, "model": p.model,
             "has_key": bool(p.api_key_blob), "enabled": p.enabled, "created_at": p.created_at} for p in rows]  # fmt: skip


def tokens(s: Session, user_id: int) -> dict[str, list[dict[str, Any]]]:
    mcp = s.execute(select(McpToken).where(McpToken.user_id == user_id).order_by(McpToken.id)).scalars()
    keys = s.execute(select(ApiKey).where(ApiKey.created_by == user_id).order_by(ApiKey.id)).scalars()
    return {
        "mcp_tokens": [{"workspace_id": t.organization_id, "name": t.name, "last4": t.last4, "created_at": t.created_at,
                        "last_used_at": t.last_used_at, "revoked_at": t.revoked_at} for t in mcp],
        "api_keys": [{"workspace_id": k.organization_id, "name": k.name, "prefix": k.prefix, "role": k.role,
                      "created_at": k.created_at, "last_used_at": k.last_used_at, "revoked_at": k.revoked_at}
                     for k in keys],
    }  # fmt: skip


def notifications(s: Session, user_id: int) -> Iterator[dict[str, Any]]:
    for n in _keyset(s, Notification, Notification.user_id == user_id):
        yield {"workspace_id": n.organization_id, "kind": n.kind, "text": n.text, "post_id": n.post_id,
               "created_at": n.created_at, "read_at": n.read_at}  # fmt: skip


def alert_preferences(s: Session, user_id: int) -> list[dict[str, Any]]:
    rows = s.execute(select(AlertPreference).where(AlertPreference.user_id == user_id)).scalars()
    return [{k: v for k, v in r.model_dump().items() if k not in {"id", "user_id"}} for r in rows]


def audit(s: Session, user_id: int) -> Iterator[dict[str, Any]]:
    for a in _keyset(s, AuditLog, AuditLog.user_id == user_id):
        yield {"workspace_id": a.organization_id, "action": a.action, "detail": a.detail, "at": a.created_at}
