"""The shell's bell (unread count as a badge and in its accessible name) and the notifications list."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, secondary_button
from state.notifications import NotificationsState as N


def notification_item(item: rx.Var) -> rx.Component:
    unread = item["unread"] == "yes"
    return rx.box(
        rx.hstack(
            rx.cond(unread, rx.box(width="8px", height="8px", border_radius="50%", background=rx.color("accent", 9),
                                   flex_shrink="0", margin_top="6px", aria_hidden="true")),  # fmt: skip
            rx.vstack(
                rx.text(item["title"], weight=rx.cond(unread, "bold", "regular"), size="2"),
                rx.text(item["text"], size="2", color_scheme="gray", class_name="sh-clamp",
                        custom_attrs={"data-testid": "notification-text"}),  # fmt: skip
                rx.text(item["when"], size="1", color_scheme="gray"),
                spacing="0",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.vstack(
                rx.cond(
                    item["href"] != "",
                    rx.button(
                        "Open",
                        size="1",
                        variant="soft",
                        on_click=N.open_item(item["id"]),
                        aria_label="Open the post: " + item["title"],
                        custom_attrs={"data-testid": "notification-open"},
                    ),
                ),
                rx.cond(
                    unread,
                    rx.button(
                        "Mark read",
                        size="1",
                        variant="ghost",
                        on_click=N.mark_read(item["id"]),
                        aria_label="Mark read: " + item["title"],
                        custom_attrs={"data-testid": "notification-mark-read"},
                    ),
                ),
                spacing="1",
                align="end",
            ),
            align="start",
            spacing="2",
            width="100%",
        ),
        padding="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        width="100%",
        custom_attrs={"data-testid": "notification-item", "data-kind": item["kind"], "data-unread": item["unread"]},
    )


def notification_list() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Notifications", size="3", as_="h2"),
            rx.spacer(),
            rx.button(
                "Mark all read",
                size="1",
                variant="soft",
                on_click=N.mark_all_read,
                disabled=N.unread == 0,
                custom_attrs={"data-testid": "notifications-mark-all-read"},
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            N.items.length() > 0,
            rx.vstack(rx.foreach(N.items, notification_item), spacing="0", width="100%"),
            empty_state(
                "bell",
                "Nothing yet",
                "Publishing results, comments and reviews show up here.",
                "notifications-empty",
                actions=[secondary_button("Open the calendar", testid="notifications-open-calendar",
                                          icon="calendar", on_click=rx.redirect("/calendar"))],
            ),
        ),
        spacing="2",
        width="100%",
        custom_attrs={"data-testid": "notifications-list"},
    )


def bell() -> rx.Component:
    """Opens the list in a popover; the count updates live (NotificationsState.poll)."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("bell", size=18, aria_hidden="true"),
                rx.cond(
                    N.unread > 0,
                    rx.badge(N.badge, color_scheme="red", variant="solid", radius="full",
                             custom_attrs={"data-testid": "notifications-count", "aria-hidden": "true"}),  # fmt: skip
                ),
                variant="ghost",
                aria_label=N.bell_label,
                custom_attrs={"data-testid": "notifications-bell", "data-unread": N.unread.to(str)},
            )
        ),
        rx.popover.content(
            rx.scroll_area(notification_list(), max_height="420px", type="auto"),
            rx.link("See all notifications", href="/notifications", size="2",
                    custom_attrs={"data-testid": "notifications-see-all"}),  # fmt: skip
            width="380px",
            max_width="95vw",
            aria_label="Notifications",
            custom_attrs={"data-testid": "notifications-panel"},
        ),
        on_open_change=N.on_panel,
    )
