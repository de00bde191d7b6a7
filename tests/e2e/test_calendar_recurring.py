"""Recurring posts: Repeat in the composer, occurrences on the calendar, explicit occurrence vs series edits."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, workspace_of
from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text


def _open_occurrence(page: Page, app_url: str, day: str) -> None:
    page.goto(f"{app_url}/calendar?view=month&date={day}")
    chip = page.locator(f"[data-testid=cal-day][data-date='{day}'] [data-testid=cal-item]")
    expect(chip).to_have_count(1)
    expect(chip.get_by_test_id("cal-item-recurring")).to_have_count(1)
    chip.click()
    expect(page.get_by_test_id("series-info")).to_be_visible()


def test_repeat_weekly_then_edit_one_occurrence_and_the_whole_series(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    connect_demo(page)
    open_composer(page)
    tz = page.get_by_test_id("schedule-timezone").inner_text()
    start = (datetime.now(ZoneInfo(tz)) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
    days = [(start + timedelta(weeks=i)).strftime("%Y-%m-%d") for i in range(3)]
    select_chip(page, "demo")
    type_text(page, "Weekly tip")
    page.get_by_test_id("schedule-date").fill(start.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("10:00")
    page.get_by_test_id("repeat-toggle").click()
    page.get_by_test_id("repeat-count").fill("3")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Repeats every week")
    expect(page.get_by_test_id("compose-notice")).to_contain_text("2 more posts planned")

    # every occurrence is on the calendar; the second one is edited on its own
    _open_occurrence(page, app_url, days[1])
    expect(page.get_by_test_id("series-rule")).to_contain_text("Every week")
    expect(page.get_by_test_id("schedule-button")).to_have_count(0)  # the scope must be chosen explicitly
    type_text(page, "Weekly tip (holiday edition)")
    page.get_by_test_id("scope-occurrence").click()
    page.get_by_test_id("save-series-edit").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Only this occurrence changed")
    expect(page.get_by_test_id("series-detached")).to_be_visible()

    # the third one: edit the whole series
    _open_occurrence(page, app_url, days[2])
    type_text(page, "Weekly tip v2")
    page.get_by_test_id("scope-series").click()
    expect(page.get_by_test_id("save-series-edit")).to_have_text("Save the whole series")
    page.get_by_test_id("save-series-edit").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Whole series updated: 2 upcoming posts changed")

    with app_database(app_env):
        from services.posts.listing import list_posts

        org_id, _ = workspace_of(new_user["email"])
        rows, total = list_posts(org_id, search="Weekly tip", sort="scheduled_at")
    assert total == 3
    assert [r["text"] for r in rows] == ["Weekly tip v2", "Weekly tip (holiday edition)", "Weekly tip v2"]
    assert len({r["series_id"] for r in rows}) == 1
