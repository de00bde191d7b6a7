"""Dashboard numbers and lists, read from the database for the logged-in workspace."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from services import guarded, onboarding, posts, workspaces
from services.analytics.overview import dashboard_headlines
from services.errors import UserError
from state import display
from state.runner import run_blocking
from state.session import current_user


class DashboardState(rx.State):
    accounts: int = 0
    scheduled: int = 0
    published_this_week: int = 0
    workspace_name: str = ""
    upcoming: list[dict] = []
    failures: list[dict] = []
    headlines: list[dict] = []
    headlines_simulated: bool = False
    checklist: list[dict] = []  # first-run steps; empty once every step is done

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        counts = await run_blocking(workspaces.workspace_counts, user.organization_id, user.timezone)
        self.accounts = counts["accounts"]
        self.scheduled = counts["scheduled"]
        self.published_this_week = counts["published_this_week"]
        self.workspace_name = user.organization_name
        tz = user.timezone
        self.upcoming = [
            {
                "post_id": str(p["post_id"]),
                "preview": p["preview"],
                "when": display.when(self, datetime.fromisoformat(p["scheduled_at"]), tz) if p["scheduled_at"] else "",
                "platforms": ", ".join(a["name"] for a in p["accounts"]),
            }
            for p in await run_blocking(posts.upcoming_posts, user.organization_id, limit=8)
        ]
        self.failures = [
            {
                "post_id": str(f["post_id"]),
                "preview": f["preview"],
                "status": f["status"],
                "reason": f["reason"] or "",
                "account": f["account_name"],
                "platform": f["platform"],
                "when": display.when(self, datetime.fromisoformat(f["at"]), tz) if f["at"] else "",
            }
            for f in await run_blocking(posts.recent_failures, user.organization_id, limit=8)
        ]
        await self._load_headlines(user.organization_id, tz)
        steps = await run_blocking(onboarding.first_run_checklist, user.organization_id, user.user_id)
        self.checklist = (
            [
                {"key": st.key, "title": st.title, "hint": st.hint, "href": st.href, "done": st.done}
                for st in steps
            ]
            if onboarding.checklist_open(steps)
            else []
        )

    @rx.event
    async def connect_demo(self):
        """The checklist's one-click Demo account (the same service call as Accounts → Connect Demo network)."""
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            await run_blocking(guarded.connect_demo, user)
        except UserError as exc:
            return rx.toast.error(str(exc))
        await self.load()
        return rx.toast.success("Demo network connected. Next: write your first post in Compose.")

    async def _load_headlines(self, org_id: int, tz: str) -> None:
        """This week (last 7 local days) vs the 7 days before, from the analytics rollup."""
        try:
            found = await run_blocking(dashboard_headlines, org_id, tz)
        except UserError:
            self.headlines, self.headlines_simulated = [], False
            return
        self.headlines = [_headline(key, label, found["numbers"][key]) for key, label in HEADLINES]
        self.headlines_simulated = bool(found["simulated"])


HEADLINES = (
    ("posts", "Posts published"),
    ("engagement", "Engagement"),
    ("impressions", "Impressions"),
    ("followers", "Followers"),
)


def _shown(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _headline(key: str, label: str, numbers: dict) -> dict:
    change = numbers.get("change_pct")
    if change is None:
        trend, text = "flat", "no comparison yet"  # last week unknown or zero: a percentage would mislead
    elif change > 0:
        trend, text = "up", f"+{change:g}% vs last week"
    elif change < 0:
        trend, text = "down", f"{change:g}% vs last week"
    else:
        trend, text = "flat", "same as last week"
    return {
        "key": key,
        "label": label,
        "value": _shown(numbers.get("this_week")),
        "previous": _shown(numbers.get("last_week")),
        "change": text,
        "trend": trend,
    }
