"""/v1/posts: create (draft, scheduled, publish now), read, list, update, reschedule, cancel, delete,
publish now, retry a target, mark a target published — each one call into services.posts.

The composer calls the very same functions (save_post, reschedule_post, …), so a post made here
passes the same checks (workspace accounts and media, platform limits, time in the future) and
goes through the same publishing engine.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from services import posts
from services.api.auth import Actor, acting
from services.api.common import idempotent, instant, overrides, zone_of
from services.api.keys import ApiActor
from services.api.problems import ApiProblem, documented
from services.api.schemas_in import MAX_ID, MarkPublished, PostCreate, PostUpdate, Reschedule
from services.api.schemas_out import Deleted, Post, PostPage, PostSummary, post_from
from services.permissions import require
from services.posts.errors import PostFieldError, PostNotFound
from services.posts.listing import SORTS, list_posts
from services.publishing.states import PostStatus

router = APIRouter(prefix="/posts", tags=["posts"])
PostId = Annotated[int, Path(ge=1, le=MAX_ID)]
ACTION_PERMISSION = {
    "draft": "post.draft", "schedule": "post.schedule", "publish_now": "post.publish", "submit": "post.submit",
}  # fmt: skip
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=255, description="Retry-safe create: same key → first answer, once."),
]
Sort = Literal[tuple(s for name in SORTS for s in (name, f"-{name}"))]  # type: ignore[valid-type]
COMMON = documented()


@router.post("", status_code=201, response_model=Post, responses=documented())
def create_post(payload: PostCreate, actor: Actor, idempotency_key: IdempotencyKey = None) -> Response:
    """Create a draft, a scheduled post, a post published right away, or one submitted for approval.

    Where approval is required for the key's creator (Settings → Approvals), schedule and publish_now
    send the post to review instead; `approval_state` in the answer says so.
    """
    require(actor, ACTION_PERMISSION[payload.action])
    request_print = hashlib.sha256(("POST /posts " + payload.model_dump_json()).encode()).hexdigest()

    def create() -> Post:
        data = _post_input(actor, payload)
        post_id = posts.save_post(actor.organization_id, actor.user_id, data[0])
        return post_from(posts.get_post(actor.organization_id, post_id), note=data[1])

    return idempotent(actor, idempotency_key, request_print, create)


def _post_input(actor: ApiActor, payload: PostCreate) -> tuple[posts.PostInput, str]:
    tz = zone_of(actor, payload.timezone)
    when, note = None, ""
    if payload.scheduled_at is not None:
        if payload.action not in ("schedule", "submit"):
            raise PostFieldError("scheduled_at is only used with action \"schedule\" or \"submit\".", "scheduled_at")
        when, note = instant(payload.scheduled_at, tz)
    data = posts.PostInput(
        body=payload.text,
        account_ids=list(payload.account_ids),
        overrides=overrides(payload.per_account_text),
        media_ids=list(payload.media_ids),
        action=payload.action,
        scheduled_at=when,
        timezone=tz,
    )
    return data, note


@router.get("", response_model=PostPage, responses=COMMON)
def list_all(
    actor: Annotated[ApiActor, Depends(acting("posts.read"))],
    status: Annotated[list[PostStatus] | None, Query(description="Repeat to match several.")] = None,
    account_id: Annotated[list[Annotated[int, Query(ge=1, le=MAX_ID)]] | None, Query()] = None,
    q: Annotated[str, Query(max_length=200, pattern=r"^[^\x00]*$", description="Text search.")] = "",
    from_: Annotated[date | None, Query(alias="from", description="Scheduled on or after this local day.")] = None,
    to: Annotated[date | None, Query(description="Scheduled on or before this local day.")] = None,
    sort: Annotated[Sort, Query(description="'-' for descending; undated posts sort last.")] = "-scheduled_at",
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    timezone: Annotated[str | None, Query(max_length=64)] = None,
) -> PostPage:
    """Posts with filters, newest scheduled first by default; follow `next_cursor` for more."""
    tz = zone_of(actor, timezone)
    for day in (from_, to):
        if day is not None and not 2000 <= day.year <= 2999:
            raise PostFieldError("Dates must be between the years 2000 and 2999.", "from" if day is from_ else "to")
    filters = json.dumps([sorted(status or []), sorted(account_id or []), q, str(from_), str(to), sort, limit, tz])
    page = _page_of(cursor, filters)
    rows, total = list_posts(
        actor.organization_id, search=q, account_ids=account_id, statuses=[s.value for s in status or []],
        date_from=from_, date_to=to, sort=sort, page=page, page_size=limit, tz=tz,
    )  # fmt: skip
    more = page * limit < total
    return PostPage(
        data=[PostSummary(**r) for r in rows],
        total=total,
        next_cursor=_cursor(page + 1, filters) if more else None,
    )


def _cursor(page: int, filters: str) -> str:
    raw = json.dumps({"p": page, "f": hashlib.sha256(filters.encode()).hexdigest()[:16]}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _page_of(cursor: str | None, filters: str) -> int:
    """The page a cursor points at; a cursor from other filters (or garbage) is refused, not guessed."""
    if not cursor:
        return 1
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        page = int(data["p"])
        same = data["f"] == hashlib.sha256(filters.encode()).hexdigest()[:16]
    except (ValueError, KeyError, TypeError):
        raise ApiProblem(422, "invalid-cursor", "That cursor is not valid; start again without one.") from None
    if not same or not 1 <= page <= 1_000_000:
        raise ApiProblem(422, "invalid-cursor", "That cursor belongs to other filters; start again without one.")
    return page


@router.get("/{post_id}", response_model=Post, responses=COMMON)
def get_one(post_id: PostId, actor: Annotated[ApiActor, Depends(acting("posts.read"))]) -> Post:
    """One post with each account's copy (status, attempts, last error, link once published)."""
    return post_from(posts.get_post(actor.organization_id, post_id))


