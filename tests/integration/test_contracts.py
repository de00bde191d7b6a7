"""What the services hand to the UI has exactly the typed shape they declare (TypedDict contracts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.accounts import connect_demo, list_accounts
from services.accounts.connections import AccountRow
from services.calendar import CalendarItem, CalendarTarget, calendar_items, move_to_day
from services.calendar_view import visible_items
from services.posts import PostInput, get_post, reschedule_post, save_post
from services.posts.lifecycle import PostActionResult, Refusal
from services.posts.queries import PostDetail, TargetDetail
from tests.seeding import seed_workspace


def keys(typed: type) -> set[str]:
    return set(typed.__annotations__) | {k for base in typed.__mro__ for k in getattr(base, "__annotations__", {})}


def test_post_calendar_and_account_shapes(db: str) -> None:
    org_id, user_id, accounts = seed_workspace(timezone="Europe/Berlin")
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    post_id = save_post(
        org_id, user_id, PostInput(body="typed", account_ids=accounts, action="schedule", scheduled_at=when)
    )

    post = get_post(org_id, post_id)
    assert set(post) == keys(PostDetail)
    assert all(set(t) == keys(TargetDetail) for t in post["targets"]) and len(post["targets"]) == 2

    moved = reschedule_post(org_id, post_id, when + timedelta(hours=1))
    assert set(moved) == keys(PostActionResult) and moved["refused"] == []
    assert keys(Refusal) == {"account", "reason"}
    assert "note" in move_to_day(org_id, post_id, (when + timedelta(days=1)).date(), "Europe/Berlin")

    [item] = calendar_items(org_id, when - timedelta(days=3), when + timedelta(days=3), "Europe/Berlin")
    assert set(item) == keys(CalendarItem) and all(set(t) == keys(CalendarTarget) for t in item["targets"])
    buckets, _counts, total = visible_items(org_id, when - timedelta(days=3), when + timedelta(days=3), "UTC", 3)
    assert total == 1 and [set(i) for items in buckets.values() for i in items] == [keys(CalendarItem)]

    connect_demo(org_id, user_id)
    rows = list_accounts(org_id)
    assert rows and all(set(r) == keys(AccountRow) for r in rows)
