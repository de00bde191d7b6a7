"""Privacy-mode purge: once every target of a post is final, its content goes; metadata stays.

"Final" = published, or failed and discarded by a person (`error_kind = "discarded"`): a failed
target can still be retried until someone discards it, so its text must survive until then.
Cancelled schedules are drafts again and keep their content like any draft.

What goes: the post text (a SHA-256 of it is kept), per-account overrides, the reviewer's note,
post text copied into notifications / webhook payloads / alert mails still waiting, the links to
media and — once no other post uses them — the media files, their thumbnails and alt text.
What stays: accounts, times, statuses, the platform's post id and link, metrics.

`purge_posts` runs inside the caller's transaction (the publishing engine's outcome batch, so the
purge commits with the outcome that made the post final); `finish_purge` runs after the commit:
it removes media files through the storage API and checkpoints SQLite's WAL (services/privacy/wipe.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, case, delete, exists, func, literal, select, update
from sqlmodel import Session

from services.models import (
    AlertItem,
    MediaAsset,
    Notification,
    Post,
    PostMedia,
    PostTarget,
    WebhookDelivery,
    WebhookMessage,
    WorkspacePrivacy,
)

log = logging.getLogger(__name__)

P = Post.__table__
T = PostTarget.__table__
PM = PostMedia.__table__
MA = MediaAsset.__table__
N = Notification.__table__
WM = WebhookMessage.__table__
WD = WebhookDelivery.__table__
AL = AlertItem.__table__
WP = WorkspacePrivacy.__table__

#: Where the text was, in every view.
NOT_STORED = "content not stored (privacy mode)"
#: A failed target a person gave up on (no more retries): final, like a published one.
DISCARDED = "discarded"
BATCH = 200


@dataclass
class PurgeResult:
    """What a purge did inside the transaction, and what is left to do after the commit."""

    post_ids: list[int] = field(default_factory=list)
    assets: list[tuple[int, int]] = field(default_factory=list)  # (org_id, media_asset_id)

    def __bool__(self) -> bool:
        return bool(self.post_ids)

    def merge(self, other: PurgeResult) -> PurgeResult:
        self.post_ids += other.post_ids
        self.assets += other.assets
        return self


def preview_or_note(posts: Any, chars: int) -> Any:
    """SQL for a list's preview column: the first `chars` of the text, or the note once it was wiped."""
    return case(
        (posts.c.content_purged_at.is_not(None), literal(NOT_STORED)), else_=func.substr(posts.c.body, 1, chars)
    )


def is_final(status: str, error_kind: str) -> bool:
    return status == "published" or (status == "failed" and error_kind == DISCARDED)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def final_post_ids(session: Session, post_ids: Iterable[int]) -> list[int]:
    """Those of `post_ids` not yet purged whose every target (at least one) is final."""
    ids = sorted(set(post_ids))
    if not ids:
        return []
    by_post: dict[int, list[bool]] = {}
    rows = session.execute(
        select(T.c.post_id, T.c.status, T.c.error_kind)
        .join(P, P.c.id == T.c.post_id)
        .where(T.c.post_id.in_(ids), P.c.content_purged_at.is_(None))
    ).all()
    for r in rows:
        by_post.setdefault(r.post_id, []).append(is_final(r.status, r.error_kind))
    return sorted(pid for pid, finals in by_post.items() if finals and all(finals))


def purge_if_final(session: Session, post_ids: Iterable[int], now: datetime) -> PurgeResult:
    """The engine's hook: purge those of `post_ids` in privacy-mode workspaces that just became final."""
    ids = sorted(set(post_ids))
    if not ids:
        return PurgeResult()
    private = list(
        session.execute(
            select(P.c.id)
            .join(WP, WP.c.organization_id == P.c.organization_id)
            .where(P.c.id.in_(ids), WP.c.privacy_mode.is_(True), P.c.content_purged_at.is_(None))
        ).scalars()
    )
    return purge_posts(session, final_post_ids(session, private), now)


def purge_posts(session: Session, post_ids: list[int], now: datetime) -> PurgeResult:
    """Wipe the content of `post_ids` (already checked final by the caller) in the caller's transaction."""
    result = PurgeResult()
    for start in range(0, len(post_ids), BATCH):
        result.merge(_purge_batch(session, post_ids[start : start + BATCH], now))
    return result


def _purge_batch(session: Session, ids: list[int], now: datetime) -> PurgeResult:
    posts = session.execute(
        select(P.c.id, P.c.organization_id, P.c.body).where(P.c.id.in_(ids), P.c.content_purged_at.is_(None))
    ).all()
    if not posts:
        return PurgeResult()
    ids = [p.id for p in posts]
    session.execute(
        update(P).where(P.c.id == bindparam("_id")).values(
            body="", review_note="", body_sha256=bindparam("_sha"), content_purged_at=now
        ),
        [{"_id": p.id, "_sha": text_sha256(p.body or "")} for p in posts],
    )  # fmt: skip
    session.execute(update(T).where(T.c.post_id.in_(ids)).values(body_override=None))
    _scrub_copies(session, ids)
    links = session.execute(select(PM.c.organization_id, PM.c.media_asset_id).where(PM.c.post_id.in_(ids))).all()
    session.execute(delete(PM).where(PM.c.post_id.in_(ids)))
    orphans = sorted({(r.organization_id, r.media_asset_id) for r in links})
    unused = [a for _o, a in orphans]
    if unused:
        # Alt text / prompts of media no other post uses go now, in this transaction; the rows and
        # files go right after the commit (finish_purge → the storage API).
        still_linked = exists().where(PM.c.media_asset_id == MA.c.id)
        session.execute(
            update(MA).where(MA.c.id.in_(unused), ~still_linked).values(alt_text="", generated_prompt="")
        )
    return PurgeResult(post_ids=ids, assets=orphans)


def _scrub_copies(session: Session, ids: list[int]) -> None:
    """Post text copied elsewhere while the post was pending: notifications, webhook payloads, alert mails."""
    session.execute(update(N).where(N.c.post_id.in_(ids), N.c.kind != "comment", N.c.kind != "mention").values(
        text=f"A post ({NOT_STORED})"
    ))  # fmt: skip
    keys = [f"post:{i}" for i in ids]
    messages = session.execute(
        select(WM.c.id, WM.c.payload)
        .where(exists().where(and_(WD.c.message_id == WM.c.id, WD.c.ordering_key.in_(keys))))
    ).all()
    for message in messages:
        try:
            payload = json.loads(message.payload)
        except ValueError:
            continue
        data = payload.get("data") if isinstance(payload, dict) else None
        if isinstance(data, dict) and data.get("text"):
            data["text"] = None
            data["content_stored"] = False
            session.execute(update(WM).where(WM.c.id == message.id).values(payload=json.dumps(payload)))
    for post_id in ids:
        session.execute(
            update(AL).where(AL.c.link.like(f"%/compose?post={post_id}")).values(summary=f"A post ({NOT_STORED})")
        )


def finish_purge(result: PurgeResult) -> None:
    """After the commit: media files and rows no other post uses go through the storage API; then the
    database's own copies of the old bytes (SQLite WAL) are checkpointed away."""
    if not result:
        return
    from services.media.sniff import MediaError
    from services.media.storage import delete_media
    from services.privacy.wipe import checkpoint_sqlite

    for org_id, asset_id in result.assets:
        try:
            delete_media(org_id, asset_id)
        except MediaError:  # another post still uses it (or it is already gone): it stays for that post
            continue
    checkpoint_sqlite()
    log.info("privacy purge: content of %d post(s) wiped", len(result.post_ids))
