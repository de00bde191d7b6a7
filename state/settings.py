"""Settings sections owned by the calendar work: the user's timezone and each account's posting slots.

Each section is its own small state with its own `load`, so other settings (AI, workspace …) can be
added as separate sections or pages without touching these.
"""

from __future__ import annotations

import reflex as rx

from services import accounts as accounts_service
from services import guarded, queue, timezones
from services.errors import UserError
from state.auth import AuthState
from state.runner import run_blocking
from state.session import current_user

DAY_GROUPS = {"weekdays": [0, 1, 2, 3, 4], "everyday": [0, 1, 2, 3, 4, 5, 6], "weekend": [5, 6]}


class TimezoneSettingsState(rx.State):
    tz_input: str = ""
    saved_tz: str = "UTC"
    choices: list[str] = []
    tz_error: str = ""
    tz_notice: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.saved_tz = self.tz_input = user.timezone
        self.tz_error = self.tz_notice = ""
        if not self.choices:
            self.choices = timezones.timezone_choices()

    @rx.event
    def set_tz_input(self, value: str):
        self.tz_input = str(value or "")[:64]

    @rx.event
    def use_browser_timezone(self):
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=TimezoneSettingsState.save_browser_timezone
        )

    @rx.event
    async def save_browser_timezone(self, value: str):
        self.tz_input = str(value or "")[:64]
        return await self._store_timezone()

    @rx.event
    async def save_timezone_form(self, form: dict):
        self.tz_input = str(form.get("timezone", "") or "").strip()[:64]
        return await self._store_timezone()

    @rx.event
    async def save_timezone(self):
        return await self._store_timezone()

    async def _store_timezone(self):  # noqa: ANN202
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.tz_error = self.tz_notice = ""
        try:
            name = await run_blocking(timezones.set_user_timezone, user.user_id, self.tz_input)
        except UserError as exc:
            self.tz_error = str(exc)
            return rx.toast.error(self.tz_error)
        self.saved_tz = self.tz_input = name
        (await self.get_state(AuthState)).user_timezone = name
        self.tz_notice = f"Saved. Times are now shown in {name}."
        return rx.toast.success(self.tz_notice)


class QueueSlotsState(rx.State):
    accounts: list[dict[str, str]] = []
    account_id: str = ""
    slots: list[dict[str, str]] = []
    new_days: str = "weekdays"
    new_time: str = "09:00"
    slot_error: str = ""
    slot_notice: str = ""
    slots_timezone: str = "UTC"
    dirty: bool = False

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.slots_timezone = user.timezone
        self.accounts = [
            {"id": str(a["id"]), "label": f"{a['display_name']} ({a['platform_label']})"}
            for a in await run_blocking(accounts_service.list_accounts, user.organization_id)
        ]
        ids = [a["id"] for a in self.accounts]
        if self.account_id not in ids:
            self.account_id = ids[0] if ids else ""
        await self._load_slots(user.organization_id)

    async def _load_slots(self, org_id: int) -> None:
        self.slot_error = self.slot_notice = ""
        self.dirty = False
        if not self.account_id:
            self.slots = []
            return
        try:
            rows = await run_blocking(queue.list_slots, org_id, int(self.account_id))
        except UserError as exc:
            self.slot_error, self.slots = str(exc), []
            return
        self.slots = [{"weekday": str(r["weekday"]), "day": r["weekday_name"][:3], "time": r["time"]} for r in rows]

    @rx.event
    async def select_account(self, value: str):
        self.account_id = value
        user = await current_user(self)
        if user is not None:
            await self._load_slots(user.organization_id)

    @rx.event
    def set_new_days(self, value: str):
        self.new_days = value

    @rx.event
    def set_new_time(self, value: str):
        self.new_time = value

    @rx.event
    def add_slot(self):
        """Only collects; the service checks the whole list on Save, so every problem gets one clear message."""
        days = DAY_GROUPS.get(self.new_days) or ([int(self.new_days)] if self.new_days.isdigit() else [])
        added = [{"weekday": str(d), "day": queue.WEEKDAYS[d][:3], "time": self.new_time.strip()} for d in days]
        self.slots = sorted([*self.slots, *added], key=lambda s: (int(s["weekday"]), s["time"]))
        self.dirty = True
        self.slot_notice = ""

    @rx.event
    def remove_slot(self, index: int):
        self.slots = [s for i, s in enumerate(self.slots) if i != int(index)]
        self.dirty = True
        self.slot_notice = ""

    @rx.event
    async def save_slots(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.slot_error = self.slot_notice = ""
        if not self.account_id:
            self.slot_error = "Connect an account first (Accounts → Connect Demo network works without credentials)."
            return rx.toast.error(self.slot_error)
        try:
            saved = await run_blocking(
                guarded.set_slots,
                user,
                int(self.account_id),
                [{"weekday": int(s["weekday"]), "time": s["time"]} for s in self.slots],
            )
        except UserError as exc:
            self.slot_error = f"Nothing was saved: {exc}"
            return rx.toast.error(self.slot_error)
        await self._load_slots(user.organization_id)
        self.slot_notice = f"Saved {len(saved)} posting slots (times in {user.timezone})."
        return rx.toast.success(self.slot_notice)
