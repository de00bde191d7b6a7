"""Audit log (Owner/Admin): who did what and when, filtered by person, action and dates; CSV export."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, secondary_button
from components.design.names import truncated_name
from components.fields import field_label
from socialhub_app.layout import protected_page
from state.audit import ALL, AuditState

A = AuditState


def _picker(label: str, testid: str, value: rx.Var, options: rx.Var, on_change, all_label: str) -> rx.Component:  # noqa: ANN001
    return rx.select.root(
        rx.select.trigger(aria_label=label, custom_attrs={"data-testid": testid}, min_width="180px"),
        rx.select.content(
            rx.select.item(all_label, value=ALL),
            rx.foreach(options, lambda o: rx.select.item(o["label"], value=o["id"])),
        ),
        value=value,
        on_change=on_change,
    )


def filters() -> rx.Component:
    return rx.hstack(
        _picker("Filter by person", "audit-filter-person", A.person, A.people, A.set_person, "Everyone"),
        _picker("Filter by action", "audit-filter-action", A.action, A.actions, A.set_action, "All actions"),
        rx.vstack(
            field_label("From", "audit-from"),
            rx.input(id="audit-from", type="date", value=A.start, on_change=A.set_start,
                     custom_attrs={"data-testid": "audit-date-from"}),  # fmt: skip
            spacing="0",
        ),
        rx.vstack(
            field_label("To", "audit-to"),
            rx.input(id="audit-to", type="date", value=A.end, on_change=A.set_end,
                     custom_attrs={"data-testid": "audit-date-to"}),  # fmt: skip
            spacing="0",
        ),
        rx.button("Clear", variant="soft", color_scheme="gray", on_click=A.clear,
                  custom_attrs={"data-testid": "audit-clear"}),  # fmt: skip
        rx.button(rx.icon("download", size=16, aria_hidden="true"), "Export CSV", variant="soft",
                  on_click=A.download_csv, custom_attrs={"data-testid": "audit-export"}),  # fmt: skip
        wrap="wrap",
        align="end",
        spacing="3",
    )


def audit_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["when"], size="2", white_space="nowrap")),
        rx.table.cell(truncated_name(r["person"], testid="audit-person", size="2", weight="bold"),
                      truncated_name(r["email"], testid="audit-email", size="1", color_scheme="gray")),
        rx.table.cell(rx.code(r["action"], size="2", custom_attrs={"data-testid": "audit-action"})),
        rx.table.cell(rx.text(r["detail"], size="1", class_name="sh-clamp")),
        custom_attrs={"data-testid": "audit-row", "data-action": r["action"]},
    )


def table() -> rx.Component:
    return rx.cond(
        A.rows.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("When"),
                    rx.table.column_header_cell("Who"),
                    rx.table.column_header_cell("Action"),
                    rx.table.column_header_cell("Detail"),
                )
            ),
            rx.table.body(rx.foreach(A.rows, audit_row)),
            width="100%",
            variant="surface",
        ),
        empty_state("scroll-text", "No entries", "Nothing matches these filters.", "audit-empty",
                    actions=[secondary_button("Clear filters", testid="audit-empty-clear", icon="x",
                                              on_click=A.clear)]),
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.button("Newer", variant="soft", on_click=A.newer, disabled=A.page <= 1,
                  custom_attrs={"data-testid": "audit-newer"}),  # fmt: skip
        rx.text("Page ", A.page, " · ", A.total, rx.cond(A.total == 1, " entry", " entries"), size="2", custom_attrs={"data-testid": "audit-page"}),
        rx.button("Older", variant="soft", on_click=A.older, disabled=~A.has_older,
                  custom_attrs={"data-testid": "audit-older"}),  # fmt: skip
        align="center",
        spacing="3",
    )


@protected_page("/audit", "Audit log", on_load=[AuditState.load])
def audit_page() -> rx.Component:
    return rx.cond(
        A.allowed,
        rx.vstack(
            filters(),
            rx.cond(A.error != "", rx.callout(A.error, icon="triangle-alert", color_scheme="red",
                                              custom_attrs={"data-testid": "audit-error"})),  # fmt: skip
            table(),
            pager(),
            spacing="3",
            width="100%",
        ),
        rx.callout(
            "Only Owners and Admins can read the audit log.",
            icon="lock",
            custom_attrs={"data-testid": "audit-refused"},
        ),
    )
