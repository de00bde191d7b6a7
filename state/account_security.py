"""Settings → Security: password change, two-factor authentication, my sessions, workspace 2FA policy.

Every handler re-resolves the user from the session cookie; session ids from the browser are only
ever looked up among the caller's own sessions.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from services import auth, passwords, sessions, two_factor
from services.errors import UserError
from services.permissions import allowed
from services.wording import count, plural
from state.display import when
from state.session import current_user


class AccountSecurityState(rx.State):
    error: str = ""
    notice: str = ""
    required_notice: bool = False
    totp_enabled: bool = False
    enrolling: bool = False
    qr_data_uri: str = ""
    manual_key: str = ""
    recovery_codes: list[str] = []
    remaining_codes: int = 0
    is_owner: bool = False
    workspace_requires_2fa: bool = False
    session_rows: list[dict[str, str]] = []

    def _say(self, notice: str = "", error: str = "") -> None:
        self.notice, self.error = notice, error

    async def _refresh(self, user: auth.CurrentUser) -> None:
        rows = await asyncio.to_thread(sessions.list_sessions, user.user_id, user.session_id)
        self.session_rows = [
            {"id": str(r.id), "agent": r.user_agent[:120], "ip": r.ip,
             "last_seen": when(self, r.last_seen_at, user.timezone), "current": "yes" if r.current else ""}
            for r in rows
        ]
        self.totp_enabled = user.totp_enabled
        self.remaining_codes = await asyncio.to_thread(two_factor.remaining_recovery_codes, user.user_id)
        self.is_owner = allowed(user.role, "workspace.security")  # shows the switch; the service re-checks
        self.workspace_requires_2fa = user.workspace_requires_2fa

    @rx.event
    async def load(self):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        self._say()
        self.enrolling, self.qr_data_uri, self.manual_key, self.recovery_codes = False, "", "", []
        self.required_notice = user.must_enrol_2fa
        await self._refresh(user)

    @rx.event
    async def change_password(self, form: dict):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        if str(form.get("new_password", "")) != str(form.get("new_password_again", "")):
            self._say(error="The two new passwords are not the same.")
            return
        try:
            ended = await asyncio.to_thread(passwords.change_password, user.user_id,
                                            str(form.get("current_password", "")),
                                            str(form.get("new_password", "")), user.session_id)
        except UserError as exc:
            self._say(error=str(exc))
            return
        self._say(notice=f"Password changed. {count(ended, 'other session')} {plural(ended, 'was')} signed out.")
        await self._refresh(user)

    @rx.event
    async def start_2fa(self):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        try:
            enrolment = await asyncio.to_thread(two_factor.start, user.user_id)
        except UserError as exc:
            self._say(error=str(exc))
            return
        self._say()
        self.enrolling, self.qr_data_uri, self.manual_key = True, enrolment.qr_data_uri, enrolment.secret

    @rx.event
    async def confirm_2fa(self, form: dict):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        try:
            codes = await asyncio.to_thread(two_factor.confirm, user.user_id, str(form.get("code", "")),
                                            user.organization_id)
        except UserError as exc:
            self._say(error=str(exc))
            return
        self.enrolling, self.qr_data_uri, self.manual_key = False, "", ""
        self.recovery_codes, self.required_notice = codes, False
        self._say(notice="Two-factor authentication is on. Save your recovery codes now: they are shown only once.")
        await self._refresh(await current_user(self, allow_unenrolled=True) or user)

    @rx.event
    def hide_recovery_codes(self):
        self.recovery_codes = []

    @rx.event
    async def disable_2fa(self, form: dict):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        try:
            await asyncio.to_thread(two_factor.disable, user.user_id, str(form.get("password", "")),
                                    str(form.get("code", "")), user.organization_id)
        except UserError as exc:
            self._say(error=str(exc))
            return
        self._say(notice="Two-factor authentication is off.")
        await self._refresh(await current_user(self, allow_unenrolled=True) or user)

    @rx.event
    async def revoke_session(self, session_id: str):
        user = await current_user(self, allow_unenrolled=True)
        if user is None or not str(session_id).isdigit():
            return
        if int(session_id) == user.session_id:
            self._say(error="Use Log out to end this session.")
            return
        done = await asyncio.to_thread(sessions.revoke_session, user.user_id, int(session_id))
        self._say(notice="Session signed out." if done else "", error="" if done else "That session is not active.")
        await self._refresh(user)

    @rx.event
    async def revoke_others(self):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        ended = await asyncio.to_thread(sessions.revoke_other_sessions, user.user_id, user.session_id)
        self._say(notice=f"Signed out {count(ended, 'other session')}.")
        await self._refresh(user)

    @rx.event
    async def set_workspace_requirement(self, required: bool):
        user = await current_user(self, allow_unenrolled=True)
        if user is None:
            return
        try:
            await asyncio.to_thread(two_factor.set_workspace_requirement, user, bool(required))
        except UserError as exc:
            self._say(error=str(exc))
            return
        self._say(notice="Every member now needs two-factor authentication." if required
                  else "Two-factor authentication is optional in this workspace.")
        await self._refresh(await current_user(self, allow_unenrolled=True) or user)
