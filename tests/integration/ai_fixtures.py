"""Fixtures shared by the AI integration tests: a workspace with users and accounts, and a fake provider."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services import ai
from services.db import session_scope
from services.models import Membership, Organization, SocialAccount, User
from tests.fakes.openai_server import FakeOpenAIServer

REPLY = "Fresh coffee and warm pastries are waiting for you."
KEY = "sk-test-secret-9f8e7d6c5b4a-ab12"


@pytest.fixture
def fake() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(REPLY) as server:
        yield server


@pytest.fixture
def ws(db: str) -> dict:
    with session_scope() as s:
        org = Organization(name="Corner Café")
        alice = User(email="alice@example.com", name="Alice", password_hash="x")
        bob = User(email="bob@example.com", name="Bob", password_hash="x")
        s.add_all([org, alice, bob])
        s.flush()
        s.add_all([Membership(organization_id=org.id, user_id=u.id) for u in (alice, bob)])
        accounts = {
            p: SocialAccount(organization_id=org.id, platform=p, external_id=f"{p}-1", display_name=f"Café on {p}")
            for p in ("x", "mastodon")
        }
        s.add_all(accounts.values())
        s.flush()
        return {"org": org.id, "alice": alice.id, "bob": bob.id, **{p: a.id for p, a in accounts.items()}}


def add_provider(ws: dict, fake: FakeOpenAIServer, name: str, *, priority: int = 1, **kw) -> dict:
    return ai.add_provider(
        ws["org"], kw.pop("user", None), name, fake.base_url, kw.pop("model", f"model-{name}"), kw.pop("key", KEY),
        priority, kw.pop("price_in", 0.5), kw.pop("price_out", 1.5), **kw,
    )  # fmt: skip
