"""Email delivery over SMTP (`SOCIALHUB_SMTP_URL`, `SOCIALHUB_MAIL_FROM`).

URL forms: `smtp://user:pass@host:587` (STARTTLS when the server offers it, required when a
password is given), `smtp+starttls://…` (STARTTLS required), `smtps://…` (TLS from the first
byte, port 465) and `smtp+plain://…` (never TLS; for a local relay or tests). Credentials in the
URL are percent-decoded. smtplib is blocking, so async callers use `send_async` (a worker thread).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from services.config import get_settings
from services.errors import UserError

log = logging.getLogger("socialhub.mail")
TIMEOUT_SECONDS = 20


class MailError(UserError):
    """The message could not be handed to the SMTP server (the text says why, without secrets)."""


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # starttls-optional | starttls | ssl | plain
    username: str = ""
    password: str = ""


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    security = {"smtp": "starttls-optional", "smtp+starttls": "starttls", "smtps": "ssl", "smtp+ssl": "ssl",
                "smtp+plain": "plain"}.get(scheme)
    if security is None or not parts.hostname:
        raise MailError("SOCIALHUB_SMTP_URL must look like smtp://user:password@host:587 (or smtps://, smtp+starttls://).")
    default_port = 465 if security == "ssl" else 587
    return SmtpTarget(host=parts.hostname, port=parts.port or default_port, security=security,
                      username=unquote(parts.username or ""), password=unquote(parts.password or ""))


def mail_configured() -> bool:
    return bool(get_settings().smtp_url)


def verification_required() -> bool:
    """New accounts must confirm their address: SMTP configured and SOCIALHUB_EMAIL_VERIFICATION not off."""
    return mail_configured() and get_settings().email_verification


def _sender() -> str:
    settings = get_settings()
    if settings.mail_from:
        return settings.mail_from
    host = urlsplit(settings.base_url).hostname or "localhost"
    return f"SocialHub <no-reply@{host}>"


def build_message(to: str, subject: str, text: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _sender()
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=(urlsplit(get_settings().base_url).hostname or "localhost"))
    msg.set_content(text)
    return msg


def send(to: str, subject: str, text: str) -> None:
    """Deliver one plain-text message; raises MailError (never logs the body: it may hold a link)."""
    if not mail_configured():
        raise MailError("Email is not configured on this server (SOCIALHUB_SMTP_URL).")
    target = parse_smtp_url(get_settings().smtp_url)
    msg = build_message(to, subject, text)
    context = ssl.create_default_context()
    try:
        if target.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(target.host, target.port, timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(target.host, target.port, timeout=TIMEOUT_SECONDS)
        with client:
            client.ehlo()
            if target.security in {"starttls", "starttls-optional"}:
                if client.has_extn("starttls"):
                    client.starttls(context=context)
                    client.ehlo()
                elif target.security == "starttls" or target.password:
                    raise MailError("The SMTP server does not offer STARTTLS; refusing to send the password in clear.")
            if target.username:
                client.login(target.username, target.password)
            client.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("mail to %s failed: %s", to.split("@")[-1], type(exc).__name__)
        raise MailError(f"The mail server refused or could not be reached ({type(exc).__name__}).") from exc


async def send_async(to: str, subject: str, text: str) -> None:
    await asyncio.to_thread(send, to, subject, text)
