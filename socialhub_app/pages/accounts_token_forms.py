"""Connect forms for networks that take a pasted secret: Telegram (bot token + channel), Discord (webhook).

Why plain forms with uncontrolled inputs: the token reaches the server once, in the submitted form
data, and is never a state var (state vars are synced to the browser and would echo the secret
back into the page). Uncontrolled inputs cannot lose keystrokes; after a successful connect the
form is remounted empty by changing its key. Visible <label for> gives every field its name.
"""

from __future__ import annotations

import reflex as rx

from components.fields import field_label
from state.accounts import AccountsState


def _secret_input(name: str, field_id: str, testid: str, placeholder: str, *, secret: bool = True) -> rx.Component:
    return rx.input(
        name=name,
        id=field_id,
        type="password" if secret else "text",
        placeholder=placeholder,
        auto_complete="off",
        width="100%",
        read_only=~rx.State.is_hydrated,
        custom_attrs={"data-testid": testid},
    )


def telegram_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field_label("Bot token", "telegram-token"),
            _secret_input("bot_token", "telegram-token", "telegram-token-input", "123456789:AAE… (from @BotFather)"),
            field_label("Channel or group", "telegram-chat"),
            _secret_input(
                "chat", "telegram-chat", "telegram-chat-input", "@mychannel or -1001234567890", secret=False
            ),
            rx.el.label(
                rx.el.input(
                    type="checkbox",
                    name="silent",
                    id="telegram-silent",
                    custom_attrs={"data-testid": "telegram-silent"},
                ),
                rx.text("Post silently (subscribers get no notification sound)", size="2"),
                html_for="telegram-silent",
                style={"display": "flex", "gap": "6px", "alignItems": "center"},
            ),
            rx.button(
                "Connect",
                type="submit",
                loading=AccountsState.busy,
                aria_label="Connect Telegram",
                custom_attrs={"data-testid": "connect-telegram"},
            ),
            width="100%",
            spacing="1",
        ),
        key=AccountsState.token_form_version.to(str),
        on_submit=AccountsState.connect_telegram,
        width="100%",
    )


def discord_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            field_label("Channel webhook URL", "discord-webhook"),
            _secret_input(
                "webhook_url", "discord-webhook", "discord-webhook-input", "https://discord.com/api/webhooks/…"
            ),
            rx.button(
                "Connect",
                type="submit",
                loading=AccountsState.busy,
                aria_label="Connect Discord",
                custom_attrs={"data-testid": "connect-discord"},
            ),
            width="100%",
            spacing="1",
        ),
        key=AccountsState.token_form_version.to(str),
        on_submit=AccountsState.connect_discord,
        width="100%",
    )
