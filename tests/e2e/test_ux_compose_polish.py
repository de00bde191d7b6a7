"""Composer polish (issue 20, items 7 and 8): one message per situation, readable repeat controls, no seconds."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text


def _toasts(page: Page, text: str):  # noqa: ANN202 - a Playwright locator
    return page.locator("[data-sonner-toast]").filter(has_text=text)


def test_feedback_is_said_once_and_cleared_when_the_input_changes(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "said once")
    page.get_by_test_id("schedule-date").fill("2020-01-01")
    page.get_by_test_id("schedule-time").fill("10:00")
    page.get_by_test_id("schedule-button").click()
    error = page.get_by_test_id("compose-error")
    expect(error).to_contain_text("past")
    expect(error).not_to_have_class("rt-CalloutRoot")  # a quiet line, not a red box
    page.wait_for_timeout(1500)  # the old code's toast came with the box
    expect(_toasts(page, "past")).to_have_count(0)

    # changing the date: the message about the old date goes away
    tz = page.get_by_test_id("schedule-timezone").inner_text()
    later = datetime.now(ZoneInfo(tz)) + timedelta(days=3)
    page.get_by_test_id("schedule-date").fill(later.strftime("%Y-%m-%d"))
    expect(error).to_have_count(0)

    page.get_by_test_id("schedule-button").click()
    notice = page.get_by_test_id("compose-notice")
    expect(notice).to_contain_text("Scheduled for")
    page.wait_for_timeout(1500)
    expect(_toasts(page, "Scheduled for")).to_have_count(0)

    # editing the text: "Scheduled for …" described the old version, it does not linger
    page.get_by_test_id("compose-text").fill("said once, edited")
    expect(notice).to_have_count(0)


def test_repeat_controls_read_as_a_sentence_with_a_summary(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    page.get_by_test_id("repeat-toggle").click()
    expect(page.get_by_text("Repeat every", exact=True)).to_be_visible()
    unit = page.get_by_test_id("repeat-freq")
    expect(unit).to_have_text("week")
    page.get_by_test_id("repeat-day-mon").click()
    expect(page.get_by_test_id("repeat-day-mon")).to_have_attribute("aria-pressed", "true")
    summary = page.get_by_test_id("repeat-summary")
    expect(summary).to_have_text("Every week on Monday, 5 times")

    page.get_by_test_id("repeat-interval").fill("2")
    expect(unit).to_have_text("weeks")
    expect(summary).to_have_text("Every 2 weeks on Monday, 5 times")

    unit.click()
    page.get_by_role("option", name="days").click()
    expect(unit).to_have_text("days")
    expect(summary).to_have_text("Every 2 days, 5 times")
    expect(page.get_by_test_id("repeat-day-mon")).to_have_count(0)  # weekdays only for weekly rules
    assert "(s)" not in page.locator("body").inner_text()


def test_schedule_time_shows_hours_and_minutes_only(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "no seconds")
    time_field = page.get_by_test_id("schedule-time")
    expect(time_field).to_have_attribute("step", "60")
    tz = page.get_by_test_id("schedule-timezone").inner_text()
    later = datetime.now(ZoneInfo(tz)) + timedelta(days=2)
    page.get_by_test_id("schedule-date").fill(later.strftime("%Y-%m-%d"))
    time_field.fill("10:15")
    expect(time_field).to_have_value("10:15")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("10:15")
    expect(page.get_by_test_id("compose-notice")).not_to_contain_text("10:15:00")
