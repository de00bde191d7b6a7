"""Calendar: a scheduled post shows on its local day and time, moves by drag & drop, and publishes at the new time."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from services.display_time import format_time
from tests.e2e.calendar_helpers import app_database, set_timezone, wait_for_toasts_to_close, workspace_of
from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text

TZ = "Asia/Kolkata"  # +05:30 all year: a local day differs from the UTC day for part of it


def _schedule(page: Page, text: str, when: datetime) -> None:
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, text)
    page.get_by_test_id("schedule-date").fill(when.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill(when.strftime("%H:%M:%S"))
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")


def test_schedule_then_drag_to_another_day_and_it_publishes_then(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    connect_demo(page)
    set_timezone(page, TZ)
    now = datetime.now(ZoneInfo(TZ)).replace(microsecond=0)
    planned = now + timedelta(days=1, seconds=35)  # tomorrow, a little later than now
    text = f"Calendar drag test {planned:%H%M%S}"
    _schedule(page, text, planned)

    page.get_by_test_id("nav-calendar").click()
    expect(page.get_by_test_id("cal-timezone")).to_have_text(TZ)
    tomorrow = page.locator(f"[data-testid=cal-day][data-date='{planned:%Y-%m-%d}']")
    chip = tomorrow.locator("[data-testid=cal-item]", has_text=text)
    expect(chip).to_have_count(1)
    expect(chip.get_by_test_id("cal-item-time")).to_have_text(format_time(planned, TZ, "en_US"))
    expect(chip).to_have_attribute("data-status", "scheduled")
    post_id = int(chip.get_attribute("data-post-id"))

    today_cell = page.locator(f"[data-testid=cal-day][data-date='{now:%Y-%m-%d}']")
    wait_for_toasts_to_close(page)
    chip.drag_to(today_cell)
    expect(page.get_by_test_id("cal-notice")).to_contain_text("Moved to")
    moved = today_cell.locator("[data-testid=cal-item]", has_text=text)
    expect(moved).to_have_count(1)
    expect(tomorrow.locator("[data-testid=cal-item]", has_text=text)).to_have_count(0)
    expect(moved.get_by_test_id("cal-item-time")).to_have_text(format_time(planned, TZ, "en_US"))

    expected = (planned - timedelta(days=1)).astimezone(ZoneInfo("UTC"))
    with app_database(app_env):
        from services.posts import get_post

        org_id, _ = workspace_of(new_user["email"])
        stored = datetime.fromisoformat(get_post(org_id, post_id)["scheduled_at"])
    assert stored == expected, "the database holds the new day at the same local time"

    # the scheduler publishes it at the new time: today, within the minute (not tomorrow)
    deadline = time.time() + 90
    while time.time() < deadline:
        page.reload()
        chip = page.locator(f"[data-testid=cal-item][data-post-id='{post_id}']")
        expect(chip).to_have_count(1)
        if chip.get_attribute("data-status") == "published":
            break
        time.sleep(3)
    expect(chip).to_have_attribute("data-status", "published")
    assert datetime.now(ZoneInfo(TZ)) >= planned - timedelta(days=1), "not published before its new time"
    expect(chip.get_by_test_id("cal-item-link")).to_have_attribute("href", re.compile(r"/demo/post/\d+"))
