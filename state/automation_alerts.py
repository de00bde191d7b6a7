"""Automation → Email alerts: the person's own opt-in switches (everyone may change their own)."""

from __future__ import annotations

import reflex as rx

from services import alerts
from services.errors import UserError
from services.mail import mail_configured
from services.permissions import require
from state.runner import run_blocking
from state.session import current_user


class AlertsState(rx.State):
    switches: list[dict[str, str]] = []
    mail_on: bool = False
    email: str = ""
    error: str = ""

    def _rows(self, current: dict[str, bool]) -> list[dict[str, str]]:
        return [
            {"event": event, "label": alerts.ALERT_LABELS[event], "on": "yes" if on else "",
             "slug": event.replace(".", "-")}  # fmt: skip
            for event, on in current.items()
        ]

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error, self.email, self.mail_on = "", user.email, mail_configured()
        current = await run_blocking(alerts.get_alerts, user.organization_id, user.user_id)
        self.switches = self._rows(current)

    @rx.event
    async def toggle(self, event_type: str, enabled: bool):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            require(user, "alerts.self")
            current = await run_blocking(alerts.set_alert, user.organization_id, user.user_id, event_type, bool(enabled))
        except UserError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        self.switches = self._rows(current)
        return None
