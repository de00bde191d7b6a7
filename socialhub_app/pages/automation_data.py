"""Automation → Import / export (CSV preview → Import; export CSV/JSON) and RSS feeds."""

from __future__ import annotations

import reflex as rx

from components.automation import automation_subnav, header_cells, labelled_checkbox, named_file_input
from components.design import confirm_action, empty_state, field_message, secondary_button
from components.fields import field_label
from socialhub_app.layout import protected_page
from state.automation_feeds import INTERVALS, FeedsState
from state.automation_import import UPLOAD_ID, ImportExportState

IE = ImportExportState
F = FeedsState
CSV_EXAMPLE = """text,text:x,accounts,scheduled_at,timezone,media
Launch day! https://example.com,Launch 🚀,mastodon:@alice;x:@acme,2031-05-04 09:30,Europe/Berlin,#12
A draft to finish later,,demo,,,"""


def _preview_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["line"]),
        rx.table.cell(rx.badge(rx.cond(r["ok"] == "yes", "ok", "problem"),
                               color_scheme=rx.cond(r["ok"] == "yes", "green", "red"))),  # fmt: skip
        rx.table.cell(rx.text(r["text"], size="1")),
        rx.table.cell(rx.text(r["accounts"], size="1")),
        rx.table.cell(rx.text(r["when"], size="1")),
        rx.table.cell(r["media"]),
        rx.table.cell(rx.text(r["problems"], size="1", color_scheme="red", custom_attrs={"data-testid": "import-problems"})),
        custom_attrs={"data-testid": "import-row", "data-line": r["line"], "data-ok": r["ok"]},
    )


