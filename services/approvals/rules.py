"""The workspace's approval setting, and the rule every path that schedules a post goes through.

`apply_scheduling_rule` is called by services.posts.save_post (composer, MCP, queue, recurring
series edits, bulk duplicate) and services.posts.lifecycle (reschedule, publish now, calendar moves,
bulk reschedule) inside their transaction, after the post is locked. It decides what approval state
the post gets and records the event, so no door (UI, MCP, API) can schedule around review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from services.approvals.events import announce
from services.approvals.states import ApprovalMode, ApprovalState
from services.db import session_scope
from services.errors import Conflict, UserError
from services.models import ApprovalSettings, AuditLog, Membership, Post, utcnow


class ApprovalError(UserError):
    """A review action that can't apply (not in review, already reviewed, outdated version…)."""


class ApprovalConflict(ApprovalError, Conflict):
    """The post's review state forbids the decision now: not in review, already decided, a newer
    version, its time passed (the API answers 409)."""


@dataclass(frozen=True)
class ApprovalConfig:
    mode: ApprovalMode
    allow_external: bool


def config_in(session: Session, org_id: int) -> ApprovalConfig:
    row = session.get(ApprovalSettings, org_id)
    if row is None:
        return ApprovalConfig(ApprovalMode.OFF, False)
    return ApprovalConfig(ApprovalMode(row.mode), bool(row.allow_external))


def get_config(org_id: int) -> ApprovalConfig:
    with session_scope() as session:
        return config_in(session, org_id)


def set_config(org_id: int, user_id: int | None, mode: str, allow_external: bool) -> ApprovalConfig:
    """Change the setting (callers check "workspace.approvals" first). Posts already scheduled keep
    their state: turning approvals on applies to what is scheduled or edited from then on."""
    try:
        new_mode = ApprovalMode(mode)
    except ValueError:
        raise ApprovalError("Pick one of: off, required for Contributors, required for everyone.") from None
    with session_scope() as session:
        row = session.get(ApprovalSettings, org_id) or ApprovalSettings(organization_id=org_id)
        row.mode, row.allow_external = new_mode.value, bool(allow_external)
        row.updated_by, row.updated_at = user_id, utcnow()
        session.add(row)
        session.add(AuditLog(organization_id=org_id, user_id=user_id, action="approval.settings",
                             detail={"mode": new_mode.value, "allow_external": bool(allow_external)}))  # fmt: skip
    return ApprovalConfig(new_mode, bool(allow_external))


def role_in(session: Session, org_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.exec(
        select(Membership.role).where(Membership.organization_id == org_id, Membership.user_id == user_id)
    ).first()


def required_for(org_id: int, role: str | None) -> bool:
    """Does this person need a reviewer before their post goes out? (the composer's button choice)"""
    return get_config(org_id).mode.required_for(role)


def is_current_approval(post: Post) -> bool:
    return post.approval_state == ApprovalState.APPROVED and post.approved_version == post.version


def may_publish(post: Post) -> bool:
    """The Python twin of states.PUBLISHABLE (the claim query's SQL condition)."""
    return post.approval_state == ApprovalState.NONE or is_current_approval(post)


def inherited_by_occurrence(head: Post, now: datetime) -> dict[str, object]:
    """A recurring series' new occurrence (version 1) carries the head's approval: the series was
    approved as a whole (set_recurrence refuses a head that may not publish). Anything else waits
    for review like the head does, and goes "missed approval" if nobody approves it in time."""
    if head.approval_state == ApprovalState.NONE:
        return {"approval_state": ApprovalState.NONE.value}
    if is_current_approval(head):
        return {"approval_state": ApprovalState.APPROVED.value, "approved_version": 1,
                "reviewed_by": head.reviewed_by, "reviewed_at": head.reviewed_at}  # fmt: skip
    return {"approval_state": ApprovalState.IN_REVIEW.value, "submitted_at": now}


def apply_scheduling_rule(
    session: Session, post: Post, user_id: int | None, *, submit: bool, now: datetime | None = None
) -> ApprovalState:
    """THE rule: the approval state a post gets when `user_id` schedules / publishes / submits it.

    - an explicit submit → in review (anyone may ask for a review; Contributors can only do this);
    - already approved for its current version → stays approved (moving an approved post in time
      keeps the approval: it is given to the content, i.e. the version);
    - the person needs approval (Contributors always; everyone in "required for everyone") → in review;
    - otherwise no approval is needed, and an exempt reviewer scheduling a post that waits in review
      approves it by doing so (recorded as an approval, never silent).
    User id None is the system (recurring series extension): it keeps whatever the post has.
    """
    now = now or utcnow()
    current = ApprovalState(post.approval_state or ApprovalState.NONE)
    if submit:
        return _set(session, post, ApprovalState.IN_REVIEW, user_id, now)
    if is_current_approval(post):
        return ApprovalState.APPROVED
    if user_id is None:
        if current in (ApprovalState.NONE, ApprovalState.IN_REVIEW):
            return current
        return _set(session, post, ApprovalState.IN_REVIEW, user_id, now)
    mode = config_in(session, post.organization_id).mode
    if mode.required_for(role_in(session, post.organization_id, user_id)):
        return _set(session, post, ApprovalState.IN_REVIEW, user_id, now)
    if current is ApprovalState.IN_REVIEW:
        return _set(session, post, ApprovalState.APPROVED, user_id, now)
    return _set(session, post, ApprovalState.NONE, user_id, now)


def apply_draft_rule(post: Post) -> None:
    """Saving as a draft withdraws a pending review and outdates an approval (an edit needs a new one);
    "changes requested" and "missed approval" stay, so the author keeps seeing why."""
    if post.approval_state in (ApprovalState.IN_REVIEW, ApprovalState.APPROVED):
        post.approval_state = ApprovalState.NONE.value
        post.approved_version = None


def _set(session: Session, post: Post, state: ApprovalState, user_id: int | None, now: datetime) -> ApprovalState:
    post.approval_state = state.value
    if state is ApprovalState.IN_REVIEW:
        post.approved_version = None
        post.submitted_at = now
        announce(session, "requested", post, user_id)  # every (re)submission: a version to review
    elif state is ApprovalState.APPROVED:
        post.approved_version = post.version
        post.reviewed_by, post.reviewed_at, post.reviewer_name, post.review_note = user_id, now, "", ""
        announce(session, "approved", post, user_id, "approved by scheduling it")
    else:
        post.approved_version = None
    return state
