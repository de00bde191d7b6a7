"""The one way tests create a workspace: an organization, its user and some Demo accounts.

Plain rows straight into the database (no auth flow, no HTTP), so a service test starts from a
known workspace in one line: `org_id, user_id, (acc_a, acc_b) = seed_workspace()`.
"""

from __future__ import annotations

from typing import NamedTuple

from services.db import session_scope
from services.models import Organization, SocialAccount, User


class SeededWorkspace(NamedTuple):
    org_id: int
    user_id: int
    account_ids: list[int]


def seed_workspace(
    name: str = "Acme", *, timezone: str = "UTC", accounts: int = 2, platform: str = "demo"
) -> SeededWorkspace:
    """`name`'s workspace with user `<name>@example.com` in `timezone` and `accounts` connected accounts."""
    with session_scope() as session:
        org = Organization(name=name)
        user = User(email=f"{name.lower()}@example.com", name=name, password_hash="x", timezone=timezone)
        session.add(org)
        session.add(user)
        session.flush()
        rows = [
            SocialAccount(
                organization_id=org.id, platform=platform, external_id=f"{name}-{i}", display_name=f"{name} {i}"
            )
            for i in range(accounts)
        ]
        session.add_all(rows)
        session.flush()
        return SeededWorkspace(int(org.id), int(user.id), [int(a.id) for a in rows])
