"""Connect forms for networks that take a pasted secret: Telegram (bot token + channel), Discord (webhook).

Kept out of accounts.py so that page stays about listing; the fields are the uncontrolled
`stable_input`s (a pasted token must never be overwritten by a late state echo) with visible labels.
"""

from __future__ import annotations

import reflex as rx

from components.fields import field_label, stable_input
from state.accounts import AccountsState


def telegram_form() -> rx.Component:
    return rx.vstack(
        field_label("Bot token", "telegram-token"),
        stable_input(
            field_id="telegram-token",
            value=AccountsState.telegram_token,
            version=AccountsState.token_form_version,
            on_change=AccountsState.set_telegram_token,
            testid="telegram-token-input",
            type="password",
            placeholder="123456789:AAE… (from @BotFather)",
            auto_complete="off",
            width="100%",
        ),
        field_label("Channel or group", "telegram-chat"),
        stable_input(
            field_id="telegram-chat",
            value=AccountsState.telegram_chat,
            version=AccountsState.token_form_version,
            on_change=AccountsState.set_telegram_chat,
            testid="telegram-chat-input",
            placeholder="@mychannel or -1001234567890",
            width="100%",
        ),
        rx.el.label(
            rx.checkbox(
                checked=AccountsState.telegram_silent,
                on_change=AccountsState.set_telegram_silent,
                aria_label="Post silently (no notification sound)",
                custom_attrs={"data-testid": "telegram-silent"},
            ),
            rx.text("Post silently (subscribers get no notification sound)", size="2"),
            style={"display": "flex", "gap": "6px", "alignItems": "center"},
        ),
        rx.button(
            "Connect",
            on_click=AccountsState.connect_telegram,
            loading=AccountsState.busy,
            aria_label="Connect Telegram",
            custom_attrs={"data-testid": "connect-telegram"},
        ),
        width="100%",
        spacing="1",
    )


def discord_form() -> rx.Component:
    return rx.vstack(
        field_label("Channel webhook URL", "discord-webhook"),
        stable_input(
            field_id="discord-webhook",
            value=AccountsState.discord_webhook,
            version=AccountsState.token_form_version,
            on_change=AccountsState.set_discord_webhook,
            testid="discord-webhook-input",
            type="password",
            placeholder="https://discord.com/api/webhooks/…",
            auto_complete="off",
            width="100%",
        ),
        rx.button(
            "Connect",
            on_click=AccountsState.connect_discord,
            loading=AccountsState.busy,
            aria_label="Connect Discord",
            custom_attrs={"data-testid": "connect-discord"},
        ),
        width="100%",
        spacing="1",
    )
