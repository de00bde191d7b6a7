"""Automation → Webhooks: endpoints (secret shown once), their status, the delivery log and Resend.

Admins and owners only (`webhooks.manage`): a webhook sends workspace data to an outside URL.
Every handler re-resolves the person, checks the permission, and passes only the workspace id
from the session to the services — endpoint and delivery ids from the browser are looked up
inside that workspace, so another workspace's id is simply "not found".
"""

from __future__ import annotations

import reflex as rx

from services import webhooks
from services.errors import UserError
from services.events import EVENT_LABELS, EVENT_TYPES
from services.permissions import allowed, require
from state.runner import run_blocking
from state.session import current_user

DEFAULT_EVENTS = ["post.published", "post.failed", "post.needs_review", "account.needs_reconnect"]


def _endpoint_row(view: webhooks.EndpointView) -> dict[str, str]:
    return {
        "id": str(view.id), "url": view.url, "description": view.description, "events": ", ".join(view.events),
        "enabled": "yes" if view.enabled else "", "status": "enabled" if view.enabled else "disabled",
        "notice": view.disabled_reason, "secret_hint": view.secret_hint, "pending": str(view.pending),
    }  # fmt: skip


def _delivery_row(row: webhooks.DeliveryRow) -> dict[str, str]:
    return {
        "id": str(row.id), "event": row.event_type, "status": row.status, "code": row.status_code or "—",
        "attempts": str(row.attempts), "error": row.error, "created": row.created_at,
        "last": row.last_attempt_at or "—", "next": row.next_attempt_at, "msg_id": row.msg_id,
        "manual": "resent" if row.manual else "",
    }  # fmt: skip


class WebhooksState(rx.State):
    endpoints: list[dict[str, str]] = []
    event_choices: list[dict[str, str]] = [{"id": e, "label": EVENT_LABELS[e]} for e in EVENT_TYPES]
    chosen_events: list[str] = list(DEFAULT_EVENTS)
    url: str = ""
    description: str = ""
    new_secret: str = ""
    can_manage: bool = False
    log_endpoint_id: str = ""
    log_endpoint_url: str = ""
    deliveries: list[dict[str, str]] = []
    error: str = ""  # the last refusal (shown as a toast, or under its field); kept for tests and logs
    notice: str = ""  # the last outcome (shown as a toast only)
    url_error: str = ""  # input problems, shown under their field and cleared when it changes
    events_error: str = ""

    async def _user(self):  # noqa: ANN202 - CurrentUser | None
        user = await current_user(self)
        if user is not None:
            require(user, "webhooks.manage")
        return user

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = self.notice = self.new_secret = self.url_error = self.events_error = ""
        self.can_manage = allowed(user.role, "webhooks.manage")
        if not self.can_manage:
            self.endpoints, self.deliveries = [], []
            return
        await self._refresh(user.organization_id)

    async def _refresh(self, org_id: int) -> None:
        views = await run_blocking(webhooks.list_endpoints, org_id)
        self.endpoints = [_endpoint_row(v) for v in views]
        if self.log_endpoint_id and not any(e["id"] == self.log_endpoint_id for e in self.endpoints):
            self.log_endpoint_id, self.log_endpoint_url, self.deliveries = "", "", []
        if self.log_endpoint_id:
            rows = await run_blocking(webhooks.list_deliveries, org_id, int(self.log_endpoint_id))
            self.deliveries = [_delivery_row(r) for r in rows]

    @rx.event
    def set_url(self, value: str):
        self.url = str(value or "")[:1000]
        self.url_error = ""

    @rx.event
    def set_description(self, value: str):
        self.description = str(value or "")[:200]

    @rx.event
    def toggle_event(self, event_type: str, checked: bool):
        if event_type not in EVENT_TYPES:
            return
        self.events_error = ""
        chosen = [e for e in self.chosen_events if e != event_type]
        self.chosen_events = [e for e in EVENT_TYPES if e in ([*chosen, event_type] if checked else chosen)]

    @rx.event
    async def create(self):
        self.error = self.notice = self.url_error = self.events_error = ""
        try:
            user = await self._user()
            if user is None:
                return None
            secret, view = await run_blocking(
                webhooks.create_endpoint, user.organization_id, user.user_id, self.url, list(self.chosen_events),
                self.description,
            )  # fmt: skip
        except UserError as exc:
            self.error = str(exc)
            return self._show_refusal(exc)
        # Shown once: it lives only in this page's state until dismissed or the page is left.
        self.new_secret, self.url, self.description = secret, "", ""
        self.log_endpoint_id, self.log_endpoint_url = str(view.id), view.url
        await self._refresh(user.organization_id)
        return None

    @rx.event
    def dismiss_secret(self):
        self.new_secret = ""

    @rx.event
    async def show_log(self, endpoint_id: str):
        user = await current_user(self)
        if user is None or not allowed(user.role, "webhooks.manage"):
            return
        match = [e for e in self.endpoints if e["id"] == endpoint_id]
        self.log_endpoint_id = endpoint_id if match else ""
        self.log_endpoint_url = match[0]["url"] if match else ""
        await self._refresh(user.organization_id)

    @rx.event
    async def refresh_log(self):
        user = await current_user(self)
        if user is not None and allowed(user.role, "webhooks.manage"):
            await self._refresh(user.organization_id)

    @rx.event
    async def resend(self, delivery_id: str):
        return await self._act(webhooks.resend, int(delivery_id), notice="Queued again; it goes out within seconds.")

    @rx.event
    async def set_enabled(self, endpoint_id: str, enabled: bool):
        notice = "Endpoint enabled; pending events are sent now." if enabled else "Endpoint disabled."
        return await self._act(webhooks.set_enabled, int(endpoint_id), bool(enabled), notice=notice)

    @rx.event
    async def delete(self, endpoint_id: str):
        return await self._act(webhooks.delete_endpoint, int(endpoint_id), notice="Endpoint deleted.")

    def _show_refusal(self, exc: UserError):  # noqa: ANN202 - an event spec or None
        """An input problem goes under its field; anything else is an outcome: a toast."""
        for problem in exc.field_errors:
            if problem.get("field") == "url":
                self.url_error = problem["message"]
                return None
            if problem.get("field") == "events":
                self.events_error = problem["message"]
                return None
        return rx.toast.error(str(exc))

    async def _act(self, fn, *args, notice: str):  # noqa: ANN001, ANN202 - a service function; an event spec
        self.error = self.notice = ""
        try:
            user = await self._user()
            if user is None:
                return None
            await run_blocking(fn, user.organization_id, *args)
        except (UserError, ValueError) as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        self.notice = notice
        await self._refresh(user.organization_id)
        return rx.toast.info(notice)
