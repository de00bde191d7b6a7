"""Edit a scheduled post from the Dashboard, cancel its schedule, then delete it."""

from __future__ import annotations

from datetime import datetime, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text


def test_edit_cancel_and_delete_a_scheduled_post(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "First version")
    tomorrow = datetime.now() + timedelta(days=2)
    page.get_by_test_id("schedule-date").fill(tomorrow.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("09:30")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")

    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("count-scheduled")).to_have_text("1")
    item = page.get_by_test_id("upcoming-item")
    expect(item).to_contain_text("First version")
    item.click()

    # the composer opens the post as it is
    expect(page.get_by_test_id("compose-text")).to_have_value("First version")
    expect(page.get_by_test_id("schedule-time")).to_have_value("09:30")
    type_text(page, "Second version")
    page.get_by_test_id("schedule-time").fill("11:15")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("11:15")

    post_url = page.url
    page.get_by_test_id("cancel-schedule").click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("draft")
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("count-scheduled")).to_have_text("0")
    expect(page.get_by_test_id("upcoming-empty")).to_be_visible()

    # reopen the draft and delete it
    page.goto(post_url)
    expect(page.get_by_test_id("compose-text")).to_have_value("Second version")
    page.get_by_test_id("delete-post").click()
    expect(page.get_by_test_id("delete-dialog-description")).to_contain_text("Demo")
    page.get_by_role("button", name="Delete post", exact=True).click()
    expect(page.get_by_test_id("compose-text")).to_have_value("")
    page.goto(post_url)
    expect(page.get_by_test_id("compose-error")).to_contain_text("not found")
