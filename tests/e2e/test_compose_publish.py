"""Compose → publish now to Demo + Mastodon; schedule a few seconds ahead; over-limit text is refused."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    compose_action,
    connect_bluesky,
    connect_demo,
    connect_mastodon,
    connect_x,
    open_composer,
    select_chip,
    type_text,
)


def test_publish_now_to_demo_and_mastodon_shows_links(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    fake = app_env["fakes"]["mastodon"]
    connect_demo(page)
    connect_mastodon(page, fake.url)
    open_composer(page)
    select_chip(page, "demo")
    select_chip(page, "mastodon")
    text = "Hello from the SocialHub e2e test https://example.com/launch"
    type_text(page, text)
    expect(page.get_by_test_id("counter-mastodon")).to_have_text("57/500")  # URL counts as 23
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)
    expect(page.get_by_test_id("result-status-mastodon")).to_have_text("published", timeout=30000)
    expect(page.get_by_test_id("result-link-demo")).to_have_attribute("href", re.compile(r"/demo/post/\d+"))
    expect(page.get_by_test_id("result-link-mastodon")).to_have_attribute("href", re.compile(r"^http://127\.0\.0\.1"))
    statuses = fake.requests_to("POST", "/api/v1/statuses")
    assert len(statuses) == 1, "exactly one status was created"
    assert statuses[0].headers.get("idempotency-key"), "Mastodon gets an Idempotency-Key"
    body = statuses[0].json or statuses[0].form
    assert body["status"] == text
    # the Demo link opens a real page with the text
    page.goto(page.get_by_test_id("result-link-demo").get_attribute("href"))
    expect(page.get_by_test_id("demo-post-text")).to_have_text(text)


def test_schedule_five_seconds_ahead_flips_to_published_without_reload(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "Scheduled by the e2e test")
    tz = page.get_by_test_id("schedule-timezone").inner_text()
    when = datetime.now(ZoneInfo(tz)) + timedelta(seconds=5)
    page.get_by_test_id("schedule-date").fill(when.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill(when.strftime("%H:%M:%S"))
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-notice")).to_contain_text("Scheduled for")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=20000)


def test_over_limit_x_text_shows_red_counter_and_schedule_is_refused(page: Page, app_url: str, new_user: dict) -> None:
    connect_x(page)
    open_composer(page)
    select_chip(page, "x")
    type_text(page, "word " * 60)  # 300 characters
    counter = page.get_by_test_id("counter-x")
    expect(counter).to_have_attribute("data-over", "true")
    expect(counter).to_have_text("300/280")
    expect(page.get_by_test_id("problem-x")).to_contain_text("X: 20 characters too long")
    tomorrow = datetime.now() + timedelta(days=1)
    page.get_by_test_id("schedule-date").fill(tomorrow.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("10:00")
    # refused before sending: Schedule can't be pressed and says why (the server refuses it too)
    expect(page.get_by_test_id("schedule-button")).to_be_disabled()
    expect(page.get_by_test_id("schedule-button-reason")).to_contain_text("20 characters too long")


def test_bluesky_text_over_3000_bytes_is_flagged_and_refused(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    fake = app_env["fakes"]["bluesky"]
    connect_bluesky(page, fake.handle, fake.app_password)
    open_composer(page)
    select_chip(page, "bluesky")
    type_text(page, "👨‍👩‍👧‍👦" * 130 + "a" * 170)  # 300 graphemes, 3,420 bytes
    counter = page.get_by_test_id("counter-bluesky")
    expect(counter).to_have_text("300/300 · 3,420/3,000 bytes")
    expect(counter).to_have_attribute("data-over", "true")
    expect(page.get_by_test_id("problem-bluesky")).to_contain_text("too long for Bluesky in bytes")
    tomorrow = datetime.now() + timedelta(days=1)
    page.get_by_test_id("schedule-date").fill(tomorrow.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill("10:00")
    expect(page.get_by_test_id("schedule-button")).to_be_disabled()
    expect(page.get_by_test_id("schedule-button-reason")).to_contain_text("too long for Bluesky in bytes")
    assert not fake.requests_to("POST", "/xrpc/com.atproto.repo.createRecord")


def test_schedule_in_the_past_is_refused(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "too late")
    page.get_by_test_id("schedule-date").fill("2020-01-01")
    page.get_by_test_id("schedule-time").fill("10:00")
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("compose-error")).to_contain_text("past")
