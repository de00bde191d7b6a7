"""Fixtures for the REST API tests: a workspace with one member per role, a key per role, and a client.

The client talks to the real backend stack in-process — the API mounted at /api inside the same
Starlette routes and SecurityMiddleware the Reflex app uses — through Starlette's TestClient (httpx
over an ASGI transport), so body caps, headers and mounting are exercised, not just the handlers.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from services.api import keys, ratelimit
from services.api.app import MOUNT, build_api
from services.db import session_scope
from services.models import Membership, Organization, SocialAccount, User
from services.permissions import ROLES
from socialhub_app.security_middleware import SecurityMiddleware


@dataclass
class ApiWorld:
    client: TestClient
    org_id: int
    users: dict[str, int]
    keys: dict[str, str]
    demo: int  # a Demo account of the workspace
    demo2: int
    other_org: int
    other_account: int  # an account of another workspace
    other_key: str
    extra: dict = field(default_factory=dict)

    def h(self, role: str = "owner", **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}", **more}


def png(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _member(session, org_id: int, role: str, email: str) -> int:  # noqa: ANN001
    user = User(email=email, name=role.title(), password_hash="x", timezone="Europe/Berlin")
    session.add(user)
    session.flush()
    session.add(Membership(organization_id=org_id, user_id=user.id, role=role))
    return int(user.id)


def seed_api_world() -> dict:
    with session_scope() as s:
        org, other = Organization(name="Agency"), Organization(name="Rival")
        s.add_all([org, other])
        s.flush()
        users = {r: _member(s, org.id, r, f"{r}@agency.example") for r in ROLES}
        rival = _member(s, other.id, "owner", "owner@rival.example")
        accounts = [SocialAccount(organization_id=org.id, platform="demo", external_id=f"demo-{i}",
                                  display_name=f"Demo {i}") for i in (1, 2)]  # fmt: skip
        theirs = SocialAccount(organization_id=other.id, platform="demo", external_id="rival", display_name="Rival")
        s.add_all([*accounts, theirs])
        s.flush()
        ids = {"org": org.id, "other": other.id, "users": users, "rival": rival,
               "demo": accounts[0].id, "demo2": accounts[1].id, "theirs": theirs.id}  # fmt: skip
    return ids


def actor(user_id: int, role: str) -> SimpleNamespace:
    return SimpleNamespace(user_id=user_id, role=role)


def make_client() -> TestClient:
    app = SecurityMiddleware(Starlette(routes=[Mount(MOUNT, app=build_api())]))
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def world(db: str) -> Iterator[ApiWorld]:
    ratelimit.reset_local()
    ids = seed_api_world()
    owner = actor(ids["users"]["owner"], "owner")  # keys of lesser roles: made by the owner
    made = {r: keys.create_key(owner, ids["org"], f"{r} key", r)[0] for r in ROLES}
    other_key = keys.create_key(actor(ids["rival"], "owner"), ids["other"], "rival key", "owner")[0]
    with make_client() as client:
        yield ApiWorld(client=client, org_id=ids["org"], users=ids["users"], keys=made, demo=ids["demo"],
                       demo2=ids["demo2"], other_org=ids["other"], other_account=ids["theirs"],
                       other_key=other_key)  # fmt: skip
    ratelimit.reset_local()
