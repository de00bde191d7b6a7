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
