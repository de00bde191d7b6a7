"""Privacy mode in the browser (issue #21): switch it on, publish to the Demo network, and see
"content not stored" with the live link on the post's page and in the Posts list. A post published
before the switch is purged only through the explicit "Purge existing content now" choice."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import compose_action, connect_demo, select_chip, type_text

NOT_STORED = "content not stored (privacy mode)"
DEMO_LINK = re.compile(r"/demo/post/\d+")


def _publish(page: Page, app_url: str, text: str) -> None:
    page.goto(f"{app_url}/compose")  # a fresh composer
    expect(page.get_by_test_id("compose-text")).to_be_visible(timeout=30000)
    select_chip(page, "demo")
    type_text(page, text)
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)


def _settings(page: Page) -> None:
    page.get_by_test_id("nav-settings").click()
    expect(page.get_by_test_id("privacy-settings")).to_be_visible()


def test_privacy_mode_publish_shows_content_not_stored(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    _publish(page, app_url, "Published before privacy mode: otter-lantern")

    # Switching on with a post already published asks, explicitly, what to do with it.
    _settings(page)
    expect(page.get_by_test_id("privacy-mode")).to_have_attribute("data-state", "unchecked")  # off by default
    page.get_by_test_id("privacy-mode").click()
    dialog = page.get_by_test_id("privacy-purge-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1 published post still holds its text and media")
    page.get_by_test_id("privacy-purge-now").click()
    expect(page.get_by_test_id("privacy-notice")).to_contain_text("Content of 1 published post wiped")

    _publish(page, app_url, "Private launch text: walrus-compass")

    page.get_by_test_id("nav-posts").click()
    rows = page.get_by_test_id("post-text")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_text(NOT_STORED)
    expect(rows.nth(1)).to_have_text(NOT_STORED)
    expect(page.get_by_test_id("post-live-link").first).to_have_attribute("href", DEMO_LINK)
    expect(page.get_by_text("walrus-compass")).to_have_count(0)

    rows.first.click()  # the post's own page (the composer's read view)
    expect(page.get_by_test_id("content-not-stored")).to_have_text("Content not stored (privacy mode)")
    link = page.get_by_test_id("privacy-live-link").first
    expect(link).to_have_attribute("href", DEMO_LINK)
    expect(page.get_by_test_id("published-view")).to_be_visible()
    expect(page.get_by_text("walrus-compass")).to_have_count(0)
    # The live post is still there, on the (Demo) platform.
    page.goto(link.get_attribute("href"))
    expect(page.get_by_test_id("demo-post-text")).to_contain_text("walrus-compass")
