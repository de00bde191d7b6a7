"""Two reviewers at once (PostgreSQL, two threads) and shareable preview links (SQLite + PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from services import guarded, posts
from services.approvals import preview_links, rules
from services.approvals.preview_links import PreviewLinkInvalid
from services.db import session_scope
from services.models import AuditLog, PreviewLink
from services.permissions import PermissionDenied
from tests.integration.approvals_support import later, post_input, seed_team

L = PreviewLink.__table__


def test_two_reviewers_approving_at_once_record_one_approval(pg_db: str) -> None:
    team = seed_team()
    post_id = guarded.save_post(team.people["contributor"], post_input(team, "submit", later()))
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def review(role: str) -> None:
        barrier.wait()
        try:
            outcomes[role] = guarded.approve_post(team.people[role], post_id, 1, f"ok from {role}")
        except rules.ApprovalError as exc:
            outcomes[role] = str(exc)

    threads = [threading.Thread(target=review, args=(r,)) for r in ("editor", "editor2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(o == "approved" for o in outcomes.values()) == [False, True], outcomes
    loser = next(o for o in outcomes.values() if o != "approved")
    assert "Already reviewed" in loser or "Someone else reviewed" in loser
    with session_scope() as s:
        approvals = s.execute(select(func.count()).where(AuditLog.__table__.c.action == "approval.approved")).scalar()
    assert approvals == 1


def test_preview_link_is_hashed_expiring_revocable(db: str) -> None:
    team = seed_team()
    rules.set_config(team.org_id, None, "contributors", True)
    post_id = guarded.save_post(team.people["contributor"], post_input(team, "submit", later(), "Client check"))
    with pytest.raises(PermissionDenied):
        guarded.create_preview_link(team.people["contributor"], post_id)
    link = guarded.create_preview_link(team.people["editor"], post_id)
    token = link["url"].split("token=")[1]
    with session_scope() as s:
        stored = s.execute(select(L.c.token_hash, L.c.expires_at)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert timedelta(days=6, hours=23) < stored.expires_at - datetime.now(UTC) <= timedelta(days=7)
    page = preview_links.open_link(token)
    assert page.can_decide and page.approval_state == "in_review"
    assert [p["platform"] for p in page.previews] == ["demo"] and page.previews[0]["text"] == "Client check"
    # Expired → clear refusal; revoked → clear refusal; unknown → clear refusal.
    with pytest.raises(PreviewLinkInvalid, match="expired"):
        preview_links.open_link(token, now=datetime.now(UTC) + timedelta(days=8))
    assert guarded.revoke_preview_links(team.people["editor"], post_id) == 1
    with pytest.raises(PreviewLinkInvalid, match="revoked"):
        preview_links.open_link(token)
    with pytest.raises(PreviewLinkInvalid, match="not valid"):
        preview_links.open_link("nope")
    with pytest.raises(PreviewLinkInvalid, match="revoked"):
        preview_links.decide(token, 1, approve=True, name="Client")


def test_external_approval_through_a_link(db: str) -> None:
    team = seed_team()
    post_id = guarded.save_post(team.people["contributor"], post_input(team, "submit", later()))
    token = guarded.create_preview_link(team.people["owner"], post_id)["url"].split("token=")[1]
    assert not preview_links.open_link(token).can_decide  # the workspace doesn't allow it (default)
    with pytest.raises(rules.ApprovalError, match="doesn't take approvals"):
        preview_links.decide(token, 1, approve=True, name="Client")
    rules.set_config(team.org_id, None, "contributors", True)
    with pytest.raises(rules.ApprovalError, match="Type your name"):
        preview_links.decide(token, 1, approve=False, name=" ", note="x")
    preview_links.decide(token, 1, approve=False, name="Clara Client", note="Use the new logo")
    detail = posts.get_post(team.org_id, post_id)
    assert detail["approval_state"] == "changes_requested" and detail["review_note"] == "Use the new logo"
    assert detail["reviewer"] == "Clara Client (via preview link)"
    guarded.save_post(team.people["contributor"], post_input(team, "submit", later(), "New logo"), post_id)
    assert preview_links.decide(token, 2, approve=True, name="Clara Client") == "approved"
    assert not preview_links.open_link(token).can_decide


def test_deleting_a_post_removes_its_links(db: str) -> None:
    team = seed_team()
    post_id = guarded.save_post(team.people["editor"], post_input(team))
    guarded.create_preview_link(team.people["editor"], post_id)
    guarded.delete_post(team.people["editor"], post_id)
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(L)).scalar() == 0
        s.execute(update(L).values(revoked_at=None))  # nothing left to touch


async def test_the_engine_publishes_only_approved_and_marks_missed(db: str) -> None:
    """A real engine (Demo network): the tick turns an overdue in-review post into missed approval and
    publishes nothing; an approved one goes out."""
    from services.models import Post, PostTarget
    from services.publishing.engine import PublishingEngine

    P, T = Post.__table__, PostTarget.__table__
    team = seed_team()
    waiting = guarded.save_post(team.people["contributor"], post_input(team, "submit", later(), "waiting"))
    approved = guarded.save_post(team.people["contributor"], post_input(team, "submit", later(), "approved"))
    guarded.approve_post(team.people["editor"], approved, 1)
    due = datetime.now(UTC) - timedelta(seconds=2)
    with session_scope() as s:
        s.execute(update(T).values(next_attempt_at=due))
        s.execute(update(P).values(scheduled_at=due))
    engine = PublishingEngine(worker_id="approvals-test")
    try:
        await engine.tick()
        await engine.run_pass(wait_seconds=30)
    finally:
        await engine.close()
    assert posts.get_post(team.org_id, approved)["status"] == "published"
    waiting_post = posts.get_post(team.org_id, waiting)
    assert waiting_post["approval_state"] == "missed_approval"
    assert [t["status"] for t in waiting_post["targets"]] == ["draft"]
