"""The bell in the shell: unread count kept live while a page is open, the list, mark read.

Live updates. Every protected page load starts `poll`, a background event: it reads the count
from the database in a worker thread (`run_blocking`, never on the event loop) every few
seconds, and takes the state lock only to write the number when it changed — it touches nothing
but this small state, so it can't overwrite what the person is typing in the composer. A newer
page load (or a closed tab) ends the older loop. With several backend processes (Redis state
manager) it works the same: the count comes from the database, not from process memory.

Ids from the browser (which notification to open) are only looked up in the list this state
loaded for the session's own person and workspace; the service re-checks both anyway.
"""

from __future__ import annotations

import asyncio
import time

import reflex as rx

from services import notifications
from state.auth import AuthState
from state.live import client_connected
from state.runner import run_blocking
from state.session import current_user

POLL_SECONDS = 4.0
#: A loop whose tab we can't see closing still ends after this long (the next page load restarts it).
MAX_POLL_SECONDS = 12 * 3600


def _as_id(value: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class NotificationsState(rx.State):
    unread: int = 0
    items: list[dict[str, str]] = []
    loaded: bool = False
    _generation: int = 0

    @rx.var
    def bell_label(self) -> str:
        """The bell's accessible name: "Notifications, 3 unread"."""
        return f"Notifications, {self.unread} unread" if self.unread else "Notifications, none unread"

    @rx.var
    def badge(self) -> str:
        return "99+" if self.unread > 99 else str(self.unread)

    @rx.event(background=True)
    async def poll(self):
        """Started on every protected page load; one loop per tab (the newest wins)."""
        async with self:
            self._generation += 1
            mine = self._generation
            auth = await self.get_state(AuthState)
            user_id, org_id = auth._user_id, auth._org_id
            token = self.router.session.client_token
        if not user_id or not org_id:
            return
        started = time.monotonic()
        while time.monotonic() - started < MAX_POLL_SECONDS:
            count = await run_blocking(notifications.unread_count, user_id, org_id)
            async with self:
                if self._generation != mine:
                    return
                if count != self.unread:
                    self.unread = count
                    self.loaded = False  # the open list is stale: the panel reloads when opened
            await asyncio.sleep(POLL_SECONDS)
            if not await client_connected(token):
                return

    async def _reload(self) -> None:
        user = await current_user(self)
        if user is None:
            self.items, self.unread = [], 0
            return
        rows = await run_blocking(notifications.list_notifications, user)
        self.items = [
            {"id": str(n.id), "kind": n.kind, "title": n.title, "text": n.text, "when": n.when, "href": n.href,
             "actor": n.actor, "unread": "yes" if n.unread else ""}
            for n in rows
        ]  # fmt: skip
        self.unread = await run_blocking(notifications.unread_count, user.user_id, user.organization_id)
        self.loaded = True

    @rx.event
    async def load(self):
        """The panel opened, or the notifications page loaded."""
        await self._reload()

    @rx.event
    async def on_panel(self, is_open: bool):
        if is_open:
            await self._reload()

    @rx.event
    async def mark_read(self, notification_id: str):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        await run_blocking(notifications.mark_read, user, _as_id(notification_id))
        await self._reload()
        return None

    @rx.event
    async def mark_all_read(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        changed = await run_blocking(notifications.mark_all_read, user)
        await self._reload()
        return rx.toast.info(f"Marked {changed} notification{'s' if changed != 1 else ''} read.")

    @rx.event
    async def open_item(self, notification_id: str):
        """Mark it read and go to its post (the link comes from our own list, not from the browser)."""
        item = next((i for i in self.items if i["id"] == notification_id), None)
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        if item is None:
            return None
        await run_blocking(notifications.mark_read, user, _as_id(notification_id))
        await self._reload()
        return rx.redirect(item["href"]) if item["href"] else None
