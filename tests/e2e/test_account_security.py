"""Sign-in security in Chromium: HttpOnly cookie, TOTP enrol → code at login → recovery code once, reset by mail."""

from __future__ import annotations

import re
import time

import pyotp
from playwright.sync_api import Page, expect

from tests.fakes.smtp import first_link


def _login(page: Page, app_url: str, email: str, password: str) -> None:
    page.goto(f"{app_url}/login")
    expect(page.locator("[data-testid=login-form][data-hydrated=true]")).to_have_count(1, timeout=20000)
    for label, value in (("Email", email), ("Password", password)):
        page.get_by_label(label).fill(value)
        expect(page.get_by_label(label)).to_have_value(value)
    page.get_by_test_id("login-submit").click()


def _logout(page: Page) -> None:
    page.get_by_test_id("logout-button").click()
    expect(page).to_have_url(re.compile(r"/login/?$"), timeout=20000)


def test_session_cookie_is_httponly_and_lax(page: Page, app_url: str, new_user: dict) -> None:
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["socialhub_session"]
    assert session["httpOnly"] is True and session["sameSite"] == "Lax" and session["path"] == "/"
    assert "socialhub_session" not in page.evaluate("document.cookie")
    # logout clears it through the server's response
    _logout(page)
    assert "socialhub_session" not in {c["name"] for c in page.context.cookies()}
    page.goto(f"{app_url}/settings")
    expect(page).to_have_url(re.compile(r"/login/?$"), timeout=15000)


def test_totp_enrol_then_login_needs_a_code_and_recovery_code_works_once(
    page: Page, app_url: str, new_user: dict
) -> None:
    page.goto(f"{app_url}/settings/security")
    expect(page.get_by_test_id("2fa-status")).to_have_attribute("data-on", "false", timeout=20000)
    page.get_by_test_id("2fa-start").click()
    expect(page.get_by_test_id("2fa-qr")).to_be_visible()
    assert page.get_by_test_id("2fa-qr").get_attribute("src").startswith("data:image/svg+xml")
    secret = page.get_by_test_id("2fa-manual-key").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_test_id("2fa-confirm").click()
    expect(page.get_by_test_id("2fa-recovery-code")).to_have_count(10)
    codes = [c.strip() for c in page.get_by_test_id("2fa-recovery-code").all_inner_texts()]
    page.get_by_test_id("2fa-codes-done").click()
    expect(page.get_by_test_id("2fa-status")).to_have_attribute("data-on", "true")
    _logout(page)

    # the password alone is not enough any more
    _login(page, app_url, new_user["email"], new_user["password"])
    code_input = page.get_by_label("Authentication code")
    expect(code_input).to_be_visible(timeout=20000)
    code_input.fill(totp.at(time.time() + 30))  # the next step: the confirmation code can't be replayed
    page.get_by_test_id("totp-submit").click()
    expect(page.get_by_test_id("whoami-name")).to_have_text(new_user["name"], timeout=20000)
    _logout(page)

    # a recovery code works once
    _login(page, app_url, new_user["email"], new_user["password"])
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_test_id("totp-submit").click()
    expect(page.get_by_test_id("whoami-name")).to_have_text(new_user["name"], timeout=20000)
    _logout(page)
    _login(page, app_url, new_user["email"], new_user["password"])
    page.get_by_label("Authentication code").fill(codes[0])
    page.get_by_test_id("totp-submit").click()
    expect(page.get_by_test_id("auth-error")).to_contain_text("already used")
    expect(page).to_have_url(re.compile(r"/login/?$"))


def test_password_reset_mail_link_works_once(page: Page, app_url: str, app_env: dict, new_user: dict) -> None:
    smtp = app_env["fakes"]["smtp"]
    _logout(page)
    expect(page.get_by_test_id("to-forgot-password")).to_be_visible()
    page.goto(f"{app_url}/forgot-password")
    email = page.get_by_label("Email")
    expect(email).to_be_visible()
    email.fill(new_user["email"])
    expect(email).to_have_value(new_user["email"])
    page.get_by_test_id("forgot-submit").click()
    expect(page.get_by_test_id("reset-notice")).to_contain_text("If an account exists", timeout=20000)
    link = first_link(smtp.wait_for(new_user["email"])[-1])
    assert link.startswith(f"{app_url}/reset-password?token=")

    page.goto(link)
    page.get_by_label("New password (at least 10 characters)").fill("a fresh new password")
    page.get_by_label("New password again").fill("a fresh new password")
    page.get_by_test_id("reset-submit").click()
    expect(page.get_by_test_id("auth-notice")).to_contain_text("Your password was changed", timeout=20000)

    _login(page, app_url, new_user["email"], "a fresh new password")
    expect(page.get_by_test_id("whoami-name")).to_have_text(new_user["name"], timeout=20000)
    _logout(page)
    page.goto(link)
    expect(page.get_by_test_id("reset-link-invalid")).to_be_visible(timeout=20000)


def test_sessions_page_signs_out_another_device(page: Page, app_url: str, new_user: dict, browser) -> None:  # noqa: ANN001
    other = browser.new_context(user_agent="OtherDevice/1.0")
    try:
        phone = other.new_page()
        _login(phone, app_url, new_user["email"], new_user["password"])
        expect(phone.get_by_test_id("whoami-name")).to_have_text(new_user["name"], timeout=20000)

        page.goto(f"{app_url}/settings/security")
        rows = page.get_by_test_id("session-row")
        expect(rows).to_have_count(2, timeout=20000)
        expect(page.locator("[data-testid=session-row][data-current=yes]")).to_have_count(1)
        expect(page.locator("[data-testid=session-row][data-current='']")).to_contain_text("OtherDevice/1.0")
        page.get_by_role("button", name="Sign out this session").click()
        expect(rows).to_have_count(1)

        phone.goto(f"{app_url}/compose")
        expect(phone).to_have_url(re.compile(r"/login/?$"), timeout=20000)
    finally:
        other.close()
