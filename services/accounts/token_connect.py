"""Connecting networks that take a secret typed into a form: a Telegram bot token, a Discord webhook.

Same shape as the Bluesky app-password connect: the adapter verifies the secret against the
platform (so mistakes are named now, in plain words, not at the first scheduled post), then the
credentials are stored Fernet-encrypted through `save_discovered_accounts`. Nothing here logs the
token or the webhook URL.
"""

from __future__ import annotations

from services.accounts.catalog import known_adapter_class
from services.accounts.connections import save_discovered_accounts
from services.db import session_scope


async def connect_telegram(org_id: int, user_id: int, bot_token: str, chat: str, *, silent: bool = False) -> int:
    """Verify the bot (getMe), the chat (getChat) and its admin rights (getChatMember); store it."""
    adapter = known_adapter_class("telegram")()
    try:
        creds = await adapter.verify(bot_token, chat, silent=silent)  # type: ignore[attr-defined]
        discovered = await adapter.discover_accounts(creds)
    finally:
        await adapter.aclose()
    with session_scope() as session:
        ids = save_discovered_accounts(
            session, org_id=org_id, user_id=user_id, platform="telegram", instance_url="", discovered=discovered
        )
    return ids[0]


async def connect_discord(org_id: int, user_id: int, webhook_url: str) -> int:
    """Validate the URL (shape + private-address guard), GET the webhook, store the URL encrypted."""
    adapter = known_adapter_class("discord")()
    try:
        creds = await adapter.verify(webhook_url)  # type: ignore[attr-defined]
        discovered = await adapter.discover_accounts(creds)
    finally:
        await adapter.aclose()
    with session_scope() as session:
        ids = save_discovered_accounts(
            session, org_id=org_id, user_id=user_id, platform="discord", instance_url="", discovered=discovered
        )
    return ids[0]
