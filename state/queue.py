"""Queue view: every account's upcoming posting slots and the post filling each (or "free")."""

from __future__ import annotations

import reflex as rx

from services import guarded, queue
from services.errors import UserError
from services.publishing.states import PostStatus
from state.runner import run_blocking
from state.session import current_user

DAY_CHOICES = ("7", "14", "30")


class QueuePageState(rx.State):
    rows: list[dict[str, str]] = []
    days: str = "14"
    timezone: str = "UTC"
    free_count: int = 0
    filled_count: int = 0
    error: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.timezone = user.timezone
        await self._refresh(user.organization_id, user.timezone)

    async def _refresh(self, org_id: int, tz: str) -> None:
        self.error = ""
        try:
            view = await run_blocking(queue.queue_view, org_id, days=int(self.days), tz=tz)
        except (UserError, ValueError) as exc:
            self.error, self.rows = str(exc), []
            return
        previous_date = ""
        rows = []
        for r in view:
            post = r["post"] or {}
            rows.append({
                "date_label": r["local_label"].split(",")[0] if r["local_date"] != previous_date else "",
                "local_date": r["local_date"], "time": r["local_time"], "label": r["local_label"],
                "account": r["account_name"] or "", "platform": r["platform"],
                "free": "yes" if r["free"] else "", "post_id": str(post.get("id", "")),
                "text": " ".join((post.get("text") or "").split())[:90], "status": post.get("status", ""),
                "can_cancel": "yes" if post and post.get("status") == PostStatus.SCHEDULED else "",
            })  # fmt: skip
            previous_date = r["local_date"]
        self.rows = rows
        self.free_count = sum(1 for r in rows if r["free"])
        self.filled_count = len(rows) - self.free_count

    @rx.event
    async def set_days(self, value: str):
        self.days = value if value in DAY_CHOICES else "14"
        user = await current_user(self)
        if user is not None:
            await self._refresh(user.organization_id, user.timezone)

    @rx.event
    async def remove_from_queue(self, post_id: str):
        """The post goes back to draft; its slot is free at once (slots are never reserved)."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            await run_blocking(guarded.cancel_schedule, user, int(post_id))
        except (UserError, ValueError) as exc:
            self.error = str(exc)
            return rx.toast.error(self.error)
        await self._refresh(user.organization_id, user.timezone)
        return rx.toast.info("Removed from the queue; the post is a draft again and its slot is free.")
