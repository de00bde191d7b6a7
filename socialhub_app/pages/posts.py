"""Posts: every post in a table with search, filters, sorting, pages and bulk actions."""

from __future__ import annotations

import reflex as rx

from components.design import confirm_dialog, danger_button, field_message, primary_button, secondary_button
from components.platform import platform_icon, status_badge
from socialhub_app.layout import protected_page
from state.posts_list import ALL, OFFSET_UNITS, STATUS_CHOICES, PostsListState

S = PostsListState


def filters() -> rx.Component:
    return rx.hstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            aria_label="Search posts",
            placeholder="Search text…",
            default_value=S.search,
            on_change=S.set_search.debounce(300),
            on_blur=S.set_search,
            width="240px",
            custom_attrs={"data-testid": "posts-search"},
        ),
        rx.select.root(
            rx.select.trigger(
                placeholder="All accounts", aria_label="Filter by account", custom_attrs={"data-testid": "posts-filter-account"}
            ),
            rx.select.content(
                rx.select.item("All accounts", value=ALL),
                rx.foreach(S.accounts, lambda a: rx.select.item(a["label"], value=a["id"])),
            ),
            value=S.account_filter,
            on_change=S.set_account_filter,
        ),
        rx.select.root(
            rx.select.trigger(
                placeholder="All statuses", aria_label="Filter by status", custom_attrs={"data-testid": "posts-filter-status"}
            ),
            rx.select.content(
                rx.select.item("All statuses", value=ALL),
                *[rx.select.item(s.replace("_", " ").capitalize(), value=s) for s in STATUS_CHOICES],
            ),
            value=S.status_filter,
            on_change=S.set_status_filter,
        ),
        rx.text("From", size="2"),
        rx.input(
            type="date",
            value=S.date_from,
            on_change=S.set_date_from,
            aria_label="From date",
            custom_attrs={"data-testid": "posts-date-from"},
        ),
        rx.text("to", size="2"),
        rx.input(
            type="date",
            value=S.date_to,
            on_change=S.set_date_to,
            aria_label="To date",
            custom_attrs={"data-testid": "posts-date-to"},
        ),
        rx.button("Clear", variant="ghost", on_click=S.clear_filters, custom_attrs={"data-testid": "posts-clear"}),
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
    )


def bulk_bar() -> rx.Component:
    return rx.hstack(
        rx.text(S.selected.length().to(str) + " selected", size="2", custom_attrs={"data-testid": "posts-selected"}),
        rx.button(
            "Duplicate as draft",
            size="1",
            variant="soft",
            on_click=S.bulk_duplicate,
            disabled=S.selected.length() == 0,
            custom_attrs={"data-testid": "bulk-duplicate"},
        ),
        danger_button(
            "Delete…",
            testid="bulk-delete",
            aria_label="Delete selected posts",
            size="1",
            on_click=S.ask_bulk_delete,
            disabled=S.selected.length() == 0,
        ),
        rx.text("Move by", size="2"),
        rx.input(
            value=S.offset_amount,
            on_change=S.set_offset_amount,
            width="70px",
            size="1",
            aria_label="Move selected posts by (amount)",
            aria_describedby="bulk-offset-message",
            id="bulk-offset",
            custom_attrs={"data-testid": "bulk-offset"},
        ),
        field_message(S.offset_error, field_id="bulk-offset", testid="bulk-offset-message"),
        rx.select(
            list(OFFSET_UNITS),
            value=S.offset_unit,
            on_change=S.set_offset_unit,
            size="1",
            custom_attrs={"data-testid": "bulk-offset-unit", "aria-label": "Unit"},
        ),
        rx.button(
            "Reschedule",
            size="1",
            variant="soft",
            on_click=S.bulk_reschedule,
            disabled=S.selected.length() == 0,
            custom_attrs={"data-testid": "bulk-reschedule"},
        ),
        align="center",
        wrap="wrap",
        spacing="2",
    )


def results() -> rx.Component:
    return rx.cond(
        S.results.length() > 0,
        rx.callout(
            rx.vstack(
                rx.foreach(
                    S.results,
                    lambda r: rx.hstack(
                        rx.icon(
                            rx.cond(r.ok, "check", "x"),
                            size=14,
                            color=rx.cond(r.ok, rx.color("green", 10), rx.color("red", 10)),
                        ),
                        rx.text(rx.text.strong("“" + r.label + "”"), " — " + r.message, size="2"),
                        align="center",
                        custom_attrs={"data-testid": "bulk-result", "data-ok": rx.cond(r.ok, "true", "false")},
                    ),
                ),
                rx.button("Dismiss", size="1", variant="ghost", on_click=S.clear_results),
                spacing="1",
            ),
            icon="list-checks",
            width="100%",
            custom_attrs={"data-testid": "bulk-results"},
        ),
    )


