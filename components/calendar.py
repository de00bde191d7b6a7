"""Calendar views: a month grid of day cells and a week/day grid of hour slots, plus the post menu dialog.

Every cell is a drop zone and every post a draggable chip; the chips are kept small (time, icons,
a few words) because a busy month draws a hundred of them.
"""

from __future__ import annotations

import reflex as rx

from components.dnd import DragDiv
from components.platform import platform_icon, status_badge
from state.calendar import ALL, STATUS_CHOICES, CalendarState


def post_chip(item: rx.Var, origin: rx.Var, wide: bool = False) -> rx.Component:
    return DragDiv.create(
        rx.hstack(
            rx.text(item.time, size="1", weight="bold", custom_attrs={"data-testid": "cal-item-time"}),
            rx.foreach(item.platforms, lambda p: platform_icon(p, 11)),
            rx.cond(item.recurring, rx.icon("repeat", size=11, custom_attrs={"data-testid": "cal-item-recurring"})),
            rx.text(
                item.text,
                size="1",
                trim="both",
                overflow="hidden",
                white_space="nowrap",
                text_overflow="ellipsis",
                flex="1",
                min_width="0",
            ),
            rx.cond(
                item.link != "",
                rx.link(
                    rx.icon("external-link", size=11),
                    href=item.link,
                    is_external=True,
                    on_click=rx.stop_propagation,
                    custom_attrs={"data-testid": "cal-item-link"},
                ),
            ),
            rx.icon_button(
                rx.icon("ellipsis", size=11),
                size="1",
                variant="ghost",
                on_click=CalendarState.open_menu(item.id).stop_propagation,
                aria_label="Post options: reschedule, status, links",
                custom_attrs={"data-testid": "cal-item-menu"},
                height="14px",
                width="14px",
            ),
            spacing="1",
            align="center",
            width="100%",
            wrap="nowrap",
        ),
        draggable=True,
        on_drag_start=CalendarState.start_drag(item.id, origin),
        on_drag_end=CalendarState.end_drag,
        on_click=rx.redirect("/compose?post=" + item.id),
        title=item.time + " · " + item.status + " · " + item.text,
        background=item.bg,
        border_left=rx.Var.create("3px solid ") + item.edge,
        border_radius="4px",
        padding="1px 4px",
        margin_bottom="2px",
        cursor=rx.cond(item.movable, "grab", "pointer"),
        width="100%",
        max_width="100%" if not wide else "none",
        custom_attrs={"data-testid": "cal-item", "data-post-id": item.id, "data-status": item.status},
    )


def more_link(cell: rx.Var) -> rx.Component:
    return rx.cond(
        cell.more > 0,
        rx.link(
            "+" + cell.more.to(str) + " more",
            size="1",
            on_click=CalendarState.open_day(cell.date),
            cursor="pointer",
            custom_attrs={"data-testid": "cal-more"},
        ),
    )


def month_cell(cell: rx.Var) -> rx.Component:
    return DragDiv.create(
        rx.hstack(
            rx.link(
                cell.label,
                size="1",
                weight=rx.cond(cell.today, "bold", "regular"),
                color_scheme=rx.cond(cell.today, "indigo", "gray"),
                on_click=CalendarState.open_day(cell.date),
                cursor="pointer",
                custom_attrs={"data-testid": "cal-day-number"},
            ),
            justify="end",
            width="100%",
        ),
        rx.foreach(cell.chips, lambda item: post_chip(item, cell.date)),
        more_link(cell),
        on_drag_over=rx.prevent_default,
        on_drop=CalendarState.drop_on_day(cell.date).prevent_default,
        min_height="104px",
        min_width="0",
        padding="4px",
        border=f"1px solid {rx.color('gray', 4)}",
        background=rx.cond(cell.in_month, rx.color("gray", 1), rx.color("gray", 3)),
        outline=rx.cond(cell.today, f"2px solid {rx.color('accent', 8)}", "none"),
        custom_attrs={
            "data-testid": "cal-day",
            "data-date": cell.date,
            "data-today": rx.cond(cell.today, "true", "false"),
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
        min_height="30px",
        min_width="0",
        padding="2px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        border_left=f"1px solid {rx.color('gray', 4)}",
        background=rx.cond(cell.today, rx.color("accent", 2), "transparent"),
        custom_attrs={"data-testid": "cal-slot", "data-date": cell.date, "data-hour": cell.hour.to(str)},
    )


def time_grid() -> rx.Component:
    columns = rx.cond(CalendarState.view == "week", "56px repeat(7, minmax(0, 1fr))", "56px minmax(0, 1fr)")
    return rx.box(
        rx.grid(
            rx.box(),
            rx.foreach(
                CalendarState.heads,
                lambda head: rx.link(
                    head.label,
                    size="2",
                    weight=rx.cond(head.today, "bold", "regular"),
                    text_align="center",
                    on_click=CalendarState.open_day(head.date),
                    cursor="pointer",
                    custom_attrs={"data-testid": "cal-head", "data-date": head.date},
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
                ),
            ),
            max_height="68vh",
            overflow_y="auto",
            width="100%",
            tab_index=0,  # a scrollable region must be reachable (and scrollable) from the keyboard
            custom_attrs={"role": "region", "aria-label": "Hours"},
        ),
        width="100%",
        custom_attrs={"data-testid": "cal-" + CalendarState.view},
    )


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
            "Drag a post to another day or hour to move it, or use its … menu (keyboard).", size="1", color_scheme="gray"
        ),
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
