"""Dashboard numbers and lists, read from the database for the logged-in workspace."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from services import posts, timezones, workspaces
from state.session import current_user


class DashboardState(rx.State):
    accounts: int = 0
    scheduled: int = 0
    published_this_week: int = 0
    workspace_name: str = ""
    upcoming: list[dict] = []
    failures: list[dict] = []

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        counts = workspaces.workspace_counts(user.organization_id, user.timezone)
        self.accounts = counts["accounts"]
        self.scheduled = counts["scheduled"]
        self.published_this_week = counts["published_this_week"]
        self.workspace_name = user.organization_name
        tz = user.timezone
        self.upcoming = [
            {
                "post_id": str(p["post_id"]),
                "preview": p["preview"],
                "when": timezones.format_local(datetime.fromisoformat(p["scheduled_at"]), tz)
                if p["scheduled_at"]
                else "",
                "platforms": ", ".join(a["name"] for a in p["accounts"]),
            }
            for p in posts.upcoming_posts(user.organization_id, limit=8)
        ]
        self.failures = [
            {
                "post_id": str(f["post_id"]),
                "preview": f["preview"],
                "status": f["status"],
                "reason": f["reason"] or "",
                "account": f["account_name"],
                "platform": f["platform"],
                "when": timezones.format_local(datetime.fromisoformat(f["at"]), tz) if f["at"] else "",
            }
            for f in posts.recent_failures(user.organization_id, limit=8)
        ]