@router.patch("/{post_id}", response_model=Post, responses=COMMON)
def update(post_id: PostId, payload: PostUpdate, actor: Actor) -> Post:
    """Change text, accounts, per-account text, media or zone; a scheduled post stays scheduled at its time.

    A post in review stays in review: the new version is submitted again (an edit never approves it).
    Published copies are never changed (their accounts can't be removed either): 409.
    """
    current = posts.get_post(actor.organization_id, post_id)
    scheduled = current["status"] == PostStatus.SCHEDULED and current["scheduled_at"] is not None
    action = "submit" if current["approval_state"] == "in_review" else "schedule" if scheduled else "draft"
    require(actor, ACTION_PERMISSION[action])
    tz = zone_of(actor, payload.timezone or current["timezone"])
    kept = {t["account_id"]: t["body_override"] for t in current["targets"] if t["body_override"]}
    data = posts.PostInput(
        body=current["body"] if payload.text is None else payload.text,
        account_ids=[t["account_id"] for t in current["targets"]] if payload.account_ids is None
        else list(payload.account_ids),
        overrides=kept if payload.per_account_text is None else overrides(payload.per_account_text),
        media_ids=list(current["media_ids"]) if payload.media_ids is None else list(payload.media_ids),
        action=action,
        scheduled_at=_aware(current["scheduled_at"]) if scheduled else None,
        timezone=tz,
    )  # fmt: skip
    posts.save_post(actor.organization_id, actor.user_id, data, post_id=post_id)
    return post_from(posts.get_post(actor.organization_id, post_id))


def _aware(iso: str | None) -> datetime | None:
    if not iso:
        return None
    value = datetime.fromisoformat(iso)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@router.post("/{post_id}/reschedule", response_model=Post, responses=COMMON)
def reschedule(
    post_id: PostId, payload: Reschedule, actor: Annotated[ApiActor, Depends(acting("post.schedule"))]
) -> Post:
    """Move the post to a new time (drafts become scheduled); published copies stay as they are."""
    tz = zone_of(actor, payload.timezone)
    when, note = instant(payload.scheduled_at, tz)
    result = posts.reschedule_post(actor.organization_id, post_id, when, user_id=actor.user_id)
    return post_from(result, result["refused"], note)


@router.post("/{post_id}/cancel", response_model=Post, responses=COMMON)
def cancel(post_id: PostId, actor: Annotated[ApiActor, Depends(acting("post.schedule"))]) -> Post:
    """Scheduled copies go back to draft; nothing in flight or already out is touched."""
    result = posts.cancel_schedule(actor.organization_id, post_id, user_id=actor.user_id)
    return post_from(result, result["refused"])


@router.post("/{post_id}/publish", response_model=Post, responses=COMMON)
def publish(post_id: PostId, actor: Annotated[ApiActor, Depends(acting("post.publish"))]) -> Post:
    """Publish the remaining copies now (the engine picks them up at once; poll GET for the results)."""
    result = posts.publish_now(actor.organization_id, post_id, user_id=actor.user_id)
    return post_from(result, result["refused"])


@router.delete("/{post_id}", response_model=Deleted, responses=COMMON)
def delete(post_id: PostId, actor: Annotated[ApiActor, Depends(acting("post.delete"))]) -> Deleted:
    """Delete the post — or, when some accounts already have it, only its unpublished copies."""
    result = posts.delete_post(actor.organization_id, post_id, user_id=actor.user_id)
    return Deleted(deleted=result["deleted"], refused=result["refused"])


def _target_of(actor: ApiActor, post_id: int, target_id: int) -> None:
    """The target must belong to that post of this workspace (ids in the path are never trusted)."""
    post = posts.get_post(actor.organization_id, post_id)
    if not any(t["id"] == target_id for t in post["targets"]):
        raise PostNotFound("That post was not found.")


@router.post("/{post_id}/targets/{target_id}/retry", response_model=Post, responses=COMMON)
def retry(
    post_id: PostId, target_id: PostId, actor: Annotated[ApiActor, Depends(acting("post.retry"))]
) -> Post:
    """Try a failed (or needs-review) copy again, with the same idempotency key at the platform."""
    _target_of(actor, post_id, target_id)
    return post_from(posts.retry_target(actor.organization_id, target_id, user_id=actor.user_id))


@router.post("/{post_id}/targets/{target_id}/mark-published", response_model=Post, responses=COMMON)
def mark_published(
    post_id: PostId,
    target_id: PostId,
    payload: MarkPublished,
    actor: Annotated[ApiActor, Depends(acting("post.retry"))],
) -> Post:
    """You checked the platform and the post is there: record it so nothing retries it."""
    _target_of(actor, post_id, target_id)
    return post_from(posts.mark_target_published(actor.organization_id, target_id, payload.url, user_id=actor.user_id))
