"""Queue view: every account's upcoming posts in time order (custom times too), free slots interleaved.

A free slot offers "+ Add post", which opens the composer prefilled with the slot's local time and
account (/compose?at=…&account=…).
"""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from services import accounts as accounts_service
from services import guarded, queue_listing
from services.errors import UserError
from services.permissions import require
from services.publishing.states import PostStatus
from state import display
from state.runner import run_blocking
from state.session import current_user

DAY_CHOICES = ("7", "14", "30")
ALL = "all"


def _compose_href(at: str, account_id: int | str) -> str:
    return f"/compose?at={at}&account={account_id}"


class QueuePageState(rx.State):
    rows: list[dict[str, str]] = []
    days: str = "14"
    timezone: str = "UTC"
    free_count: int = 0
    filled_count: int = 0
    error: str = ""
    accounts: list[dict[str, str]] = []
    account_filter: str = ALL
    has_accounts: bool = True
    has_slots: bool = True

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.timezone = user.timezone
        self.accounts = [
            {"id": str(a["id"]), "label": f"{a['display_name']} ({a['platform_label']})"}
            for a in await run_blocking(accounts_service.list_accounts, user.organization_id)
        ]
        self.has_accounts = bool(self.accounts)
        if self.account_filter != ALL and self.account_filter not in {a["id"] for a in self.accounts}:
            self.account_filter = ALL
        await self._refresh(user)

    async def _refresh(self, user) -> None:  # noqa: ANN001 - a CurrentUser
        self.error = ""
        try:
            require(user, "queue.read")
            view = await run_blocking(
                queue_listing.queue_view,
                user.organization_id,
                days=int(self.days),
                tz=user.timezone,
                account_id=int(self.account_filter) if self.account_filter.isdigit() else None,
            )
        except (UserError, ValueError) as exc:
            self.error, self.rows = str(exc), []
            return
        previous_date = ""
        rows = []
        for r in view:
            post = r["post"] or {}
            moment = datetime.fromisoformat(r["slot_at"])
            rows.append({
                "date_label": display.day(self, moment, user.timezone) if r["local_date"] != previous_date else "",
                "local_date": r["local_date"], "time": display.clock(self, moment, user.timezone),
                "account": r["account_name"] or "", "platform": r["platform"],
                "free": "yes" if r["free"] else "", "post_id": str(post.get("id", "")),
                "kind": "slot" if r["is_slot"] else "custom",
                "text": " ".join((post.get("text") or "").split())[:90], "status": post.get("status", ""),
                "can_cancel": "yes" if post and post.get("status") == PostStatus.SCHEDULED else "",
                "add_href": _compose_href(r["add_at"], r["account_id"]),
                "add_label": f"Add post at {display.when(self, moment, user.timezone)} for {r['account_name'] or ''}",
            })  # fmt: skip
            previous_date = r["local_date"]
        self.rows = rows
        self.has_slots = any(r["kind"] == "slot" for r in rows)
        self.free_count = sum(1 for r in rows if r["free"])
        self.filled_count = len(rows) - self.free_count

    async def _reload(self) -> None:
        user = await current_user(self)
        if user is not None:
            await self._refresh(user)

    @rx.event
    async def set_days(self, value: str):
        self.days = value if value in DAY_CHOICES else "14"
        await self._reload()

    @rx.event
    async def set_account_filter(self, value: str):
        self.account_filter = value or ALL
        await self._reload()

    @rx.event
    async def remove_from_queue(self, post_id: str):
        """The post goes back to draft; its slot is free at once (slots are never reserved)."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            await run_blocking(guarded.cancel_schedule, user, int(post_id))
        except (UserError, ValueError) as exc:
            return rx.toast.error(str(exc))
        await self._refresh(user)
        return rx.toast.info("Removed from the queue; the post is a draft again and its slot is free.")
