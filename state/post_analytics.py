"""Per-post analytics in the composer's detail view of a published post (its own small state).

Reads the post id from ComposeState rather than the URL so it always charts the post the composer
actually loaded (and nothing for another workspace's post: the service scopes by organization).
"""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from services.analytics.overview import post_analytics
from services.publishing.states import TargetStatus
from state.analytics import show_number
from state.charts import note_of
from state.compose import ComposeState
from state.heavy import run_heavy
from state.session import current_user


class PostAnalyticsState(rx.State):
    visible: bool = False
    has_data: bool = False
    simulated: bool = False
    figure: go.Figure = go.Figure()
    not_enough: str = ""  # "Not enough data yet — …" when the post was read fewer than twice (no plot then)
    latest: list[dict] = []

    @rx.event
    async def load(self):
        user = await current_user(self)
        compose = await self.get_state(ComposeState)
        published = any(r["status"] == TargetStatus.PUBLISHED for r in compose.results)
        if user is None or not compose.post_id or not published:
            self.visible, self.has_data, self.latest = False, False, []
            return
        found = await run_heavy(post_analytics, user.organization_id, compose.post_id)
        self.visible = True
        self.has_data, self.simulated, self.figure = found.has_data, found.simulated, found.figure
        self.not_enough = note_of(found.figure)
        self.latest = [
            {
                "platform": row["platform"],
                "account": row["account"],
                "engagement": show_number(row["engagement"]),
                "likes": show_number(row["likes"]),
                "reposts": show_number(row["reposts"]),
                "replies": show_number(row["replies"]),
                "impressions": show_number(row["impressions"]),
                "simulated": "yes" if row["simulated"] else "",
            }
            for row in found.latest
        ]
