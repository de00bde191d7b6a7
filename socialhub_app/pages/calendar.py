"""Calendar: the workspace's dated posts by month, week or day, at the user's local time."""

from __future__ import annotations

import reflex as rx

from components.calendar import filters, menu_dialog, messages, month_view, time_grid, toolbar
from socialhub_app.layout import protected_page
from state.calendar import CalendarState


@protected_page("/calendar", "Calendar", on_load=[CalendarState.load])
def calendar_page() -> rx.Component:
    return rx.vstack(
        toolbar(),
        filters(),
        messages(),
        rx.cond(CalendarState.view == "month", month_view(), time_grid()),
        menu_dialog(),
        width="100%",
        spacing="3",
    )
