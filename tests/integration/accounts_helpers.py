"""Workspace fixtures for the accounts service tests (plain rows, no auth flow needed)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from sqlmodel import select

from services.db import session_scope
from services.models import SocialAccount
from tests.seeding import seed_workspace


def make_workspace(name: str = "Acme") -> tuple[int, int]:
    """A workspace with no accounts yet (the tests connect them): (org id, user id)."""
    org_id, user_id, _ = seed_workspace(name, accounts=0)
    return org_id, user_id


async def browser_follow(authorize_url: str) -> dict[str, str]:
    """What the browser does at the platform: open the consent page, get redirected back."""
    async with httpx.AsyncClient() as browser:
        resp = await browser.get(authorize_url)
    assert resp.status_code == 302, resp.text
    return {k: v[-1] for k, v in parse_qs(urlsplit(resp.headers["location"]).query).items()}


def all_accounts() -> list[SocialAccount]:
    with session_scope() as session:
        return list(session.exec(select(SocialAccount)).all())


# --- OAuth flows are bound to the login session that started them ------------------------------
_FLOW_SESSIONS: dict[str, str] = {}


def open_session(org_id: int, user_id: int, *, days: int = 1) -> str:
    """A live login session row for this user (what a logged-in browser carries), returning its token."""
    import secrets
    from datetime import UTC, datetime, timedelta

    from services.auth import hash_token
    from services.models import UserSession

    token = secrets.token_urlsafe(32)
    with session_scope() as session:
        session.add(
            UserSession(
                token_hash=hash_token(token),
                user_id=user_id,
                organization_id=org_id,
                expires_at=datetime.now(UTC) + timedelta(days=days),
            )
        )
    return token


async def start_connect(org_id: int, user_id: int, platform: str, instance_url: str = "") -> str:
    """Start a connect as the user's browser would (with its session) and remember that session."""
    from services import accounts

    token = open_session(org_id, user_id)
    url = await accounts.start_oauth_connect(org_id, user_id, platform, instance_url, session_token=token)
    state = parse_qs(urlsplit(url).query).get("state", [""])[-1]
    _FLOW_SESSIONS[state] = token
    return url


async def finish_connect(platform: str, params: dict[str, str]):  # noqa: ANN201 - CallbackOutcome
    """The callback opened in the same browser that started the flow."""
    from services import accounts

    token = _FLOW_SESSIONS.get(params.get("state", ""))
    return await accounts.complete_oauth_callback(platform, params, session_token=token)
