"""The approval workflow on SQLite and PostgreSQL: submit → review → approve / request changes,
the claim-time gate, missed approvals, the one scheduling rule behind every door, crafted events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from services import guarded, posts
from services.approvals import rules, workflow
from services.approvals.states import ApprovalState
from services.db import session_scope
from services.mcp import tools as mcp_tools
from services.mcp.tokens import Actor
from services.models import AuditLog, Post, PostTarget
from services.permissions import PermissionDenied
from services.posts.errors import PostNotFound
from services.publishing.claims import claim_due_targets
from tests.integration.approvals_support import Team, later, post_input, seed_team

P, T = Post.__table__, PostTarget.__table__


def _row(post_id: int):  # noqa: ANN202
    with session_scope() as s:
        return s.execute(select(P).where(P.c.id == post_id)).one()


def _targets(post_id: int) -> list[str]:
    with session_scope() as s:
        return list(s.execute(select(T.c.status).where(T.c.post_id == post_id)).scalars())


def _audit(action: str) -> list[dict]:
    with session_scope() as s:
        return [r.detail for r in s.execute(select(AuditLog.__table__).where(AuditLog.__table__.c.action == action))]


def _make_due(post_id: int, when: datetime) -> None:
    with session_scope() as s:
        s.execute(update(T).where(T.c.post_id == post_id).values(next_attempt_at=when))
        s.execute(update(P).where(P.c.id == post_id).values(scheduled_at=when))


def _claim(now: datetime | None = None) -> list[int]:
    return [c.post_id for c in claim_due_targets("w", now or datetime.now(UTC), 50, 60, per_account=10)]


def _submit(team: Team, when: datetime | None = None, body: str = "Hello") -> int:
    return guarded.save_post(team.people["contributor"], post_input(team, "submit", when, body))


def test_contributor_submits_editor_approves_and_engine_publishes_at_its_time(db: str) -> None:
    team = seed_team()
    rules.set_config(team.org_id, None, "contributors", False)
    post_id = _submit(team, later())
    assert _row(post_id).approval_state == "in_review" and _targets(post_id) == ["scheduled"]
    assert workflow.review_count(team.org_id, team.people["owner"].user_id) == 1
    assert workflow.review_count(team.org_id, team.people["contributor"].user_id) == 0  # own posts wait for others
    _make_due(post_id, datetime.now(UTC) - timedelta(milliseconds=10))
    assert _claim() == []  # in review: never claimed
    _make_due(post_id, later())
    version = posts.get_post(team.org_id, post_id)["version"]
    assert guarded.approve_post(team.people["editor"], post_id, version, "Looks good") == "approved"
    detail = posts.get_post(team.org_id, post_id)
    assert detail["approval_state"] == "approved" and detail["reviewer"] == "Editor"
    _make_due(post_id, datetime.now(UTC) - timedelta(milliseconds=10))
    assert _claim() == [post_id]
    assert [d["post_id"] for d in _audit("approval.requested")] == [post_id]
    assert [d["note"] for d in _audit("approval.approved")] == ["Looks good"]


def test_submitted_without_a_time_is_published_when_approved(db: str) -> None:
    team = seed_team()
    post_id = _submit(team, None)
    assert _targets(post_id) == ["draft"] and _claim() == []
    guarded.approve_post(team.people["owner"], post_id, 1)
    assert _targets(post_id) == ["scheduled"] and _claim() == [post_id]


def test_request_changes_goes_back_to_the_author_with_the_note(db: str) -> None:
    team = seed_team()
    post_id = _submit(team, later())
    with pytest.raises(rules.ApprovalError, match="Say what should change"):
        guarded.request_changes(team.people["editor"], post_id, 1, "  ")
    guarded.request_changes(team.people["editor"], post_id, 1, "Add the launch date")
    detail = posts.get_post(team.org_id, post_id)
    assert detail["approval_state"] == "changes_requested" and detail["review_note"] == "Add the launch date"
    assert _targets(post_id) == ["draft"]
    # The author edits and resubmits: a new version in review.
    guarded.save_post(team.people["contributor"], post_input(team, "submit", later(), "Launch on May 4"), post_id)
    assert _row(post_id).approval_state == "in_review" and _row(post_id).version == 2


def test_editing_an_approved_post_sends_it_back_to_review(db: str) -> None:
    team = seed_team()
    rules.set_config(team.org_id, None, "everyone", False)
    post_id = guarded.save_post(team.people["editor"], post_input(team, "schedule", later()))
    assert _row(post_id).approval_state == "in_review"  # required for everyone: Schedule submits
    guarded.approve_post(team.people["owner"], post_id, 1)
    # Moving an approved post in time keeps its approval (it is for the content / version)…
    guarded.reschedule_to_local(team.people["editor"], post_id, later(120).replace(tzinfo=None), "UTC")
    assert _row(post_id).approval_state == "approved"
    # …editing it does not.
    guarded.save_post(team.people["editor"], post_input(team, "schedule", later(), "Edited"), post_id)
    row = _row(post_id)
    assert row.approval_state == "in_review" and row.approved_version is None
    _make_due(post_id, datetime.now(UTC) - timedelta(milliseconds=10))
    assert _claim() == []


def test_claim_time_refusal_when_the_state_flips_between_scheduling_and_claim(db: str) -> None:
    team = seed_team()
    post_id = _submit(team, later())
    guarded.approve_post(team.people["editor"], post_id, 1)
    _make_due(post_id, datetime.now(UTC) - timedelta(milliseconds=10))
    # Between scheduling and the claim the post leaves "approved" (here: an outdated approval, as a
    # concurrent edit leaves it); the targets stay `scheduled` and due.
    with session_scope() as s:
        s.execute(update(P).where(P.c.id == post_id).values(version=P.c.version + 1))
    assert _targets(post_id) == ["scheduled"] and _claim() == []
    with session_scope() as s:
        s.execute(update(P).where(P.c.id == post_id).values(approval_state="in_review", approved_version=None))
    assert _claim() == []
    with session_scope() as s:  # approved for the current version again → claimable
        s.execute(update(P).where(P.c.id == post_id).values(approval_state="approved", approved_version=P.c.version))
    assert _claim() == [post_id]


def test_missed_approval_is_never_published_later_and_can_be_rescheduled(db: str) -> None:
    team = seed_team()
    post_id = _submit(team, later())
    _make_due(post_id, datetime.now(UTC) - timedelta(seconds=30))
    with pytest.raises(rules.ApprovalError, match="missed approval"):
        guarded.approve_post(team.people["editor"], post_id, 1)
    assert workflow.mark_missed_approvals(datetime.now(UTC)) == 1
    assert workflow.mark_missed_approvals(datetime.now(UTC)) == 0  # idempotent
    detail = posts.get_post(team.org_id, post_id)
    assert detail["approval_state"] == "missed_approval" and detail["status"] == "draft"
    assert _targets(post_id) == ["draft"] and _claim() == []
    assert [d["post_id"] for d in _audit("approval.missed")] == [post_id]
    # Rescheduling by the author re-enters review; by an Editor (not required for them) it goes out.
    guarded.save_post(team.people["contributor"], post_input(team, "submit", later()), post_id)
    assert _row(post_id).approval_state == "in_review"
    _make_due(post_id, datetime.now(UTC) - timedelta(seconds=1))
    workflow.mark_missed_approvals(datetime.now(UTC))
    posts.reschedule_post(team.org_id, post_id, later(), user_id=team.people["editor"].user_id)
    assert _row(post_id).approval_state == "none"  # approval isn't required for Editors here
    _make_due(post_id, datetime.now(UTC) - timedelta(milliseconds=10))
    assert _claim() == [post_id]


def test_every_scheduling_door_passes_the_rule(db: str) -> None:
    team = seed_team()
    rules.set_config(team.org_id, None, "everyone", False)
    editor = team.people["editor"]
    # MCP: schedule_post as an Editor in "required for everyone" goes to review, not to the engine.
    mcp_actor = Actor(user_id=editor.user_id, organization_id=team.org_id, role="editor", timezone="UTC",
                      name="Editor", token_id=0)  # fmt: skip
    draft = mcp_tools.draft_post(mcp_actor, "From an agent", team.accounts[:1])["post_id"]
    assert mcp_tools.schedule_post(mcp_actor, draft, later().isoformat())["approval_state"] == "in_review"
    assert _row(draft).approval_state == "in_review"
    # A Contributor's agent can't schedule, but can submit (published when approved).
    contributor_agent = Actor(user_id=team.people["contributor"].user_id, organization_id=team.org_id,
                              role="contributor", timezone="UTC", name="C", token_id=0)  # fmt: skip
    with pytest.raises(PermissionDenied, match="submit the post for approval"):
        mcp_tools.schedule_post(contributor_agent, draft, later().isoformat())
    mine = mcp_tools.draft_post(contributor_agent, "Agent draft", team.accounts[:1])["post_id"]
    assert mcp_tools.submit_for_approval(contributor_agent, mine)["approval_state"] == "in_review"
    assert _targets(mine) == ["draft"]
    # Publish now on an existing post, and the queue.
    other = guarded.save_post(editor, post_input(team))
    guarded.publish_now(editor, other)
    assert _row(other).approval_state == "in_review" and _targets(other) == ["draft"]
    # Contributors can't use any scheduling door directly.
    contributor = team.people["contributor"]
    with pytest.raises(PermissionDenied, match="submit the post for approval"):
        guarded.publish_now(contributor, other)
    with pytest.raises(PermissionDenied):
        guarded.add_to_queue(contributor, team.accounts[:1], post_id=other)


def test_approvals_off_keeps_editors_direct_and_contributors_always_submit(db: str) -> None:
    team = seed_team()
    post_id = guarded.save_post(team.people["editor"], post_input(team, "schedule", later()))
    assert _row(post_id).approval_state == "none"
    _make_due(post_id, datetime.now(UTC) - timedelta(milliseconds=10))
    assert _claim() == [post_id]
    assert rules.required_for(team.org_id, "contributor") and not rules.required_for(team.org_id, "editor")


def test_reviewers_cannot_review_their_own_or_outdated_versions(db: str) -> None:
    team = seed_team()
    rules.set_config(team.org_id, None, "everyone", False)
    post_id = guarded.save_post(team.people["editor"], post_input(team, "submit", later()))
    with pytest.raises(rules.ApprovalError, match="own post"):
        guarded.approve_post(team.people["editor"], post_id, 1)
    with pytest.raises(rules.ApprovalError, match="changed since you opened it"):
        guarded.approve_post(team.people["owner"], post_id, 7)
    guarded.approve_post(team.people["owner"], post_id, 1)
    with pytest.raises(rules.ApprovalError, match="Already reviewed: approved by Agency"):
        guarded.approve_post(team.people["admin"], post_id, 1)


def test_crafted_events_are_refused_audited_and_change_nothing(db: str) -> None:
    team = seed_team()
    other = seed_team("Rival")
    contributor = team.people["contributor"]
    mine = _submit(team, later())
    theirs = guarded.save_post(other.people["contributor"], post_input(other, "submit", later()))

    def snapshot() -> list:
        with session_scope() as s:
            return [tuple(r) for r in s.execute(select(P).order_by(P.c.id))] + [
                tuple(r) for r in s.execute(select(T).order_by(T.c.id))
            ]

    before = snapshot()
    with pytest.raises(PermissionDenied, match="Contributors can't publish; submit the post for approval."):
        guarded.save_post(contributor, post_input(team, "publish_now"), mine)
    with pytest.raises(PermissionDenied, match="Contributors can't approve posts"):
        guarded.approve_post(contributor, mine, 1)
    with pytest.raises(PostNotFound):  # another workspace's post id: "not found", never "not yours"
        guarded.approve_post(team.people["owner"], theirs, 1)
    with pytest.raises(PostNotFound):
        guarded.save_post(team.people["owner"], post_input(team, "schedule", later()), theirs)
    assert snapshot() == before
    refused = _audit("refused")
    assert [r["attempted"] for r in refused] == ["save_post", "approve_post", "approve_post", "save_post"]
    assert refused[0]["role"] == "contributor" and mine in refused[0]["ids"]
    assert theirs in refused[2]["ids"]


def test_settings_need_owner_or_admin(db: str) -> None:
    team = seed_team()
    with pytest.raises(PermissionDenied, match="Editors can't change the approval settings"):
        guarded.set_approval_settings(team.people["editor"], "everyone", True)
    with pytest.raises(rules.ApprovalError):
        guarded.set_approval_settings(team.people["admin"], "sometimes", True)
    config = guarded.set_approval_settings(team.people["admin"], "everyone", True)
    assert config.mode == "everyone" and config.allow_external and rules.get_config(team.org_id) == config
    with session_scope() as s:
        assert s.execute(select(func.count()).where(AuditLog.__table__.c.action == "approval.settings")).scalar() == 1


def test_recurring_series_inherit_approval(db: str) -> None:
    from services import recurrence

    team = seed_team()
    post_id = _submit(team, later())
    with pytest.raises(Exception, match="approved first"):
        recurrence.set_recurrence(team.org_id, post_id, {"freq": "daily", "count": 3})
    guarded.approve_post(team.people["editor"], post_id, 1)
    series = recurrence.set_recurrence(team.org_id, post_id, {"freq": "daily", "count": 3})
    with session_scope() as s:
        states = s.execute(
            select(P.c.approval_state, P.c.approved_version, P.c.version).where(P.c.series_id == series["series_id"])
        ).all()
    assert len(states) == 3 and all(a == ApprovalState.APPROVED and v == ver for a, v, ver in states)
