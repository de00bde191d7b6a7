"""Calendar: the workspace's dated posts by month, week or day, at the user's local time."""

from __future__ import annotations

import reflex as rx

from components.calendar import menu_dialog, month_view, time_grid
from components.calendar_agenda import agenda_view
from components.calendar_toolbar import filters, messages, toolbar
from socialhub_app.layout import protected_page
from state.calendar import CalendarState


@protected_page("/calendar", "Calendar", on_load=[CalendarState.load])
def calendar_page() -> rx.Component:
    return rx.vstack(
        toolbar(),
        filters(),
        messages(),
        rx.box(rx.cond(CalendarState.view == "month", month_view(), time_grid()), width="100%", class_name="sh-cal-grid"),
        agenda_view(),  # phones: shown instead of the grid (styles.css)
        menu_dialog(),
        width="100%",
        spacing="3",
    )
