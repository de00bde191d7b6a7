"""Every mutating action the UI offers, sent as each of the five roles through exactly the function
the state handler calls (`services.guarded`, or the teams/2FA services that check their own
role), on SQLite and PostgreSQL.

Allowed → the action succeeds. Refused → PermissionDenied with a human message, and not one row
of workspace data changed.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlmodel import SQLModel

from services import auth, guarded, posts, recurrence, two_factor
from services import queue as queue_service
from services.accounts import connect_demo
from services.ai import create_persona
from services.comments import add_comment, delete_comment
from services.db import session_scope
from services.invites import invite_and_mail
from services.models import Comment, Membership, Notification, Organization, PostTarget, User
from services.notifications import Kind, mark_all_read, mark_read, notify
from services.ownership import exports
from services.ownership.importer import import_workspace
from services.permissions import ROLES, PermissionDenied, allowed
from services.privacy import actions as privacy_actions
from services.publishing.states import TargetStatus
from services.workspace_delete import delete_workspace
from services.workspace_switch import rename_workspace
from tests.fakes.openai_server import png_bytes

_SKIP_TABLES = {"audit_log", "sessions", "login_failures", "alembic_version"}


def _snapshot() -> dict[str, list]:
    """Every row of every workspace table, to prove a refusal changed nothing."""
    out: dict[str, list] = {}
    with session_scope() as s:
        for name, table in sorted(SQLModel.metadata.tables.items()):
            if name in _SKIP_TABLES:
                continue
            rows = s.exec(select(table)).all()
            out[name] = sorted(tuple(str(v) for v in r) for r in rows)
    return out


def _workspace_name(user: auth.CurrentUser) -> str:
    """The current name (an earlier case renames the workspace)."""
    with session_scope() as s:
        return s.get(Organization, user.organization_id).name


def _actor(role: str) -> auth.CurrentUser:
    """A real person with this role, resolved from a real login session like every request."""
    uid = auth.register_user(f"{role}@example.com", role.title(), "correct horse battery")
    with session_scope() as s:
        m = s.exec(select(Membership).where(Membership.user_id == uid)).scalars().one()
        m.role = role
    token = auth.login(f"{role}@example.com", "correct horse battery")
    user = auth.resolve_session(token)
    assert user is not None and user.role == role
    return user


def _seed(user: auth.CurrentUser) -> dict[str, Any]:
    """Fresh things for one action to act on (written as the raw services by the system: user None,
    so the approval rule, which reads the author's role, leaves them as they are)."""
    org_id, uid = user.organization_id, None
    account = connect_demo(org_id, uid)
    future = datetime.now(UTC) + timedelta(days=2)
    draft = posts.save_post(org_id, uid, posts.PostInput(body="draft", account_ids=[account]))
    sched = posts.save_post(
        org_id, uid, posts.PostInput(body="sched", account_ids=[account], action="schedule", scheduled_at=future)
    )
    series = posts.save_post(
        org_id, uid, posts.PostInput(body="series", account_ids=[account], action="schedule", scheduled_at=future)
    )
    series_id = recurrence.set_recurrence(org_id, series, {"freq": "daily", "count": 3}, user_id=uid)["series_id"]
    failed = posts.save_post(
        org_id, uid, posts.PostInput(body="failed", account_ids=[account], action="schedule", scheduled_at=future)
    )
    with session_scope() as s:
        s.exec(update(PostTarget).where(PostTarget.post_id == failed).values(status=TargetStatus.FAILED))
        failed_target = s.exec(select(PostTarget.id).where(PostTarget.post_id == failed)).scalars().one()
    queue_service.set_slots(org_id, account, [{"weekday": d, "time": "09:00"} for d in range(7)], "UTC")
    persona = create_persona(org_id, "Brand")["id"]
    with session_scope() as s:  # another member, with a comment of their own on the draft
        other = User(email=f"other-{uuid.uuid4().hex[:8]}@example.com", name="Other", password_hash="x")
        s.add(other)
        s.flush()
        s.add(Membership(organization_id=org_id, user_id=other.id, role="editor"))
        other_comment = Comment(organization_id=org_id, post_id=draft, author_id=other.id, body="theirs")
        own_comment = Comment(organization_id=org_id, post_id=draft, author_id=user.user_id, body="mine")
        s.add_all([other_comment, own_comment])
        s.flush()
        comment_ids = (other_comment.id, own_comment.id)
    notify(org_id, [user.user_id], Kind.COMMENT, post_id=draft, text="hello")
    with session_scope() as s:
        note = s.exec(select(Notification.id).where(Notification.user_id == user.user_id).order_by(Notification.id.desc())).scalars().first()
    review = posts.save_post(
        org_id, uid, posts.PostInput(body="review me", account_ids=[account], action="submit", scheduled_at=future)
    )
    return {"account": account, "draft": draft, "sched": sched, "series_id": series_id, "failed_target": failed_target,
           "failed_post": failed,
           "persona": persona, "future": future, "other_comment": comment_ids[0], "own_comment": comment_ids[1],
           "notification": note, "review": review,
           "review_version": posts.get_post(org_id, review)["version"]}  # fmt: skip


def _input(ctx: dict, action: str = "draft", when: datetime | None = None) -> posts.PostInput:
    return posts.PostInput(body="new text", account_ids=[ctx["account"]], action=action, scheduled_at=when)


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


#: action name (as in services/permissions.py) → how the handler performs it.
CASES: dict[str, tuple[str, Callable[[auth.CurrentUser, dict], Any]]] = {
    "save draft": ("post.draft", lambda u, c: guarded.save_post(u, _input(c))),
    "edit draft": ("post.draft", lambda u, c: guarded.save_post(u, _input(c), post_id=c["draft"])),
    "schedule": ("post.schedule", lambda u, c: guarded.save_post(u, _input(c, "schedule", c["future"]))),
    "publish now": ("post.publish", lambda u, c: guarded.save_post(u, _input(c, "publish_now"))),
    "cancel schedule": ("post.schedule", lambda u, c: guarded.cancel_schedule(u, c["sched"])),
    "autosave draft": ("post.draft", lambda u, c: guarded.autosave_draft(u, _input(c))),
    "duplicate post": ("post.draft", lambda u, c: guarded.duplicate_post(u, c["draft"])),
    "delete post": ("post.delete", lambda u, c: guarded.delete_post(u, c["draft"])),
    "retry target": ("post.retry", lambda u, c: guarded.retry_target(u, c["failed_target"])),
    "mark published": ("post.publish", lambda u, c: guarded.mark_target_published(u, c["failed_target"])),
    "upload media": ("media.upload", lambda u, c: guarded.upload_media(u, "a.png", png_bytes())),
    "drag to day": ("post.schedule", lambda u, c: guarded.move_to_day(u, c["sched"], c["future"].date() + timedelta(days=1), "UTC")),
    "reschedule": ("post.schedule", lambda u, c: guarded.reschedule_to_local(u, c["sched"], datetime.combine(date.today() + timedelta(days=3), datetime.min.time()).replace(hour=10), "UTC")),
    "bulk delete": ("post.delete", lambda u, c: guarded.bulk_delete(u, [c["draft"]])),
    "bulk duplicate": ("post.draft", lambda u, c: guarded.bulk_duplicate(u, [c["draft"]])),
    "bulk reschedule": ("post.schedule", lambda u, c: guarded.bulk_reschedule(u, [c["sched"]], timedelta(hours=1))),
    "add to queue": ("post.schedule", lambda u, c: guarded.add_to_queue(u, [c["account"]], post_id=c["draft"])),
    "posting slots": ("queue.slots", lambda u, c: guarded.set_slots(u, c["account"], [{"weekday": 1, "time": "10:00"}])),
    "posting slot rules": ("queue.slots", lambda u, c: guarded.save_slot_rules(u, c["account"], [{"days": [1], "times": ["10:00"]}])),
    "make recurring": ("post.schedule", lambda u, c: guarded.set_recurrence(u, c["sched"], {"freq": "daily", "count": 2})),
    "edit series": ("post.schedule", lambda u, c: guarded.update_series(u, c["series_id"], body="all of them")),
    "stop repeating": ("post.schedule", lambda u, c: guarded.end_series(u, c["series_id"])),
    "submit for approval": ("post.submit", lambda u, c: guarded.save_post(u, _input(c, "submit", c["future"]))),
    "publish existing now": ("post.publish", lambda u, c: guarded.publish_now(u, c["sched"])),
    "approve": ("post.approve", lambda u, c: guarded.approve_post(u, c["review"], c["review_version"])),
    "request changes": ("post.approve", lambda u, c: guarded.request_changes(u, c["review"], c["review_version"], "Shorter")),
    "approval settings": ("workspace.approvals", lambda u, c: guarded.set_approval_settings(u, "everyone", True)),
    "share preview link": ("preview.share", lambda u, c: guarded.create_preview_link(u, c["draft"])),
    "revoke preview links": ("preview.share", lambda u, c: guarded.revoke_preview_links(u, c["draft"])),
    "privacy mode": ("workspace.privacy", lambda u, c: privacy_actions.set_privacy_mode(u, True)),
    "purge existing content": ("workspace.privacy", lambda u, c: privacy_actions.purge_existing_content(u)),
    "retention policies": ("workspace.retention", lambda u, c: privacy_actions.set_retention(u, {"audit_days": "30"})),
    "discard failed": ("post.retry", lambda u, c: privacy_actions.discard_failed(u, c["failed_post"])),
    "connect demo": ("accounts.connect", lambda u, c: guarded.connect_demo(u)),
    "save persona": ("ai.personas", lambda u, c: guarded.save_persona(u, None, {"name": "New"}, [c["account"]])),
    "delete persona": ("ai.personas", lambda u, c: guarded.delete_persona(u, c["persona"])),
    "workspace template": ("ai.templates", lambda u, c: guarded.save_template(u, "caption", "Sys", "{text}", personal=False)),
    "personal template": ("ai.use", lambda u, c: guarded.save_template(u, "caption", "Sys", "{text}", personal=True)),
    "ai assistant": ("ai.use", lambda u, c: guarded.assistant_stream(u, "caption", brief="launch", text="", tone="", account_ids=[c["account"]])),
    "invite member": ("members.invite", lambda u, c: invite_and_mail(u, "new@example.com", "viewer")),
    "rename workspace": ("workspace.rename", lambda u, c: rename_workspace(u, "Renamed")),
    "workspace 2FA rule": ("workspace.security", lambda u, c: two_factor.set_workspace_requirement(u, False)),
    "add comment": ("comment.write", lambda u, c: add_comment(u, c["draft"], "Looks good @other")),
    "delete own comment": ("comment.write", lambda u, c: delete_comment(u, c["own_comment"])),
    "delete another's comment": ("comment.delete", lambda u, c: delete_comment(u, c["other_comment"])),
    "mark notification read": ("notifications.read", lambda u, c: mark_read(u, c["notification"])),
    "mark all notifications read": ("notifications.read", lambda u, c: mark_all_read(u)),
    "download my data": ("self.data", lambda u, c: exports.request_personal_export(u, background=False)),
    "export workspace": ("workspace.export", lambda u, c: exports.request_workspace_export(u, background=False)),
    "import workspace": ("workspace.import", lambda u, c: import_workspace(u, Path("/nonexistent/export.zip"))),
    "disconnect": ("accounts.disconnect", lambda u, c: _run(guarded.disconnect_account(u, c["account"]))),
    # last of all: an Owner's run ends with the workspace gone
    "delete workspace": ("workspace.delete", lambda u, c: delete_workspace(u, _workspace_name(u))),
}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(db: str, role: str) -> None:
    """One role, every action (each on freshly seeded posts); all mismatches reported together."""
    user = _actor(role)
    wrong: list[str] = []
    for case, (action, perform) in CASES.items():  # "disconnect" runs last: it removes the account
        ctx = _seed(user)
        before = _snapshot()
        try:
            perform(user, ctx)
        except PermissionDenied as exc:
            if allowed(role, action):
                wrong.append(f"{case}: refused but should be allowed ({exc})")
            elif not exc.message.startswith(f"{role.capitalize()}s can't "):
                wrong.append(f"{case}: unclear refusal {exc.message!r}")
            elif _snapshot() != before:
                wrong.append(f"{case}: refused but data changed")
        else:
            if not allowed(role, action):
                wrong.append(f"{case}: allowed but should be refused")
    assert not wrong, "\n".join(wrong)


def test_matrix_shape() -> None:
    """The table itself: viewers change nothing, contributors draft but never publish, owners do all."""
    assert [r for r in ROLES if allowed(r, "post.publish")] == ["owner", "admin", "editor"]
    assert [r for r in ROLES if allowed(r, "post.draft")] == ["owner", "admin", "editor", "contributor"]
    assert [r for r in ROLES if allowed(r, "workspace.delete")] == ["owner"]
    # reading the workspace, commenting, their own inbox, their own data (export / delete their account)
    viewer_may = {"comment.write", "notifications.read", "self.data"}
    assert not any(allowed("viewer", a) for a, _ in CASES.values() if a not in viewer_may)
    assert all(allowed("viewer", a) for a in viewer_may) and not allowed("viewer", "ai.use")
    assert [r for r in ROLES if allowed(r, "comment.delete")] == ["owner", "admin"]
    assert [r for r in ROLES if allowed(r, "audit.read")] == ["owner", "admin"]
    assert [r for r in ROLES if allowed(r, "workspace.export")] == ["owner"]
    assert [r for r in ROLES if allowed(r, "workspace.import")] == ["owner", "admin"]
    assert all(allowed(r, "self.data") for r in ROLES)


def test_refusal_message_hints_at_approval(db: str) -> None:
    user = _actor("contributor")
    ctx = _seed(user)
    with pytest.raises(PermissionDenied, match="Contributors can't publish; submit the post for approval."):
        guarded.save_post(user, _input(ctx, "publish_now"))
