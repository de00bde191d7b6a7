"""Calendar post menu and week view: date-time picker, DST note, time-slot drop, refusals (past, published)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import app_database, set_timezone, wait_for_toasts_to_close, workspace_of
from tests.e2e.helpers import compose_action, connect_demo, open_composer, select_chip, type_text

NY = "America/New_York"


def _chip(page: Page, text: str):  # noqa: ANN202
    return page.locator("[data-testid=cal-item]", has_text=text)


def _stored_utc(app_env: dict, email: str, post_id: int) -> datetime:
    with app_database(app_env):
        from services.posts import get_post

        org_id, _ = workspace_of(email)
        return datetime.fromisoformat(get_post(org_id, post_id)["scheduled_at"])


def test_menu_picker_dst_note_week_slot_drop_and_refusals(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    connect_demo(page)
    set_timezone(page, NY)
    # one published post (today) and one scheduled for March 2027
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Already out")
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)
    page.get_by_test_id("new-post").click()
    select_chip(page, "demo")
    type_text(page, "Spring plans")
    page.get_by_test_id("schedule-date").fill("2027-03-10")
    page.get_by_test_id("schedule-time").fill("10:00")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")

    page.goto(f"{app_url}/calendar?view=month&date=2027-03-01")
    expect(page.get_by_test_id("cal-title")).to_have_text("March 2027")
    chip = _chip(page, "Spring plans")
    expect(chip).to_have_count(1)
    post_id = int(chip.get_attribute("data-post-id"))
    expect(page.locator("[data-testid=cal-day][data-date='2027-03-10'] [data-testid=cal-item]")).to_have_count(1)

    # the picker refuses a past time and changes nothing
    chip.get_by_test_id("cal-item-menu").click()
    expect(page.get_by_test_id("cal-menu")).to_be_visible()
    expect(page.get_by_test_id("cal-menu-date")).to_have_value("2027-03-10")
    page.get_by_test_id("cal-menu-date").fill("2020-01-01")
    page.get_by_test_id("cal-menu-reschedule").click()
    expect(page.get_by_test_id("cal-menu-error")).to_contain_text("past")
    assert _stored_utc(app_env, new_user["email"], post_id) == datetime(2027, 3, 10, 15, 0, tzinfo=ZoneInfo("UTC"))

    # 02:30 on the spring-forward day doesn't exist: moved to 03:30 EDT, and the user is told
    page.get_by_test_id("cal-menu-date").fill("2027-03-14")
    page.get_by_test_id("cal-menu-time").fill("02:30")
    page.get_by_test_id("cal-menu-reschedule").click()
    expect(page.get_by_test_id("cal-notice")).to_contain_text("doesn't exist")
    expect(page.get_by_test_id("cal-notice")).to_contain_text("03:30")
    moved = page.locator("[data-testid=cal-day][data-date='2027-03-14'] [data-testid=cal-item]")
    expect(moved.get_by_test_id("cal-item-time")).to_have_text("3:30 AM")  # the one formatter, en-US
    assert _stored_utc(app_env, new_user["email"], post_id) == datetime(2027, 3, 14, 7, 30, tzinfo=ZoneInfo("UTC"))

    # week view: drop on Friday's 06:00 slot (near enough to drag without scrolling)
    page.get_by_test_id("cal-view-week").click()
    expect(page.get_by_test_id("cal-title")).to_have_text("Mar 01 – Mar 07, 2027")
    page.get_by_test_id("cal-next").click()
    expect(page.get_by_test_id("cal-title")).to_have_text("Mar 08 – Mar 14, 2027")
    chip = _chip(page, "Spring plans")
    slot = page.locator("[data-testid=cal-slot][data-date='2027-03-12'][data-hour='6']")
    wait_for_toasts_to_close(page)
    chip.drag_to(slot)
    expect(page.get_by_test_id("cal-notice")).to_contain_text("Moved to Fri, Mar 12, 2027, 6:00 AM EST")
    expect(slot.get_by_test_id("cal-item")).to_have_count(1)
    assert _stored_utc(app_env, new_user["email"], post_id) == datetime(2027, 3, 12, 11, 0, tzinfo=ZoneInfo("UTC"))

    # the published post: shown with its link, and it can't be moved (drag or picker)
    page.get_by_test_id("cal-view-month").click()
    page.get_by_test_id("cal-today").click()
    out = _chip(page, "Already out")
    expect(out).to_have_attribute("data-status", "published")
    expect(out.get_by_test_id("cal-item-link")).to_have_count(1)
    tomorrow = (datetime.now(ZoneInfo(NY)) + timedelta(days=1)).strftime("%Y-%m-%d")
    target = page.locator(f"[data-testid=cal-day][data-date='{tomorrow}']")
    if target.count():  # (the last day of the grid has no "tomorrow" cell)
        wait_for_toasts_to_close(page)
        out.drag_to(target)
        expect(page.get_by_test_id("cal-error")).to_contain_text("Can't reschedule")
    out.get_by_test_id("cal-item-menu").click()
    expect(page.get_by_test_id("cal-menu-link")).to_have_count(1)
    page.get_by_test_id("cal-menu-date").fill(tomorrow)
    page.get_by_test_id("cal-menu-time").fill("12:00")
    page.get_by_test_id("cal-menu-reschedule").click()
    expect(page.get_by_test_id("cal-menu-error")).to_contain_text("published")
    page.get_by_test_id("cal-menu-close").click()

    # status filter: only published posts remain
    page.get_by_test_id("cal-filter-status").click()
    page.get_by_role("option", name="Published").click()
    expect(_chip(page, "Already out")).to_have_count(1)
    page.get_by_test_id("cal-next").click()
    page.get_by_test_id("cal-prev").click()
    expect(page.locator("[data-testid=cal-item][data-status=scheduled]")).to_have_count(0)
