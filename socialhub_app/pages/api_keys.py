"""Settings → API keys: create a key for scripts, n8n or Make (shown once), see when each was used, revoke."""

from __future__ import annotations

import reflex as rx

from components.ai_nav import error_callout
from components.design import confirm_action, truncated_name
from socialhub_app.layout import protected_page
from state.api_keys import ApiKeysState

ROUTE = "/settings/api-keys"
CURL = 'curl -H "Authorization: Bearer sh_live_…" '


def key_row(k: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(k["name"]),
        rx.table.cell(rx.code(k["hint"], custom_attrs={"data-testid": "api-key-hint"})),
        rx.table.cell(k["role"], custom_attrs={"data-testid": "api-key-role-cell"}),
        rx.table.cell(truncated_name(k["created_by"], testid="api-key-created-by", size="2", max_width="180px")),
        rx.table.cell(k["created_at"]),
        rx.table.cell(k["expires_at"]),
        rx.table.cell(k["last_used_at"], custom_attrs={"data-testid": "api-key-last-used"}),
        rx.table.cell(
            rx.cond(
                k["state"].to(str) == "active",
                confirm_action(
                    rx.button(
                        "Revoke",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label="Revoke key " + k["name"].to(str),
                        custom_attrs={"data-testid": "api-key-revoke"},
                    ),
                    title="Revoke API key “" + k["name"].to(str) + "”?",
                    description="Scripts and integrations using it stop working at once. This can't be undone.",
                    confirm_label="Revoke key",
                    on_confirm=ApiKeysState.revoke(k["id"].to(str)),
                    testid="api-key-revoke-dialog",
                ),
                rx.badge(k["state"], color_scheme="gray", custom_attrs={"data-testid": "api-key-state"}),
            )
        ),
        custom_attrs={"data-testid": "api-key-row", "data-state": k["state"]},
    )


def create_form() -> rx.Component:
    label = {"fontSize": "14px"}
    return rx.hstack(
        rx.vstack(
            rx.el.label("Key name", html_for="api-key-name", style=label),
            rx.input(id="api-key-name", value=ApiKeysState.name, on_change=ApiKeysState.set_name,
                     placeholder="n8n on the office server", width="260px",
                     custom_attrs={"data-testid": "api-key-name"}),  # fmt: skip
            spacing="1",
        ),
        rx.vstack(
            rx.el.label("Role", html_for="api-key-role", style=label),
            rx.el.select(
                rx.foreach(ApiKeysState.roles, lambda r: rx.el.option(r, value=r)),
                id="api-key-role",
                value=ApiKeysState.role,
                on_change=ApiKeysState.set_role,
                custom_attrs={"data-testid": "api-key-role"},
                style={"height": "32px", "padding": "0 8px"},
            ),
            spacing="1",
        ),
        rx.vstack(
            rx.el.label("Expires on (optional)", html_for="api-key-expiry", style=label),
            rx.input(id="api-key-expiry", type="date", value=ApiKeysState.expiry, on_change=ApiKeysState.set_expiry,
                     custom_attrs={"data-testid": "api-key-expiry"}),  # fmt: skip
            spacing="1",
        ),
        rx.button("Create key", on_click=ApiKeysState.create, custom_attrs={"data-testid": "api-key-create"}),
        align="end",
        spacing="3",
        wrap="wrap",
    )


def new_key_callout() -> rx.Component:
    return rx.cond(
        ApiKeysState.new_key != "",
        rx.callout(
            rx.vstack(
                rx.text("Copy this key now — it is shown only once and stored only as a hash:", size="2"),
                rx.code(ApiKeysState.new_key, custom_attrs={"data-testid": "api-key-new"}),
                rx.button("I copied it", size="1", variant="soft", on_click=ApiKeysState.dismiss_key,
                          custom_attrs={"data-testid": "api-key-dismiss"}),  # fmt: skip
                spacing="2",
            ),
            icon="key-round",
            color_scheme="green",
            width="100%",
        ),
    )


@protected_page(ROUTE, "API keys", on_load=[ApiKeysState.load])
def api_keys_page() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Keys let scripts, n8n, Make or Zapier use the REST API with a role you choose (never more than "
            "yours). Every call goes through the same checks as this app.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.text("Base URL:", size="2"),
            rx.code(ApiKeysState.base_url, custom_attrs={"data-testid": "api-base-url"}),
            rx.link("API reference", href="/api/docs", is_external=True, size="2",
                    custom_attrs={"data-testid": "api-docs-link"}),  # fmt: skip
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            ApiKeysState.can_manage,
            rx.vstack(
                create_form(),
                error_callout(ApiKeysState.error, "api-key-error"),
                new_key_callout(),
                rx.table.root(
                    rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in (
                        "Name", "Key", "Role", "Created by", "Created", "Expires", "Last used", "")])),  # fmt: skip
                    rx.table.body(rx.foreach(ApiKeysState.keys, key_row)),
                    width="100%",
                    size="1",
                ),
                spacing="3",
                width="100%",
            ),
            rx.callout("Your role can't manage API keys; ask an editor, admin or owner.", icon="lock",
                       custom_attrs={"data-testid": "api-keys-not-allowed"}),  # fmt: skip
        ),
        rx.text("Try it:", size="2"),
        rx.code(CURL + ApiKeysState.base_url + "/workspace", custom_attrs={"data-testid": "api-curl-example"}),
        spacing="3",
        width="100%",
    )
