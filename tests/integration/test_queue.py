"""Queue slots: validation, next free slots (DST aware), filling the next two slots, freeing on delete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from services.db import session_scope
from services.models import Post, QueueSlot
from services.posts import PostInput, delete_post, get_post, save_post
from services.queue import QueueError, add_to_queue, list_slots, next_free_slots, set_slots
from services.queue_listing import queue_view
from tests.seeding import seed_workspace

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday 07:00 in New York (EST)
NY = "America/New_York"


def _stored_slots(account_id: int) -> list[tuple[int, str, str]]:
    with session_scope() as s:
        rows = s.exec(select(QueueSlot).where(QueueSlot.social_account_id == account_id)).all()
        return sorted((r.weekday, r.local_time, r.timezone) for r in rows)


def test_set_slots_validates_and_replaces(db: str) -> None:
    org_id, _, (acc, _) = seed_workspace(timezone=NY)
    other_org, _, _ = seed_workspace("Other", timezone=NY)
    saved = set_slots(org_id, acc, [{"weekday": "fri", "time": "17:30"}, (0, "9:00"), ("Monday", "17:30")], NY)
    assert [(s["weekday_name"], s["time"]) for s in saved] == [
        ("Monday", "09:00"),
        ("Monday", "17:30"),
        ("Friday", "17:30"),
    ]
    before = _stored_slots(acc)
    bad_inputs = [
        ([(0, "25:00")], "isn't a valid time"),
        ([(0, "9h30")], "isn't a valid time"),
        ([(7, "09:00")], "out of range"),
        ([("Funday", "09:00")], "isn't a weekday"),
        ([(1, "09:00"), ("tue", "9:00")], "listed twice"),
        ([(1, "09:00"), (1, "09:03")], "overlap"),
        (["09:00"], "isn't a slot"),
    ]
    for slots, message in bad_inputs:
        with pytest.raises(QueueError, match=message):
            set_slots(org_id, acc, slots, NY)
        assert _stored_slots(acc) == before
    with pytest.raises(QueueError, match="Unknown timezone"):
        set_slots(org_id, acc, [(2, "10:00")], "Mars/Base")
    with pytest.raises(QueueError, match="not found"):
        set_slots(other_org, acc, [(2, "10:00")], NY)
    with pytest.raises(QueueError, match="not found"):
        list_slots(other_org, acc)
    assert _stored_slots(acc) == before
    assert [s["time"] for s in list_slots(org_id, acc)] == ["09:00", "17:30", "17:30"]


def test_next_free_slots_follow_local_time_across_dst(db: str) -> None:
    org_id, _, (acc, _) = seed_workspace(timezone=NY)
    set_slots(org_id, acc, [(6, "02:30"), (0, "09:00")], NY)  # Sunday 02:30 hits the gap on Mar 8
    slots = next_free_slots(org_id, acc, 4, NOW)
    assert slots == [
        datetime(2026, 3, 2, 14, 0, tzinfo=UTC),  # Mon 09:00 EST, later today
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # Sun 02:30 doesn't exist → 03:30 EDT
        datetime(2026, 3, 9, 13, 0, tzinfo=UTC),  # Mon 09:00 EDT
        datetime(2026, 3, 15, 6, 30, tzinfo=UTC),  # Sun 02:30 EDT
    ]
    # Strictly after: a slot exactly at `after` is not offered.
    assert next_free_slots(org_id, acc, 1, datetime(2026, 3, 2, 14, 0, tzinfo=UTC)) == [
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    ]
    empty_org, _, (empty_acc, _) = seed_workspace("Empty", timezone=NY)
    with pytest.raises(QueueError, match="no posting slots"):
        next_free_slots(empty_org, empty_acc, 1, NOW)
    with pytest.raises(QueueError, match="not found"):
        next_free_slots(empty_org, acc, 1, NOW)


def test_queue_fills_next_two_slots_and_deleting_frees_one(db: str) -> None:
    org_id, user_id, (acc, _) = seed_workspace(timezone=NY)
    set_slots(org_id, acc, [(0, "09:00"), (2, "09:00"), (4, "17:30")], NY)
    first = add_to_queue(org_id, user_id, [acc], post_data=PostInput(body="first", account_ids=[acc]), now=NOW)
    second = add_to_queue(org_id, user_id, [acc], post_data=PostInput(body="second", account_ids=[acc]), now=NOW)
    assert first[0]["scheduled_at"] == "2026-03-02T14:00:00+00:00"  # Monday 09:00 EST, later today
    assert second[0]["scheduled_at"] == "2026-03-04T14:00:00+00:00"  # Wednesday 09:00
    assert get_post(org_id, first[0]["post_id"])["status"] == "scheduled"
    # A draft queued afterwards takes Friday 17:30.
    draft_id = save_post(org_id, user_id, PostInput(body="draft", account_ids=[acc]), now=NOW)
    third = add_to_queue(org_id, user_id, [acc], post_id=draft_id, now=NOW)
    assert third == [{"post_id": draft_id, "scheduled_at": "2026-03-06T22:30:00+00:00", "account_ids": [acc]}]

    view = queue_view(org_id, days=7, tz=NY, now=NOW)
    assert [(v["local_label"], v["post"]["text"] if v["post"] else None) for v in view] == [
        ("Mon Mar 02, 09:00 EST", "first"),
        ("Wed Mar 04, 09:00 EST", "second"),
        ("Fri Mar 06, 17:30 EST", "draft"),
    ]
    delete_post(org_id, second[0]["post_id"])
    assert next_free_slots(org_id, acc, 1, NOW) == [datetime(2026, 3, 4, 14, 0, tzinfo=UTC)]
    assert [v["free"] for v in queue_view(org_id, days=7, tz=NY, now=NOW)] == [False, True, False]


def test_accounts_with_different_next_slots_split_into_one_post_per_time(db: str) -> None:
    org_id, user_id, (acc_a, acc_b) = seed_workspace(timezone=NY)
    set_slots(org_id, acc_a, [(0, "09:00")], NY)
    set_slots(org_id, acc_b, [(1, "10:00")], "Europe/Berlin")
    data = PostInput(body="hello", account_ids=[acc_a, acc_b], overrides={acc_b: "hallo"})
    result = add_to_queue(org_id, user_id, [acc_a, acc_b], post_data=data, now=NOW)
    assert [(r["scheduled_at"], r["account_ids"]) for r in result] == [
        ("2026-03-02T14:00:00+00:00", [acc_a]),
        ("2026-03-03T09:00:00+00:00", [acc_b]),
    ]
    second = get_post(org_id, result[1]["post_id"])
    assert second["targets"][0]["body"] == "hallo" and second["body"] == "hello"
    # Same next slot → one post with both targets.
    set_slots(org_id, acc_b, [(2, "15:00")], "UTC")
    set_slots(org_id, acc_a, [(2, "10:00")], NY)
    shared = add_to_queue(org_id, user_id, [acc_a, acc_b], post_data=PostInput(body="both", account_ids=[]), now=NOW)
    assert shared == [
        {"post_id": shared[0]["post_id"], "scheduled_at": "2026-03-04T15:00:00+00:00", "account_ids": [acc_a, acc_b]}
    ]


def test_add_to_queue_bad_input_changes_nothing(db: str) -> None:
    org_id, user_id, (acc_a, acc_b) = seed_workspace(timezone=NY)
    other_org, other_user, (other_acc, _) = seed_workspace("Other", timezone=NY)
    set_slots(org_id, acc_a, [(0, "09:00")], NY)

    def post_count() -> int:
        with session_scope() as s:
            return len(s.exec(select(Post.id)).all())

    with pytest.raises(QueueError, match="no posting slots"):
        add_to_queue(org_id, user_id, [acc_a, acc_b], post_data=PostInput(body="x", account_ids=[]), now=NOW)
    with pytest.raises(Exception, match="not connected to this workspace"):
        add_to_queue(other_org, other_user, [acc_a], post_data=PostInput(body="x", account_ids=[]), now=NOW)
    with pytest.raises(QueueError, match="Write something"):
        add_to_queue(org_id, user_id, [acc_a], post_data=PostInput(body="  ", account_ids=[]), now=NOW)
    with pytest.raises(Exception, match="500|too long|characters"):
        add_to_queue(org_id, user_id, [acc_a], post_data=PostInput(body="x" * 600, account_ids=[]), now=NOW)
    assert post_count() == 0
    assert other_acc
