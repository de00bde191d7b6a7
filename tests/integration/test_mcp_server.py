"""The MCP server through the SDK's own client, over streamable HTTP against the app's mounted /mcp route."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import httpx2
import pytest
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from starlette.applications import Starlette

from services import mcp as mcp_tokens
from services.api import keys as api_keys
from services.db import session_scope
from services.models import Membership, Organization, Post, SocialAccount, User
from services.permissions import PERMISSIONS, PermissionDenied, require
from socialhub_app.routes import extra_routes
from tests.fakes.server import free_port

TOOLS = {"list_accounts", "draft_post", "check_post", "schedule_post", "submit_for_approval", "add_to_queue", "list_calendar",
         "post_analytics", "account_analytics"}  # fmt: skip


@pytest.fixture
def app_url(db: str) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(Starlette(routes=extra_routes()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started and time.time() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/mcp"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def team(db: str) -> dict:
    with session_scope() as s:
        org = Organization(name="Agency")
        people = {r: User(email=f"{r}@example.com", name=r.title(), password_hash="x", timezone="Europe/Berlin")
                  for r in ("owner", "contributor", "viewer")}  # fmt: skip
        s.add_all([org, *people.values()])
        s.flush()
        s.add_all([Membership(organization_id=org.id, user_id=u.id, role=r) for r, u in people.items()])
        demo = SocialAccount(organization_id=org.id, platform="demo", external_id="demo-1", display_name="Demo")
        s.add(demo)
        s.flush()
        ids = {"org": org.id, "demo": demo.id, **{r: u.id for r, u in people.items()}}
    ids["tokens"] = {r: mcp_tokens.create_token(ids["org"], ids[r], f"{r} laptop")[0] for r in ("owner", "contributor",
                                                                                             "viewer")}  # fmt: skip
    return ids


def _client(url: str, token: str) -> Client:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return Client(streamable_http_client(url, http_client=http))


def _data(result) -> dict:  # noqa: ANN001
    assert not result.is_error, result.content
    if result.structured_content is not None:
        data = result.structured_content
        return data.get("result", data) if isinstance(data, dict) and set(data) == {"result"} else data
    return json.loads(result.content[0].text)


async def test_agent_lists_tools_drafts_and_schedules_on_demo(app_url: str, team: dict) -> None:
    async with _client(app_url, team["tokens"]["owner"]) as client:
        listed = await client.list_tools()
        assert {t.name for t in listed.tools} == TOOLS
        accounts = _data(await client.call_tool("list_accounts", {}))
        assert [(a["id"], a["platform"]) for a in accounts] == [(team["demo"], "demo")]
        check = _data(await client.call_tool("check_post", {"text": "x" * 600, "account_ids": [team["demo"]]}))
        assert not check["ok"] and check["accounts"][0]["problems"]
        draft = _data(await client.call_tool(
            "draft_post", {"text": "Autumn menu is here 🍂", "account_ids": [team["demo"]]}
        ))  # fmt: skip
        assert draft["status"] == "draft" and draft["ok"]
        when = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
        local = when.astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
        scheduled = _data(await client.call_tool(
            "schedule_post", {"post_id": draft["post_id"], "scheduled_at": local.isoformat()}
        ))  # fmt: skip
        assert scheduled["status"] == "scheduled"
        assert datetime.fromisoformat(scheduled["scheduled_at"]) == when, "a time without offset is the person's"
        day = local.date().isoformat()
        calendar = _data(await client.call_tool("list_calendar", {"start": day, "end": day}))
        assert [p["id"] for p in calendar["posts"]] == [draft["post_id"]]
        stats = _data(await client.call_tool("post_analytics", {"post_id": draft["post_id"]}))
        assert stats["has_data"] is False
        totals = _data(await client.call_tool("account_analytics", {"account_id": team["demo"], "days": 7}))
        assert totals["days"] == 7
    with session_scope() as s:
        post = s.get(Post, draft["post_id"])
        assert post.status == "scheduled" and post.author_id == team["owner"]


async def test_rules_are_not_bypassed(app_url: str, team: dict) -> None:
    async with _client(app_url, team["tokens"]["owner"]) as client:
        too_long = _data(await client.call_tool("draft_post", {"text": "y" * 900, "account_ids": [team["demo"]]}))
        result = await client.call_tool(
            "schedule_post", {"post_id": too_long["post_id"], "scheduled_at": "2030-01-01T09:00:00+00:00"}
        )
        assert result.is_error and "Demo network" in result.content[0].text
        past = await client.call_tool("schedule_post", {"post_id": too_long["post_id"], "scheduled_at": "2020-01-01"})
        assert past.is_error
        other = await client.call_tool("draft_post", {"text": "hi", "account_ids": [999999]})
        assert other.is_error and "No account with id 999999" in other.content[0].text
    with session_scope() as s:
        assert s.get(Post, too_long["post_id"]).status == "draft"


async def test_roles_are_enforced_per_call(app_url: str, team: dict) -> None:
    async with _client(app_url, team["tokens"]["viewer"]) as viewer:
        assert _data(await viewer.call_tool("list_accounts", {}))
        refused = await viewer.call_tool("draft_post", {"text": "hello", "account_ids": [team["demo"]]})
        assert refused.is_error and refused.content[0].text.endswith("Viewers can't write posts.")
    async with _client(app_url, team["tokens"]["contributor"]) as contributor:
        draft = _data(await contributor.call_tool("draft_post", {"text": "hello", "account_ids": [team["demo"]]}))
        refused = await contributor.call_tool(
            "schedule_post", {"post_id": draft["post_id"], "scheduled_at": "2030-01-01T09:00:00+00:00"}
        )
        assert refused.is_error
        assert refused.content[0].text.endswith("Contributors can't schedule posts; submit the post for approval.")
        queued = await contributor.call_tool("add_to_queue", {"post_id": draft["post_id"]})
        assert queued.is_error
    with session_scope() as s:
        assert s.get(Post, draft["post_id"]).status == "draft"


async def test_missing_or_revoked_token_is_refused(app_url: str, team: dict) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.post(app_url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        response = await http.post(app_url, json={}, headers={"Authorization": "Bearer shmcp_nope"})
        assert response.status_code == 401
    [token] = [t for t in mcp_tokens.list_tokens(team["org"], team["owner"])]
    assert token["hint"].endswith(team["tokens"]["owner"][-4:]) and "shmcp_…" in token["hint"]
    mcp_tokens.revoke_token(team["org"], team["owner"], token["id"])
    assert mcp_tokens.resolve_token(team["tokens"]["owner"]) is None
    with pytest.raises(mcp_tokens.TokenError):
        mcp_tokens.revoke_token(team["org"], team["viewer"], token["id"])  # not theirs


def test_permission_table_matches_the_roles() -> None:
    assert PERMISSIONS["owner"] > PERMISSIONS["admin"] > PERMISSIONS["editor"] > PERMISSIONS["contributor"]
    assert PERMISSIONS["contributor"] > PERMISSIONS["viewer"]
    assert "workspace.delete" not in PERMISSIONS["admin"] and "owners.manage" not in PERMISSIONS["admin"]
    for action in ("post.publish", "post.schedule", "accounts.connect", "ai.providers", "ai.budget", "queue.slots"):
        assert action not in PERMISSIONS["contributor"]
    with pytest.raises(PermissionDenied, match="Contributors can't publish; submit the post for approval."):
        require({"role": "contributor"}, "post.publish")
    with pytest.raises(ValueError):
        require({"role": "owner"}, "no.such.action")


async def test_stdio_server_acts_as_the_token_owner(db: str, team: dict) -> None:
    import os
    import sys

    from mcp import StdioServerParameters

    if not db.startswith("sqlite"):
        pytest.skip("the stdio transport does not depend on the database; one run (SQLite) is enough")

    env = {**os.environ, "DATABASE_URL": db, "SOCIALHUB_MCP_TOKEN": team["tokens"]["viewer"],
           "SOCIALHUB_SCHEDULER": "off"}  # fmt: skip
    params = StdioServerParameters(command=sys.executable, args=["-m", "services.mcp"], env=env, cwd=os.getcwd())
    async with Client(params) as client:
        assert {t.name for t in (await client.list_tools()).tools} == TOOLS
        assert _data(await client.call_tool("list_accounts", {}))[0]["platform"] == "demo"
        refused = await client.call_tool("draft_post", {"text": "hi", "account_ids": [team["demo"]]})
        assert refused.is_error and refused.content[0].text.endswith("Viewers can't write posts.")


async def test_rest_api_keys_work_for_agents_with_the_keys_role(app_url: str, team: dict) -> None:
    """MCP accepts the REST API's keys (issue #12 landed): the key's role, capped by its creator's, per call."""
    owner = mcp_tokens.resolve_token(team["tokens"]["owner"])
    viewer_key = api_keys.create_key(owner, team["org"], "read-only agent", "viewer")[0]
    editor_key = api_keys.create_key(owner, team["org"], "scheduling agent", "editor")[0]
    async with _client(app_url, viewer_key) as client:
        assert _data(await client.call_tool("list_accounts", {}))
        refused = await client.call_tool("draft_post", {"text": "hello", "account_ids": [team["demo"]]})
        assert refused.is_error and refused.content[0].text.endswith("Viewers can't write posts.")
    async with _client(app_url, editor_key) as client:
        draft = _data(await client.call_tool("draft_post", {"text": "from a key", "account_ids": [team["demo"]]}))
        scheduled = _data(await client.call_tool(
            "schedule_post", {"post_id": draft["post_id"], "scheduled_at": "2031-01-01T09:00:00+00:00"}
        ))  # fmt: skip
        assert scheduled["status"] == "scheduled"
    [row] = [k for k in api_keys.list_keys(team["org"]) if k["name"] == "scheduling agent"]
    api_keys.revoke_key(owner, team["org"], row["id"])
    assert mcp_tokens.resolve_token(editor_key) is None
