"""Posts table: search (with % and _ taken literally), filters, sorting, SQL pagination, bulk actions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from services.db import session_scope
from services.models import Post, PostTarget
from services.posts import PostError, PostInput, get_post, save_post
from services.posts.listing import ListError, bulk_delete, bulk_duplicate_as_draft, bulk_reschedule, list_posts
from tests.seeding import seed_workspace

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


def _post(org_id: int, user_id: int, accounts: list[int], body: str, when: datetime | None) -> int:
    action = "schedule" if when else "draft"
    return save_post(
        org_id, user_id, PostInput(body=body, account_ids=accounts, action=action, scheduled_at=when), now=NOW
    )


@pytest.fixture
def seeded(db: str) -> dict:
    org_id, user_id, (acc_a, acc_b) = seed_workspace()
    other_org, other_user, (other_acc, _) = seed_workspace("Other")
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    ids = {
        "sale": _post(org_id, user_id, [acc_a], "Spring SALE: 50% off", base),
        "percent": _post(org_id, user_id, [acc_b], "We grew 50 percent", base + timedelta(days=1)),
        "under": _post(org_id, user_id, [acc_a, acc_b], "snake_case tips", base + timedelta(days=2)),
        "draft": _post(org_id, user_id, [acc_a], "an undated draft", None),
    }
    for i in range(12):
        _post(org_id, user_id, [acc_b], f"filler {i:02d}", base + timedelta(days=10, hours=i))
    _post(other_org, other_user, [other_acc], "Other workspace SALE 50% off", base)
    return {"org": org_id, "user": user_id, "acc_a": acc_a, "acc_b": acc_b, "other": other_org, **ids}


def test_search_escapes_wildcards_and_is_case_insensitive(seeded: dict) -> None:
    org = seeded["org"]
    assert [r["id"] for r in list_posts(org, search="50%")[0]] == [seeded["sale"]]
    assert [r["id"] for r in list_posts(org, search="sale")[0]] == [seeded["sale"]]
    assert [r["id"] for r in list_posts(org, search="e_c")[0]] == [seeded["under"]]
    assert list_posts(org, search="%")[1] == 1
    assert list_posts(org, search="nothing like this")[1] == 0


def test_filters_sorting_and_pagination(seeded: dict) -> None:
    org = seeded["org"]
    rows, total = list_posts(org, page=1, page_size=5, sort="scheduled_at")
    assert total == 16 and len(rows) == 5
    assert rows[0]["id"] == seeded["sale"] and rows[0]["platforms"] == ["demo"]
    last_rows, _ = list_posts(org, page=4, page_size=5, sort="scheduled_at")
    assert [r["id"] for r in last_rows] == [seeded["draft"]]  # undated sorts last
    desc, _ = list_posts(org, page=1, page_size=3, sort="-scheduled_at")
    assert [r["text"] for r in desc] == ["filler 11", "filler 10", "filler 09"]
    all_ids = [r["id"] for p in range(1, 5) for r in list_posts(org, page=p, page_size=5)[0]]
    assert len(all_ids) == len(set(all_ids)) == 16

    assert list_posts(org, account_ids=[seeded["acc_a"]])[1] == 3
    assert list_posts(org, statuses=["draft"])[0][0]["id"] == seeded["draft"]
    rows, total = list_posts(org, date_from=date(2026, 3, 2), date_to=date(2026, 3, 3), sort="scheduled_at")
    assert [r["id"] for r in rows] == [seeded["percent"], seeded["under"]] and total == 2
    assert list_posts(seeded["other"])[1] == 1

    with pytest.raises(ListError, match="Can't sort by"):
        list_posts(org, sort="body; DROP TABLE posts")
    with pytest.raises(ListError, match="before the start"):
        list_posts(org, date_from=date(2026, 3, 5), date_to=date(2026, 3, 1))
    assert len(list_posts(org, page_size=10_000)[0]) == 16  # clamped to 100, not refused


def _set_status(post_id: int, status: str) -> None:
    with session_scope() as s:
        s.execute(update(PostTarget).where(PostTarget.post_id == post_id).values(status=status))
        s.execute(update(Post).where(Post.id == post_id).values(status=status))


def test_bulk_reschedule_per_post_results(seeded: dict) -> None:
    org = seeded["org"]
    _set_status(seeded["percent"], "published")
    ids = [seeded["sale"], seeded["percent"], seeded["draft"], seeded["other"] * 1000]
    results = bulk_reschedule(org, ids, timedelta(days=1), now=NOW)
    by_id = {r["post_id"]: r for r in results}
    assert by_id[seeded["sale"]]["ok"] and get_post(org, seeded["sale"])["scheduled_at"] == "2026-03-02T09:00:00+00:00"
    assert not by_id[seeded["percent"]]["ok"] and "already published" in by_id[seeded["percent"]]["message"]
    assert not by_id[seeded["draft"]]["ok"] and "no date" in by_id[seeded["draft"]]["message"]
    assert "not found" in by_id[seeded["other"] * 1000]["message"]
    past = bulk_reschedule(org, [seeded["sale"]], -timedelta(days=30), now=NOW)
    assert not past[0]["ok"] and "past" in past[0]["message"]
    assert get_post(org, seeded["sale"])["scheduled_at"] == "2026-03-02T09:00:00+00:00"
    with pytest.raises(ListError):
        bulk_reschedule(org, [seeded["sale"]], timedelta(0))
    with pytest.raises(ListError, match="Select at least one"):
        bulk_reschedule(org, [], timedelta(days=1))


def test_bulk_delete_and_duplicate(seeded: dict) -> None:
    org, other = seeded["org"], seeded["other"]
    other_post = list_posts(other)[0][0]["id"]
    copies = bulk_duplicate_as_draft(org, [seeded["under"], other_post])
    assert copies[0]["ok"] and not copies[1]["ok"] and "not found" in copies[1]["message"]
    copy = get_post(org, copies[0]["new_post_id"])
    assert copy["status"] == "draft" and copy["scheduled_at"] is None and copy["body"] == "snake_case tips"
    assert sorted(t["account_id"] for t in copy["targets"]) == sorted([seeded["acc_a"], seeded["acc_b"]])

    _set_status(seeded["sale"], "publishing")
    results = bulk_delete(org, [seeded["percent"], seeded["sale"], other_post])
    assert [r["ok"] for r in results] == [True, False, False]
    assert "being published" in results[1]["message"] and "not found" in results[2]["message"]
    with pytest.raises(PostError, match="not found"):
        get_post(org, seeded["percent"])
    with session_scope() as s:
        assert s.exec(select(Post.id).where(Post.id == other_post)).first() == other_post
