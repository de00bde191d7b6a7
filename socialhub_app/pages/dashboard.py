"""Dashboard: the workspace at a glance, from the database."""

from __future__ import annotations

import reflex as rx

from socialhub_app.layout import protected_page
from state.dashboard import DashboardState


def stat(label: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color_scheme="gray"),
            rx.heading(value, size="7", custom_attrs={"data-testid": testid}),
            spacing="1",
        ),
        width="100%",
    )


@protected_page("/", "Dashboard", on_load=[DashboardState.load])
def dashboard_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Workspace: ", rx.text.strong(DashboardState.workspace_name, custom_attrs={"data-testid": "workspace-name"})
        ),
        rx.grid(
            stat("Connected accounts", DashboardState.accounts, "count-accounts"),
            stat("Scheduled posts", DashboardState.scheduled, "count-scheduled"),
            stat("Published this week", DashboardState.published_this_week, "count-published-week"),
            columns="3",
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )
