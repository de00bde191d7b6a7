"""UI steps shared by the AI e2e tests: add a provider, create a persona, ask the composer's assistant."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import open_composer, select_chip


def open_ai_page(page: Page, section: str) -> None:
    page.get_by_test_id("nav-ai").click()
    page.get_by_test_id(f"ai-subnav-{section}").click()
    expect(page).to_have_url(re.compile(rf"/ai/{section}$"))


def fill_provider_form(page: Page, *, name: str, base_url: str, model: str, key: str = "",
                       price_in: str = "", price_out: str = "", personal: bool = False) -> None:  # fmt: skip
    open_ai_page(page, "providers")
    page.get_by_test_id("ai-provider-input-name").fill(name)
    page.get_by_test_id("ai-provider-input-base-url").fill(base_url)
    page.get_by_test_id("ai-provider-input-model").fill(model)
    page.get_by_test_id("ai-provider-input-api-key").fill(key)
    page.get_by_test_id("ai-provider-input-price-in").fill(price_in)
    page.get_by_test_id("ai-provider-input-price-out").fill(price_out)
    if personal:
        page.get_by_role("radio", name="personal").click()
    page.get_by_test_id("ai-provider-add").click()


def add_provider(page: Page, **fields: object) -> None:
    fill_provider_form(page, **fields)
    expect(page.locator(f"[data-testid=ai-provider-row][data-name='{fields['name']}']")).to_have_count(1)


def create_persona(page: Page, *, name: str, audience: str, tone: str = "", assign: str = "") -> None:
    open_ai_page(page, "personas")
    page.get_by_test_id("ai-persona-new").click()
    page.get_by_test_id("ai-persona-name-input").fill(name)
    page.get_by_test_id("ai-persona-audience-input").fill(audience)
    if tone:
        page.get_by_test_id("ai-persona-tone-input").fill(tone)
    if assign:
        box = page.get_by_test_id(f"ai-persona-account-{assign}")
        box.click()
        expect(box).to_have_attribute("data-state", "checked")
    page.get_by_test_id("ai-persona-save").click()
    expect(page.locator(f"[data-testid=ai-persona-row][data-name='{name}']")).to_have_count(1)


def open_assistant(page: Page, platform: str = "demo") -> None:
    open_composer(page)
    select_chip(page, platform)
    page.get_by_test_id("ai-toggle").click()
    expect(page.get_by_test_id("ai-panel")).to_be_visible()


def wait_done(page: Page, count: int = 1) -> None:
    expect(page.locator("[data-testid=ai-suggestion-text][data-done=true]")).to_have_count(count, timeout=60000)
