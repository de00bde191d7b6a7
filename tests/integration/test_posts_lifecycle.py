"""Composer/calendar post services: validation, edits, reschedule/cancel/delete, and what the engine then sends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

import tests.countingnet_adapter as cn
from services.db import session_scope
from services.models import AuditLog, Post, PostTarget
from services.posts import (
    PostError,
    PostInput,
    cancel_schedule,
    dashboard_counts,
    delete_post,
    get_post,
    mark_target_published,
    publish_now,
    publish_now_and_wait,
    recent_failures,
    reschedule_post,
    retry_target,
    save_post,
    upcoming_posts,
)
from services.posts.lifecycle import wait_until_settled
from services.publishing import wakeup
from services.publishing.attempt import attempt_publish
from services.publishing.claims import claim_due_targets
from services.publishing.engine import PublishingEngine
from tests.fakes.countingnet import CountingNetServer

T = PostTarget.__table__


@pytest.fixture
def fake() -> Iterator[CountingNetServer]:
    with CountingNetServer() as server:
        yield server


@pytest.fixture
def org(db: str, fake: CountingNetServer) -> dict:
    org_id = cn.seed_org()
    return {
        "id": org_id,
        "a": cn.add_account(org_id, fake.url, external_id="a", username="alice"),
        "b": cn.add_account(org_id, fake.url, external_id="b", username="bob"),
    }


@pytest.fixture
async def engine(org: dict) -> AsyncIterator[PublishingEngine]:
    eng = PublishingEngine(worker_id="w")
    yield eng
    await eng.close()


def soon(seconds: float = 3600) -> datetime:
    return datetime.now(UTC) + timedelta(seconds=seconds)


def make_due(post_id: int) -> None:
    """Time passes: the scheduled moment arrives."""
    with session_scope() as s:
        s.execute(
            update(T).where(T.c.post_id == post_id, T.c.status == "scheduled").values(next_attempt_at=datetime.now(UTC))
        )


def test_schedule_validates_everything_before_saving(org: dict) -> None:
    base = dict(account_ids=[org["a"], org["b"]], action="schedule", scheduled_at=soon(), timezone="Europe/Paris")
    with pytest.raises(PostError, match="That time is in the past"):
        save_post(org["id"], None, PostInput(body="hi", **{**base, "scheduled_at": soon(-60)}))
    with pytest.raises(PostError, match=r"CountingNet \(@bob\): .*280"):
        save_post(org["id"], None, PostInput(body="hi", overrides={org["b"]: "x" * 300}, **base))
    other = cn.seed_org("Other")
    foreign = cn.add_account(other, "http://x", external_id="z")
    with pytest.raises(PostError, match="not connected to this workspace"):
        save_post(org["id"], None, PostInput(body="hi", **{**base, "account_ids": [org["a"], foreign]}))
    with pytest.raises(PostError, match="not a known time zone"):
        save_post(org["id"], None, PostInput(body="hi", **{**base, "timezone": "Mars/Olympus"}))
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Post)).scalar() == 0

    post_id = save_post(org["id"], None, PostInput(body="hi", overrides={org["b"]: "hi bob"}, **base))
    post = get_post(org["id"], post_id)
    assert (post["status"], post["timezone"], post["version"]) == ("scheduled", "Europe/Paris", 1)
    assert [(t["body"], t["status"]) for t in post["targets"]] == [("hi", "scheduled"), ("hi bob", "scheduled")]
    with pytest.raises(PostError, match="not found"):
        get_post(other, post_id)
    with session_scope() as s:
        assert [a.action for a in s.exec(select(AuditLog)).scalars()] == ["post.create"]


async def test_edit_before_due_sends_the_new_text(org: dict, engine: PublishingEngine, fake) -> None:
    post_id = save_post(
        org["id"], None, PostInput(body="old", account_ids=[org["a"]], action="schedule", scheduled_at=soon())
    )
    save_post(
        org["id"], None, PostInput(body="new", account_ids=[org["a"]], action="schedule", scheduled_at=soon()), post_id
    )
    assert get_post(org["id"], post_id)["version"] == 2
    make_due(post_id)
    await engine.run_pass()
    assert [p.text for p in fake.posts] == ["new"]


async def test_edit_between_claim_and_send_is_caught_by_the_recheck(org: dict, engine: PublishingEngine, fake) -> None:
    post_id = save_post(org["id"], None, PostInput(body="v1", account_ids=[org["a"]], action="publish_now"))
    [claim] = claim_due_targets("w", datetime.now(UTC), 5, 60, per_account=4)
    assert claim.text == "v1" and claim.credentials is not None
    # Users cannot edit a `publishing` target (save_post refuses), so only a claim that waited is
    # re-read before sending; make this one look like it waited.
    claim.claimed_at = datetime.now(UTC) - timedelta(seconds=60)
    with session_scope() as s:  # an edit that raced the claim
        s.execute(update(Post.__table__).where(Post.__table__.c.id == post_id).values(body="v2", version=2))
    outcome = await attempt_publish(engine, claim)
    assert outcome.status == "published" and [p.text for p in fake.posts] == ["v2"]
    with session_scope() as s:  # cancelled between claim and send: nothing goes out
        s.execute(update(T).values(status="publishing", claimed_by="w"))
        s.execute(update(T).values(status="draft", claimed_by=""))
    assert await attempt_publish(engine, claim) is None and len(fake.posts) == 1


async def test_cancelled_rescheduled_and_deleted_posts_do_not_go_out_early(
    org: dict, engine: PublishingEngine, fake
) -> None:
    def scheduled(body: str) -> int:
        return save_post(
            org["id"], None, PostInput(body=body, account_ids=[org["a"]], action="schedule", scheduled_at=soon())
        )

    cancelled, moved, deleted, kept = (
        scheduled("cancelled"),
        scheduled("moved"),
        scheduled("deleted"),
        scheduled("kept"),
    )
    for pid in (cancelled, moved, deleted, kept):
        make_due(pid)
    assert cancel_schedule(org["id"], cancelled)["status"] == "draft"
    later = soon(7200)
    assert reschedule_post(org["id"], moved, later)["targets"][0]["next_attempt_at"] == later.isoformat()
    assert delete_post(org["id"], deleted) == {"deleted": True, "refused": []}
    await engine.run_pass()
    assert [p.text for p in fake.posts] == ["kept"]
    assert get_post(org["id"], moved)["status"] == "scheduled"
    with pytest.raises(PostError, match="not found"):
        get_post(org["id"], deleted)


async def test_published_and_in_flight_targets_are_refused(org: dict, engine: PublishingEngine, fake) -> None:
    post_id = save_post(
        org["id"], None, PostInput(body="x", account_ids=[org["a"], org["b"]], action="schedule", scheduled_at=soon())
    )
    with session_scope() as s:
        s.execute(update(T).where(T.c.social_account_id == org["a"]).values(status="publishing", claimed_by="w"))
    with pytest.raises(PostError, match="being published right now"):
        save_post(org["id"], None, PostInput(body="y", account_ids=[org["a"], org["b"]]), post_id)
    with pytest.raises(PostError, match="being published right now"):
        delete_post(org["id"], post_id)
    with session_scope() as s:
        s.execute(update(T).where(T.c.social_account_id == org["a"]).values(status="published", claimed_by=""))
    result = cancel_schedule(org["id"], post_id)
    assert result["refused"] == [{"account": "CountingNet (@alice)", "reason": "it is already published"}]
    assert [t["status"] for t in result["targets"]] == ["published", "draft"]
    save_post(org["id"], None, PostInput(body="edited", account_ids=[org["a"], org["b"]]), post_id)
    assert [t["body"] for t in get_post(org["id"], post_id)["targets"]] == ["x", "edited"]
    with pytest.raises(PostError, match="already published"):
        save_post(org["id"], None, PostInput(body="z", account_ids=[org["b"]]), post_id)
    assert delete_post(org["id"], post_id)["deleted"] is False
    assert [t["status"] for t in get_post(org["id"], post_id)["targets"]] == ["published"]


async def test_publish_now_waits_for_results_and_failures_can_be_resolved(
    org: dict, fake, engine: PublishingEngine
) -> None:
    engine.listen_for_wakeups()  # what the scheduler does for its engine: no tick runs in this test
    fake.behaviors["POST /api/posts"] = [422]
    post_id = save_post(org["id"], None, PostInput(body="now", account_ids=[org["a"], org["b"]], action="draft"))
    result = await publish_now_and_wait(org["id"], post_id, wait_seconds=30)
    assert sorted(t["status"] for t in result["targets"]) == ["failed", "published"]
    assert result["status"] == "partially_failed"
    failed = next(t for t in result["targets"] if t["status"] == "failed")
    assert recent_failures(org["id"])[0]["reason"] == "CountingNet: Text is too long"
    assert (
        retry_target(org["id"], failed["id"])["targets"][[t["id"] for t in result["targets"]].index(failed["id"])][
            "status"
        ]
        == "scheduled"
    )
    with session_scope() as s:
        s.execute(update(T).where(T.c.id == failed["id"]).values(status="needs_review"))
    done = mark_target_published(org["id"], failed["id"], "https://countingnet.example/p/9")
    assert done["status"] == "published"
    with pytest.raises(PostError, match="Only failed posts"):
        retry_target(org["id"], failed["id"])
    with pytest.raises(PostError, match="not found"):
        retry_target(cn.seed_org("Other"), failed["id"])


async def test_publish_now_wakes_the_running_engine_instead_of_waiting_for_a_tick(
    org: dict, fake, engine: PublishingEngine
) -> None:
    post_id = save_post(org["id"], None, PostInput(body="right away", account_ids=[org["a"]], action="draft"))
    assert wakeup.wake(post_id) is False  # nobody listening yet: the next tick would pick it up
    publish_now(org["id"], post_id)
    await asyncio.sleep(0.5)
    assert fake.posts == [] and get_post(org["id"], post_id)["status"] == "scheduled"

    engine.listen_for_wakeups()
    assert wakeup.wake(None) is True
    await wait_until_settled(org["id"], post_id, wait_seconds=30)  # the wake-up above claimed it
    assert [p.text for p in fake.posts] == ["right away"]

    composed = save_post(org["id"], None, PostInput(body="composed", account_ids=[org["b"]], action="publish_now"))
    assert (await wait_until_settled(org["id"], composed, wait_seconds=30))["status"] == "published"
    assert sorted(p.text for p in fake.posts) == ["composed", "right away"]
    await engine.close()
    assert wakeup.wake(None) is False  # a closed engine stops listening


def test_dashboard_helpers(org: dict) -> None:
    first = save_post(
        org["id"], None, PostInput(body="first", account_ids=[org["a"]], action="schedule", scheduled_at=soon(60))
    )
    save_post(
        org["id"],
        None,
        PostInput(body="second", account_ids=[org["a"], org["b"]], action="schedule", scheduled_at=soon(120)),
    )
    save_post(org["id"], None, PostInput(body="draft", account_ids=[org["a"]]))
    publish_now(org["id"], first)
    with session_scope() as s:
        s.execute(update(T).where(T.c.post_id == first).values(status="published", published_at=datetime.now(UTC)))
    counts = dashboard_counts(org["id"], datetime.now(UTC))
    assert counts == {"accounts": 2, "scheduled": 1, "published_this_week": 1}
    [upcoming] = upcoming_posts(org["id"], 5)
    assert upcoming["preview"] == "second" and len(upcoming["accounts"]) == 2
    assert dashboard_counts(cn.seed_org("Other"), datetime.now(UTC)) == {
        "accounts": 0,
        "scheduled": 0,
        "published_this_week": 0,
    }
