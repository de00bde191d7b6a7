"""People in one workspace for the comments / notifications / audit tests (plain rows, real sessions)."""

from __future__ import annotations

from sqlmodel import select

from services import auth, posts
from services.accounts import connect_demo
from services.db import session_scope
from services.models import Membership, Organization, User

PASSWORD = "correct horse battery"


def person(email: str, name: str, *, password: bool = False) -> auth.CurrentUser:
    """A person with their own workspace (plain rows: no password hashing unless `password`, which
    lets them log in with PASSWORD), acting in that workspace."""
    with session_scope() as s:
        user = User(email=email, name=name, password_hash=auth.hash_password(PASSWORD) if password else "x")
        org = Organization(name=f"{name}'s workspace")
        s.add(user)
        s.add(org)
        s.flush()
        s.add(Membership(organization_id=org.id, user_id=user.id, role="owner"))
        return auth.CurrentUser(
            user_id=int(user.id), email=email, name=name, timezone="UTC", organization_id=int(org.id),
            organization_name=org.name, role="owner",
        )  # fmt: skip


def join(owner: auth.CurrentUser, user: auth.CurrentUser, role: str) -> auth.CurrentUser:
    """`user` becomes a `role` member of the owner's workspace, acting there (as after switching)."""
    with session_scope() as s:
        s.add(Membership(organization_id=owner.organization_id, user_id=user.user_id, role=role))
    return auth.CurrentUser(
        user_id=user.user_id, email=user.email, name=user.name, timezone=user.timezone,
        organization_id=owner.organization_id, organization_name=owner.organization_name, role=role,
    )  # fmt: skip


def team() -> dict[str, auth.CurrentUser]:
    """Olga (owner) with Ada (admin), Eddie (editor), Mia (contributor) and Vic (viewer) in her workspace."""
    owner = person("olga@example.com", "Olga Owner", password=True)
    people = {"owner": owner}
    for role, email, name in [("admin", "ada@example.com", "Ada Admin"), ("editor", "eddie@example.com", "Eddie Ed"),
                              ("contributor", "mia.k@example.com", "Mia Kowalski"),
                              ("viewer", "vic@example.com", "Vic Viewer")]:  # fmt: skip
        people[role] = join(owner, person(email, name), role)
    return people


def draft_by(user: auth.CurrentUser, body: str = "Launch day") -> tuple[int, int]:
    """A draft written by `user` in their current workspace on a fresh Demo account: (post id, account id)."""
    account = connect_demo(user.organization_id, user.user_id)
    post_id = posts.save_post(user.organization_id, user.user_id, posts.PostInput(body=body, account_ids=[account]))
    return post_id, account


def role_of(org_id: int, user_id: int) -> str:
    with session_scope() as s:
        return s.exec(
            select(Membership.role).where(Membership.organization_id == org_id, Membership.user_id == user_id)
        ).one()
