"""/v1 comments and approvals: a post's thread, submit / approve / request changes, the review queue and
the workspace's approval setting — each one call into the same services as the composer and /review.

A key acts as its creator: comments are theirs (mentions notify as in the app), a submission is
theirs, and "nobody reviews their own post" applies to them. Permissions go through
`services.permissions.require` (the route's `acting(...)`, or inside services.comments), decisions
through `services.guarded` like the composer's buttons, so a refused attempt is audited the same way.
Refusals: another workspace's post or comment → 404; a decision on a stale version or an already
decided post → 409 (services.approvals.rules.ApprovalConflict); a missing note → 422.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from services import comments, guarded, posts
from services.api.auth import Actor, acting
from services.api.common import instant, zone_of
from services.api.keys import ApiActor
from services.api.problems import documented
from services.api.schemas_in import MAX_ID, ApprovalSettingsUpdate, Approve, CommentCreate, RequestChanges, Submit
from services.api.schemas_out import (
    ApprovalSettings,
    Comment,
    CommentList,
    Post,
    ReviewItem,
    ReviewQueue,
    post_from,
)
from services.approvals import rules, workflow
from services.posts.queries import PostDetail

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
COMMON = documented()


def _comment(view: comments.CommentView) -> Comment:
    return Comment(id=view.id, author=view.author, text=view.body, created_at=view.created_at, mine=view.mine,
                   can_delete=view.can_delete)  # fmt: skip


@router.get("/posts/{post_id}/comments", response_model=CommentList, responses=COMMON, tags=["comments"])
def list_comments(post_id: Id, actor: Actor) -> CommentList:
    """The post's internal thread (never published), oldest first. Every role reads it."""
    return CommentList(data=[_comment(c) for c in comments.list_comments(actor, post_id)])


@router.post("/posts/{post_id}/comments", status_code=201, response_model=Comment, responses=COMMON,
             tags=["comments"])  # fmt: skip
def add_comment(post_id: Id, payload: CommentCreate, actor: Actor) -> Comment:
    """Comment as the key's creator (every role, Viewers too). `@name` notifies that member, and the
    post's author hears about it, exactly as in the app."""
    comment_id = comments.add_comment(actor, post_id, payload.text)
    return next(_comment(c) for c in comments.list_comments(actor, post_id) if c.id == comment_id)


@router.delete("/posts/{post_id}/comments/{comment_id}", status_code=204, responses=COMMON, tags=["comments"])
def delete_comment(post_id: Id, comment_id: Id, actor: Actor) -> Response:
    """The key's creator's own comment; anyone's for Owner/Admin keys. A comment of another post: 404."""
    comments.delete_comment(actor, comment_id, post_id=post_id)
    return Response(status_code=204)


def _resubmitted(current: PostDetail, when: datetime | None, tz: str) -> posts.PostInput:
    """The post's content as it is, with action "submit" (the composer's Submit for approval)."""
    return posts.PostInput(
        body=current["body"],
        account_ids=[t["account_id"] for t in current["targets"]],
        overrides={t["account_id"]: t["body_override"] for t in current["targets"] if t["body_override"]},
        media_ids=list(current["media_ids"]),
        action="submit",
        scheduled_at=when,
        timezone=tz,
    )


@router.post("/posts/{post_id}/submit", response_model=Post, responses=COMMON, tags=["approvals"])
def submit(
    post_id: Id, actor: Annotated[ApiActor, Depends(acting("post.submit"))], payload: Submit | None = None
) -> Post:
    """Send the post for approval (what Contributor keys do instead of scheduling). With `scheduled_at`
    it waits for that time *and* a reviewer; without, it is published as soon as it is approved."""
    payload = payload or Submit()
    current = posts.get_post(actor.organization_id, post_id)
    tz = zone_of(actor, payload.timezone or current["timezone"])
    when, note = instant(payload.scheduled_at, tz) if payload.scheduled_at is not None else (None, "")
    guarded.save_post(actor, _resubmitted(current, when, tz), post_id=post_id)
    return post_from(posts.get_post(actor.organization_id, post_id), note=note)


@router.post("/posts/{post_id}/approve", response_model=Post, responses=COMMON, tags=["approvals"])
def approve(post_id: Id, payload: Approve, actor: Annotated[ApiActor, Depends(acting("post.approve"))]) -> Post:
    """Approve the version you reviewed. Nobody approves their own post (the key's creator's): 422;
    a newer version or a post already decided: 409. Submitted without a time, it is published now."""
    guarded.approve_post(actor, post_id, payload.version, payload.note)
    return post_from(posts.get_post(actor.organization_id, post_id))


@router.post("/posts/{post_id}/request-changes", response_model=Post, responses=COMMON, tags=["approvals"])
def request_changes(
    post_id: Id, payload: RequestChanges, actor: Annotated[ApiActor, Depends(acting("post.approve"))]
) -> Post:
    """Send the post back to its author with a note (required); its scheduled copies stop waiting."""
    guarded.request_changes(actor, post_id, payload.version, payload.note)
    return post_from(posts.get_post(actor.organization_id, post_id))


@router.get("/review", response_model=ReviewQueue, responses=COMMON, tags=["approvals"])
def review_queue(
    actor: Annotated[ApiActor, Depends(acting("post.approve"))],
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
) -> ReviewQueue:
    """Posts in review that the key's creator may decide on (not their own), oldest submission first."""
    rows = workflow.review_queue(actor.organization_id, actor.user_id, limit=limit)
    items = [
        ReviewItem(post_id=r["post_id"], text=r["preview"], version=r["version"], author=r["author"],
                   submitted_at=r["submitted_at"] or None, scheduled_at=r["scheduled_at"] or None,
                   timezone=r["timezone"], platforms=r["platforms"])  # fmt: skip
        for r in rows
    ]
    return ReviewQueue(data=items, total=workflow.review_count(actor.organization_id, actor.user_id))


def _settings(actor: ApiActor, config: rules.ApprovalConfig) -> ApprovalSettings:
    return ApprovalSettings(mode=config.mode.value, allow_external=config.allow_external,
                            required_for_key=config.mode.required_for(actor.role))  # fmt: skip


@router.get("/workspace/approvals", response_model=ApprovalSettings, responses=COMMON, tags=["approvals"])
def get_approvals(actor: Annotated[ApiActor, Depends(acting("workspace.read"))]) -> ApprovalSettings:
    """The approval setting (every role may read it: it decides whether its posts go to review)."""
    return _settings(actor, rules.get_config(actor.organization_id))


@router.put("/workspace/approvals", response_model=ApprovalSettings, responses=COMMON, tags=["approvals"])
def put_approvals(
    payload: ApprovalSettingsUpdate, actor: Annotated[ApiActor, Depends(acting("workspace.approvals"))]
) -> ApprovalSettings:
    """Change the setting (Owner/Admin). Posts already scheduled keep their state."""
    allow = payload.allow_external
    if allow is None:
        allow = rules.get_config(actor.organization_id).allow_external
    return _settings(actor, guarded.set_approval_settings(actor, payload.mode, allow))
