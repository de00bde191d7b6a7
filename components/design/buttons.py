"""Buttons by intent (primary / secondary / danger) and the "main action ▾ more" menu.

Why by intent: a page shows one primary action; the rest look secondary; anything that destroys data
is red and goes through `confirm_dialog`. A disabled button says why in `reason` (shown under it and
tied to it with aria-describedby), so a person never wonders why nothing happens.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def _button(label: Any, *, testid: str, aria_label: str | None, icon: str | None, variant: str,
            color_scheme: str | None, reason: rx.Var | str | None, **props: Any) -> rx.Component:
    children: list[Any] = []
    if icon:
        children.append(rx.icon(icon, size=16, aria_hidden="true"))
    children.append(label)
    attrs: dict[str, Any] = {"data-testid": testid}
    if reason is not None:
        attrs["aria-describedby"] = f"{testid}-reason"
    extra = {"color_scheme": color_scheme} if color_scheme else {}
    button = rx.button(
        *children,
        variant=variant,
        custom_attrs=attrs,
        **({"aria_label": aria_label} if aria_label else {}),
        **extra,
        **props,
    )
    if reason is None:
        return button
    return rx.vstack(
        button,
        rx.cond(
            reason != "",
            rx.text(reason, size="1", color_scheme="gray", id=f"{testid}-reason",
                    custom_attrs={"data-testid": f"{testid}-reason"}),
        ),
        spacing="1",
        align="start",
    )


def primary_button(label: Any, *, testid: str, aria_label: str | None = None, icon: str | None = None,
                   reason: rx.Var | str | None = None, **props: Any) -> rx.Component:
    return _button(label, testid=testid, aria_label=aria_label, icon=icon, variant="solid",
                   color_scheme=None, reason=reason, **props)


def secondary_button(label: Any, *, testid: str, aria_label: str | None = None, icon: str | None = None,
                     reason: rx.Var | str | None = None, **props: Any) -> rx.Component:
    return _button(label, testid=testid, aria_label=aria_label, icon=icon, variant="soft",
                   color_scheme="gray", reason=reason, **props)


def danger_button(label: Any, *, testid: str, aria_label: str | None = None, icon: str | None = "trash-2",
                  reason: rx.Var | str | None = None, **props: Any) -> rx.Component:
    return _button(label, testid=testid, aria_label=aria_label, icon=icon, variant="soft",
                   color_scheme="red", reason=reason, **props)


def action_menu(primary: rx.Component, items: list[tuple[str, str, Any]], *, testid: str,
                menu_label: str = "More actions", disabled: rx.Var | bool = False,
                item_disabled: dict[str, rx.Var] | None = None,
                item_shown: dict[str, rx.Var] | None = None) -> rx.Component:
    """A primary button with a ▾ menu of the other actions (label, testid, on_click) beside it.

    `item_disabled` / `item_shown` (keyed by an item's testid) disable or hide single items, e.g.
    "Publish now" while the post can't go out, while "Save draft" stays available.
    """
    item_disabled, item_shown = item_disabled or {}, item_shown or {}

    def item(label: str, item_testid: str, handler: Any) -> rx.Component:
        entry = rx.dropdown_menu.item(
            label, on_click=handler, disabled=item_disabled.get(item_testid, False),
            custom_attrs={"data-testid": item_testid},
        )  # fmt: skip
        return rx.cond(item_shown[item_testid], entry) if item_testid in item_shown else entry

    return rx.hstack(
        primary,
        rx.dropdown_menu.root(
            rx.dropdown_menu.trigger(
                rx.button(
                    rx.icon("chevron-down", size=16, aria_hidden="true"),
                    variant="solid",
                    aria_label=menu_label,
                    disabled=disabled,
                    custom_attrs={"data-testid": f"{testid}-menu"},
                )
            ),
            rx.dropdown_menu.content(*[item(label, item_testid, handler) for label, item_testid, handler in items]),
        ),
        spacing="1",
        align="start",
        custom_attrs={"data-testid": testid},
    )