def _import_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Import posts from CSV", size="3", as_="h2"),
            rx.text("Choose a file: every row is checked first and nothing is saved until you press Import. "
                    "Either every row is imported or none.", size="2", color_scheme="gray"),  # fmt: skip
            named_file_input(
                rx.upload(
                    rx.hstack(rx.icon("file-up", size=18, aria_hidden="true"),
                              rx.text("Drop a CSV file here, or click (Enter) to choose one", size="2"), align="center"),  # fmt: skip
                    id=UPLOAD_ID,
                    multiple=False,
                    accept={"text/csv": [".csv"], "text/plain": [".csv", ".txt"]},
                    on_drop=IE.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    border=f"1px dashed {rx.color('gray', 7)}",
                    padding="12px",
                    width="100%",
                    custom_attrs={"data-testid": "import-upload"},
                ),
                "Choose a CSV file to import",
            ),
            field_message(IE.file_error, field_id="import-upload", testid="import-error"),
            rx.cond(IE.summary != "", rx.text(IE.file_name, ": ", IE.summary, size="2", weight="medium",
                                              custom_attrs={"data-testid": "import-summary"})),  # fmt: skip
            rx.foreach(IE.file_problems, lambda p: rx.text(p, size="2", color_scheme="red",
                                                            custom_attrs={"data-testid": "import-file-problem"})),  # fmt: skip
            rx.cond(
                IE.rows.length() > 0,
                rx.table.root(
                    header_cells("Line", "", "Text", "Accounts", "When", "Media", "Problems"),
                    rx.table.body(rx.foreach(IE.rows, _preview_row)),
                    width="100%",
                    size="1",
                    custom_attrs={"data-testid": "import-preview"},
                ),
            ),
            rx.hstack(
                rx.button("Import", on_click=IE.do_import, disabled=~IE.ready, custom_attrs={"data-testid": "import-submit"}),
                rx.button("Clear", variant="soft", on_click=IE.clear, custom_attrs={"data-testid": "import-clear"}),
                spacing="2",
            ),
            rx.cond(IE.notice != "", rx.callout(IE.notice, icon="check", color_scheme="green", width="100%", role="status",
                                                 custom_attrs={"data-testid": "import-notice"})),  # fmt: skip
            rx.text("Columns (names in the first row):", size="2", weight="medium"),
            rx.code_block(CSV_EXAMPLE, language="csv", width="100%"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@protected_page("/automation/import", "Automation", on_load=[ImportExportState.load])
def automation_import_page() -> rx.Component:
    return rx.vstack(
        automation_subnav("/automation/import"),
        _import_card(),
        rx.card(
            rx.vstack(
                rx.heading("Export posts", size="3", as_="h2"),
                rx.text("Every post of this workspace. The CSV uses the import's columns, so it can be edited and "
                        "imported again; the JSON lists every account's copy with its status and link.",
                        size="2", color_scheme="gray"),  # fmt: skip
                rx.hstack(
                    rx.button("Export CSV", variant="soft", on_click=IE.export("csv"), custom_attrs={"data-testid": "export-csv"}),
                    rx.button("Export JSON", variant="soft", on_click=IE.export("json"), custom_attrs={"data-testid": "export-json"}),
                    spacing="2",
                ),
                spacing="3",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _feed_row(f: rx.Var) -> rx.Component:
    name = f["name"].to(str)
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(f["name"], size="2", weight="medium"), rx.text(f["template"], size="1"),
                                rx.cond(f["error"] != "", rx.text(f["error"], size="1", color_scheme="red",
                                        custom_attrs={"data-testid": "feed-error"})), spacing="1")),  # fmt: skip
        rx.table.cell(rx.text(f["accounts"], size="1")),
        rx.table.cell(rx.text(f["mode"], size="1")),
        rx.table.cell(rx.text("every ", f["interval"], " min", size="1")),
        rx.table.cell(rx.text(f["last_checked"], " · ", f["entries"], size="1")),
        rx.table.cell(
            rx.hstack(
                rx.switch(checked=f["enabled"] == "yes", on_change=lambda on: F.set_enabled(f["id"].to(str), on),
                          disabled=~F.can_manage, aria_label="Active: " + name,
                          custom_attrs={"data-testid": "feed-enabled"}),  # fmt: skip
                rx.button("Check now", size="1", variant="soft", on_click=F.check_now(f["id"]), disabled=~F.can_manage,
                          aria_label="Check now: " + name, custom_attrs={"data-testid": "feed-check-now"}),  # fmt: skip
                confirm_action(
                    rx.button("Delete", size="1", variant="soft", color_scheme="red",
                              disabled=~F.can_manage, aria_label="Delete feed " + name,
                              custom_attrs={"data-testid": "feed-delete"}),
                    title="Delete the feed “" + name + "”?",
                    description="No new posts are made from it. Posts it already made stay. This can't be undone.",
                    confirm_label="Delete feed",
                    on_confirm=F.delete(f["id"]),
                    testid="feed-delete-dialog",
                ),  # fmt: skip
                spacing="2",
                align="center",
            )
        ),
        custom_attrs={"data-testid": "feed-row", "data-feed-id": f["id"]},
    )


def _feed_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Add a feed", size="3", as_="h2"),
            rx.hstack(
                rx.vstack(field_label("Feed URL", "feed-url"),
                          rx.input(id="feed-url", value=F.url, on_change=F.set_url, placeholder="https://blog.example.com/feed.xml",
                                   width="340px", custom_attrs={"data-testid": "feed-url",
                                                                "aria-describedby": "feed-url-message"}),
                          field_message(F.url_error, field_id="feed-url", testid="feed-url-error"),
                          spacing="1"),  # fmt: skip
                rx.vstack(field_label("Name (optional)", "feed-name"),
                          rx.input(id="feed-name", value=F.name, on_change=F.set_name, width="200px",
                                   custom_attrs={"data-testid": "feed-name"}), spacing="1"),  # fmt: skip
                wrap="wrap",
                spacing="3",
            ),
            rx.vstack(field_label("Post text template ({title}, {link}, {summary})", "feed-template"),
                      rx.input(id="feed-template", value=F.template, on_change=F.set_template, width="420px",
                               custom_attrs={"data-testid": "feed-template", "aria-describedby": "feed-template-message"}),
                      field_message(F.template_error, field_id="feed-template", testid="feed-template-error"),
                      spacing="1"),  # fmt: skip
            rx.text("Post to", size="2", weight="medium", id="feed-accounts-label"),
            rx.flex(
                rx.foreach(F.accounts, lambda a: labelled_checkbox(
                    a["label"].to(str), F.chosen_accounts.contains(a["id"]),
                    lambda on: F.toggle_account(a["id"].to(str), on), "feed-account-" + a["id"].to(str))),  # fmt: skip
                wrap="wrap", gap="12px", role="group", aria_labelledby="feed-accounts-label",
                custom_attrs={"aria-describedby": "feed-accounts-message"},
            ),  # fmt: skip
            field_message(F.accounts_error, field_id="feed-accounts", testid="feed-accounts-error"),
            rx.hstack(
                rx.select.root(
                    rx.select.trigger(aria_label="Check every", custom_attrs={"data-testid": "feed-interval"}),
                    rx.select.content(*[rx.select.item(f"every {m} minutes", value=m) for m in INTERVALS]),
                    value=F.interval, on_change=F.set_interval,
                ),  # fmt: skip
                rx.select.root(
                    rx.select.trigger(aria_label="New entries become", custom_attrs={"data-testid": "feed-mode"}),
                    rx.select.content(rx.select.item("Drafts for review", value="draft"),
                                      rx.select.item("Scheduled into the queue", value="queue")),  # fmt: skip
                    value=F.mode, on_change=F.set_mode,
                ),  # fmt: skip
                rx.button("Add feed", on_click=F.add, custom_attrs={"data-testid": "feed-add"}),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@protected_page("/automation/feeds", "Automation", on_load=[FeedsState.load])
def automation_feeds_page() -> rx.Component:
    return rx.vstack(
        automation_subnav("/automation/feeds"),
        rx.text("New entries of an RSS or Atom feed become posts, each entry once. A new feed posts only its 3 "
                "newest entries; older ones are remembered as seen.", size="2", color_scheme="gray"),  # fmt: skip
        rx.cond(F.can_manage, _feed_form(),
                rx.callout("Editors, admins and owners manage feeds.", icon="lock", width="100%")),  # fmt: skip
        rx.cond(
            F.feeds.length() > 0,
            rx.table.root(
                header_cells("Feed", "Accounts", "New entries", "Interval", "Last check", ""),
                rx.table.body(rx.foreach(F.feeds, _feed_row)),
                width="100%",
                size="1",
                custom_attrs={"data-testid": "feed-list"},
            ),
            empty_state("rss", "No feeds yet", "New entries of a blog or news feed can become posts by themselves.",
                        "feed-empty",
                        actions=[rx.cond(F.can_manage, secondary_button(
                            "Add a feed", testid="feed-empty-add", icon="plus",
                            on_click=rx.call_script("document.getElementById('feed-url')?.focus()")))]),  # fmt: skip
        ),
        spacing="3",
        width="100%",
    )
