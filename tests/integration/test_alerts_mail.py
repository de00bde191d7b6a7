"""Email alerts through a real SMTP server (aiosmtpd): opt-in per person and event, batched per 5 minutes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from services.alerts import get_alerts, send_due_alerts, set_alert
from services.config import reset_settings
from services.db import session_scope
from services.events import emit_event
from services.models import Membership
from tests.fakes.smtp import FakeSmtpServer, body_text
from tests.integration.webhook_support import now, workspace
from tests.seeding import seed_workspace


@pytest.fixture
def smtp(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer().start()
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", server.url)
    reset_settings()
    yield server
    server.stop()


def test_a_storm_of_failures_is_one_mail_per_five_minutes(smtp: FakeSmtpServer) -> None:
    org_id, user_id, _acc = workspace("Acme")
    # A second member who did not opt in, and one who opted in only to reconnect alerts.
    _o, quiet_id, _ = seed_workspace("Quiet", accounts=0)
    _o2, picky_id, _ = seed_workspace("Picky", accounts=0)
    with session_scope() as session:
        session.add(Membership(organization_id=org_id, user_id=quiet_id, role="editor"))
        session.add(Membership(organization_id=org_id, user_id=picky_id, role="viewer"))
    assert set_alert(org_id, user_id, "post.failed", True)["post.failed"] is True
    set_alert(org_id, user_id, "post.needs_review", True)
    set_alert(org_id, picky_id, "account.needs_reconnect", True)
    assert get_alerts(org_id, quiet_id) == dict.fromkeys(get_alerts(org_id, quiet_id), False)

    t0 = now()
    for n in range(120):  # a storm
        emit_event(org_id, "post.failed", {"post_id": n}, summary=f"Post {n} failed on demo: boom", now=t0)
    emit_event(org_id, "post.published", {"post_id": 1}, now=t0)  # not an alert type

    first = send_due_alerts(now=t0)
    assert first == {"mails": 1, "lines": 120, "errors": 0}
    [mail] = smtp.wait_for("acme@example.com")
    assert mail["Subject"] == "SocialHub: 120 alerts"
    text = body_text(mail)
    assert "[Acme]" in text and "Post 0 failed on demo: boom" in text and "and 70 more" in text

    emit_event(org_id, "post.failed", {"post_id": 500}, summary="Post 500 failed", now=t0 + timedelta(minutes=1))
    emit_event(org_id, "post.needs_review", {"post_id": 501}, summary="Post 501 needs review",
               now=t0 + timedelta(minutes=2))  # fmt: skip
    assert send_due_alerts(now=t0 + timedelta(minutes=2))["mails"] == 0  # within the 5 minutes: held back
    assert send_due_alerts(now=t0 + timedelta(minutes=5, seconds=1)) == {"mails": 1, "lines": 2, "errors": 0}
    second = smtp.wait_for("acme@example.com", count=2)[1]
    assert "Post 500 failed" in body_text(second) and "Post 501 needs review" in body_text(second)
    assert not [m for m in smtp.messages if "quiet" in (m["To"] or "") or "picky" in (m["To"] or "")]
    assert send_due_alerts(now=t0 + timedelta(minutes=20))["mails"] == 0  # nothing left


def test_switches_are_personal_and_need_smtp(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, _acc = workspace()
    set_alert(org_id, user_id, "post.failed", True)
    set_alert(org_id, user_id, "post.failed", True)  # twice: still one row
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", "")
    reset_settings()
    assert emit_event(org_id, "post.failed", {"post_id": 1}) == 0  # no SMTP: nothing queued
    assert send_due_alerts() == {"mails": 0, "lines": 0, "errors": 0}
    set_alert(org_id, user_id, "post.failed", False)
    assert get_alerts(org_id, user_id)["post.failed"] is False
    with pytest.raises(Exception, match="no email alert"):
        set_alert(org_id, user_id, "post.published", True)


def test_a_mail_server_outage_keeps_the_lines_for_later(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, _acc = workspace()
    server = FakeSmtpServer()
    monkeypatch.setenv("SOCIALHUB_SMTP_URL", server.url)  # not started yet: connection refused
    reset_settings()
    set_alert(org_id, user_id, "account.needs_reconnect", True)
    t0 = now()
    emit_event(org_id, "account.needs_reconnect", {"account": {"id": 1}}, summary="Reconnect Demo", now=t0)
    assert send_due_alerts(now=t0)["errors"] == 1
    server.start()
    try:
        assert send_due_alerts(now=t0 + timedelta(seconds=30))["mails"] == 0  # backing off a minute
        assert send_due_alerts(now=t0 + timedelta(minutes=2))["mails"] == 1
        [mail] = server.wait_for("acme@example.com")
        assert mail["Subject"] == "SocialHub: An account needs to be reconnected"
    finally:
        server.stop()
