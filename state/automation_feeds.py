"""Automation → RSS feeds: add a feed (accounts, template, interval, draft or queue), pause, check now, delete.

Editors and up (`feeds.manage`). Account ids chosen in the browser are checked by the service to
belong to the workspace; feed ids are looked up inside it.
"""

from __future__ import annotations

import reflex as rx

from services import accounts as accounts_service
from services.errors import UserError
from services.imports import feeds
from services.permissions import allowed, require
from services.wording import count
from state.runner import run_blocking
from state.session import current_user

INTERVALS = ["15", "30", "60", "180", "720", "1440"]


def _feed_row(view: feeds.FeedView, names: dict[int, str]) -> dict[str, str]:
    return {
        "id": str(view.id), "url": view.url, "name": view.name or view.url,
        "accounts": ", ".join(names.get(a, f"#{a}") for a in view.account_ids), "template": view.template,
        "interval": str(view.interval_minutes), "mode": "draft for review" if view.mode == "draft" else "queue",
        "enabled": "yes" if view.enabled else "", "status": "active" if view.enabled else "paused",
        "last_checked": view.last_checked_at, "error": view.last_error, "entries": count(view.entries, "entry"),
    }  # fmt: skip


class FeedsState(rx.State):
    feeds: list[dict[str, str]] = []
    accounts: list[dict[str, str]] = []
    chosen_accounts: list[str] = []
    url: str = ""
    name: str = ""
    template: str = "{title} {link}"
    interval: str = "30"
    mode: str = "draft"
    can_manage: bool = False
    error: str = ""  # the last refusal (a toast, or under its field); kept for tests
    notice: str = ""  # the last outcome (a toast only)
    url_error: str = ""  # input problems under their field, cleared when that input changes
    template_error: str = ""
    accounts_error: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.error = self.notice = self.url_error = self.template_error = self.accounts_error = ""
        self.can_manage = allowed(user.role, "feeds.manage")
        await self._refresh(user.organization_id)

    async def _refresh(self, org_id: int) -> None:
        rows = await run_blocking(accounts_service.list_accounts, org_id)
        names = {int(a["id"]): f"{a['platform_label']} ({a['display_name'] or a['username']})" for a in rows}
        self.accounts = [{"id": str(i), "label": label} for i, label in names.items()]
        self.chosen_accounts = [a for a in self.chosen_accounts if int(a) in names]
        self.feeds = [_feed_row(v, names) for v in await run_blocking(feeds.list_feeds, org_id)]

    @rx.event
    def set_url(self, value: str):
        self.url = str(value or "")[:1000]
        self.url_error = ""

    @rx.event
    def set_name(self, value: str):
        self.name = str(value or "")[:200]

    @rx.event
    def set_template(self, value: str):
        self.template = str(value or "")[:1000]
        self.template_error = ""

    @rx.event
    def set_interval(self, value: str):
        self.interval = value if value in INTERVALS else "30"

    @rx.event
    def set_mode(self, value: str):
        self.mode = value if value in feeds.MODES else "draft"

    @rx.event
    def toggle_account(self, account_id: str, checked: bool):
        self.accounts_error = ""
        rest = [a for a in self.chosen_accounts if a != account_id]
        self.chosen_accounts = [*rest, account_id] if checked else rest

    @rx.event
    async def add(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = self.notice = self.url_error = self.template_error = self.accounts_error = ""
        try:
            require(user, "feeds.manage")
            await run_blocking(
                feeds.add_feed, user.organization_id, user.user_id, self.url, [int(a) for a in self.chosen_accounts],
                template=self.template, interval_minutes=int(self.interval), mode=self.mode, name=self.name,
            )  # fmt: skip
        except UserError as exc:
            self.error = str(exc)
            for problem in exc.field_errors:
                if problem.get("field") in ("url", "template", "accounts"):
                    setattr(self, problem["field"] + "_error", problem["message"])
                    return None
            return rx.toast.error(self.error)
        except ValueError as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        self.url = self.name = ""
        self.notice = "Feed added; it is checked within a minute. A new feed posts only its 3 newest entries."
        await self._refresh(user.organization_id)
        return rx.toast.success(self.notice)

    @rx.event
    async def set_enabled(self, feed_id: str, enabled: bool):
        return await self._act(feeds.set_feed_enabled, int(feed_id), bool(enabled))

    @rx.event
    async def check_now(self, feed_id: str):
        return await self._act(feeds.check_feed_soon, int(feed_id), notice="The feed is checked within a minute.")

    @rx.event
    async def delete(self, feed_id: str):
        return await self._act(feeds.delete_feed, int(feed_id), notice="Feed deleted; the posts it made stay.")

    async def _act(self, fn, *args, notice: str = ""):  # noqa: ANN001, ANN202
        user = await current_user(self)
        if user is None:
            return None
        self.error = self.notice = ""
        try:
            require(user, "feeds.manage")
            await run_blocking(fn, user.organization_id, *args)
        except (UserError, ValueError) as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        await self._refresh(user.organization_id)
        self.notice = notice
        return rx.toast.info(notice) if notice else None
