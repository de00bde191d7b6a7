"""A calendar post chip and the status legend.

Why a chip of two parts: the first line says when, where and what state (time, platform icons, a
status icon — never colour alone), the second shows as much of the text as two lines hold, so a
month cell with spare width no longer cuts a post to seven characters. The legend explains every
status icon once per page.
"""

from __future__ import annotations

import reflex as rx

from components.dnd import DragDiv
from components.platform import platform_icon
from state.calendar import STATUS_CHOICES, CalendarState

#: One icon per post status (shown on chips and in the legend; colour only repeats it).
STATUS_ICONS: dict[str, str] = {
    "draft": "pencil",
    "scheduled": "clock",
    "publishing": "loader",
    "published": "circle-check",
    "failed": "circle-x",
    "needs_review": "eye",
    "partially_failed": "circle-alert",
}


def status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def status_icon(status: rx.Var | str, size: int = 12) -> rx.Component:
    return rx.match(
        status,
        *[(name, rx.icon(icon, size=size, aria_hidden="true")) for name, icon in STATUS_ICONS.items()],
        rx.icon("circle", size=size, aria_hidden="true"),
    )


def legend() -> rx.Component:
    """What each status icon means; the colour of the chip's edge repeats it."""
    return rx.hstack(
        rx.text("Legend:", size="1", color_scheme="gray", weight="medium"),
        *[
            rx.hstack(
                rx.icon(STATUS_ICONS[s], size=12, aria_hidden="true"),
                rx.text(status_label(s), size="1"),
                spacing="1",
                align="center",
                custom_attrs={"data-testid": f"cal-legend-{s}"},
            )
            for s in STATUS_CHOICES
            if s in STATUS_ICONS
        ],
        spacing="3",
        wrap="wrap",
        align="center",
        custom_attrs={"data-testid": "cal-legend", "role": "note", "aria-label": "Status legend"},
    )


def post_chip(item: rx.Var, origin: rx.Var, wide: bool = False) -> rx.Component:
    return DragDiv.create(
        rx.hstack(
            rx.box(
                status_icon(item.status),
                title=item.status_label,
                display="inline-flex",
                custom_attrs={"data-testid": "cal-item-status-icon", "aria-label": item.status_label, "role": "img"},
            ),
            rx.text(item.time, size="1", weight="bold", custom_attrs={"data-testid": "cal-item-time"}),
            rx.foreach(item.platforms, lambda p: platform_icon(p, 11)),
            rx.cond(item.recurring, rx.icon("repeat", size=11, custom_attrs={"data-testid": "cal-item-recurring"})),
            rx.spacer(),
            rx.cond(
                item.link != "",
                rx.link(
                    rx.icon("external-link", size=11),
                    href=item.link,
                    is_external=True,
                    on_click=rx.stop_propagation,
                    aria_label="Open the published post",
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
        rx.text(
            item.text,
            size="1",
            class_name="sh-clamp-2",
            custom_attrs={"data-testid": "cal-item-text"},
        ),
        draggable=True,
        on_drag_start=CalendarState.start_drag(item.id, origin),
        on_drag_end=CalendarState.end_drag,
        on_click=rx.redirect("/compose?post=" + item.id).stop_propagation,
        title=item.time + " · " + item.status_label + " · " + item.text,
        background=item.bg,
        border_left=rx.Var.create("3px solid ") + item.edge,
        border_radius="4px",
        padding="1px 4px",
        margin_bottom="2px",
        cursor=rx.cond(item.movable, "grab", "pointer"),
        width="100%",
        min_width="0",
        max_width="100%" if not wide else "none",
        custom_attrs={"data-testid": "cal-item", "data-post-id": item.id, "data-status": item.status},
    )
