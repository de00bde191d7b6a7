"""Shared pieces of the Automation pages: the tabs across them, labelled checkboxes.

Messages follow components/design/feedback.py: input problems as field_message under their field,
outcomes as toasts from the state (no red box repeating a toast)."""

from __future__ import annotations

import reflex as rx

AUTOMATION_PAGES = [
    ("Webhooks", "/automation/webhooks", "webhook"),
    ("Email alerts", "/automation/alerts", "mail"),
    ("Import / export", "/automation/import", "file-spreadsheet"),
    ("RSS feeds", "/automation/feeds", "rss"),
]


def automation_subnav(current: str) -> rx.Component:
    return rx.hstack(
        *[
            rx.link(
                rx.button(
                    rx.icon(icon, size=14, aria_hidden="true"),
                    label,
                    size="2",
                    variant="solid" if href == current else "soft",
                    color_scheme="violet" if href == current else "gray",
                ),
                href=href,
                aria_current="page" if href == current else None,
                custom_attrs={"data-testid": "automation-subnav-" + href.rsplit("/", 1)[-1]},
            )
            for label, href, icon in AUTOMATION_PAGES
        ],
        spacing="2",
        wrap="wrap",
        margin_bottom="12px",
    )


def labelled_checkbox(label: rx.Var | str, checked: rx.Var, on_change, testid: rx.Var | str) -> rx.Component:  # noqa: ANN001
    """Radix renders <button role=checkbox>: the aria-label gives it its name (axe: button-name)."""
    return rx.el.label(
        rx.checkbox(checked=checked, on_change=on_change, custom_attrs={"data-testid": testid, "aria-label": label}),
        rx.text(label, size="2"),
        style={"display": "flex", "gap": "6px", "alignItems": "center"},
    )


def named_file_input(upload: rx.Component, name: str) -> rx.Component:
    """rx.upload builds its <input type=file> itself; give it an accessible name (axe: label)."""
    stack = [upload]
    while stack:
        node = stack.pop()
        if type(node).__name__ == "Input":
            node.custom_attrs["aria-label"] = name
            break
        stack.extend(getattr(node, "children", []))
    return upload


def header_cells(*names: str) -> rx.Component:
    return rx.table.header(rx.table.row(*[rx.table.column_header_cell(n) for n in names]))
