"""Sign in with an identity provider in the browser, against a real OpenID Provider on loopback.

The app (tests/e2e/conftest.py) is configured with "Test IdP" (node-oidc-provider serving our
own small login page) and "Offline IdP" (nothing listens on its port).
"""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import register_through_ui
from tests.realservers.oidc_provider import ACCOUNTS


@pytest.fixture(autouse=True)
def _needs_provider(app_env: dict) -> None:
    if app_env.get("oidc") is None:
        pytest.skip("the OpenID Provider is not installed (npm ci in tests/realservers/oidc)")


def _login_page(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/login")
    expect(page.get_by_test_id("login-form")).to_have_attribute("data-hydrated", "true")


def _log_in_at_idp(page: Page, email: str, password: str) -> None:
    expect(page.get_by_role("heading", name="Test identity provider")).to_be_visible(timeout=30_000)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_test_id("idp-submit").click()


def test_sign_in_with_the_identity_provider_creates_the_account(page: Page, app_url: str) -> None:
    alice = ACCOUNTS[0]
    _login_page(page, app_url)
    button = page.get_by_role("link", name="Sign in with Test IdP")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name="Sign in with Offline IdP")).to_be_visible()
    button.click()
    _log_in_at_idp(page, alice.email, alice.password)
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30_000)  # signed in, on the dashboard
    expect(page).to_have_url(re.compile(re.escape(app_url) + r"/?$"))
    cookies = {c["name"]: c for c in page.context.cookies(app_url)}
    assert cookies["socialhub_session"]["httpOnly"]


def test_provider_down_says_why_and_the_password_still_works(page: Page, app_url: str, new_user: dict) -> None:
    page.context.clear_cookies()
    _login_page(page, app_url)
    page.get_by_role("link", name="Sign in with Offline IdP").click()
    expect(page.get_by_test_id("sso-error")).to_contain_text("Offline IdP is unavailable right now")
    expect(page).to_have_url(re.compile(r"/login/?\?sso=down"))
    expect(page.get_by_test_id("login-form")).to_have_attribute("data-hydrated", "true")
    page.get_by_test_id("email-input").fill(new_user["email"])
    page.get_by_test_id("password-input").fill(new_user["password"])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30_000)


def test_an_existing_account_is_linked_after_its_password(page: Page, app_url: str) -> None:
    carol = next(a for a in ACCOUNTS if a.email.startswith("carol"))
    local = {"email": carol.email, "name": "Carol", "password": "carol's local password"}
    register_through_ui(page, app_url, local)
    page.context.clear_cookies()
    _login_page(page, app_url)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    _log_in_at_idp(page, carol.email, carol.password)
    form = page.get_by_test_id("link-form")
    expect(form).to_be_visible(timeout=30_000)
    expect(form).to_contain_text(carol.email)
    page.get_by_label("Your SocialHub password").fill("not it at all")
    page.get_by_test_id("link-submit").click()
    expect(page.get_by_test_id("auth-error")).to_be_visible()
    page.get_by_label("Your SocialHub password").fill(local["password"])
    page.get_by_test_id("link-submit").click()
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30_000)
    # linked: the next sign-in with the provider goes straight in
    page.context.clear_cookies()
    _login_page(page, app_url)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    _log_in_at_idp(page, carol.email, carol.password)
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30_000)


def test_local_two_factor_is_still_asked_after_the_provider(page: Page, app_url: str) -> None:
    dave = next(a for a in ACCOUNTS if a.email.startswith("dave"))
    _login_page(page, app_url)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    _log_in_at_idp(page, dave.email, dave.password)
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30_000)
    page.goto(f"{app_url}/settings/security")
    expect(page.get_by_test_id("2fa-status")).to_have_attribute("data-on", "false", timeout=20_000)
    page.get_by_test_id("2fa-start").click()
    secret = page.get_by_test_id("2fa-manual-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_test_id("2fa-confirm").click()
    page.get_by_test_id("2fa-codes-done").click()
    expect(page.get_by_test_id("2fa-status")).to_have_attribute("data-on", "true")

    page.context.clear_cookies()
    _login_page(page, app_url)
    page.get_by_role("link", name="Sign in with Test IdP").click()
    _log_in_at_idp(page, dave.email, dave.password)
    code_input = page.get_by_label("Authentication code")
    expect(code_input).to_be_visible(timeout=30_000)  # the provider alone is not enough
    expect(page.get_by_test_id("workspace-name")).to_have_count(0)
    code_input.fill(totp.at(time.time() + 30))
    page.get_by_test_id("totp-submit").click()
    expect(page.get_by_test_id("workspace-name")).to_be_visible(timeout=30_000)
    assert not any(c["name"].endswith("_oidc_step") for c in page.context.cookies(app_url))  # step cookie cleared
