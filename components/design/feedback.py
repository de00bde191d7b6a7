"""Where messages go: next to the field for input problems, toasts for outcomes.

Why one pattern: an error used to show twice (a red box and a toast) and red boxes outlived their
situation. Input problems are `field_message`s tied to their field (aria-describedby = the
message id) and cleared by the state when the input changes; outcomes are toasts
(`rx.toast.success/error` from the state) that go away by themselves.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def field_message(message: rx.Var, *, field_id: str, testid: str) -> rx.Component:
    """A problem with one field, shown under it; give the field aria-describedby=f"{field_id}-message"."""
    return rx.cond(
        message != "",
        rx.text(
            rx.icon("circle-alert", size=14, aria_hidden="true"),
            " ",
            message,
            id=f"{field_id}-message",
            role="alert",
            size="2",
            color_scheme="red",
            custom_attrs={"data-testid": testid},
        ),
    )


def empty_state(icon: str, title: str | rx.Var, text: str | rx.Var, testid: str,
                actions: list[rx.Component] | None = None) -> rx.Component:
    """An empty list always says what to do next, with that action as a button."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=36, color=rx.color("gray", 8), aria_hidden="true"),
            rx.heading(title, size="4", as_="h2"),
            rx.text(text, color_scheme="gray", size="2", text_align="center"),
            rx.hstack(*(actions or []), spacing="3", wrap="wrap", justify="center"),
            align="center",
            spacing="2",
        ),
        padding="48px",
        border=f"1px dashed {rx.color('gray', 6)}",
        border_radius="12px",
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def section_header(title: str | rx.Var, *, description: str | rx.Var | None = None,
                   actions: list[rx.Component] | None = None, testid: str | None = None,
                   level: str = "h2") -> rx.Component:
    """A section's heading (h2 under the page's one h1), optional one-line description and actions."""
    attrs: dict[str, Any] = {"data-testid": testid} if testid else {}
    return rx.hstack(
        rx.vstack(
            rx.heading(title, size="4", as_=level),
            *([rx.text(description, size="2", color_scheme="gray")] if description is not None else []),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        *(actions or []),
        width="100%",
        align="center",
        wrap="wrap",
        custom_attrs=attrs,
    )