def delete_dialog() -> rx.Component:
    """Names every post about to go (first words · account · time) and says it can't be undone."""
    return confirm_dialog(
        open_=S.confirm_delete_open,
        title=S.delete_title,
        description="Deleting can't be undone. Copies already published on a network stay there.",
        details=rx.vstack(
            rx.foreach(S.delete_lines, lambda line: rx.text(line, size="2", custom_attrs={"data-testid": "delete-line"})),
            spacing="1",
        ),
        confirm_label=S.delete_confirm_label,
        on_confirm=S.bulk_delete,
        on_cancel=S.cancel_bulk_delete,
        on_open_change=S.set_delete_open,
        testid="posts-delete-dialog",
    )


def sort_header(label: str, column: str) -> rx.Component:
    arrow = rx.cond(S.sort == column, " ↑", rx.cond(S.sort == f"-{column}", " ↓", ""))
    return rx.table.column_header_cell(
        rx.link(
            label,
            arrow,
            on_click=S.sort_by(column),
            cursor="pointer",
            color_scheme="gray",
            high_contrast=True,
            custom_attrs={"data-testid": f"sort-{column}"},
        ),
    )


def post_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=S.selected.contains(row.id),
                on_change=S.toggle_row(row.id),
                aria_label="Select post: " + row.text.to(str),
                custom_attrs={"data-testid": "post-select"},
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(row.recurring, rx.icon("repeat", size=12)),
                rx.link(row.text, href="/compose?post=" + row.id, size="2", custom_attrs={"data-testid": "post-text"}),
                rx.cond(row.live_url != "", rx.link("Live post", href=row.live_url, is_external=True, size="2",
                                                   custom_attrs={"data-testid": "post-live-link"})),  # fmt: skip
                align="center",
            ),
            max_width="420px",
        ),
        rx.table.cell(rx.hstack(rx.foreach(row.platforms, lambda p: platform_icon(p, 14)), spacing="1")),
        rx.table.cell(status_badge(row.status)),
        rx.table.cell(rx.text(row.when, size="2", custom_attrs={"data-testid": "post-when"})),
        rx.table.cell(rx.text(row.created, size="2", color_scheme="gray")),
        custom_attrs={"data-testid": "post-row", "data-post-id": row.id, "data-status": row.status},
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=14),
            size="1",
            variant="soft",
            disabled=S.page <= 1,
            on_click=S.go_page(S.page - 1),
            aria_label="Previous page",
            custom_attrs={"data-testid": "posts-prev"},
        ),
        rx.text(
            "Page " + S.page.to(str) + " of " + S.pages.to(str) + " · " + S.total.to(str)
            + rx.cond(S.total == 1, " post", " posts"),
            size="2",
            custom_attrs={"data-testid": "posts-page"},
        ),
        rx.button(
            rx.icon("chevron-right", size=14),
            size="1",
            variant="soft",
            disabled=S.page >= S.pages,
            on_click=S.go_page(S.page + 1),
            aria_label="Next page",
            custom_attrs={"data-testid": "posts-next"},
        ),
        align="center",
        justify="end",
        width="100%",
    )


@protected_page("/posts", "Posts", on_load=[S.load])
def posts_page() -> rx.Component:
    return rx.vstack(
        filters(),
        bulk_bar(),
        field_message(S.error, field_id="posts-date-from", testid="posts-error"),
        results(),
        delete_dialog(),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        rx.checkbox(
                            checked=S.all_selected,
                            on_change=S.toggle_all,
                            aria_label="Select all posts on this page",
                            custom_attrs={"data-testid": "posts-select-all"},
                        )
                    ),
                    rx.table.column_header_cell("Text"),
                    rx.table.column_header_cell("Accounts"),
                    sort_header("Status", "status"),
                    sort_header("When", "scheduled_at"),
                    sort_header("Created", "created_at"),
                )
            ),
            rx.table.body(rx.foreach(S.rows, post_row)),
            width="100%",
            size="1",
        ),
        rx.cond(
            S.total == 0,
            rx.hstack(
                rx.text("No posts match.", size="2", color_scheme="gray", custom_attrs={"data-testid": "posts-empty"}),
                secondary_button("Clear filters", testid="posts-empty-clear", icon="x", size="1", on_click=S.clear_filters),
                primary_button("Create post", testid="posts-empty-compose", icon="pen-line", size="1",
                               on_click=rx.redirect("/compose")),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
        pager(),
        width="100%",
        spacing="3",
    )
