"""The posts table: search, filters, sorting and pagination done in SQL, plus bulk actions.

Only one page of rows ever leaves the database (LIMIT/OFFSET plus a COUNT), so the UI state holds
page_size rows however many posts a workspace has. Bulk actions go through the posts service one
post at a time: each post is refused or done on its own, with its reason, never all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, select

from services.approvals.states import shown_status
from services.db import get_engine, is_sqlite, session_scope
from services.models import Post, PostTarget, SocialAccount
from services.posts import PostError, PostInput, delete_post, get_post, reschedule_post, save_post
from services.privacy.purge import NOT_STORED
from services.timezones import local_midnight_utc, to_local, validate_timezone

P = Post.__table__
T = PostTarget.__table__
A = SocialAccount.__table__

SORTS = {
    "scheduled_at": P.c.scheduled_at,
    "created_at": P.c.created_at,
    "updated_at": P.c.updated_at,
    "status": P.c.status,
}
MAX_PAGE_SIZE = 100
MAX_BULK = 500
MAX_OFFSET = timedelta(days=366)
PREVIEW_CHARS = 120


class ListError(PostError):
    """Bad list/bulk input; a PostError so the UI shows it like any other refusal."""


def _like_pattern(search: str) -> str:
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _bound(value: date | datetime | None, tz: str, end: bool) -> datetime | None:
    """A date means the local day in `tz` (an end date includes its whole day); a datetime must be aware."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ListError("Internal error: a time without a timezone was given.")
        return value.astimezone(UTC)
    return local_midnight_utc(value + timedelta(days=1) if end else value, tz)


def _conditions(
    org_id: int,
    search: str,
    account_ids: Iterable[int] | None,
    statuses: Iterable[str] | None,
    date_from: date | datetime | None,
    date_to: date | datetime | None,
    tz: str,
) -> list:
    conditions = [P.c.organization_id == org_id]
    search = (search or "").strip()
    if search:
        pattern = _like_pattern(search[:200])
        if is_sqlite(str(get_engine().url)):
            conditions.append(P.c.body.like(pattern, escape="\\"))  # SQLite LIKE is case-insensitive for ASCII
        else:
            conditions.append(P.c.body.ilike(pattern, escape="\\"))
    if statuses:
        conditions.append(P.c.status.in_(list(statuses)))
    if account_ids:
        conditions.append(
            exists().where(
                T.c.post_id == P.c.id, T.c.organization_id == org_id, T.c.social_account_id.in_(list(account_ids))
            )
        )
    start, end = _bound(date_from, tz, end=False), _bound(date_to, tz, end=True)
    if start and end and end <= start:
        raise ListError("The end date is before the start date.")
    if start:
        conditions.append(P.c.scheduled_at >= start)
    if end:
        conditions.append(P.c.scheduled_at < end)
    return conditions


def _order(sort: str) -> list:
    key = (sort or "-scheduled_at").strip()
    descending = key.startswith("-")
    column = SORTS.get(key.lstrip("-"))
    if column is None:
        raise ListError(f"Can't sort by {key.lstrip('-')!r}; choose one of: {', '.join(SORTS)}.")
    ordered = column.desc() if descending else column.asc()
    return [ordered.nulls_last(), P.c.id.desc() if descending else P.c.id.asc()]


