"""Accounts: connected accounts with their status, and a card per platform to connect more."""

from __future__ import annotations

import reflex as rx

from components.design import empty_state, field_message, primary_button
from components.platform import platform_icon, status_badge
from socialhub_app.layout import protected_page
from socialhub_app.pages.accounts_token_forms import discord_form, telegram_form
from state.accounts import AccountsState
from state.auth import AuthState


def account_row(account: rx.Var) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.avatar(src=account["avatar_url"], fallback=account["display_name"].to(str)[:2], size="3"),
            rx.vstack(
                rx.hstack(
                    platform_icon(account["platform"]),
                    rx.text(account["display_name"], weight="bold", custom_attrs={"data-testid": "account-name"}),
                    rx.text(account["username"], color_scheme="gray", size="2"),
                    align="center",
                ),
                rx.hstack(
                    rx.text(account["platform_label"], size="1", color_scheme="gray"),
                    status_badge(account["status"], testid="account-status"),
                    rx.text(account["status_reason"], size="1", color_scheme="red"),
                    align="center",
                ),
                rx.match(
                    account["platform"],
                    ("telegram", _metrics_note("Post views aren't available through Telegram's Bot API: metrics not reported.")),
                    ("discord", _metrics_note("Discord doesn't report metrics for webhook posts.")),
                    rx.fragment(),
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.cond(AuthState.can_connect, _disconnect_dialog(account)),
            align="center",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "account-row", "data-platform": account["platform"]},
    )


def _metrics_note(text: str) -> rx.Component:
    """Networks that never report post metrics say so next to the account, not with empty charts."""
    return rx.text(text, size="1", color_scheme="gray", custom_attrs={"data-testid": "account-metrics-note"})


def _disconnect_dialog(account: rx.Var) -> rx.Component:
    """Only for roles that may disconnect (the server refuses the others anyway)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Disconnect",
                color_scheme="red",
                variant="soft",
                custom_attrs={"data-testid": "disconnect-button"},
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Disconnect this account?"),
            rx.alert_dialog.description(
                "Its tokens are deleted and posts still scheduled for it will not be published."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Disconnect",
                        color_scheme="red",
                        on_click=AccountsState.disconnect(account["id"]),
                        custom_attrs={"data-testid": "confirm-disconnect"},
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="12px",
            ),
        ),
    )


def connect_controls(platform: rx.Var) -> rx.Component:
    return rx.match(
        platform["name"],
        (
            "mastodon",
            rx.vstack(
                rx.hstack(
                    rx.input(
                        placeholder="mastodon.social",
                        value=AccountsState.mastodon_instance,
                        on_change=AccountsState.set_mastodon_instance,
                        width="100%",
                        aria_label="Mastodon instance",
                        id="mastodon-instance",
                        aria_describedby="mastodon-instance-message",
                        custom_attrs={"data-testid": "mastodon-instance-input"},
                    ),
                    rx.button(
                        "Connect",
                        on_click=AccountsState.connect("mastodon"),
                        custom_attrs={"data-testid": "connect-mastodon"},
                    ),
                    width="100%",
                ),
                field_message(AccountsState.error, field_id="mastodon-instance", testid="accounts-error"),
                width="100%",
                spacing="1",
            ),
        ),
        (
            "bluesky",
            rx.vstack(
                rx.input(
                    placeholder="handle.bsky.social",
                    value=AccountsState.bluesky_handle,
                    on_change=AccountsState.set_bluesky_handle,
                    width="100%",
                    aria_label="Bluesky handle",
                    custom_attrs={"data-testid": "bluesky-handle-input"},
                ),
                rx.input(
                    aria_label="Bluesky app password",
                    id="bluesky-password",
                    aria_describedby="bluesky-password-message",
                    placeholder="App password (Settings → App passwords)",
                    type="password",
                    value=AccountsState.bluesky_password,
                    on_change=AccountsState.set_bluesky_password,
                    width="100%",
                    custom_attrs={"data-testid": "bluesky-password-input"},
                ),
                rx.button(
                    "Connect",
                    on_click=AccountsState.connect_bluesky,
                    loading=AccountsState.busy,
                    custom_attrs={"data-testid": "connect-bluesky"},
                ),
                field_message(AccountsState.bluesky_error, field_id="bluesky-password", testid="accounts-error"),
                width="100%",
            ),
        ),
        ("telegram", telegram_form()),
        ("discord", discord_form()),
        rx.button(
            rx.cond(platform["name"] == "demo", "Connect Demo network", "Connect"),
            on_click=AccountsState.connect(platform["name"]),
            disabled=~platform["configured"].to(bool),
            custom_attrs={"data-testid": "connect-" + platform["name"].to(str)},
        ),
    )


def platform_card(platform: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(platform_icon(platform["name"], 20), rx.text(platform["label"], weight="bold"), align="center"),
            rx.cond(AuthState.can_connect, connect_controls(platform)),
            rx.cond(
                platform["config_help"] != "",
                rx.text(
                    platform["config_help"],
                    size="1",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "config-help-" + platform["name"].to(str)},
                ),
            ),
            rx.cond(  # only instance admins get the server-setup hint, with the steps one click away
                platform["setup_link"].to(bool),
                rx.link(
                    "How to set up " + platform["label"].to(str),
                    href="/help/setup",
                    size="1",
                    custom_attrs={"data-testid": "setup-link-" + platform["name"].to(str)},
                ),
            ),
            spacing="2",
            width="100%",
        ),
        custom_attrs={"data-testid": "platform-card-" + platform["name"].to(str)},
    )


@protected_page("/accounts", "Accounts", on_load=[AccountsState.load])
def accounts_page() -> rx.Component:
    return rx.vstack(
        rx.heading("Connected accounts", size="4", as_="h2"),
        rx.cond(
            AccountsState.accounts.length() > 0,
            rx.vstack(rx.foreach(AccountsState.accounts, account_row), width="100%", spacing="2"),
            empty_state(
                "users",
                "No accounts connected yet",
                "Connect the Demo network to try everything without credentials.",
                "accounts-empty",
                actions=[
                    primary_button("Connect Demo network", testid="accounts-empty-demo", icon="flask-conical",
                                   on_click=AccountsState.connect("demo")),
                ],
            ),
        ),
        rx.heading("Connect an account", size="4", margin_top="16px", as_="h2"),
        rx.grid(rx.foreach(AccountsState.catalog, platform_card), columns="3", spacing="3", width="100%"),
        spacing="3",
        width="100%",
    )
