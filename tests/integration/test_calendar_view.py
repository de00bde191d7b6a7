"""The calendar screen query: first N posts per local day/hour in full, the rest only counted, same items as calendar_items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.calendar import calendar_items, day_range, month_range
from services.calendar_view import visible_items
from services.posts import PostInput, save_post
from tests.seeding import seed_workspace

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)
NY = "America/New_York"


def _schedule(org: int, user: int, accounts: list[int], when: datetime, body: str) -> int:
    data = PostInput(body=body, account_ids=accounts, action="schedule", scheduled_at=when, timezone=NY)
    return save_post(org, user, data, now=NOW)


def test_buckets_by_local_day_keep_the_first_n_and_count_the_rest(db) -> None:  # noqa: ANN001
    org, user, accounts = seed_workspace("Acme", timezone=NY)
    other, other_user, other_accounts = seed_workspace("Other", timezone=NY)
    # 01:30 UTC on Mar 11 is still Mar 10 in New York: it belongs to the 10th
    base = datetime(2026, 3, 11, 1, 30, tzinfo=UTC)
    ids = [_schedule(org, user, accounts[:1], base + timedelta(minutes=10 * i), f"post {i}") for i in range(5)]
    late = _schedule(org, user, accounts, datetime(2026, 3, 20, 15, 0, tzinfo=UTC), "second account too")
    _schedule(other, other_user, other_accounts, base, "another workspace")

    start, end = month_range(2026, 3, NY)
    buckets, counts, total = visible_items(org, start, end, NY, 3)
    assert total == 6
    assert counts == {("2026-03-10", -1): 5, ("2026-03-20", -1): 1}
    assert [i["id"] for i in buckets[("2026-03-10", -1)]] == ids[:3]
    assert buckets[("2026-03-20", -1)][0]["platforms"] == ["demo"]
    assert len(buckets[("2026-03-20", -1)][0]["targets"]) == 2

    full = {i["id"]: i for i in calendar_items(org, start, end, NY)}
    for item in buckets[("2026-03-10", -1)] + buckets[("2026-03-20", -1)]:
        assert item == full[item["id"]], "same item shape and values as calendar_items"

    only_second = visible_items(org, start, end, NY, 3, account_ids=[accounts[1]])
    assert only_second[2] == 1 and [i["id"] for i in only_second[0][("2026-03-20", -1)]] == [late]
    assert visible_items(org, start, end, NY, 3, statuses=["published"])[2] == 0


def test_buckets_by_hour_for_week_and_day_views(db) -> None:  # noqa: ANN001
    org, user, accounts = seed_workspace("Acme", timezone=NY)
    at_nine = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # 09:00 EDT
    first, second = (_schedule(org, user, accounts, at_nine + timedelta(minutes=m), f"p{m}") for m in (5, 40))
    _schedule(org, user, accounts, at_nine + timedelta(hours=2), "eleven")
    start, end = day_range(datetime(2026, 3, 10).date(), NY)
    buckets, counts, total = visible_items(org, start, end, NY, 1, by_hour=True)
    assert total == 3
    assert counts == {("2026-03-10", 9): 2, ("2026-03-10", 11): 1}
    assert [i["id"] for i in buckets[("2026-03-10", 9)]] == [first]
    assert buckets[("2026-03-10", 9)][0]["local_time"] == "09:05"
    assert second not in {i["id"] for items in buckets.values() for i in items}
