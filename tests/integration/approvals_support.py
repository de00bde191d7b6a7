"""A workspace with one member per role, for the approval tests (plain rows, like tests/seeding.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from services import posts
from services.accounts import connect_demo
from services.auth import CurrentUser
from services.db import session_scope
from services.models import Membership, User
from tests.seeding import seed_workspace


class Team(NamedTuple):
    org_id: int
    accounts: list[int]
    people: dict[str, CurrentUser]  # role → that member


def seed_team(name: str = "Agency") -> Team:
    org_id, owner_id, _plain = seed_workspace(name, accounts=0)
    accounts = [connect_demo(org_id, owner_id)]  # a real Demo connection: the engine can publish to it
    people: dict[str, int] = {"owner": owner_id}
    with session_scope() as s:
        s.add(Membership(organization_id=org_id, user_id=owner_id, role="owner"))
        for role in ("admin", "editor", "editor2", "contributor", "viewer"):
            user = User(email=f"{role}@{name.lower()}.example", name=role.title(), password_hash="x")
            s.add(user)
            s.flush()
            s.add(Membership(organization_id=org_id, user_id=user.id, role=role.rstrip("2")))
            people[role] = int(user.id)
    return Team(org_id, accounts, {r: actor(org_id, uid, r.rstrip("2"), name) for r, uid in people.items()})


def actor(org_id: int, user_id: int, role: str, org_name: str = "") -> CurrentUser:
    return CurrentUser(user_id=user_id, email=f"{user_id}@x", name=role.title(), timezone="UTC",
                       organization_id=org_id, organization_name=org_name, role=role)  # fmt: skip


def later(minutes: int = 60) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


def post_input(team: Team, action: str = "draft", when: datetime | None = None, body: str = "Hello") -> posts.PostInput:
    return posts.PostInput(body=body, account_ids=team.accounts[:1], action=action, scheduled_at=when)  # type: ignore[arg-type]
