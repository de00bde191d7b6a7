"""First run: the onboarding checklist's steps come from real data, and a just-published Demo post
gets its first simulated metrics from the first-metrics job (not the 5-minute collection)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services import onboarding, timezones
from services.analytics.first_metrics import collect_first_demo_metrics, workspaces_with_unmeasured_demo_posts
from services.db import session_scope
from services.models import Membership, Post
from tests.integration.test_analytics_collection import demo_setup, published_target, snapshots
from tests.seeding import seed_workspace


def _member(org_id: int, user_id: int) -> None:
    with session_scope() as s:
        s.add(Membership(organization_id=org_id, user_id=user_id, role="owner"))


def _steps(org_id: int, user_id: int) -> dict[str, bool]:
    return {step.key: step.done for step in onboarding.first_run_checklist(org_id, user_id)}


def test_checklist_steps_follow_the_data_and_the_list_closes_when_done(db: str) -> None:
    org_id, user_id, _ = seed_workspace("fresh", accounts=0)
    _member(org_id, user_id)
    other_org, other_user, _ = seed_workspace("other", accounts=1)
    _member(other_org, other_user)
    steps = onboarding.first_run_checklist(org_id, user_id)
    assert [s.key for s in steps] == ["account", "post", "timezone"]
    assert _steps(org_id, user_id) == {"account": False, "post": False, "timezone": False}
    assert onboarding.checklist_open(steps)

    from services.accounts import connect_demo

    connect_demo(org_id, user_id)
    with session_scope() as s:
        s.add(Post(organization_id=org_id, author_id=user_id, body="first"))
    assert _steps(org_id, user_id) == {"account": True, "post": True, "timezone": False}

    try:
        timezones.set_user_timezone(user_id, "Mars/Olympus")
    except timezones.TimezoneError:
        pass
    assert _steps(org_id, user_id)["timezone"] is False  # a refused name is not "set"

    timezones.set_user_timezone(user_id, "Europe/Lisbon")
    steps = onboarding.first_run_checklist(org_id, user_id)
    assert all(s.done for s in steps) and not onboarding.checklist_open(steps)
    # another workspace's progress is its own
    assert _steps(other_org, other_user) == {"account": True, "post": False, "timezone": False}


async def test_a_just_published_demo_post_is_measured_by_the_first_metrics_job(db: str) -> None:
    org_id, _account_id, old_target = await demo_setup()  # published 3 h ago, never measured
    assert workspaces_with_unmeasured_demo_posts() == [org_id]
    assert await collect_first_demo_metrics() == 1
    [snap] = snapshots(old_target)
    assert snap.simulated is True
    assert snap.impressions and snap.impressions > 0  # a fresh Demo post already shows some numbers
    assert workspaces_with_unmeasured_demo_posts() == []
    assert await collect_first_demo_metrics() == 0  # nothing new: the job does nothing

    # a post published a second ago is picked up on the next pass
    with session_scope() as s:
        from services.models import PostTarget

        ext = s.get(PostTarget, old_target).external_id
    fresh = published_target(org_id, _account_id, ext, datetime.now(UTC) - timedelta(seconds=1))
    assert workspaces_with_unmeasured_demo_posts() == [org_id]
    await collect_first_demo_metrics()
    assert len(snapshots(fresh)) == 1
    assert len(snapshots(old_target)) == 1  # the older one is not re-read before its cadence
