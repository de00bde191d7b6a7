"""The calendar on phones: a day-by-day agenda list instead of the grid (styles.css switches under 768px).

Every row has a real button that opens the post menu (date-time picker), so rescheduling never needs
a drag: the same path serves keyboards and touch screens.
"""

from __future__ import annotations

import reflex as rx

from components.platform import platform_icon, status_badge
from state.calendar import CalendarState


def agenda_item(item: rx.Var, day: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(item.time, size="2", weight="bold", min_width="44px"),
        rx.hstack(rx.foreach(item.platforms, lambda p: platform_icon(p, 12)), spacing="1"),
        rx.link(
            item.text,
            href="/compose?post=" + item.id,
            size="2",
            flex="1",
            min_width="0",
            overflow_wrap="anywhere",
            custom_attrs={"data-testid": "agenda-open"},
        ),
        status_badge(item.status),
        rx.button(
            "Move…",
            size="1",
            variant="soft",
            on_click=CalendarState.open_menu(item.id),
            aria_label="Reschedule or see details: " + item.text,
            custom_attrs={"data-testid": "agenda-menu"},
        ),
        align="center",
        width="100%",
        spacing="2",
        padding="6px 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        custom_attrs={"data-testid": "agenda-item", "data-post-id": item.id, "data-date": day},
    )


def agenda_new_post(day: rx.Var) -> rx.Component:
    """The phone's version of the grid's "+": a post prefilled with that day (09:00, or the next hour today)."""
    return rx.cond(
        day.new_href != "",
        rx.link(
            rx.icon("plus", size=12, aria_hidden="true"),
            "New post",
            href=day.new_href,
            size="1",
            aria_label="New post on " + day.aria_day,
            custom_attrs={"data-testid": "agenda-new-post", "data-at": day.new_at},
        ),
    )


def agenda_empty_day(day: rx.Var) -> rx.Component:
    """A future day with nothing planned: one compact line with its "New post" link."""
    return rx.cond(
        day.new_href != "",
        rx.hstack(
            rx.text(day.date, size="2", color_scheme="gray"),
            agenda_new_post(day),
            spacing="3",
            align="center",
            padding_top="6px",
            custom_attrs={"data-testid": "agenda-free-day", "data-date": day.date},
        ),
    )


def agenda_day(cell: rx.Var) -> rx.Component:
    return rx.cond(
        cell.chips.length() > 0,
        rx.box(
            rx.hstack(
                rx.text(cell.date, size="2", weight="bold", color_scheme="gray"),
                rx.cond(CalendarState.view == "month", agenda_new_post(cell)),
                rx.cond(
                    cell.more > 0,
                    rx.button(
                        "+" + cell.more.to(str) + " more",
                        size="1",
                        variant="ghost",
                        on_click=CalendarState.open_day(cell.date),
                        custom_attrs={"data-testid": "agenda-more"},
                    ),
                ),
                spacing="2",
                align="center",
            ),
            rx.foreach(cell.chips, lambda item: agenda_item(item, cell.date)),
            width="100%",
            padding_top="8px",
        ),
        rx.cond((CalendarState.view == "month") & cell.in_month, agenda_empty_day(cell)),
    )


def agenda_view() -> rx.Component:
    return rx.box(
        rx.cond(
            CalendarState.view == "month",
            rx.foreach(CalendarState.cells, agenda_day),
            rx.fragment(
                rx.flex(rx.foreach(CalendarState.heads, agenda_empty_day), wrap="wrap", column_gap="16px"),
                rx.foreach(CalendarState.rows, lambda row: rx.foreach(row.cells, agenda_day)),
            ),
        ),
        rx.cond(
            CalendarState.shown == 0,
            rx.text("Nothing planned in this range.", size="2", color_scheme="gray"),
        ),
        width="100%",
        class_name="sh-agenda",
        custom_attrs={"data-testid": "cal-agenda"},
    )
