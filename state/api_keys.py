"""Settings → API keys: the workspace's REST API keys (created here, shown once, revocable).

The new key lives only in this page's state until it is dismissed or the page is left; the
database keeps its SHA-256. `services.api.keys` makes the permission check (`api_keys.manage`)
and caps the key's role at the creator's, so this state holds no rule of its own.
"""

from __future__ import annotations

from datetime import date, timedelta

import reflex as rx

from services import timezones
from services.api import keys
from services.config import get_settings
from services.errors import UserError
from services.permissions import allowed
from state.runner import run_blocking
from state.session import current_user


def _expiry(raw: str, tz: str):  # noqa: ANN202 - datetime | None
    """The end of the chosen local day (a key "valid until 31 May" works all of 31 May)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise keys.ApiKeyError("Pick the expiry date from the calendar (YYYY-MM-DD).") from None
    if not 2000 <= day.year <= 2999:
        raise keys.ApiKeyError("Pick an expiry date between the years 2000 and 2999.")
    return timezones.local_midnight_utc(day + timedelta(days=1), tz)


class ApiKeysState(rx.State):
    keys: list[dict] = []
    roles: list[str] = []
    can_manage: bool = False
    name: str = ""
    role: str = "editor"
    expiry: str = ""
    new_key: str = ""
    error: str = ""
    base_url: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.new_key, self.error = "", ""
        self.base_url = get_settings().api_url.rstrip("/") + "/api/v1"
        self.can_manage = allowed(user.role, "api_keys.manage")
        self.roles = keys.assignable_roles(user.role) if self.can_manage else []
        if self.role not in self.roles:
            self.role = self.roles[0] if self.roles else ""
        self.keys = list(await run_blocking(keys.list_keys, user.organization_id)) if self.can_manage else []

    @rx.event
    def set_name(self, value: str):
        self.name = value

    @rx.event
    def set_role(self, value: str):
        self.role = value

    @rx.event
    def set_expiry(self, value: str):
        self.expiry = value

    @rx.event
    async def create(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            expires = _expiry(self.expiry, user.timezone or "UTC")
            key, _row = await run_blocking(keys.create_key, user, user.organization_id, self.name, self.role, expires)
        except UserError as exc:
            self.error = str(exc)
            return None
        # Shown once: it lives only in this page's state until dismissed or the page is left.
        self.new_key, self.name, self.expiry = key, "", ""
        self.keys = list(await run_blocking(keys.list_keys, user.organization_id))
        return None

    @rx.event
    def dismiss_key(self):
        self.new_key = ""

    @rx.event
    async def revoke(self, key_id: str):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            await run_blocking(keys.revoke_key, user, user.organization_id, int(key_id))
        except (UserError, ValueError) as exc:
            self.error = str(exc)
            return None
        self.keys = list(await run_blocking(keys.list_keys, user.organization_id))
        return rx.toast.info("Key revoked; calls with it are refused from now on.")
