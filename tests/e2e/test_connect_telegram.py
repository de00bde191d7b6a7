"""Accounts page → connect a Telegram channel (fake Bot API) → publish a post to it from the composer."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import compose_action, open_composer, select_chip, type_text
from tests.fakes.telegram import BOT_TOKEN, CHANNEL, NOT_ADMIN_CHANNEL


def test_connect_telegram_and_publish(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    fake = app_env["fakes"]["telegram"]
    page.get_by_test_id("nav-accounts").click()
    card = page.get_by_test_id("platform-card-telegram")
    expect(card).to_contain_text("not reported")  # says up front that views can't be read

    # a bot that is only a member: refused with words that say what to do
    page.get_by_label("Bot token").fill(BOT_TOKEN)
    page.get_by_label("Channel or group").fill(NOT_ADMIN_CHANNEL)
    page.get_by_test_id("connect-telegram").click()
    expect(page.get_by_test_id("accounts-error")).to_contain_text("not an administrator")
    expect(page.locator("[data-testid=account-row][data-platform=telegram]")).to_have_count(0)

    page.get_by_test_id("telegram-token-input").fill(BOT_TOKEN)
    page.get_by_test_id("telegram-chat-input").fill(CHANNEL)
    page.get_by_test_id("telegram-silent").click()
    page.get_by_test_id("connect-telegram").click()
    row = page.locator("[data-testid=account-row][data-platform=telegram]")
    expect(row).to_have_count(1, timeout=30000)
    expect(row.get_by_test_id("account-name")).to_have_text("SocialHub News")
    expect(row.get_by_test_id("account-status")).to_have_text("active")
    expect(row.get_by_test_id("account-metrics-note")).to_contain_text("not reported")
    expect(page.get_by_test_id("telegram-token-input")).to_have_value("")
    assert BOT_TOKEN not in page.content(), "the bot token never comes back to the page"

    open_composer(page)
    select_chip(page, "telegram")
    text = f"Hello Telegram <3 & friends {uuid.uuid4().hex[:8]}"
    type_text(page, text)
    expect(page.get_by_test_id("counter-telegram")).to_contain_text(f"{len(text)}/4096")
    compose_action(page, "publish-now")
    expect(page.get_by_test_id("result-status-telegram")).to_have_text("published", timeout=30000)
    expect(page.get_by_test_id("result-link-telegram")).to_have_attribute(
        "href", re.compile(r"^https://t\.me/socialhub_news/\d+$")
    )
    [sent] = [m for m in fake.messages if "friends" in m.get("text", "") and text[-8:] in m["text"]]
    assert sent["text"] == text.replace("&", "&amp;").replace("<", "&lt;")
    assert sent["parse_mode"] == "HTML" and sent["silent"] is True
