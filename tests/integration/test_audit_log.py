"""The audit log: entries for what the issue lists, filters, keyset pages, CSV — SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from services import ai, auth, guarded, posts
from services.audit import audit, scrub
from services.audit.log import AuditFilterError, AuditFilters, audit_page, count_entries, export_csv, filter_choices
from services.db import session_scope
from services.invites import create_invite, revoke_invite
from services.members import change_role, remove_member
from services.models import AuditLog, utcnow
from services.permissions import PermissionDenied
from services.workspace_switch import rename_workspace
from tests.integration.collab_helpers import PASSWORD, draft_by, team

SECRET_KEY = "sk-live-abcdefghijklmnop1234"


def _actions(org_id: int) -> list[str]:
    with session_scope() as s:
        return list(s.exec(select(AuditLog.action).where(AuditLog.organization_id == org_id).order_by(AuditLog.id)))


def test_the_listed_events_are_written_without_secrets(db: str) -> None:
    t = team()
    owner, org = t["owner"], t["owner"].organization_id
    auth.login("olga@example.com", PASSWORD)
    create_invite(owner, "new@example.com", "editor")
    revoke_invite(owner, create_invite(owner, "other@example.com", "viewer") and _pending_id(org, "other@example.com"))
    change_role(owner, t["viewer"].user_id, "editor")
    remove_member(owner, t["contributor"].user_id)
    account = guarded.connect_demo(owner)
    post_id = guarded.save_post(owner, posts.PostInput(body="hi", account_ids=[account]))
    guarded.save_post(owner, posts.PostInput(body="hi again", account_ids=[account]), post_id=post_id)
    guarded.delete_post(owner, post_id)
    provider = ai.add_provider(org, None, "Main", "https://api.example.com/v1", "gpt", SECRET_KEY,
                               acting_user_id=owner.user_id)  # fmt: skip
    ai.update_provider(org, provider["id"], acting_user_id=owner.user_id, api_key=SECRET_KEY + "2", model="gpt-2")
    ai.delete_provider(org, provider["id"], acting_user_id=owner.user_id)
    ai.set_monthly_budget(org, 25, acting_user_id=owner.user_id)
    rename_workspace(owner, "Agency")
    asyncio.run(guarded.disconnect_account(owner, account))
    audit(org, owner.user_id, "test.secret", password="hunter2", api_key=SECRET_KEY, note="kept")
    actions = _actions(org)
    for expected in ["user.login", "member.invited", "member.invite_revoked", "member.role_changed", "member.removed",
                     "account.connected", "post.create", "post.update", "post.delete", "ai.provider_added",
                     "ai.provider_changed", "ai.provider_deleted", "ai.budget_changed", "workspace.renamed",
                     "account.disconnected"]:  # fmt: skip
        assert expected in actions, expected
    with session_scope() as s:
        rows = s.exec(select(AuditLog).where(AuditLog.organization_id == org)).all()
        dump = repr([(r.action, r.detail) for r in rows])
        disconnected = next(r for r in rows if r.action == "account.disconnected")
    assert SECRET_KEY not in dump and "hunter2" not in dump
    assert disconnected.user_id == owner.user_id
    changed = next(r for r in audit_page(owner, AuditFilters(action="ai.provider_changed")).rows)
    assert "api key" in changed.detail and "model" in changed.detail
    secret = audit_page(owner, AuditFilters(action="test.secret")).rows[0]
    assert secret.detail == "note=kept"


def _pending_id(org_id: int, email: str) -> int:
    from services.models import Invite

    with session_scope() as s:
        return int(s.exec(select(Invite.id).where(Invite.organization_id == org_id, Invite.email == email)).one())


def test_scrub_drops_secret_keys_and_bounds_values() -> None:
    assert scrub({"token": "x", "client_secret": "y", "code": "1", "name": "a" * 400, "n": 3}) == {
        "name": "a" * 300, "n": 3,
    }  # fmt: skip


def _fill(org: int, users: list[int], n: int) -> None:
    """n entries, one per minute going back from now, alternating people and two actions."""
    now = utcnow()
    with session_scope() as s:
        for i in range(n):
            s.add(AuditLog(organization_id=org, user_id=users[i % len(users)], action=("post.create", "member.invited")[i % 2],
                           detail={"i": i}, created_at=now - timedelta(minutes=i)))  # fmt: skip


def test_keyset_pages_and_filters(db: str) -> None:
    t = team()
    owner, org = t["owner"], t["owner"].organization_id
    audit(org, owner.user_id, "old.entry")
    with session_scope() as s:
        s.exec(update(AuditLog).values(created_at=utcnow() - timedelta(days=30)))  # a month ago
    _fill(org, [owner.user_id, t["admin"].user_id], 120)
    f = AuditFilters(start=date.today() - timedelta(days=2))
    seen, cursor, pages = [], "", 0
    while True:
        page = audit_page(owner, f, cursor, limit=50)
        seen += [r.id for r in page.rows]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert pages == 3 and len(seen) == len(set(seen)) == 120 == count_entries(owner, f)
    rows = audit_page(owner, f, limit=5).rows
    assert [r.person for r in rows] == ["Olga Owner", "Ada Admin"] * 2 + ["Olga Owner"]
    assert all(a.created_at >= b.created_at for a, b in zip(rows, rows[1:], strict=False))
    by_person = AuditFilters(user_id=t["admin"].user_id, start=f.start)
    assert count_entries(owner, by_person) == 60
    assert {r.person for r in audit_page(owner, by_person, limit=200).rows} == {"Ada Admin"}
    assert count_entries(owner, AuditFilters(action="member.invited", start=f.start)) == 60
    assert count_entries(owner, AuditFilters(end=date.today() - timedelta(days=10))) == 1  # the old entry
    assert count_entries(owner, AuditFilters(start=date.today() + timedelta(days=1))) == 0
    choices = filter_choices(owner)
    assert {"post.create", "member.invited"} <= {a["id"] for a in choices["actions"]}
    assert str(t["admin"].user_id) in {p["id"] for p in choices["people"]}
    with pytest.raises(AuditFilterError):
        audit_page(owner, AuditFilters(start=date(2030, 1, 2), end=date(2030, 1, 1)))
    with pytest.raises(AuditFilterError):
        audit_page(owner, f, "garbage")


def test_other_workspaces_and_roles_without_audit_read(db: str) -> None:
    t = team()
    outsider_org, _ = draft_by(t["viewer"])  # writes post.create into Olga's workspace as Vic
    for role in ("editor", "contributor", "viewer"):
        with pytest.raises(PermissionDenied, match="can't read the audit log"):
            audit_page(t[role], AuditFilters())
        with pytest.raises(PermissionDenied):
            export_csv(t[role], AuditFilters())
    from tests.integration.collab_helpers import person

    zed = person("zed@example.com", "Zed")
    assert all(r.person in {"Zed", "System"} for r in audit_page(zed, AuditFilters()).rows)
    assert outsider_org


def test_csv_export_neutralises_formulas(db: str) -> None:
    t = team()
    owner, org = t["owner"], t["owner"].organization_id
    audit(org, owner.user_id, "=HYPERLINK(\"http://evil\")", note="+cmd|calc")
    body = export_csv(owner, AuditFilters()).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["time_utc", "person", "email", "action", "detail"]
    evil = next(r for r in rows[1:] if "HYPERLINK" in r[3])
    assert evil[3].startswith("'=") and evil[1] == "Olga Owner" and evil[4] == "note=+cmd|calc"
    only = list(csv.reader(io.StringIO(export_csv(owner, AuditFilters(action="member.joined")).decode())))
    assert len(only) == 1  # header only: nobody joined
