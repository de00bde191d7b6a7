"""Queue: upcoming posting slots of every account and what fills them."""

from __future__ import annotations

import reflex as rx

from components.layout import empty_state
from components.platform import platform_icon, status_badge
from socialhub_app.layout import protected_page
from state.queue import DAY_CHOICES, QueuePageState

Q = QueuePageState


def slot_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["date_label"], weight="bold", size="2")),
        rx.table.cell(rx.text(row["time"], size="2", custom_attrs={"data-testid": "queue-slot-time"})),
        rx.table.cell(rx.hstack(platform_icon(row["platform"], 14), rx.text(row["account"], size="2"), align="center")),
        rx.table.cell(
            rx.cond(
                row["free"] == "yes",
                rx.text("Free", size="2", color_scheme="gray", custom_attrs={"data-testid": "queue-free"}),
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
                    custom_attrs={"data-testid": "queue-remove"},
                ),
            )
        ),
        custom_attrs={
            "data-testid": "queue-row",
            "data-free": row["free"],
            "data-post-id": row["post_id"],
            "data-date": row["local_date"],
        },
    )


@protected_page("/queue", "Queue", on_load=[Q.load])
def queue_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text("Next", size="2"),
            rx.select(
                list(DAY_CHOICES),
                value=Q.days,
                on_change=Q.set_days,
                size="1",
                custom_attrs={"data-testid": "queue-days", "aria-label": "Days ahead"},
            ),
            rx.text("days, times in " + Q.timezone, size="2"),
            rx.spacer(),
            rx.text(
                Q.filled_count.to(str) + " filled · " + Q.free_count.to(str) + " free",
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "queue-counts"},
            ),
            rx.link("Edit posting slots", href="/settings", size="2", custom_attrs={"data-testid": "queue-settings"}),
            align="center",
            width="100%",
        ),
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
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ("Day", "Time", "Account", "Post", "")])
                ),
                rx.table.body(rx.foreach(Q.rows, slot_row)),
                width="100%",
                size="1",
            ),
            empty_state(
                "list-ordered",
                "No posting slots yet",
                "Add weekly posting slots for an account in Settings, then use “Add to queue” in the composer.",
                "queue-empty",
            ),
        ),
        width="100%",
        spacing="3",
    )
