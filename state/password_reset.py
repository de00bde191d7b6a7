"""Forgot password (mail a link) and reset password (the link's page)."""

from __future__ import annotations

import asyncio

import reflex as rx

from services import passwords
from services.errors import UserError
from services.mail import mail_configured
from state.auth import AuthState


class PasswordResetState(rx.State):
    error: str = ""
    notice: str = ""
    mail_available: bool = True
    token_valid: bool = False
    checked: bool = False  # the link was looked up (no "invalid" flash while loading)
    _token: str = ""

    @rx.event
    def load_forgot(self):
        self.error = self.notice = ""
        self.mail_available = mail_configured()

    @rx.event
    async def request_link(self, form: dict):
        self.error = self.notice = ""
        auth_state = await self.get_state(AuthState)
        try:
            self.notice = await asyncio.to_thread(
                passwords.request_reset, str(form.get("email", "")), auth_state.client_address()
            )
        except UserError as exc:
            self.error = str(exc)

    @rx.event
    async def load_reset(self):
        self.error = self.notice = ""
        self.checked = False
        self._token = self.router.url.query_parameters.get("token", "")[:200]
        self.token_valid = await asyncio.to_thread(passwords.reset_token_valid, self._token)
        self.checked = True

    @rx.event
    async def save_new_password(self, form: dict):
        self.error = ""
        new, again = str(form.get("password", "")), str(form.get("password_again", ""))
        if new != again:
            self.error = "The two passwords are not the same."
            return None
        try:
            await asyncio.to_thread(passwords.reset_password, self._token, new)
        except UserError as exc:
            self.error = str(exc)
            self.token_valid = await asyncio.to_thread(passwords.reset_token_valid, self._token)
            return None
        self._token, self.token_valid = "", False
        return rx.redirect("/login?notice=reset")
