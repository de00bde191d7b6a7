"""AI → MCP access: a person's tokens for AI agents (created here, shown once, revocable)."""

from __future__ import annotations

import asyncio

import reflex as rx

from services import mcp
from services.config import get_settings
from services.permissions import PermissionDenied, require
from state.session import current_user


class AIMcpState(rx.State):
    tokens: list[dict] = []
    name: str = ""
    new_token: str = ""
    error: str = ""
    endpoint: str = ""

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.new_token, self.error = "", ""
        self.endpoint = get_settings().api_url.rstrip("/") + "/mcp"
        self.tokens = await asyncio.to_thread(mcp.list_tokens, user.organization_id, user.user_id)

    @rx.event
    def set_name(self, value: str):
        if value != self.name:
            self.error = ""  # the message was about the old name
        self.name = value

    @rx.event
    async def create(self):
        user = await current_user(self)
        if user is None:
            return None
        self.error = ""
        try:
            require(user, "mcp.token.manage")
            token, _row = await asyncio.to_thread(mcp.create_token, user.organization_id, user.user_id, self.name)
        except (PermissionDenied, mcp.TokenError) as exc:
            self.error = str(exc)
            return None
        # Shown once: it lives only in this page's state until the page is left or reloaded.
        self.new_token, self.name = token, ""
        self.tokens = await asyncio.to_thread(mcp.list_tokens, user.organization_id, user.user_id)
        return None

    @rx.event
    def dismiss_token(self):
        self.new_token = ""

    @rx.event
    async def revoke(self, token_id: str):
        user = await current_user(self)
        if user is None:
            return None
        try:
            require(user, "mcp.token.manage")
            await asyncio.to_thread(mcp.revoke_token, user.organization_id, user.user_id, int(token_id))
        except (PermissionDenied, mcp.TokenError) as exc:  # an outcome: a toast, not a message under the name
            return rx.toast.error(str(exc))
        self.tokens = await asyncio.to_thread(mcp.list_tokens, user.organization_id, user.user_id)
        return rx.toast.info("Token revoked; agents using it are refused from now on.")
