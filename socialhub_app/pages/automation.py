"""Automation → Webhooks and Email alerts (import/export and RSS feeds: automation_data.py)."""

from __future__ import annotations

import reflex as rx

from components.automation import automation_subnav, header_cells, labelled_checkbox
from components.design import confirm_action, empty_state, field_message, secondary_button
from components.fields import field_label
from socialhub_app.layout import protected_page
from state.automation_alerts import AlertsState
from state.automation_webhooks import WebhooksState

W = WebhooksState
_FOCUS_URL = "document.getElementById('webhook-url')?.focus()"


def _event_choice(choice: rx.Var) -> rx.Component:
    return labelled_checkbox(
        choice["id"].to(str),
        W.chosen_events.contains(choice["id"]),
        lambda checked: W.toggle_event(choice["id"].to(str), checked),
        "webhook-event-" + choice["id"].to(str),
    )


def _add_form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Add an endpoint", size="3", as_="h2"),
            rx.hstack(
                rx.vstack(
                    field_label("Endpoint URL", "webhook-url"),
                    rx.input(id="webhook-url", value=W.url, on_change=W.set_url, placeholder="https://example.com/hooks",
                             width="360px", custom_attrs={"data-testid": "webhook-url",
                                                          "aria-describedby": "webhook-url-message"}),  # fmt: skip
                    field_message(W.url_error, field_id="webhook-url", testid="webhook-url-error"),
                    spacing="1",
                ),
                rx.vstack(
                    field_label("Description (optional)", "webhook-description"),
                    rx.input(id="webhook-description", value=W.description, on_change=W.set_description,
                             placeholder="n8n workflow", width="240px",
                             custom_attrs={"data-testid": "webhook-description"}),  # fmt: skip
                    spacing="1",
                ),
                wrap="wrap",
                spacing="3",
            ),
            rx.text("Events to send", size="2", weight="medium", id="webhook-events-label"),
            rx.flex(rx.foreach(W.event_choices, _event_choice), wrap="wrap", gap="12px", role="group",
                    aria_labelledby="webhook-events-label",
                    custom_attrs={"aria-describedby": "webhook-events-message"}),  # fmt: skip
            field_message(W.events_error, field_id="webhook-events", testid="webhook-events-error"),
            rx.button("Add endpoint", on_click=W.create, custom_attrs={"data-testid": "webhook-add"}),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _secret_callout() -> rx.Component:
    return rx.cond(
        W.new_secret != "",
        rx.callout(
            rx.vstack(
                rx.text("Signing secret — copy it now, it is shown only once:", size="2"),
                rx.code(W.new_secret, custom_attrs={"data-testid": "webhook-secret"}),
                rx.button("I copied it", size="1", variant="soft", on_click=W.dismiss_secret,
                          custom_attrs={"data-testid": "webhook-secret-dismiss"}),  # fmt: skip
                spacing="2",
            ),
            icon="key-round",
            color_scheme="green",
            width="100%",
        ),
    )


def _endpoint_row(e: rx.Var) -> rx.Component:
    url = e["url"].to(str)
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(e["url"], size="2", weight="medium"), rx.text(e["description"], size="1"),
                                rx.cond(e["notice"] != "", rx.text(e["notice"], size="1", color_scheme="red",
                                        custom_attrs={"data-testid": "webhook-disabled-reason"})),  # fmt: skip
                                spacing="1")),  # fmt: skip
        rx.table.cell(rx.text(e["events"], size="1")),
        rx.table.cell(rx.badge(e["status"], color_scheme=rx.cond(e["enabled"] == "yes", "green", "red"),
                               custom_attrs={"data-testid": "webhook-status", "data-enabled": e["enabled"]})),  # fmt: skip
        rx.table.cell(rx.code(e["secret_hint"])),
        rx.table.cell(e["pending"]),
        rx.table.cell(
            rx.hstack(
                rx.button("Delivery log", size="1", variant="soft", on_click=W.show_log(e["id"]),
                          aria_label="Delivery log of " + url, custom_attrs={"data-testid": "webhook-show-log"}),  # fmt: skip
                rx.switch(checked=e["enabled"] == "yes", on_change=lambda on: W.set_enabled(e["id"].to(str), on),
                          aria_label="Enabled: " + url, custom_attrs={"data-testid": "webhook-enabled"}),  # fmt: skip
                confirm_action(
                    rx.button("Delete", size="1", variant="soft", color_scheme="red",
                              aria_label="Delete endpoint " + url, custom_attrs={"data-testid": "webhook-delete"}),
                    title="Delete the webhook to " + url + "?",
                    description="Events stop being sent there, and its delivery log is deleted. This can't be undone.",
                    confirm_label="Delete webhook",
                    on_confirm=W.delete(e["id"]),
                    testid="webhook-delete-dialog",
                ),  # fmt: skip
                spacing="2",
                align="center",
            )
        ),
        custom_attrs={"data-testid": "webhook-row", "data-endpoint-id": e["id"]},
    )


