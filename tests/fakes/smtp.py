"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives.

Optionally requires AUTH (PLAIN/LOGIN over a plain connection, allowed for loopback tests) so the
client's login path is exercised too. `messages` holds parsed email.message.Message objects.
"""

from __future__ import annotations

import email
import re
import time
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.fakes.server import free_port


class _Keeper:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd hook names
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class FakeSmtpServer:
    def __init__(self, username: str = "", password: str = "") -> None:
        self.port = free_port()
        self.username, self.password = username, password
        self._keeper = _Keeper()
        kwargs = {}
        if username:
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False, "auth_required": True}
        self._controller = Controller(self._keeper, hostname="127.0.0.1", port=self.port, **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.username \
            and auth_data.password.decode() == self.password
        return AuthResult(success=ok)

    @property
    def url(self) -> str:
        creds = f"{self.username}:{self.password}@" if self.username else ""
        return f"smtp+plain://{creds}127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Message]:
        return self._keeper.messages

    def start(self) -> FakeSmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def wait_for(self, to: str, count: int = 1, timeout: float = 20) -> list[Message]:
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = [m for m in self.messages if to.lower() in (m.get("To") or "").lower()]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no mail for {to} within {timeout}s (got {len(self.messages)} messages)")


def body_text(msg: Message) -> str:
    part = msg.get_payload(decode=True) if not msg.is_multipart() else msg.get_payload(0).get_payload(decode=True)
    return part.decode()


def first_link(msg: Message) -> str:
    match = re.search(r"https?://\S+", body_text(msg))
    assert match, body_text(msg)
    return match.group(0)
