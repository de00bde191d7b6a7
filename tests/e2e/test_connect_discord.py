"""Accounts page → connect a Discord channel webhook (fake): a bad URL is explained, a good one connects."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_connect_discord_webhook(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    fake = app_env["fakes"]["discord"]
    page.get_by_test_id("nav-accounts").click()
    expect(page.get_by_test_id("platform-card-discord")).to_contain_text("doesn't report metrics")

    page.get_by_label("Channel webhook URL").fill("https://example.com/not-a-webhook")
    page.get_by_test_id("connect-discord").click()
    expect(page.get_by_test_id("accounts-error")).to_contain_text("not a Discord webhook URL")

    page.get_by_test_id("discord-webhook-input").fill(fake.webhook_url())
    page.get_by_test_id("connect-discord").click()
    row = page.locator("[data-testid=account-row][data-platform=discord]")
    expect(row).to_have_count(1, timeout=30000)
    expect(row.get_by_test_id("account-name")).to_have_text("SocialHub Announcements")
    expect(row.get_by_test_id("account-metrics-note")).to_contain_text("Discord doesn't report metrics")
    expect(page.get_by_test_id("discord-webhook-input")).to_have_value("")  # the secret is not left on screen
    assert fake.webhook_url().rsplit("/", 1)[-1] not in page.content()
