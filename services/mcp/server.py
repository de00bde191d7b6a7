"""The SocialHub MCP server (official `mcp` SDK): tools for AI agents such as Claude Desktop or Cursor.

Every tool resolves the caller from its token (HTTP: `Authorization: Bearer <token>`; stdio: the
SOCIALHUB_MCP_TOKEN environment variable), then runs the service function in a worker thread so
the event loop the scheduler shares never waits on the database. Refusals and bad input come back
as tool errors with a message the agent can show; nothing raises a stack trace at the client.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from services.errors import UserError
from services.mcp import tools
from services.mcp.tokens import Actor, resolve_token
from services.permissions import PermissionDenied

log = logging.getLogger("services.mcp")
TOKEN_ENV = "SOCIALHUB_MCP_TOKEN"
INSTRUCTIONS = (
    "SocialHub: a self-hosted social media manager. Call list_accounts first; draft_post saves a draft "
    "(check_post shows each platform's limits and problems); schedule_post or add_to_queue schedule it. "
    "Every account's text must pass its platform's rules; times without an offset are in the person's timezone."
)


def _bearer(headers: Any) -> str | None:
    value = (headers.get("authorization") or "") if headers else ""
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def actor_from(ctx: Context | None) -> Actor:
    """HTTP: only the request's bearer token counts. stdio (no headers): the token in the environment."""
    headers = None
    if ctx is not None:
        try:
            headers = ctx.headers
        except ValueError:
            headers = None
    token = _bearer(headers) if headers is not None else os.environ.get(TOKEN_ENV, "")
    actor = resolve_token(token)
    if actor is None:
        raise ToolError("Not signed in: create a token under AI → MCP access and send it as a Bearer token.")
    return actor


async def _run(ctx: Context, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    actor = await anyio.to_thread.run_sync(actor_from, ctx)
    try:
        return await anyio.to_thread.run_sync(lambda: fn(actor, *args, **kwargs))
    except PermissionDenied as exc:
        raise ToolError(str(exc)) from None
    except ToolError:
        raise
    except (UserError, ValueError, LookupError) as exc:  # every user-facing refusal; bad argument values
        raise ToolError(str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - the agent gets a message, the log gets the trace
        log.exception("MCP tool %s failed", getattr(fn, "__name__", fn))
        raise ToolError("SocialHub hit an unexpected problem; nothing was changed by this call.") from exc


def build_server() -> MCPServer:
    server = MCPServer(name="socialhub", instructions=INSTRUCTIONS, version="1")

    @server.tool(
        description="The workspace's connected social accounts with each platform's length and hashtag limits."
    )
    async def list_accounts(ctx: Context) -> list[dict[str, Any]]:
        return await _run(ctx, tools.list_accounts)

    @server.tool(description="Check a post against each account's platform rules (length, hashtags) without saving.")
    async def check_post(
        text: str, account_ids: list[int], ctx: Context, per_account_text: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return await _run(ctx, tools.check_post, text, account_ids, per_account_text)

    @server.tool(
        description="Save a draft post for the given accounts; per_account_text maps an account id to its own text."
    )
    async def draft_post(
        text: str, account_ids: list[int], ctx: Context, per_account_text: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return await _run(ctx, tools.draft_post, text, account_ids, per_account_text)

    @server.tool(
        description="Schedule a post (e.g. a draft) at scheduled_at (ISO 8601; without an offset it is in "
        "`timezone` or the person's timezone). Refused when any account's text breaks its platform's rules."
    )
    async def schedule_post(
        post_id: int, scheduled_at: str, ctx: Context, timezone: str | None = None
    ) -> dict[str, Any]:
        return await _run(ctx, tools.schedule_post, post_id, scheduled_at, timezone)

    @server.tool(
        description="Submit a post for approval by a reviewer, optionally for scheduled_at (ISO 8601); without a "
        "time it is published as soon as it is approved. Contributors use this instead of schedule_post."
    )
    async def submit_for_approval(
        post_id: int, ctx: Context, scheduled_at: str = "", timezone: str | None = None
    ) -> dict[str, Any]:
        return await _run(ctx, tools.submit_for_approval, post_id, scheduled_at, timezone)

    @server.tool(description="Schedule a post into the next free posting-queue slot of each of its accounts.")
    async def add_to_queue(post_id: int, ctx: Context) -> dict[str, Any]:
        return await _run(ctx, tools.add_to_queue, post_id)

    @server.tool(description="Posts with a date between two local days (YYYY-MM-DD, inclusive, at most 92 days).")
    async def list_calendar(start: str, end: str, ctx: Context, timezone: str | None = None) -> dict[str, Any]:
        return await _run(ctx, tools.list_calendar, start, end, timezone)

    @server.tool(description="A post's latest metrics per account (likes, reposts, replies, impressions).")
    async def post_analytics(post_id: int, ctx: Context) -> dict[str, Any]:
        return await _run(ctx, tools.post_analytics, post_id)

    @server.tool(description="Totals for one account (or all) over the last `days` days: posts, engagement, followers.")
    async def account_analytics(ctx: Context, account_id: int | None = None, days: int = 30) -> dict[str, Any]:
        return await _run(ctx, tools.account_analytics, account_id, days)

    return server
