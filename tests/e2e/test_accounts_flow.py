"""Connecting accounts in the browser: Demo in one click, Mastodon through the real OAuth redirect dance."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.calendar_helpers import set_instance_admin


def test_connect_demo_network_then_disconnect(page: Page, app_url: str, new_user: dict) -> None:
    page.get_by_test_id("nav-accounts").click()
    expect(page.get_by_test_id("accounts-empty")).to_be_visible()
    page.get_by_test_id("connect-demo").click()
    row = page.locator("[data-testid=account-row][data-platform=demo]")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("account-status")).to_have_text("active")
    # the dashboard counts it
    page.get_by_test_id("nav-dashboard").click()
    expect(page.get_by_test_id("count-accounts")).to_have_text("1")
    page.get_by_test_id("nav-accounts").click()
    row.get_by_test_id("disconnect-button").click()
    page.get_by_test_id("confirm-disconnect").click()
    expect(row).to_have_count(0)
    expect(page.get_by_test_id("accounts-empty")).to_be_visible()


def test_unconfigured_platform_shows_disabled_connect_with_env_help(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    set_instance_admin(app_env, new_user["email"], True)  # the variables are for the person who can set them
    page.get_by_test_id("nav-accounts").click()
    expect(page.get_by_test_id("connect-linkedin")).to_be_disabled()
    expect(page.get_by_test_id("config-help-linkedin")).to_contain_text("SOCIALHUB_LINKEDIN_CLIENT_ID")
    expect(page.get_by_test_id("connect-x")).to_be_enabled()


def test_connect_mastodon_through_redirect_then_disconnect(page: Page, app_url: str, new_user: dict, app_env: dict) -> None:
    fake = app_env["fakes"]["mastodon"]
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("mastodon-instance-input").fill(fake.url)
    page.get_by_test_id("connect-mastodon").click()
    # the browser goes to the fake instance's /oauth/authorize, which redirects back with a code
    row = page.locator("[data-testid=account-row][data-platform=mastodon]")
    expect(row).to_have_count(1, timeout=30000)
    expect(row.get_by_test_id("account-status")).to_have_text("active")
    assert fake.requests_to("POST", "/api/v1/apps"), "the app registered itself on the instance"
    token_calls = fake.requests_to("POST", "/oauth/token")
    assert token_calls and token_calls[-1].form.get("grant_type") == "authorization_code"
    row.get_by_test_id("disconnect-button").click()
    page.get_by_test_id("confirm-disconnect").click()
    expect(row).to_have_count(0)
    assert fake.requests_to("POST", "/oauth/revoke"), "disconnect revokes the token at the instance"


def test_callback_with_forged_state_shows_message_and_stores_nothing(page: Page, app_url: str, new_user: dict) -> None:
    page.goto(f"{app_url}/oauth/callback/mastodon?code=abc&state=forged")
    expect(page.get_by_test_id("callback-title")).to_have_text("Connection failed")
    page.get_by_test_id("callback-back").click()
    expect(page.get_by_test_id("accounts-empty")).to_be_visible()


def test_connect_bluesky_with_app_password_and_wrong_password_message(
    page: Page, app_url: str, new_user: dict, app_env: dict
) -> None:
    fake = app_env["fakes"]["bluesky"]
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("bluesky-handle-input").fill(fake.handle)
    page.get_by_test_id("bluesky-password-input").fill("wrong-pass-word-xxxx")
    page.get_by_test_id("connect-bluesky").click()
    expect(page.get_by_test_id("accounts-error")).to_contain_text("app password")
    expect(page.locator("[data-testid=account-row][data-platform=bluesky]")).to_have_count(0)
    page.get_by_test_id("bluesky-handle-input").fill(fake.handle)
    page.get_by_test_id("bluesky-password-input").fill(fake.main_password)
    page.get_by_test_id("connect-bluesky").click()
    expect(page.get_by_test_id("accounts-error")).to_contain_text("main Bluesky password")
    expect(page.get_by_test_id("accounts-error")).to_contain_text("App passwords")
    expect(page.locator("[data-testid=account-row][data-platform=bluesky]")).to_have_count(0)
    page.get_by_test_id("bluesky-handle-input").fill(fake.handle)
    page.get_by_test_id("bluesky-password-input").fill(fake.app_password)
    page.get_by_test_id("connect-bluesky").click()
    row = page.locator("[data-testid=account-row][data-platform=bluesky]")
    expect(row).to_have_count(1, timeout=15000)
    expect(row.get_by_test_id("account-status")).to_have_text("active")
    # the app password never comes back to the page
    assert fake.app_password not in page.content()
