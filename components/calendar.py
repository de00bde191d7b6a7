"""Calendar views: a month grid of day cells and a week/day grid of hour slots, plus the post menu dialog.

Every cell is a drop zone and every post a draggable chip (components/calendar_chip.py). A click on
a cell's free space (or its "+" link, for the keyboard) opens the composer prefilled with that day
or hour; past days and hours offer nothing.
"""

from __future__ import annotations

import reflex as rx

from components.calendar_chip import post_chip
from components.dnd import DragDiv
from components.platform import platform_icon, status_badge
from state.calendar import CalendarState


def more_link(cell: rx.Var) -> rx.Component:
    return rx.cond(
        cell.more > 0,
        rx.link(
            "+" + cell.more.to(str) + " more",
            size="1",
            on_click=CalendarState.open_day(cell.date).stop_propagation,
            cursor="pointer",
            custom_attrs={"data-testid": "cal-more"},
        ),
    )


def new_post_button(cell: rx.Var) -> rx.Component:
    """The keyboard's way to the same thing a click on the empty cell does: a post prefilled with that time."""
    return rx.cond(
        cell.new_href != "",
        rx.link(
            rx.icon("plus", size=12, aria_hidden="true"),
            href=cell.new_href,
            on_click=rx.stop_propagation,
            aria_label="New post on " + cell.aria_day,
            class_name="sh-cal-new",
            custom_attrs={"data-testid": "cal-new-post"},
        ),
    )


def month_cell(cell: rx.Var) -> rx.Component:
    return DragDiv.create(
        rx.hstack(
            new_post_button(cell),
            rx.spacer(),
            rx.link(
                cell.label,
                size="1",
                weight=rx.cond(cell.today, "bold", "regular"),
                color_scheme=rx.cond(cell.today, "indigo", "gray"),
                on_click=CalendarState.open_day(cell.date).stop_propagation,
                cursor="pointer",
                aria_label="Show " + cell.aria_day,
                custom_attrs={"data-testid": "cal-day-number"},
            ),
            align="center",
            width="100%",
        ),
        rx.foreach(cell.chips, lambda item: post_chip(item, cell.date)),
        more_link(cell),
        on_drag_over=rx.prevent_default,
        on_drop=CalendarState.drop_on_day(cell.date).prevent_default,
        on_click=CalendarState.new_post_at(cell.new_at),
        min_height="104px",
        min_width="0",
        padding="4px",
        border=f"1px solid {rx.color('gray', 4)}",
        background=rx.cond(cell.in_month, rx.color("gray", 1), rx.color("gray", 3)),
        outline=rx.cond(cell.today, f"2px solid {rx.color('accent', 8)}", "none"),
        cursor=rx.cond(cell.new_at != "", "copy", "default"),
        class_name="sh-cal-cell",
        custom_attrs={
            "data-testid": "cal-day",
            "data-date": cell.date,
            "data-today": rx.cond(cell.today, "true", "false"),
            "data-new-at": cell.new_at,
        },
    )


def month_view() -> rx.Component:
    return rx.box(
        rx.grid(
            rx.foreach(
                CalendarState.weekday_labels,
                lambda label: rx.text(label, size="1", weight="bold", color_scheme="gray", text_align="center"),
            ),
            columns="7",
            width="100%",
        ),
        rx.grid(rx.foreach(CalendarState.cells, month_cell), columns="repeat(7, minmax(0, 1fr))", width="100%"),
        width="100%",
        custom_attrs={"data-testid": "cal-month"},
    )


def slot_cell(cell: rx.Var) -> rx.Component:
    origin = cell.date + "@" + cell.hour.to(str)
    return DragDiv.create(
        rx.foreach(cell.chips, lambda item: post_chip(item, origin, wide=True)),
        more_link(cell),
        on_drag_over=rx.prevent_default,
        on_drop=CalendarState.drop_on_slot(cell.date, cell.hour).prevent_default,
        on_click=CalendarState.new_post_at(cell.new_at),
        title=rx.cond(cell.new_at != "", "Click to create a post at " + cell.label, ""),
        min_height="30px",
        min_width="0",
        padding="2px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        border_left=f"1px solid {rx.color('gray', 4)}",
        background=rx.cond(cell.today, rx.color("accent", 2), "transparent"),
        cursor=rx.cond(cell.new_at != "", "copy", "default"),
        class_name="sh-cal-cell",
        custom_attrs={
            "data-testid": "cal-slot",
            "data-date": cell.date,
            "data-hour": cell.hour.to(str),
            "data-new-at": cell.new_at,
        },
    )


