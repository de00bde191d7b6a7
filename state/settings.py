"""Settings sections owned by the calendar work: the user's timezone and each account's posting slots.

Each section is its own small state with its own `load`, so other settings (AI, workspace …) can be
added as separate sections or pages without touching these.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from services import accounts as accounts_service
from services import guarded, queue_rules, timezones
from services.errors import UserError
from state.auth import AuthState
from state.runner import run_blocking
from state.session import current_user


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


@dataclasses.dataclass
class SlotRule:
    """One rule of the editor: these days x these times (weekday 0 = Monday)."""

    days: list[int] = dataclasses.field(default_factory=list)
    times: list[str] = dataclasses.field(default_factory=list)
    new_time: str = "09:00"
    label: str = ""


def _rule(days: list[int], times: list[str], new_time: str = "09:00") -> SlotRule:
    days = sorted(set(days))
    label = queue_rules.days_label(days) if days else "No days yet"
    return SlotRule(days=days, times=sorted(set(times)), new_time=new_time, label=label)


class QueueSlotsState(rx.State):
    """Posting slots of one account, edited as rules (days x times); unsaved edits set `dirty`."""

    accounts: list[dict[str, str]] = []
    account_id: str = ""
    rules: list[SlotRule] = []
    problems: list[str] = []
    slot_error: str = ""
    slot_notice: str = ""
    slots_timezone: str = "UTC"
    dirty: bool = False
    leave_open: bool = False
    leave_href: str = ""

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
        self.problems = []
        self.leave_open = False
        await self._load_rules(user)

    async def _load_rules(self, user) -> None:  # noqa: ANN001 - a CurrentUser
        self.slot_error = self.slot_notice = ""
        self.dirty = False
        if not self.account_id:
            self.rules = []
            return
        try:
            rules = await run_blocking(guarded.load_slot_rules, user, int(self.account_id))
        except UserError as exc:
            self.slot_error, self.rules = str(exc), []
            return
        self.rules = [_rule(r["days"], r["times"]) for r in rules]

    @rx.event
    async def select_account(self, value: str):
        self.account_id = value
        self.problems = []
        user = await current_user(self)
        if user is not None:
            await self._load_rules(user)

    def _changed(self) -> None:
        self.dirty = True
        self.slot_notice = ""

    @rx.event
    def add_rule(self):
        self.rules = [*self.rules, _rule([0, 1, 2, 3, 4], [])]
        self._changed()

    @rx.event
    def remove_rule(self, index: int):
        self.rules = [r for i, r in enumerate(self.rules) if i != int(index)]
        self._changed()

    @rx.event
    def toggle_day(self, index: int, day: int):
        rules = list(self.rules)
        rule = rules[int(index)]
        days = [d for d in rule.days if d != int(day)] if int(day) in rule.days else [*rule.days, int(day)]
        rules[int(index)] = _rule(days, rule.times, rule.new_time)
        self.rules = rules
        self._changed()

    @rx.event
    def set_rule_time(self, index: int, value: str):
        rules = list(self.rules)
        rule = rules[int(index)]
        rules[int(index)] = _rule(rule.days, rule.times, str(value or ""))
        self.rules = rules

    @rx.event
    def add_time(self, index: int):
        rules = list(self.rules)
        rule = rules[int(index)]
        at = (rule.new_time or "").strip()[:5]
        if not at:
            return
        rules[int(index)] = _rule(rule.days, [*rule.times, at], rule.new_time)
        self.rules = rules
        self._changed()

    @rx.event
    def remove_time(self, index: int, at: str):
        rules = list(self.rules)
        rule = rules[int(index)]
        rules[int(index)] = _rule(rule.days, [t for t in rule.times if t != at], rule.new_time)
        self.rules = rules
        self._changed()

    @rx.event
    async def save_slots(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.slot_error = self.slot_notice = ""
        self.problems = []
        if not self.account_id:
            self.slot_error = "Connect an account first (Accounts → Connect Demo network works without credentials)."
            return rx.toast.error(self.slot_error)
        try:
            result = await run_blocking(
                guarded.save_slot_rules,
                user,
                int(self.account_id),
                [{"days": r.days, "times": r.times} for r in self.rules],
            )
        except UserError as exc:
            return rx.toast.error(f"Nothing was saved: {exc}")
        self.rules = [_rule(r["days"], r["times"]) for r in result["rules"]]
        self.problems = list(result["problems"])
        self.dirty = False
        count = len(result["saved"])
        self.slot_notice = f"Saved {count} posting slots (times in {user.timezone})."
        if self.problems:
            return rx.toast.warning(f"Saved {count} posting slots; {len(self.problems)} not saved — see the list.")
        return rx.toast.success(self.slot_notice)

    # --- leaving with unsaved changes --------------------------------------------------------
    @rx.event
    def ask_leave(self, href: str):
        """The sidebar was clicked with unsaved slot changes (assets/unsaved.js): ask before going."""
        href = str(href or "")
        if not href.startswith("/") or href.startswith("//"):
            href = "/"
        self.leave_href, self.leave_open = href, True

    @rx.event
    def stay(self):
        self.leave_open = False

    @rx.event
    def leave_without_saving(self):
        self.leave_open, self.dirty = False, False
        return rx.redirect(self.leave_href or "/")
