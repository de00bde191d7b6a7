"""One confirm dialog for every destructive action.

Why: deletes used to happen on the first click. The dialog names the thing by what a person
recognises (a post's first words, account and time — never an internal id) and the destructive
button says exactly what it does ("Delete post"), so `get_by_role("button", name=...)` is exact.
The state owns `open` (set by the trigger handler after it resolved what is being deleted) and
clears it in both handlers.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def confirm_action(trigger: rx.Component, *, title: rx.Var | str, description: rx.Var | str, confirm_label: str,
                   on_confirm: Any, testid: str) -> rx.Component:
    """A row's destructive button that asks first, without any state: the dialog opens on the trigger.

    For lists (personas, keys, webhooks, members …) where the row itself names the thing, so the
    title can say e.g. "Delete persona “Friendly”?". The confirm button's testid is f"{testid}-confirm".
    """
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(trigger),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2", custom_attrs={"data-testid": f"{testid}-description"}),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray",
                              custom_attrs={"data-testid": f"{testid}-cancel"})
                ),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme="red", on_click=on_confirm,
                              custom_attrs={"data-testid": f"{testid}-confirm"})
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            custom_attrs={"data-testid": testid},
            max_width="480px",
        ),
    )


def confirm_dialog(*, open_: rx.Var, title: rx.Var | str, description: rx.Var | str, confirm_label: str | rx.Var,
                   on_confirm: Any, on_cancel: Any, testid: str, cancel_label: str = "Cancel",
                   details: rx.Component | None = None, on_open_change: Any = None) -> rx.Component:
    """`details` (optional) goes under the description, e.g. the list of posts a bulk delete removes.

    `on_open_change` (optional, gets a bool) lets Escape close the dialog like Cancel does.
    """
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, custom_attrs={"data-testid": f"{testid}-description"}),
            *([rx.box(details, margin_top="8px", custom_attrs={"data-testid": f"{testid}-details"})] if details else []),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(cancel_label, variant="soft", color_scheme="gray", on_click=on_cancel,
                              custom_attrs={"data-testid": f"{testid}-cancel"})
                ),
                rx.alert_dialog.action(
                    rx.button(confirm_label, color_scheme="red", on_click=on_confirm,
                              custom_attrs={"data-testid": f"{testid}-confirm"})
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            custom_attrs={"data-testid": testid},
            max_width="480px",
        ),
        open=open_,
        **({"on_open_change": on_open_change} if on_open_change is not None else {}),
    )
