"""Recurring posts: rule expansion across DST, bounded materialization, series vs occurrence edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from services.db import session_scope
from services.models import Organization, Post, PostTarget
from services.posts import PostError, PostInput, delete_post, get_post, save_post
from services.recurrence import (
    RecurrenceError,
    describe_rule,
    end_series,
    expand_occurrences,
    extend_all_series,
    normalize_rule,
    series_occurrences,
    set_recurrence,
    update_occurrence,
    update_series,
)
from tests.seeding import seed_workspace

NY = "America/New_York"
NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
FAR = datetime(2030, 1, 1, tzinfo=UTC)


def test_weekly_expansion_keeps_wall_time_across_dst() -> None:
    rule = {"freq": "weekly", "interval": 1, "weekdays": [0, 2], "count": 5}
    occ = expand_occurrences(rule, datetime(2026, 3, 2, 9, 0), NY, FAR)  # Monday
    assert [o["key"] for o in occ] == [
        "2026-03-02T09:00", "2026-03-04T09:00", "2026-03-09T09:00", "2026-03-11T09:00", "2026-03-16T09:00",
    ]  # fmt: skip
    assert [o["utc"].hour for o in occ] == [14, 14, 13, 13, 13]  # EST → EDT after Mar 8
    assert [o["index"] for o in occ] == [1, 2, 3, 4, 5]


def test_daily_expansion_through_gap_and_overlap() -> None:
    spring = expand_occurrences({"freq": "daily", "count": 3}, datetime(2026, 3, 7, 2, 30), NY, FAR)
    assert [o["utc"] for o in spring] == [
        datetime(2026, 3, 7, 7, 30, tzinfo=UTC),
        datetime(2026, 3, 8, 7, 30, tzinfo=UTC),  # 02:30 doesn't exist → 03:30 EDT
        datetime(2026, 3, 9, 6, 30, tzinfo=UTC),
    ]
    assert spring[0]["note"] == "" and "doesn't exist" in spring[1]["note"]
    autumn = expand_occurrences(
        {"freq": "daily", "until": "2026-10-26"}, datetime(2026, 10, 24, 2, 30), "Europe/Berlin", FAR
    )
    assert [o["utc"] for o in autumn] == [
        datetime(2026, 10, 24, 0, 30, tzinfo=UTC),
        datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # ambiguous 02:30 → first (CEST)
        datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
    ]
    assert "happens twice" in autumn[1]["note"]


def test_interval_until_window_and_after_key() -> None:
    rule = {"freq": "weekly", "interval": 2, "weekdays": [4], "until": "2026-04-30"}
    start = datetime(2026, 3, 3, 18, 0)  # a Tuesday: first occurrence even though the rule says Friday
    keys = [o["key"][:10] for o in expand_occurrences(rule, start, "UTC", FAR)]
    assert keys == ["2026-03-03", "2026-03-06", "2026-03-20", "2026-04-03", "2026-04-17"]
    windowed = expand_occurrences(rule, start, "UTC", datetime(2026, 3, 21, tzinfo=UTC), after_key="2026-03-06T18:00")
    assert [o["key"][:10] for o in windowed] == ["2026-03-20"]
    assert describe_rule(normalize_rule(rule)) == "Every 2 weeks on Friday, until Thu, Apr 30, 2026"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"freq": "monthly"}, "daily or weekly"),
        ({"freq": "daily", "interval": 0}, "Repeat every 1 to 365"),
        ({"freq": "weekly", "weekdays": [7]}, "Monday"),
        ({"freq": "daily", "count": 5000}, "between 1 and"),
        ({"freq": "daily", "until": "2026-13-01"}, "valid date"),
        ({"freq": "daily", "until": "2026-01-01"}, "before the first"),
        ({"freq": "daily", "interval": "two"}, "whole number"),
    ],
)
def test_bad_rules_are_refused(rule: dict, message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        expand_occurrences(rule, datetime(2026, 3, 1, 9, 0), NY, FAR)


def _first_post(org_id: int, user_id: int, accounts: list[int], when: datetime) -> int:
    data = PostInput(body="weekly tip", account_ids=accounts, action="schedule", scheduled_at=when, timezone=NY)
    return save_post(org_id, user_id, data, now=NOW)


def test_series_materializes_occurrences_as_posts_with_their_own_targets(db: str) -> None:
    org_id, user_id, accounts = seed_workspace(timezone=NY)
    head = _first_post(org_id, user_id, accounts, datetime(2026, 3, 2, 14, 0, tzinfo=UTC))  # Mon 09:00 EST
    result = set_recurrence(org_id, head, {"freq": "weekly", "weekdays": [0], "count": 4}, now=NOW)
    assert result["created"] == 3 and result["description"] == "Every week on Monday, 4 times"
    occ = series_occurrences(org_id, head)
    assert [o["scheduled_at"] for o in occ] == [
        "2026-03-02T14:00:00+00:00", "2026-03-09T13:00:00+00:00", "2026-03-16T13:00:00+00:00",
        "2026-03-23T13:00:00+00:00",
    ]  # fmt: skip
    with session_scope() as s:
        targets = s.exec(select(PostTarget).where(PostTarget.post_id.in_([o["id"] for o in occ]))).all()
    assert len(targets) == 8 and {t.status for t in targets} == {"scheduled"}
    assert len({t.idempotency_key for t in targets}) == 8
    assert {t.next_attempt_at for t in targets if t.post_id == occ[1]["id"]} == {
        datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    }
    # Extending again (two schedulers, or the daily job) creates nothing twice.
    assert extend_all_series(now=NOW) == 0
    assert len(series_occurrences(org_id, head)) == 4
    with pytest.raises(RecurrenceError, match="already part"):
        set_recurrence(org_id, occ[1]["id"], {"freq": "daily"}, now=NOW)


def test_materialization_is_bounded_and_extended_daily(db: str) -> None:
    org_id, user_id, accounts = seed_workspace(timezone=NY)
    head = _first_post(org_id, user_id, accounts[:1], datetime(2026, 2, 21, 14, 0, tzinfo=UTC))
    set_recurrence(org_id, head, {"freq": "daily"}, now=NOW)  # forever
    first_batch = series_occurrences(org_id, head)
    last = datetime.fromisoformat(first_batch[-1]["scheduled_at"])
    assert 50 <= len(first_batch) <= 61 and last <= NOW + timedelta(days=90)
    # A deleted occurrence stays deleted; the next day's extension adds only new days.
    delete_post(org_id, first_batch[5]["id"])
    created = extend_all_series(now=NOW + timedelta(days=61))
    after = series_occurrences(org_id, head)
    assert created > 0 and len(after) == len(first_batch) - 1 + created
    assert first_batch[5]["key"] not in {o["key"] for o in after}


def test_series_edit_vs_occurrence_edit(db: str) -> None:
    org_id, user_id, (acc_a, acc_b) = seed_workspace(timezone=NY)
    head = _first_post(org_id, user_id, [acc_a], datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    set_recurrence(org_id, head, {"freq": "weekly", "count": 4}, now=NOW)
    occ = series_occurrences(org_id, head)

    # One occurrence edited on its own…
    own = PostInput(body="special edition", account_ids=[acc_a], action="schedule",
                    scheduled_at=datetime.fromisoformat(occ[2]["scheduled_at"]), timezone=NY)  # fmt: skip
    update_occurrence(org_id, occ[2]["id"], own, now=NOW)
    # …one already published…
    with session_scope() as s:
        for t in s.exec(select(PostTarget).where(PostTarget.post_id == occ[1]["id"])).all():
            t.status = "published"
        s.get(Post, occ[1]["id"]).status = "published"

    summary = update_series(org_id, head, body="new tip", account_ids=[acc_a, acc_b], now=NOW)
    assert summary["updated"] == 2 and summary["skipped"] == []
    assert get_post(org_id, head)["body"] == "new tip"
    assert len(get_post(org_id, occ[3]["id"])["targets"]) == 2
    assert get_post(org_id, occ[2]["id"])["body"] == "special edition"  # detached: left alone
    assert get_post(org_id, occ[1]["id"])["body"] == "weekly tip"  # published: left alone
    assert [o["detached"] for o in series_occurrences(org_id, head)] == [False, False, True, False]

    with pytest.raises(PostError, match="Demo network"):
        update_series(org_id, head, body="x" * 600, now=NOW)
    assert get_post(org_id, occ[3]["id"])["body"] == "new tip"

    # Changing the rule rebuilds the untouched future occurrences.
    rebuilt = update_series(org_id, head, rule={"freq": "daily", "count": 3}, now=NOW)
    keys = [o["key"] for o in series_occurrences(org_id, head)]
    assert rebuilt["removed"] == 1 and "2026-03-03T09:00" in keys and "2026-03-23T09:00" not in keys

    ended = end_series(org_id, head, now=NOW)
    assert ended["removed"] >= 1
    assert extend_all_series(now=NOW + timedelta(days=1)) == 0


def test_other_workspace_cannot_touch_a_series(db: str) -> None:
    org_id, user_id, accounts = seed_workspace(timezone=NY)
    head = _first_post(org_id, user_id, accounts[:1], datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    set_recurrence(org_id, head, {"freq": "daily", "count": 2}, now=NOW)
    with session_scope() as s:
        other = Organization(name="Other")
        s.add(other)
        s.flush()
        other_id = int(other.id)
    with pytest.raises(PostError, match="not found"):
        update_series(other_id, head, body="hijack", now=NOW)
    with pytest.raises(PostError, match="not found"):
        end_series(other_id, head, now=NOW)
    assert series_occurrences(other_id, head) == []
    assert get_post(org_id, head)["body"] == "weekly tip"
