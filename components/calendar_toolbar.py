"""The calendar's toolbar (navigation, view switch), filters with the status legend, and messages."""

from __future__ import annotations

import reflex as rx

from components.calendar_chip import legend
from state.calendar import ALL, STATUS_CHOICES, CalendarState


def toolbar() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16),
            variant="soft",
            on_click=CalendarState.shift(-1),
            aria_label="Previous",
            custom_attrs={"data-testid": "cal-prev"},
        ),
        rx.button("Today", variant="soft", on_click=CalendarState.go_today, custom_attrs={"data-testid": "cal-today"}),
        rx.button(
            rx.icon("chevron-right", size=16),
            variant="soft",
            on_click=CalendarState.shift(1),
            aria_label="Next",
            custom_attrs={"data-testid": "cal-next"},
        ),
        rx.heading(CalendarState.title, as_="h2", size="4", custom_attrs={"data-testid": "cal-title"}),
        rx.spacer(),
        rx.segmented_control.root(
            rx.segmented_control.item("Month", value="month", custom_attrs={"data-testid": "cal-view-month"}),
            rx.segmented_control.item("Week", value="week", custom_attrs={"data-testid": "cal-view-week"}),
            rx.segmented_control.item("Day", value="day", custom_attrs={"data-testid": "cal-view-day"}),
            value=CalendarState.view,
            on_change=CalendarState.set_view,
            aria_label="Calendar view",
        ),
        align="center",
        width="100%",
        wrap="wrap",
        spacing="2",
    )


def filters() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(
                placeholder="All accounts", aria_label="Filter by account", custom_attrs={"data-testid": "cal-filter-account"}
            ),
            rx.select.content(
                rx.select.item("All accounts", value=ALL),
                rx.foreach(CalendarState.accounts, lambda a: rx.select.item(a["label"], value=a["id"])),
            ),
            value=CalendarState.account_filter,
            on_change=CalendarState.set_account_filter,
            size="1",
        ),
        rx.select.root(
            rx.select.trigger(
                placeholder="All statuses", aria_label="Filter by status", custom_attrs={"data-testid": "cal-filter-status"}
            ),
            rx.select.content(
                rx.select.item("All statuses", value=ALL),
                *[rx.select.item(s.replace("_", " ").capitalize(), value=s) for s in STATUS_CHOICES],
            ),
            value=CalendarState.status_filter,
            on_change=CalendarState.set_status_filter,
            size="1",
        ),
        rx.badge(
            rx.icon("globe", size=12),
            CalendarState.timezone,
            variant="surface",
            custom_attrs={"data-testid": "cal-timezone"},
        ),
        rx.text(
            CalendarState.shown.to(str) + " posts",
            size="1",
            color_scheme="gray",
            custom_attrs={"data-testid": "cal-count"},
        ),
        rx.text(
            "Click a free day or hour to write a post for it. Drag a post to move it, or use its … menu (keyboard).",
            size="1",
            color_scheme="gray",
        ),
        legend(),
        align="center",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            CalendarState.error != "",
            rx.callout(
                CalendarState.error,
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                custom_attrs={"data-testid": "cal-error"},
            ),
        ),
        rx.cond(
            CalendarState.notice != "",
            rx.callout(
                CalendarState.notice,
                icon="info",
                color_scheme="blue",
                width="100%",
                custom_attrs={"data-testid": "cal-notice"},
            ),
        ),
    )
