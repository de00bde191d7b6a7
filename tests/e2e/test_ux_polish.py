"""Issue 20 leftovers: every empty state's next action (item 4), "New post on <day>" in the phone agenda
(item 9) and input problems next to their field on the Automation and AI pages (item 7)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.ai_steps import open_ai_page
from tests.e2e.helpers import connect_demo


def test_every_empty_state_has_its_next_action(page: Page, app_url: str, new_user: dict) -> None:
    page.goto(f"{app_url}/")
    failures = page.get_by_test_id("failures-empty")
    expect(failures).to_contain_text("No failed posts")
    failures.get_by_role("button", name="Open the calendar").click()
    expect(page).to_have_url(re.compile(r"/calendar"))

    page.goto(f"{app_url}/notifications")
    empty = page.get_by_test_id("notifications-empty").first
    expect(empty).to_contain_text("Nothing yet")
    empty.get_by_test_id("notifications-open-calendar").click()
    expect(page).to_have_url(re.compile(r"/calendar"))

    page.goto(f"{app_url}/review")
    review = page.get_by_test_id("review-empty")
    expect(review).to_contain_text("Nothing waits for your review")
    expect(review.get_by_role("button", name="Open the calendar")).to_be_visible()
    review.get_by_role("button", name="Create post").click()
    expect(page).to_have_url(re.compile(r"/compose"))

    page.goto(f"{app_url}/automation/webhooks")
    page.get_by_test_id("webhook-empty").get_by_role("button", name="Add a webhook").click()
    expect(page.get_by_test_id("webhook-url")).to_be_focused()

    page.goto(f"{app_url}/automation/feeds")
    page.get_by_test_id("feed-empty").get_by_role("button", name="Add a feed").click()
    expect(page.get_by_test_id("feed-url")).to_be_focused()


def test_phone_agenda_offers_a_new_post_on_each_future_day(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    page.set_viewport_size({"width": 390, "height": 844})
    day = date.today() + timedelta(days=40)
    page.goto(f"{app_url}/calendar?view=month&date={day.isoformat()}")
    expect(page.get_by_test_id("cal-agenda")).to_be_visible()
    link = page.locator(f"[data-testid=agenda-new-post][data-at='{day.isoformat()}T09:00']")
    expect(link).to_have_count(1)
    expect(link).to_have_attribute("aria-label", re.compile(r"^New post on "))
    expect(link).to_have_attribute("href", re.compile(rf"/compose\?at={day.isoformat()}T09(:|%3A)00"))
    link.click()
    expect(page).to_have_url(re.compile(rf"/compose\?at={day.isoformat()}T09(:|%3A)00"))


def test_automation_input_problems_sit_under_their_field_and_go_when_it_changes(
    page: Page, app_url: str, new_user: dict
) -> None:
    page.goto(f"{app_url}/automation/webhooks")
    page.get_by_test_id("webhook-add").click()  # no URL yet
    message = page.get_by_test_id("webhook-url-error")
    expect(message).to_contain_text("Enter the URL")
    expect(page.get_by_test_id("webhook-url")).to_have_attribute("aria-describedby", "webhook-url-message")
    expect(page.locator("[data-testid=webhook-error]")).to_have_count(0)  # no red box repeating it
    page.get_by_test_id("webhook-url").fill("https://example.com/hook")
    expect(message).to_have_count(0)

    page.goto(f"{app_url}/automation/feeds")
    page.get_by_test_id("feed-add").click()
    feed_message = page.get_by_test_id("feed-url-error")
    expect(feed_message).to_contain_text("feed's address")
    expect(page.locator("[data-testid=feed-error]")).to_have_count(0)
    page.get_by_test_id("feed-url").fill("https://blog.example.com/feed.xml")
    expect(feed_message).to_have_count(0)


def test_ai_provider_problems_sit_under_their_field_and_go_when_it_changes(
    page: Page, app_url: str, new_user: dict
) -> None:
    open_ai_page(page, "providers")
    page.get_by_test_id("ai-provider-input-name").fill("Broken")
    page.get_by_test_id("ai-provider-input-base-url").fill("not a url")
    page.get_by_test_id("ai-provider-input-model").fill("m")
    page.get_by_test_id("ai-provider-add").click()
    message = page.locator("#ai-provider-base_url-message")
    expect(message).to_contain_text("is not a URL")
    expect(message).to_have_attribute("data-testid", "ai-provider-error")
    expect(page.get_by_test_id("ai-provider-error")).to_have_count(1)
    page.get_by_test_id("ai-provider-input-base-url").fill("https://api.example.com/v1")
    expect(page.get_by_test_id("ai-provider-error")).to_have_count(0)

    page.get_by_test_id("ai-budget-input").fill("abc")
    page.get_by_test_id("ai-budget-save").click()
    budget = page.get_by_test_id("ai-budget-error")
    expect(budget).to_contain_text("US dollars")
    page.get_by_test_id("ai-budget-input").fill("12")
    expect(budget).to_have_count(0)
