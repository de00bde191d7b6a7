"""Who is logged in. The browser keeps a random session token in a cookie; the server resolves it."""

from __future__ import annotations

import reflex as rx

from services import auth
from services.errors import UserError

SESSION_COOKIE = "socialhub_session"


class AuthState(rx.State):
    session_token: str = rx.Cookie("", name=SESSION_COOKIE, path="/", max_age=14 * 24 * 3600, same_site="lax")
    user_name: str = ""
    user_email: str = ""
    org_name: str = ""
    user_timezone: str = "UTC"
    authenticated: bool = False
    auth_error: str = ""
    _user_id: int = 0
    _org_id: int = 0

    def _load(self) -> auth.CurrentUser | None:
        user = auth.resolve_session(self.session_token)
        if user is None:
            self.authenticated = False
            self._user_id = self._org_id = 0
            self.user_name = self.user_email = self.org_name = ""
            return None
        self.authenticated = True
        self._user_id, self._org_id = user.user_id, user.organization_id
        self.user_name, self.user_email = user.name, user.email
        self.org_name, self.user_timezone = user.organization_name, user.timezone
        return user

    def current(self) -> auth.CurrentUser | None:
        """Re-check the session on every protected action: a revoked session stops working at once."""
        return self._load()

    @rx.event
    def check_login(self):
        if self._load() is None:
            return rx.redirect("/login")
        return None

    @rx.event
    def redirect_if_logged_in(self):
        if self._load() is not None:
            return rx.redirect("/")
        return None

    def _client_key(self) -> str:
        return self.router.session.client_ip or ""

    @rx.event
    def login(self, form: dict):
        self.auth_error = ""
        try:
            token = auth.login(
                form.get("email", ""),
                form.get("password", ""),
                client=self._client_key(),
                user_agent=self.router.headers.user_agent,
            )
        except UserError as exc:
            self.auth_error = str(exc)
            return None
        self.session_token = token
        self._load()
        return rx.redirect("/")

    @rx.event
    def register(self, form: dict):
        self.auth_error = ""
        try:
            auth.register_user(
                form.get("email", ""), form.get("name", ""), form.get("password", ""), form.get("timezone", "UTC")
            )
            token = auth.login(form.get("email", ""), form.get("password", ""), client=self._client_key())
        except UserError as exc:
            self.auth_error = str(exc)
            return None
        self.session_token = token
        self._load()
        return rx.redirect("/")

    @rx.event
    def logout(self):
        auth.logout(self.session_token)
        self.session_token = ""
        self._load()
        return rx.redirect("/login")

    @rx.event
    def clear_error(self):
        self.auth_error = ""
