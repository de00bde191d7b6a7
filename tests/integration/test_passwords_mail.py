"""Password change/reset, email verification and SMTP delivery against a real local SMTP server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from services import auth, passwords, registration, signin, verification
from services.admin.__main__ import main as admin_main
from services.config import reset_settings
from services.db import session_scope
from services.mail import MailError, parse_smtp_url, send
from services.models import AuthToken, User
from tests.fakes.smtp import FakeSmtpServer, first_link

PW = "a strong password"
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer(username="mailer", password="s3cret pass").start()
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", server.url.replace("s3cret pass", "s3cret%20pass"))
    monkeypatch.setenv("SOCIALHUB_MAIL_FROM", "SocialHub <hub@example.org>")
    monkeypatch.setenv("SOCIALHUB_BASE_URL", "https://hub.example.org")
    reset_settings()
    yield server
    server.stop()


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_smtp_url_forms() -> None:
    assert parse_smtp_url("smtp://u:p%40ss@mail.example:2525").password == "p@ss"
    assert parse_smtp_url("smtps://mail.example").port == 465 and parse_smtp_url("smtps://m").security == "ssl"
    assert parse_smtp_url("smtp+starttls://m").security == "starttls"
    with pytest.raises(MailError, match="must look like"):
        parse_smtp_url("http://mail.example")


def test_mail_is_delivered_with_login(db: str, smtp: FakeSmtpServer) -> None:
    send("ann@example.com", "Hello", "A body line.")
    msg = smtp.wait_for("ann@example.com")[0]
    assert msg["Subject"] == "Hello" and msg["From"] == "SocialHub <hub@example.org>"


def test_plain_smtp_with_password_and_no_starttls_is_refused(db: str, smtp: FakeSmtpServer,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", f"smtp://mailer:x@127.0.0.1:{smtp.port}")
    reset_settings()
    with pytest.raises(MailError, match="STARTTLS"):
        send("ann@example.com", "Hello", "body")
    assert smtp.messages == []


def test_reset_by_mail_works_once_and_ends_every_session(db: str, smtp: FakeSmtpServer) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    old_session = auth.login("ann@example.com", PW)
    answer = passwords.request_reset("ANN@example.com", client="1.1.1.1")
    assert answer == passwords.request_reset("nobody@example.com", client="1.1.1.1")  # same answer
    link = first_link(smtp.wait_for("ann@example.com")[0])
    assert link.startswith("https://hub.example.org/reset-password?token=")
    assert len(smtp.messages) == 1  # nothing was sent for the unknown address
    token = _token(link)
    with session_scope() as s:
        assert all(token not in row.token_hash for row in s.exec(select(AuthToken)).all())
    with pytest.raises(auth.AuthError, match="at least 10"):
        passwords.reset_password(token, "short")
    passwords.reset_password(token, "a brand new password")
    assert auth.resolve_session(old_session) is None
    with pytest.raises(auth.AuthError, match="already used"):
        passwords.reset_password(token, "another new password")
    assert auth.login("ann@example.com", "a brand new password")


def test_reset_link_expires_after_an_hour(db: str, smtp: FakeSmtpServer) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    link = passwords.reset_link(_user_id("ann@example.com"))
    with session_scope() as s:
        row = s.exec(select(AuthToken).where(AuthToken.purpose == "reset")).one()
        assert row.expires_at - row.created_at == timedelta(hours=1)
        row.expires_at = row.created_at - timedelta(seconds=1)
    assert passwords.reset_token_valid(_token(link)) is False


def _user_id(email: str) -> int:
    with session_scope() as s:
        return int(s.exec(select(User.id).where(User.email == email)).one())


def test_change_password_needs_the_current_one_and_ends_other_sessions(db: str) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    here = auth.resolve_session(auth.login("ann@example.com", PW))
    elsewhere = auth.login("ann@example.com", PW)
    with pytest.raises(auth.AuthError, match="current password is not right"):
        passwords.change_password(here.user_id, "wrong password", "a brand new password", here.session_id)
    assert passwords.change_password(here.user_id, PW, "a brand new password", here.session_id) == 1
    assert auth.resolve_session(elsewhere) is None
    with pytest.raises(auth.AuthError, match="Wrong email or password"):
        auth.login("ann@example.com", PW)


def test_new_accounts_verify_their_email_when_smtp_is_configured(db: str, smtp: FakeSmtpServer,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    result = registration.sign_up("ann@example.com", "Ann", PW, client="1.1.1.1")
    assert result.verification_sent_to == "ann@example.com" and not result.grant
    link = first_link(smtp.wait_for("ann@example.com")[0])
    with pytest.raises(auth.AuthError, match="confirm your email"):
        signin.start("ann@example.com", PW)
    assert verification.verify_email(_token(link)) is True
    assert verification.verify_email(_token(link)) is False  # once
    assert signin.start("ann@example.com", PW).grant


def test_reset_without_smtp_is_done_with_the_admin_command(db: str, capsys: pytest.CaptureFixture) -> None:
    auth.register_user("ann@example.com", "Ann", PW)
    with pytest.raises(auth.AuthError, match="cannot send email"):
        passwords.request_reset("ann@example.com")
    assert admin_main(["reset-password", "Ann@Example.com"]) == 0
    link = capsys.readouterr().out.strip().splitlines()[-1]
    passwords.reset_password(_token(link), "a brand new password")
    assert admin_main(["reset-password", "nobody@example.com"]) == 1
    assert "No account" in capsys.readouterr().err


def test_a_sign_up_whose_mail_fails_is_created_and_says_so_instead_of_refusing(
    db: str, smtp: FakeSmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20 item 12: an answer that reads as a refusal must not have changed anything; the account
    exists, so the result is a notice (a retry would only have said "already exists")."""
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", smtp.url.replace("s3cret pass", "wrong"))
    monkeypatch.setenv("SOCIALHUB_REGISTRATION", "open")
    reset_settings()
    result = registration.sign_up("bea@example.com", "Bea", PW, client="1.1.1.2")
    assert "account was created" in result.mail_problem and not result.grant
    with pytest.raises(auth.AuthError, match="already exists"):
        registration.sign_up("bea@example.com", "Bea", PW, client="1.1.1.2")
