"""Calendar items, local-time ranges and the reschedule rules (past, locked, other workspace, DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from services.calendar import (
    calendar_items,
    day_range,
    grid_range,
    items_by_day,
    month_range,
    move_to_day,
    reschedule_to_local,
    week_range,
)
from services.db import session_scope
from services.models import Post, PostTarget
from services.posts import PostError, PostInput, get_post, save_post
from tests.seeding import seed_workspace

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


def _schedule(org_id: int, user_id: int, account_ids: list[int], when: datetime, body: str = "hello") -> int:
    data = PostInput(
        body=body, account_ids=account_ids, action="schedule", scheduled_at=when, timezone="America/New_York"
    )
    return save_post(org_id, user_id, data, now=NOW)


def _set_target_status(post_id: int, status: str, url: str = "") -> None:
    with session_scope() as s:
        s.execute(update(PostTarget).where(PostTarget.post_id == post_id).values(status=status, external_url=url))
        s.execute(update(Post).where(Post.id == post_id).values(status=status))


def test_ranges_follow_local_midnight_across_dst() -> None:
    start, end = month_range(2026, 3, "America/New_York")
    assert start == datetime(2026, 3, 1, 5, 0, tzinfo=UTC)  # EST
    assert end == datetime(2026, 4, 1, 4, 0, tzinfo=UTC)  # EDT
    assert month_range(2026, 12, "UTC") == (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    d_start, d_end = day_range(date(2026, 3, 8), "America/New_York")
    assert d_end - d_start == timedelta(hours=23)
    b_start, b_end = day_range(date(2026, 10, 25), "Europe/Berlin")
    assert b_end - b_start == timedelta(hours=25)
    w_start, w_end = week_range(date(2026, 3, 11), "Europe/Berlin")  # a Wednesday
    assert w_start == datetime(2026, 3, 8, 23, 0, tzinfo=UTC)  # Monday 9th, 00:00 CET
    assert w_end - w_start == timedelta(days=7)
    dst_start, dst_end = week_range(date(2026, 3, 29), "Europe/Berlin", week_start=6)  # Sunday-first week
    assert dst_start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # Sunday 29th 00:00 CET
    assert dst_end - dst_start == timedelta(days=7, hours=-1)  # clocks spring forward that Sunday
    g_start, g_end = grid_range(2026, 3, "UTC")
    assert g_start.date() == date(2026, 2, 23) and g_end.date() == date(2026, 4, 6)


def test_calendar_items_local_time_filters_and_scoping(db: str) -> None:
    org_id, user_id, (acc_a, acc_b) = seed_workspace(timezone="America/New_York")
    other_org, other_user, (other_acc, _) = seed_workspace("Other", timezone="America/New_York")
    # 2026-03-01 03:30 UTC is Feb 28 22:30 in New York: it belongs to February there.
    late_feb = _schedule(org_id, user_id, [acc_a], datetime(2026, 3, 1, 3, 30, tzinfo=UTC), "late feb")
    march = _schedule(org_id, user_id, [acc_a, acc_b], datetime(2026, 3, 10, 13, 0, tzinfo=UTC), "march both")
    only_b = _schedule(org_id, user_id, [acc_b], datetime(2026, 3, 20, 14, 15, tzinfo=UTC), "march b")
    _schedule(other_org, other_user, [other_acc], datetime(2026, 3, 12, 12, 0, tzinfo=UTC), "other org")
    _set_target_status(only_b, "published", "https://demo.example/p/1")

    start, end = month_range(2026, 3, "America/New_York")
    items = calendar_items(org_id, start, end, "America/New_York")
    assert [i["id"] for i in items] == [march, only_b]
    first = items[0]
    assert (first["local_date"], first["local_time"]) == ("2026-03-10", "09:00")  # EDT since Mar 8
    assert first["platforms"] == ["demo"] and len(first["targets"]) == 2
    assert first["can_reschedule"] is True and first["status"] == "scheduled"
    assert items[1]["links"] == ["https://demo.example/p/1"] and items[1]["can_reschedule"] is False

    feb = calendar_items(org_id, *month_range(2026, 2, "America/New_York"), "America/New_York")
    assert [(i["id"], i["local_date"], i["local_time"]) for i in feb] == [(late_feb, "2026-02-28", "22:30")]
    # The same instant is March 1st for a Berlin viewer.
    berlin = calendar_items(org_id, *month_range(2026, 3, "Europe/Berlin"), "Europe/Berlin")
    assert berlin[0]["id"] == late_feb and berlin[0]["local_date"] == "2026-03-01"

    assert [i["id"] for i in calendar_items(org_id, start, end, "UTC", account_ids=[acc_a])] == [march]
    assert [i["id"] for i in calendar_items(org_id, start, end, "UTC", statuses=["published"])] == [only_b]
    assert calendar_items(org_id, start, end, "UTC", account_ids=[other_acc]) == []
    assert list(items_by_day(items)) == ["2026-03-10", "2026-03-20"]


def test_calendar_month_with_2000_posts_is_two_queries_fast(db: str) -> None:
    import time

    org_id, _user_id, (acc_a, acc_b) = seed_workspace(timezone="America/New_York")
    base = datetime(2026, 5, 1, 4, 0, tzinfo=UTC)
    rows = [
        {
            "organization_id": org_id,
            "body": f"post {i} " + "x" * 300,
            "status": "scheduled",
            "scheduled_at": base + timedelta(minutes=21 * i),
            "timezone": "UTC",
            "version": 1,
            "series_detached": False,
            "created_at": base,
            "updated_at": base,
        }  # fmt: skip
        for i in range(2000)
    ]
    with session_scope() as s:
        s.execute(insert(Post.__table__), rows)
        ids = s.execute(select(Post.__table__.c.id).where(Post.__table__.c.organization_id == org_id)).scalars().all()
        s.execute(
            insert(PostTarget.__table__),
            [
                {
                    "organization_id": org_id,
                    "post_id": pid,
                    "social_account_id": acc,
                    "status": "scheduled",
                    "attempts": 0,
                    "last_error": "",
                    "created_at": base,
                    "updated_at": base,
                }  # fmt: skip
                for pid in ids
                for acc in (acc_a, acc_b)
            ],
        )
    started = time.perf_counter()
    items = calendar_items(org_id, *month_range(2026, 5, "UTC"), "UTC")
    elapsed = time.perf_counter() - started
    assert len(items) == 2000 and all(len(i["targets"]) == 2 for i in items)
    assert len(items[0]["text"]) <= 140
    assert elapsed < 2.0, f"calendar took {elapsed:.2f}s"


def test_reschedule_rules(db: str) -> None:
    org_id, user_id, (acc_a, acc_b) = seed_workspace(timezone="America/New_York")
    other_org, _, _ = seed_workspace("Other", timezone="America/New_York")
    post_id = _schedule(org_id, user_id, [acc_a], datetime(2026, 3, 5, 14, 0, tzinfo=UTC))

    moved = reschedule_to_local(org_id, post_id, datetime(2026, 3, 6, 10, 0), "America/New_York", now=NOW)
    assert moved["scheduled_at"] == "2026-03-06T15:00:00+00:00" and moved["note"] == ""
    with session_scope() as s:
        target = s.exec(PostTarget.__table__.select().where(PostTarget.post_id == post_id)).first()
        assert target.next_attempt_at == datetime(2026, 3, 6, 15, 0, tzinfo=UTC)

    with pytest.raises(PostError, match="in the past"):
        reschedule_to_local(org_id, post_id, datetime(2026, 2, 19, 9, 0), "America/New_York", now=NOW)
    with pytest.raises(PostError, match="not found"):
        reschedule_to_local(other_org, post_id, datetime(2026, 3, 7, 9, 0), "America/New_York", now=NOW)
    with pytest.raises(PostError, match="Unknown timezone"):
        reschedule_to_local(org_id, post_id, datetime(2026, 3, 7, 9, 0), "Mars/Base", now=NOW)
    assert get_post(org_id, post_id)["scheduled_at"] == "2026-03-06T15:00:00+00:00"  # nothing changed

    # Drag to another day keeps the local time of day, across the DST change (EST → EDT).
    dragged = move_to_day(org_id, post_id, date(2026, 3, 9), "America/New_York", now=NOW)
    assert dragged["scheduled_at"] == "2026-03-09T14:00:00+00:00"

    # Into the spring-forward gap: moved forward, with the note for the user.
    gap = reschedule_to_local(org_id, post_id, datetime(2026, 3, 8, 2, 30), "America/New_York", now=NOW)
    assert gap["scheduled_at"] == "2026-03-08T07:30:00+00:00" and "03:30 EDT" in gap["note"]

    for status, reason in (("publishing", "being published right now"), ("published", "already published")):
        _set_target_status(post_id, status)
        with pytest.raises(PostError, match=reason):
            reschedule_to_local(org_id, post_id, datetime(2026, 3, 12, 9, 0), "America/New_York", now=NOW)
        assert get_post(org_id, post_id)["scheduled_at"] == "2026-03-08T07:30:00+00:00"