def _delivery_row(d: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(d["created"]),
        rx.table.cell(rx.code(d["event"])),
        rx.table.cell(rx.badge(d["status"], custom_attrs={"data-testid": "delivery-status"})),
        rx.table.cell(rx.text(d["code"], custom_attrs={"data-testid": "delivery-code"})),
        rx.table.cell(d["attempts"]),
        rx.table.cell(rx.text(d["error"], " ", d["manual"], size="1")),
        rx.table.cell(rx.text(d["next"], size="1")),
        rx.table.cell(
            rx.button("Resend", size="1", variant="soft", on_click=W.resend(d["id"]),
                      aria_label="Resend " + d["event"].to(str) + " " + d["msg_id"].to(str),
                      custom_attrs={"data-testid": "delivery-resend"})  # fmt: skip
        ),
        custom_attrs={"data-testid": "delivery-row", "data-status": d["status"]},
    )


def _delivery_log() -> rx.Component:
    return rx.cond(
        W.log_endpoint_id != "",
        rx.vstack(
            rx.hstack(
                rx.heading("Delivery log: ", W.log_endpoint_url, size="3", as_="h2"),
                rx.button(rx.icon("refresh-cw", size=14, aria_hidden="true"), "Refresh", size="1", variant="soft",
                          on_click=W.refresh_log, custom_attrs={"data-testid": "delivery-refresh"}),  # fmt: skip
                align="center",
            ),
            rx.cond(
                W.deliveries.length() > 0,
                rx.table.root(
                    header_cells("Queued", "Event", "Status", "HTTP", "Attempts", "Last error", "Next try", ""),
                    rx.table.body(rx.foreach(W.deliveries, _delivery_row)),
                    width="100%",
                    size="1",
                    custom_attrs={"data-testid": "delivery-log"},
                ),
                empty_state("send", "Nothing sent yet",
                            "Deliveries appear here when one of the chosen events happens, e.g. a post is published.",
                            "delivery-empty",
                            actions=[secondary_button("Create post", testid="delivery-create-post", icon="pen-line",
                                                      on_click=rx.redirect("/compose"))]),  # fmt: skip
            ),
            width="100%",
        ),
    )


@protected_page("/automation/webhooks", "Automation", on_load=[WebhooksState.load])
def automation_webhooks_page() -> rx.Component:
    return rx.vstack(
        automation_subnav("/automation/webhooks"),
        rx.text("SocialHub POSTs JSON to your URL when something happens, signed per the Standard Webhooks spec "
                "(webhook-id, webhook-timestamp, webhook-signature). Failed deliveries are retried for 24 hours.",
                size="2", color_scheme="gray"),  # fmt: skip
        rx.cond(
            W.can_manage,
            rx.vstack(
                _add_form(),
                _secret_callout(),
                rx.cond(
                    W.endpoints.length() > 0,
                    rx.table.root(
                        header_cells("Endpoint", "Events", "Status", "Secret", "Pending", ""),
                        rx.table.body(rx.foreach(W.endpoints, _endpoint_row)),
                        width="100%",
                        size="1",
                        custom_attrs={"data-testid": "webhook-list"},
                    ),
                    empty_state("webhook", "No webhooks yet",
                                "Send events to n8n, Zapier or your own server when something happens.",
                                "webhook-empty",
                                actions=[secondary_button("Add a webhook", testid="webhook-empty-add", icon="plus",
                                                          on_click=rx.call_script(_FOCUS_URL))]),  # fmt: skip
                ),
                _delivery_log(),
                spacing="3",
                width="100%",
            ),
            rx.callout("Only admins and owners manage webhooks.", icon="lock", width="100%",
                       custom_attrs={"data-testid": "webhook-forbidden"}),  # fmt: skip
        ),
        spacing="3",
        width="100%",
    )


def _alert_switch(s: rx.Var) -> rx.Component:
    switch_id = "alert-" + s["slug"].to(str)
    return rx.hstack(
        rx.switch(id=switch_id, checked=s["on"] == "yes", on_change=lambda on: AlertsState.toggle(s["event"].to(str), on),
                  disabled=~AlertsState.mail_on, custom_attrs={"data-testid": switch_id}),  # fmt: skip
        rx.el.label(s["label"], html_for=switch_id, class_name="sh-label"),
        align="center",
    )


@protected_page("/automation/alerts", "Automation", on_load=[AlertsState.load])
def automation_alerts_page() -> rx.Component:
    return rx.vstack(
        automation_subnav("/automation/alerts"),
        rx.text("Email me at ", rx.text.strong(AlertsState.email), " when (for this workspace):", size="2"),
        rx.cond(
            ~AlertsState.mail_on,
            rx.callout("Email is not configured on this server (SOCIALHUB_SMTP_URL), so alerts can't be sent.",
                       icon="mail-x", color_scheme="amber", width="100%",
                       custom_attrs={"data-testid": "alerts-no-smtp"}),  # fmt: skip
        ),
        rx.vstack(rx.foreach(AlertsState.switches, _alert_switch), spacing="2",
                  custom_attrs={"data-testid": "alerts-switches"}),  # fmt: skip
        rx.text("Alerts are batched: at most one mail every 5 minutes, listing everything since the last one.",
                size="1", color_scheme="gray"),  # fmt: skip
        spacing="3",
        width="100%",
    )
