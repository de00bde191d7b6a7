"""Who is logged in, resolved on the server from the HttpOnly session cookie.

The browser's cookie reaches us in the websocket handshake (`router.headers.cookie`; Reflex
never sends that header to the frontend). Scripts cannot read or write the cookie: sign-in ends
by POSTing a one-time grant to /auth/session and logout by POSTing to /auth/logout, both full
navigations, so the socket reconnects with the new cookie and no tab keeps a stale session.
Password hashing runs in a worker thread, never on the event loop the scheduler shares.
"""

from __future__ import annotations

import json

import reflex as rx

from services import auth, registration, signin
from services.errors import UserError
from services.permissions import allowed
from services.security.client_ip import client_ip
from services.sessions import BASE_COOKIE, token_from_cookie_header
from state.runner import run_blocking

SESSION_COOKIE = BASE_COOKIE  # the cookie's name on http; on https it is "__Host-" + this
ENROL_ROUTE = "/settings/security"
NOTICES = {
    "expired": "Your sign-in expired. Please log in again.",
    "verified": "Your email address is confirmed. You can log in now.",
    "verify-failed": "That confirmation link is invalid, expired or already used. Log in to get a new one.",
    "reset": "Your password was changed. Log in with the new one.",
    "created-mail-failed": "Your account was created, but the confirmation mail could not be sent. "
                           "Log in to get a new link.",
}


def post_form_script(action: str, fields: dict[str, str]) -> str:
    """JS that submits a hidden form (a real navigation: the response's Set-Cookie applies)."""
    return (
        "(function(){var f=document.createElement('form');f.method='post';"
        f"f.action={json.dumps(action)};var d={json.dumps(fields)};"
        "for(var k in d){var i=document.createElement('input');i.type='hidden';i.name=k;i.value=d[k];"
        "f.appendChild(i);}document.body.appendChild(f);f.submit();})()"
    )


class AuthState(rx.State):
    user_name: str = ""
    user_email: str = ""
    org_name: str = ""
    user_timezone: str = "UTC"
    authenticated: bool = False
    user_role: str = ""  # for hiding controls only; the server re-checks the role on every action
    is_instance_admin: bool = False
    auth_error: str = ""
    auth_notice: str = ""
    code_step: bool = False  # the password was right; now the authenticator code
    signup_closed: bool = False
    verification_sent_to: str = ""
    _user_id: int = 0
    _org_id: int = 0
    _challenge: str = ""

    def session_token(self) -> str | None:
        return token_from_cookie_header(self.router.headers.cookie)

    def client_address(self) -> str:
        raw = self.router.headers.raw_headers
        peer = raw.get("asgi-scope-client", "") or self.router.session.client_ip or ""
        return client_ip(peer, raw.get("x-forwarded-for", ""))

    async def _load(self) -> auth.CurrentUser | None:
        return self._apply(await run_blocking(auth.resolve_session, self.session_token()))

    def _apply(self, user: auth.CurrentUser | None) -> auth.CurrentUser | None:
        if user is None:
            self.authenticated = self.is_instance_admin = False
            self._user_id = self._org_id = 0
            self.user_name = self.user_email = self.org_name = self.user_role = ""
            return None
        self.authenticated = True
        self._user_id, self._org_id = user.user_id, user.organization_id
        self.user_name, self.user_email = user.name, user.email
        self.org_name, self.user_timezone = user.organization_name, user.timezone
        self.user_role = user.role
        self.is_instance_admin = user.is_instance_admin
        return user

    # What the page may show (hiding only: every handler still calls require() on the server).
    @rx.var
    def can_write(self) -> bool:
        return allowed(self.user_role, "post.draft")

    @rx.var
    def can_publish(self) -> bool:
        return allowed(self.user_role, "post.publish")

    @rx.var
    def can_delete(self) -> bool:
        return allowed(self.user_role, "post.delete")

    @rx.var
    def can_connect(self) -> bool:
        return allowed(self.user_role, "accounts.connect")

    @rx.var
    def can_audit(self) -> bool:
        return allowed(self.user_role, "audit.read")

    @rx.var
    def role_label(self) -> str:
        return self.user_role.capitalize()

    async def current(self) -> auth.CurrentUser | None:
        """Re-check the session on every protected action: a revoked session stops working at once."""
        return await self._load()

    @rx.event
    async def check_login(self):
        user = await self._load()
        if user is None:
            return rx.redirect("/login")
        if user.must_enrol_2fa and not self.router.url.path.rstrip("/").endswith(ENROL_ROUTE):
            return rx.redirect(f"{ENROL_ROUTE}?required=1")
        return None

    @rx.event
    async def redirect_if_logged_in(self):
        if await self._load() is not None:
            return rx.redirect("/")
        return None

    def _reset_form(self) -> None:
        self.auth_error = self.auth_notice = self.verification_sent_to = ""
        self.code_step, self._challenge = False, ""

    @rx.event
    def load_login(self):
        self._reset_form()
        self.auth_notice = NOTICES.get(self.router.url.query_parameters.get("notice", ""), "")
        return AuthState.redirect_if_logged_in

    @rx.event
    async def load_register(self):
        self._reset_form()
        invite = self.router.url.query_parameters.get("invite", "")
        self.signup_closed = not await run_blocking(registration.signup_allowed, invite)
        return AuthState.redirect_if_logged_in

    def _finish(self, grant: str):
        # This tab's state outlives the navigation: the next /login must start at the password step.
        self.code_step, self._challenge = False, ""
        return rx.call_script(post_form_script("/auth/session", {"grant": grant}))

    @rx.event
    async def login(self, form: dict):
        self.auth_error = self.auth_notice = ""
        try:
            step = await run_blocking(
                signin.start, str(form.get("email", "")), str(form.get("password", "")), self.client_address()
            )
        except UserError as exc:
            self.auth_error = str(exc)
            return None
        if step.challenge:
            self._challenge, self.code_step = step.challenge, True
            return rx.set_focus("totp-code")
        return self._finish(step.grant)

    @rx.event
    async def submit_code(self, form: dict):
        self.auth_error = ""
        try:
            step = await run_blocking(signin.second_factor, self._challenge, str(form.get("code", "")))
        except UserError as exc:
            self.auth_error = str(exc)
            if "password again" in str(exc):
                self.code_step, self._challenge = False, ""
            return None
        return self._finish(step.grant)

    @rx.event
    def cancel_code(self):
        self._reset_form()

    @rx.event
    async def register(self, form: dict):
        self.auth_error = ""
        try:
            result = await run_blocking(
                registration.sign_up,
                str(form.get("email", "")),
                str(form.get("name", "")),
                str(form.get("password", "")),
                str(form.get("timezone", "UTC")),
                self.client_address(),
                self.router.url.query_parameters.get("invite", ""),
            )
        except UserError as exc:
            self.auth_error = str(exc)
            return None
        if result.verification_sent_to:
            self.verification_sent_to = result.verification_sent_to
            return None
        if result.mail_problem:  # created, so not an error: the login page says what happened
            return rx.redirect("/login?notice=created-mail-failed")
        return self._finish(result.grant)

    @rx.event
    async def logout(self):
        await run_blocking(auth.logout, self.session_token())
        await self._load()
        return rx.call_script(post_form_script("/auth/logout", {}))

    @rx.event
    def clear_error(self):
        self.auth_error = ""
