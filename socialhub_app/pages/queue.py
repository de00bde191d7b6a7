"""Queue: every upcoming post of each account in time order, custom times included, free slots interleaved."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, primary_button, secondary_button
from components.platform import platform_icon, status_badge
from socialhub_app.layout import protected_page
from state.queue import ALL, DAY_CHOICES, QueuePageState

Q = QueuePageState


def add_post_link(row: rx.Var) -> rx.Component:
    return rx.button(
        rx.icon("plus", size=14, aria_hidden="true"),
        "Add post",
        size="1",
        variant="soft",
        on_click=rx.redirect(row["add_href"]),
        aria_label=row["add_label"],
        custom_attrs={"data-testid": "queue-add-post", "data-href": row["add_href"]},
    )


def slot_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["date_label"], weight="bold", size="2")),
        rx.table.cell(
            rx.hstack(
                rx.text(row["time"], size="2", custom_attrs={"data-testid": "queue-slot-time"}),
                rx.cond(
                    row["kind"] == "custom",
                    rx.badge("custom time", variant="outline", color_scheme="gray", size="1",
                             custom_attrs={"data-testid": "queue-custom"}),
                ),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(rx.hstack(platform_icon(row["platform"], 14), rx.text(row["account"], size="2"), align="center")),
        rx.table.cell(
            rx.cond(
                row["free"] == "yes",
                rx.hstack(
                    rx.text("Free slot", size="2", color_scheme="gray", custom_attrs={"data-testid": "queue-free"}),
                    add_post_link(row),
                    align="center",
                    spacing="3",
                ),
                rx.hstack(
                    status_badge(row["status"]),
                    rx.link(
                        row["text"],
                        href="/compose?post=" + row["post_id"],
                        size="2",
                        custom_attrs={"data-testid": "queue-post"},
                    ),
                    align="center",
                ),
            )
        ),
        rx.table.cell(
            rx.cond(
                row["can_cancel"] == "yes",
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=Q.remove_from_queue(row["post_id"]),
                    aria_label="Remove from the queue: " + row["text"],
                    custom_attrs={"data-testid": "queue-remove"},
                ),
            )
        ),
        custom_attrs={
            "data-testid": "queue-row",
            "data-free": row["free"],
            "data-kind": row["kind"],
            "data-post-id": row["post_id"],
            "data-date": row["local_date"],
        },
    )


def queue_empty() -> rx.Component:
    """Say what is missing — an account, slots or posts — and offer that next step as a button."""
    return rx.cond(
        Q.has_accounts,
        empty_state(
            "list-ordered",
            "Nothing queued in this range",
            "Set up weekly posting slots for an account, or schedule a post; both show up here in time order.",
            "queue-empty",
            actions=[
                primary_button("Set up posting slots", testid="queue-empty-slots", icon="calendar-clock",
                               on_click=rx.redirect("/settings")),
                secondary_button("Create post", testid="queue-empty-compose", icon="pen-line",
                                 on_click=rx.redirect("/compose")),
            ],
        ),
        empty_state(
            "list-ordered",
            "No accounts connected yet",
            "Connect an account first; then give it posting slots and fill them from the composer.",
            "queue-empty",
            actions=[
                primary_button("Connect an account", testid="queue-empty-connect", icon="plug",
                               on_click=rx.redirect("/accounts")),
            ],
        ),
    )


def queue_toolbar() -> rx.Component:
    return rx.hstack(
        rx.text("Next", size="2"),
        rx.select(
            list(DAY_CHOICES),
            value=Q.days,
            on_change=Q.set_days,
            size="1",
            custom_attrs={"data-testid": "queue-days", "aria-label": "Days ahead"},
        ),
        rx.text("days, times in " + Q.timezone, size="2"),
        rx.select.root(
            rx.select.trigger(placeholder="All accounts", aria_label="Filter by account",
                              custom_attrs={"data-testid": "queue-filter-account"}),
            rx.select.content(
                rx.select.item("All accounts", value=ALL),
                rx.foreach(Q.accounts, lambda a: rx.select.item(a["label"], value=a["id"])),
            ),
            value=Q.account_filter,
            on_change=Q.set_account_filter,
            size="1",
        ),
        rx.spacer(),
        rx.text(
            Q.filled_count.to(str) + " posts · " + Q.free_count.to(str) + " free slots",
            size="2",
            color_scheme="gray",
            custom_attrs={"data-testid": "queue-counts"},
        ),
        rx.link("Edit posting slots", href="/settings", size="2", custom_attrs={"data-testid": "queue-settings"}),
        align="center",
        width="100%",
        wrap="wrap",
    )


@protected_page("/queue", "Queue", on_load=[Q.load])
def queue_page() -> rx.Component:
    return rx.vstack(
        queue_toolbar(),
        rx.cond(
            Q.error != "",
            rx.callout(
                Q.error,
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                custom_attrs={"data-testid": "queue-error"},
            ),
        ),
        rx.cond(
            Q.rows.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*[rx.table.column_header_cell(h) for h in ("Day", "Time", "Account", "Post", "")])
                    ),
                    rx.table.body(rx.foreach(Q.rows, slot_row)),
                    width="100%",
                    size="1",
                ),
                class_name="sh-table-scroll",
                width="100%",
            ),
            queue_empty(),
        ),
        width="100%",
        spacing="3",
    )
