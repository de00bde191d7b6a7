"""In-app notifications: the notify API, mark read, and what the engine and account refresh raise.

On SQLite and PostgreSQL. The engine's outcome writes are driven through `record_outcomes`
exactly as the engine calls it (a target claimed by a worker, then settled).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from services.accounts import mark_needs_reconnect
from services.db import session_scope
from services.models import AuditLog, Notification, PostTarget, SchedulerHeartbeat, SocialAccount, utcnow
from services.notifications import (
    Kind,
    approvers,
    list_notifications,
    mark_all_read,
    mark_read,
    notify,
    unread_count,
    workspace_managers,
)
from services.publishing import outcomes, states
from services.publishing.maintenance import fail_missed_targets, reclaim_dead_workers
from tests.integration.collab_helpers import draft_by, person, team


def _claimed(post_id: int, worker: str = "w1") -> int:
    """The post's target as the engine leaves it after claiming: publishing, held by `worker`."""
    with session_scope() as s:
        target = s.exec(select(PostTarget).where(PostTarget.post_id == post_id)).one()
        target.status, target.claimed_by = states.PUBLISHING, worker
        target.lease_until = utcnow() + timedelta(minutes=2)
        return int(target.id)


def _kinds(user) -> list[str]:  # noqa: ANN001
    return [n.kind for n in list_notifications(user)]


def test_notify_skips_the_actor_and_non_members(db: str) -> None:
    t = team()
    outsider = person("zed@example.com", "Zed")
    org = t["owner"].organization_id
    stored = notify(org, [t["editor"].user_id, t["owner"].user_id, outsider.user_id, t["editor"].user_id],
                    Kind.APPROVAL_REQUESTED, post_id=None, text="Please review", actor_id=t["owner"].user_id)  # fmt: skip
    assert stored == 1
    assert [(n.kind, n.title, n.text) for n in list_notifications(t["editor"])] == [
        ("approval_requested", "Approval requested", "Please review")
    ]
    with pytest.raises(ValueError):
        notify(org, [t["editor"].user_id], "no_such_kind", text="x")


def test_approvers_and_managers_follow_the_permission_table(db: str) -> None:
    t = team()
    org = t["owner"].organization_id
    assert set(approvers(org)) == {t["owner"].user_id, t["admin"].user_id, t["editor"].user_id}
    assert set(workspace_managers(org)) == {t["owner"].user_id, t["admin"].user_id}


def test_mark_read_only_touches_your_own(db: str) -> None:
    t = team()
    org = t["owner"].organization_id
    for i in range(3):
        notify(org, [t["viewer"].user_id, t["editor"].user_id], Kind.COMMENT, text=f"c{i}")
    viewer_list = list_notifications(t["viewer"])
    assert [n.text for n in viewer_list] == ["c2", "c1", "c0"]  # newest first
    assert unread_count(t["viewer"].user_id, org) == 3
    editor_first = list_notifications(t["editor"])[0].id
    assert mark_read(t["viewer"], editor_first) == 0  # someone else's id from a crafted event
    assert unread_count(t["editor"].user_id, org) == 3
    assert mark_read(t["viewer"], viewer_list[0].id) == 1
    assert mark_read(t["viewer"], viewer_list[0].id) == 0
    assert [n.unread for n in list_notifications(t["viewer"])] == [False, True, True]
    assert mark_all_read(t["viewer"]) == 2
    assert unread_count(t["viewer"].user_id, org) == 0 and unread_count(t["editor"].user_id, org) == 3


def test_notifications_are_per_workspace(db: str) -> None:
    t = team()
    own_org = person("x@example.com", "X").organization_id  # an unrelated workspace
    notify(t["owner"].organization_id, [t["viewer"].user_id], Kind.COMMENT, text="here")
    assert unread_count(t["viewer"].user_id, own_org) == 0
    assert unread_count(t["viewer"].user_id, t["owner"].organization_id) == 1


@pytest.mark.parametrize(
    ("outcome", "kind", "action"),
    [
        (outcomes.failed("Bad request: text too long", "permanent"), "post_failed", "post.publish_failed"),
        (outcomes.needs_review(), "post_needs_review", "post.publish_needs_review"),
    ],
)
def test_engine_outcome_notifies_author_and_managers_once(db: str, outcome, kind: str, action: str) -> None:  # noqa: ANN001
    t = team()
    post_id, _ = draft_by(t["contributor"], "Big launch")
    target_id = _claimed(post_id)
    assert outcomes.record_outcomes("w1", [(target_id, post_id, outcome)], utcnow()) == 1
    for role in ("contributor", "owner", "admin"):
        (note,) = list_notifications(t[role])
        assert (note.kind, note.post_id, note.href) == (kind, post_id, f"/compose?post={post_id}")
        assert "Big launch" in note.text
    assert _kinds(t["editor"]) == [] and _kinds(t["viewer"]) == []
    # A stale worker writing the same target again changes nothing and notifies nobody twice.
    assert outcomes.record_outcomes("w1", [(target_id, post_id, outcome)], utcnow()) == 0
    assert unread_count(t["owner"].user_id, t["owner"].organization_id) == 1
    with session_scope() as s:
        entries = s.exec(select(AuditLog).where(AuditLog.action == action)).all()
    assert [(e.detail["post_id"], e.detail["target_id"], e.user_id) for e in entries] == [(post_id, target_id, None)]


def test_published_outcome_is_audited_without_notifications(db: str) -> None:
    t = team()
    post_id, _ = draft_by(t["contributor"])
    target_id = _claimed(post_id)
    done = outcomes.published(utcnow(), "ext-1", "https://demo/1", None)
    outcomes.record_outcomes("w1", [(target_id, post_id, done)], utcnow())
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(Notification)).one() == 0
        entry = s.exec(select(AuditLog).where(AuditLog.action == "post.published")).one()
    assert entry.detail == {"post_id": post_id, "target_id": target_id, "platform": "demo"}


def test_missed_and_dead_worker_targets_notify(db: str) -> None:
    t = team()
    missed, _ = draft_by(t["contributor"], "missed one")
    with session_scope() as s:
        s.exec(update(PostTarget).where(PostTarget.post_id == missed)
               .values(status=states.SCHEDULED, next_attempt_at=utcnow() - timedelta(hours=10)))  # fmt: skip
    assert fail_missed_targets(utcnow(), grace_hours=6) == 1
    assert _kinds(t["contributor"]) == ["post_failed"]
    stuck, account = draft_by(t["contributor"], "stuck one")
    with session_scope() as s:  # a platform without idempotency or lookup: the reclaim can only ask for review
        s.exec(update(SocialAccount).where(SocialAccount.id == account).values(platform="linkedin"))
    _claimed(stuck, worker="dead-worker")
    with session_scope() as s:
        s.add(SchedulerHeartbeat(worker_id="dead-worker", last_tick_at=utcnow() - timedelta(minutes=5)))
    assert reclaim_dead_workers(utcnow(), "me")["needs_review"] == 1
    assert _kinds(t["contributor"]) == ["post_needs_review", "post_failed"]


def test_account_needs_reconnect_notifies_once(db: str) -> None:
    t = team()
    _, account = draft_by(t["editor"])  # Eddie connected it
    mark_needs_reconnect(account, "Token revoked by the platform")
    mark_needs_reconnect(account, "Token revoked by the platform")  # the next failed refresh: no second alert
    for role in ("editor", "owner", "admin"):
        (note,) = list_notifications(t[role])
        assert note.kind == "account_needs_reconnect" and "Token revoked" in note.text and note.href == ""
    assert _kinds(t["viewer"]) == [] and _kinds(t["contributor"]) == []
