"""Small UI steps shared by e2e tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def connect_demo(page: Page) -> None:
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("connect-demo").click()
    expect(page.locator("[data-testid=account-row][data-platform=demo]")).to_have_count(1)


def connect_mastodon(page: Page, instance_url: str) -> None:
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("mastodon-instance-input").fill(instance_url)
    page.get_by_test_id("connect-mastodon").click()
    expect(page.locator("[data-testid=account-row][data-platform=mastodon]")).to_have_count(1, timeout=30000)


def connect_x(page: Page) -> None:
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("connect-x").click()
    expect(page.locator("[data-testid=account-row][data-platform=x]")).to_have_count(1, timeout=30000)


def open_composer(page: Page) -> None:
    page.get_by_test_id("nav-compose").click()
    expect(page.get_by_test_id("compose-text")).to_be_visible()


def select_chip(page: Page, platform: str) -> None:
    """Select an account; a workspace's only account is preselected once the composer has loaded."""
    expect(page.get_by_test_id("compose-text")).to_be_editable()  # hydrated: the load's preselection is in
    chip = page.locator(f"[data-testid^=chip-{platform}-]").first
    try:
        # the preselection can land a moment after hydration: clicking before it would toggle it off again
        expect(chip).to_have_attribute("data-selected", "true", timeout=2000)
    except AssertionError:
        chip.click()
    expect(chip).to_have_attribute("data-selected", "true")


MENU_ACTIONS = ("publish-now", "save-draft", "add-to-queue")


def compose_action(page: Page, testid: str) -> None:
    """Click a composer action: Schedule / Add to queue are the primary button, the others sit in its ▾ menu."""
    target = page.get_by_test_id(testid)
    menu = page.get_by_test_id("compose-actions-menu")
    if testid in MENU_ACTIONS and menu.count() and not (target.count() and target.first.is_visible()):
        menu.click()
        target = page.get_by_role("menuitem").and_(page.get_by_test_id(testid))
    target.first.click()


def type_text(page: Page, text: str) -> None:
    editor = page.get_by_test_id("compose-text")
    editor.fill(text)
    expect(editor).to_have_value(text)


def connect_bluesky(page: Page, handle: str, app_password: str) -> None:
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("bluesky-handle-input").fill(handle)
    page.get_by_test_id("bluesky-password-input").fill(app_password)
    page.get_by_test_id("connect-bluesky").click()
    expect(page.locator("[data-testid=account-row][data-platform=bluesky]")).to_have_count(1, timeout=30000)