def time_grid() -> rx.Component:
    columns = rx.cond(CalendarState.view == "week", "56px repeat(7, minmax(0, 1fr))", "56px minmax(0, 1fr)")
    return rx.box(
        rx.grid(
            rx.box(),
            rx.foreach(
                CalendarState.heads,
                lambda head: rx.hstack(
                    rx.link(
                        head.label,
                        size="2",
                        weight=rx.cond(head.today, "bold", "regular"),
                        on_click=CalendarState.open_day(head.date),
                        cursor="pointer",
                        custom_attrs={"data-testid": "cal-head", "data-date": head.date},
                    ),
                    new_post_button(head),
                    justify="center",
                    align="center",
                    spacing="1",
                ),
            ),
            grid_template_columns=columns,
            width="100%",
        ),
        rx.box(
            rx.foreach(
                CalendarState.rows,
                lambda row: rx.grid(
                    rx.text(row.label, size="1", color_scheme="gray", padding_top="2px"),
                    rx.foreach(row.cells, slot_cell),
                    grid_template_columns=columns,
                    width="100%",
                    custom_attrs={"data-hour-row": row.hour.to(str)},
                ),
            ),
            # Tall enough for a working day at 1440x900; opened scrolled to WORKDAY_START (state.calendar).
            max_height="calc(100vh - 260px)",
            min_height="360px",
            overflow_y="auto",
            position="relative",
            width="100%",
            tab_index=0,  # a scrollable region must be reachable (and scrollable) from the keyboard
            id="cal-hours",
            custom_attrs={"role": "region", "aria-label": "Hours", "data-testid": "cal-hours"},
        ),
        width="100%",
        custom_attrs={"data-testid": "cal-" + CalendarState.view},
    )


def menu_dialog() -> rx.Component:
    menu = CalendarState.menu
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Post"),
            rx.vstack(
                rx.hstack(
                    status_badge(menu["status"], testid="cal-menu-status"),
                    rx.text(menu["when"], size="2", custom_attrs={"data-testid": "cal-menu-when"}),
                    align="center",
                ),
                rx.text(menu["text"], size="2", white_space="pre-wrap"),
                rx.foreach(
                    CalendarState.menu_targets,
                    lambda t: rx.hstack(
                        platform_icon(t["platform"], 14),
                        rx.text(t["account"], size="2"),
                        status_badge(t["status"]),
                        rx.cond(
                            t["url"] != "",
                            rx.link(
                                "Open post",
                                href=t["url"],
                                is_external=True,
                                size="2",
                                custom_attrs={"data-testid": "cal-menu-link"},
                            ),
                        ),
                        rx.text(t["error"], size="1", color_scheme="red"),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                rx.separator(),
                rx.text("Reschedule to (" + CalendarState.timezone + ")", size="2", weight="medium"),
                rx.hstack(
                    rx.input(
                        type="date",
                        value=CalendarState.menu_date,
                        on_change=CalendarState.set_menu_date,
                        aria_label="New date",
                        custom_attrs={"data-testid": "cal-menu-date"},
                    ),
                    rx.input(
                        type="time",
                        value=CalendarState.menu_time,
                        on_change=CalendarState.set_menu_time,
                        aria_label="New time",
                        custom_attrs={"data-testid": "cal-menu-time"},
                    ),
                    rx.button(
                        "Reschedule",
                        on_click=CalendarState.reschedule_from_menu,
                        custom_attrs={"data-testid": "cal-menu-reschedule"},
                    ),
                    wrap="wrap",
                ),
                rx.cond(
                    CalendarState.menu_error != "",
                    rx.callout(
                        CalendarState.menu_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        width="100%",
                        custom_attrs={"data-testid": "cal-menu-error"},
                    ),
                ),
                rx.hstack(
                    rx.link(
                        rx.button("Open in composer", variant="soft"),
                        href="/compose?post=" + menu["id"],
                        custom_attrs={"data-testid": "cal-menu-open"},
                    ),
                    rx.dialog.close(
                        rx.button("Close", variant="ghost", custom_attrs={"data-testid": "cal-menu-close"})
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            custom_attrs={"data-testid": "cal-menu"},
        ),
        open=CalendarState.menu_open,
        on_open_change=CalendarState.set_menu_open,
    )
