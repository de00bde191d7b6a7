"""Posts list: server-side pages, search, filters, sorting and bulk actions with per-post results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, demo_account_id, workspace_of
from tests.e2e.helpers import connect_demo


def _seed(app_env: dict, email: str) -> dict:
    """30 posts straight through the services (the composer itself is covered elsewhere)."""
    with app_database(app_env):
        from services.posts import PostInput, save_post

        org_id, user_id = workspace_of(email)
        account = demo_account_id(org_id)
        when = (datetime.now(UTC) + timedelta(days=3)).replace(second=0, microsecond=0)
        for i in range(27):
            save_post(org_id, user_id, PostInput(body=f"Filler post {i:02d}", account_ids=[account]))
        needle_scheduled = save_post(
            org_id, user_id,
            PostInput(body="Needle launch note", account_ids=[account], action="schedule", scheduled_at=when),
        )  # fmt: skip
        needle_draft = save_post(org_id, user_id, PostInput(body="Needle draft idea", account_ids=[account]))
        save_post(org_id, user_id, PostInput(body="Something else entirely", account_ids=[account]))
        return {"org_id": org_id, "scheduled": needle_scheduled, "draft": needle_draft, "when": when}


def _count_needles(app_env: dict, org_id: int) -> tuple[int, int]:
    with app_database(app_env):
        from services.posts.listing import list_posts

        rows, total = list_posts(org_id, search="needle", page_size=100)
        return total, sum(1 for r in rows if r["status"] == "draft")


def test_search_pages_sort_and_bulk_actions(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    connect_demo(page)
    seeded = _seed(app_env, new_user["email"])
    page.get_by_test_id("nav-posts").click()
    expect(page.get_by_test_id("posts-page")).to_have_text("Page 1 of 2 · 30 posts")
    expect(page.get_by_test_id("post-row")).to_have_count(25)
    page.get_by_test_id("posts-next").click()
    expect(page.get_by_test_id("posts-page")).to_have_text("Page 2 of 2 · 30 posts")
    expect(page.get_by_test_id("post-row")).to_have_count(5)

    # default sort puts the dated post first; sorting by status ascending puts drafts first
    page.get_by_test_id("posts-prev").click()
    expect(page.get_by_test_id("post-row").first).to_have_attribute("data-post-id", str(seeded["scheduled"]))
    page.get_by_test_id("sort-status").click()  # descending: scheduled before draft
    expect(page.get_by_test_id("post-row").first).to_have_attribute("data-status", "scheduled")
    page.get_by_test_id("sort-status").click()  # ascending
    expect(page.get_by_test_id("post-row").first).to_have_attribute("data-status", "draft")

    # search is case-insensitive and resets to page 1
    page.get_by_test_id("posts-search").fill("NEEDLE")
    page.get_by_test_id("posts-search").blur()
    expect(page.get_by_test_id("posts-page")).to_have_text("Page 1 of 1 · 2 posts")
    expect(page.get_by_test_id("post-row")).to_have_count(2)

    # bulk duplicate as draft: one result per post, two new drafts
    page.get_by_test_id("posts-select-all").click()
    expect(page.get_by_test_id("posts-selected")).to_have_text("2 selected")
    page.get_by_test_id("bulk-duplicate").click()
    expect(page.locator("[data-testid=bulk-result][data-ok=true]")).to_have_count(2)
    expect(page.get_by_test_id("bulk-results")).to_contain_text("Duplicated as a draft")
    expect(page.get_by_test_id("posts-page")).to_have_text("Page 1 of 1 · 4 posts")
    assert _count_needles(app_env, seeded["org_id"]) == (4, 3)

    # bulk reschedule by +1 day: the dated post moves, a draft without a date is refused with its reason
    for post_id in (seeded["scheduled"], seeded["draft"]):
        page.locator(f"[data-testid=post-row][data-post-id='{post_id}'] [data-testid=post-select]").click()
    page.get_by_test_id("bulk-offset").fill("1")
    page.get_by_test_id("bulk-reschedule").click()
    expect(page.locator("[data-testid=bulk-result][data-ok=true]")).to_have_count(1)
    expect(page.locator("[data-testid=bulk-result][data-ok=false]")).to_contain_text("no date")
    with app_database(app_env):
        from services.posts import get_post

        moved = datetime.fromisoformat(get_post(seeded["org_id"], seeded["scheduled"])["scheduled_at"])
    assert moved == seeded["when"] + timedelta(days=1)

    # status filter + bulk delete
    page.get_by_test_id("posts-filter-status").click()
    page.get_by_role("option", name="Draft").click()
    expect(page.get_by_test_id("post-row")).to_have_count(3)
    page.get_by_test_id("posts-select-all").click()
    page.get_by_test_id("bulk-delete").click()  # asks first, naming the posts by their text
    expect(page.get_by_test_id("delete-line")).to_have_count(3)
    expect(page.get_by_test_id("posts-delete-dialog")).to_contain_text("Needle draft idea")
    page.get_by_role("button", name="Delete 3 posts", exact=True).click()
    expect(page.locator("[data-testid=bulk-result][data-ok=true]")).to_have_count(3)
    expect(page.get_by_test_id("bulk-results")).not_to_contain_text("#")
    expect(page.get_by_test_id("posts-empty")).to_be_visible()
    assert _count_needles(app_env, seeded["org_id"]) == (1, 0)
