"""Dashboard numbers, read from the database for the logged-in workspace."""

from __future__ import annotations

import reflex as rx

from services import workspaces
from state.session import current_user


class DashboardState(rx.State):
    accounts: int = 0
    scheduled: int = 0
    published_this_week: int = 0
    workspace_name: str = ""

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
