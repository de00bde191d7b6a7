"""A newcomer registers, logs out, logs back in; bad input and stale sessions are handled."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.conftest import register_through_ui


def _login(page: Page, app_url: str, email: str, password: str) -> None:
    page.goto(f"{app_url}/login")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-submit").click()


def test_register_logout_login_wrong_password_and_protected_redirect(page: Page, app_url: str) -> None:
    user = {"email": f"Alice-{uuid.uuid4().hex[:6]}@Example.com ", "name": "Alice <b>Bold</b>",
            "password": "a long enough password"}
    register_through_ui(page, app_url, user)
    # who am I: the name is rendered as text, never as HTML
    expect(page.get_by_test_id("whoami-name")).to_have_text("Alice <b>Bold</b>")
    expect(page.get_by_test_id("workspace-name")).to_contain_text("Alice <b>Bold</b>'s workspace")
    expect(page.get_by_test_id("count-accounts")).to_have_text("0")
    expect(page.get_by_test_id("count-scheduled")).to_have_text("0")

    page.get_by_test_id("logout-button").click()
    expect(page).to_have_url(re.compile(r"/login/?$"))

    # protected URL while logged out → /login
    page.goto(f"{app_url}/compose")
    expect(page).to_have_url(re.compile(r"/login/?$"), timeout=15000)

    # wrong password → clear error, still on login
    _login(page, app_url, user["email"].strip().lower(), "not the password")
    expect(page.get_by_test_id("auth-error")).to_contain_text("Wrong email or password")

    # login with the email in another case (normalized) works
    _login(page, app_url, user["email"].upper().strip(), user["password"])
    expect(page.get_by_test_id("whoami-name")).to_have_text("Alice <b>Bold</b>", timeout=15000)


def test_registration_rejects_bad_input(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/register")
    page.get_by_test_id("email-input").fill("not-an-email@")
    page.get_by_test_id("name-input").fill("Bob")
    page.get_by_test_id("password-input").fill("long enough password")
    # bypass the browser's own type=email validation to reach the server's message
    page.evaluate("document.querySelector('[data-testid=email-input]').type='text'")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("auth-error")).to_contain_text("doesn't look like an email")

    page.get_by_test_id("email-input").fill(f"bob-{uuid.uuid4().hex[:6]}@example.com")
    page.get_by_test_id("password-input").fill("short")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("auth-error")).to_contain_text("at least 10 characters")


def test_duplicate_email_is_rejected(page: Page, app_url: str, new_user: dict) -> None:
    page.get_by_test_id("logout-button").click()
    page.goto(f"{app_url}/register")
    page.get_by_test_id("email-input").fill(new_user["email"])
    page.get_by_test_id("name-input").fill("Someone Else")
    page.get_by_test_id("password-input").fill("another long password")
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("auth-error")).to_contain_text("already exists")


def test_forged_session_cookie_redirects_to_login(page: Page, app_url: str) -> None:
    page.context.add_cookies([{"name": "socialhub_session", "value": "forged-token", "url": app_url}])
    page.goto(f"{app_url}/")
    expect(page).to_have_url(re.compile(r"/login/?$"), timeout=15000)