def list_posts(
    org_id: int,
    search: str = "",
    account_ids: Iterable[int] | None = None,
    statuses: Iterable[str] | None = None,
    date_from: date | datetime | None = None,
    date_to: date | datetime | None = None,
    sort: str = "-scheduled_at",
    page: int = 1,
    page_size: int = 25,
    tz: str = "UTC",
) -> tuple[list[dict[str, Any]], int]:
    """One page of posts and the total matching. Dates filter on the scheduled time.

    sort: one of SORTS, "-" prefix for descending; posts without a date sort last either way.
    """
    tz = validate_timezone(tz)
    page = max(1, int(page or 1))
    page_size = min(MAX_PAGE_SIZE, max(1, int(page_size or 25)))
    conditions = _conditions(org_id, search, account_ids, statuses, date_from, date_to, tz)
    where = and_(*conditions)
    with session_scope() as session:
        total = session.execute(select(func.count()).select_from(P).where(where)).scalar_one()
        posts = session.execute(
            select(
                P.c.id,
                func.substr(P.c.body, 1, PREVIEW_CHARS + 1).label("preview"),
                P.c.status,
                P.c.scheduled_at,
                P.c.created_at,
                P.c.updated_at,
                P.c.series_id,
                P.c.approval_state,
                P.c.content_purged_at,
            )  # fmt: skip
            .where(where)
            .order_by(*_order(sort))
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        ids = [p.id for p in posts]
        targets = (
            session.execute(
                select(T.c.post_id, T.c.social_account_id, T.c.status, T.c.external_url, T.c.published_at, A.c.platform,
                       A.c.display_name)
                .join(A, A.c.id == T.c.social_account_id)
                .where(T.c.organization_id == org_id, T.c.post_id.in_(ids))
                .order_by(T.c.post_id, T.c.id)
            ).all()
            if ids
            else []
        )
    by_post: dict[int, list[dict[str, Any]]] = {}
    for t in targets:
        by_post.setdefault(t.post_id, []).append(
            {
                "account_id": t.social_account_id,
                "platform": t.platform,
                "account_name": t.display_name,
                "status": t.status,
                "url": t.external_url or "",
                "published_at": t.published_at,
            }  # fmt: skip
        )
    rows = []
    for p in posts:
        text = NOT_STORED if p.content_purged_at is not None else " ".join((p.preview or "").split())
        local = to_local(p.scheduled_at, tz) if p.scheduled_at else None
        rows.append(
            {
                "id": p.id,
                "text": text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…",
                "status": shown_status(p.status, p.approval_state),
                "scheduled_at": p.scheduled_at.isoformat() if p.scheduled_at else None,
                "scheduled_local": f"{local:%Y-%m-%d %H:%M} {local.tzname()}" if local else "",
                "created_at": p.created_at.isoformat(),
                "updated_at": p.updated_at.isoformat(),
                "series_id": p.series_id,
                "platforms": sorted({t["platform"] for t in by_post.get(p.id, [])}),
                "targets": by_post.get(p.id, []),
                # when it went out (the latest of its targets): the list shows it instead of the plan
                "published_at": max((t["published_at"] for t in by_post.get(p.id, []) if t["published_at"]), default=None),
                "content_purged": p.content_purged_at is not None,
                "live_url": next((t["url"] for t in by_post.get(p.id, []) if t["url"]), ""),
            }
        )
    return rows, int(total)


def _check_ids(post_ids: Iterable[int]) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in post_ids or []))
    if not ids:
        raise ListError("Select at least one post.")
    if len(ids) > MAX_BULK:
        raise ListError(f"Select at most {MAX_BULK} posts at a time.")
    return ids


def bulk_delete(org_id: int, post_ids: Iterable[int], *, user_id: int | None = None) -> list[dict[str, Any]]:
    """Per post: {"post_id", "ok", "message"}. Published copies stay (the posts service keeps them)."""
    results = []
    for post_id in _check_ids(post_ids):
        try:
            outcome = delete_post(org_id, post_id, user_id=user_id)
            kept = "; ".join(f"{r['account']}: {r['reason']}" for r in outcome["refused"])
            results.append(
                {
                    "post_id": post_id,
                    "ok": True,
                    "message": "Deleted." if outcome["deleted"] else f"Kept published copies — {kept}.",
                }
            )
        except PostError as exc:
            results.append({"post_id": post_id, "ok": False, "message": str(exc)})
    return results


def bulk_reschedule(
    org_id: int,
    post_ids: Iterable[int],
    offset: timedelta,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Move each post by `offset` (e.g. +1 day); each is refused on its own (past, published, no date)."""
    if not isinstance(offset, timedelta) or not offset:
        raise ListError("Choose how far to move the posts.")
    if abs(offset) > MAX_OFFSET:
        raise ListError("Move posts by at most a year at a time.")
    ids = _check_ids(post_ids)
    results = []
    for post_id in ids:
        try:
            post = get_post(org_id, post_id)
            if not post["scheduled_at"]:
                raise PostError("It has no date yet; schedule it first.")
            new_time = datetime.fromisoformat(post["scheduled_at"]) + offset
            outcome = reschedule_post(org_id, post_id, new_time, user_id=user_id, now=now)
            note = "; ".join(f"{r['account']}: {r['reason']}" for r in outcome.get("refused", []))
            results.append(
                {
                    "post_id": post_id,
                    "ok": True,
                    "scheduled_at": new_time.isoformat(),
                    "message": "Rescheduled." + (f" Not moved — {note}." if note else ""),
                }  # fmt: skip
            )
        except PostError as exc:
            results.append({"post_id": post_id, "ok": False, "message": str(exc)})
    return results


def bulk_duplicate_as_draft(
    org_id: int, post_ids: Iterable[int], *, user_id: int | None = None
) -> list[dict[str, Any]]:
    """Copy text, per-account texts, accounts and media into new drafts (no date, not part of any series)."""
    results = []
    for post_id in _check_ids(post_ids):
        try:
            post = get_post(org_id, post_id)
            data = PostInput(
                body=post["body"],
                account_ids=[t["account_id"] for t in post["targets"]],
                overrides={t["account_id"]: t["body_override"] for t in post["targets"] if t["body_override"]},
                media_ids=list(post["media_ids"]),
                action="draft",
                timezone=post["timezone"],
            )
            new_id = save_post(org_id, user_id, data)
            results.append({"post_id": post_id, "ok": True, "new_post_id": new_id, "message": "Duplicated as a draft."})
        except PostError as exc:
            results.append({"post_id": post_id, "ok": False, "message": str(exc)})
    return results
