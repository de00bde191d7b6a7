"""Workspace fixtures for the accounts service tests (plain rows, no auth flow needed)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from sqlmodel import select

from services.db import session_scope
from services.models import Organization, SocialAccount, User


def make_workspace(name: str = "Acme") -> tuple[int, int]:
    with session_scope() as session:
        org = Organization(name=name)
        user = User(email=f"{name.lower()}@example.com", name=name, password_hash="x")
        session.add(org)
        session.add(user)
        session.flush()
        return org.id, user.id


async def browser_follow(authorize_url: str) -> dict[str, str]:
    """What the browser does at the platform: open the consent page, get redirected back."""
    async with httpx.AsyncClient() as browser:
        resp = await browser.get(authorize_url)
    assert resp.status_code == 302, resp.text
    return {k: v[-1] for k, v in parse_qs(urlsplit(resp.headers["location"]).query).items()}


def all_accounts() -> list[SocialAccount]:
    with session_scope() as session:
        return list(session.exec(select(SocialAccount)).all())
