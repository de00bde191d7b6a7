"""First-run checklist for a new workspace: what is still to do before SocialHub is useful.

Each step is derived from data that already exists (accounts, posts, the audit log), so the list
needs no table of its own and disappears by itself once every step is done.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import select

from services.db import session_scope
from services.models import AuditLog, Membership, Post, SocialAccount

TIMEZONE_SET_ACTION = "user.timezone_set"


@dataclass(frozen=True)
class ChecklistStep:
    key: str
    title: str
    hint: str
    href: str
    done: bool


def _count(session, statement) -> int:  # noqa: ANN001
    return int(session.exec(statement).one())


def first_run_checklist(org_id: int, user_id: int) -> list[ChecklistStep]:
    with session_scope() as s:
        accounts = _count(
            s, select(func.count()).select_from(SocialAccount).where(SocialAccount.organization_id == org_id)
        )
        posts = _count(s, select(func.count()).select_from(Post).where(Post.organization_id == org_id))
        timezone_set = _count(
            s,
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.user_id == user_id, AuditLog.action == TIMEZONE_SET_ACTION),
        )
    return [
        ChecklistStep(
            "account",
            "Connect an account",
            "The Demo network connects in one click, no credentials needed.",
            "/accounts",
            accounts > 0,
        ),
        ChecklistStep("post", "Write your first post", "Draft, schedule or publish it from Compose.", "/compose", posts > 0),
        ChecklistStep(
            "timezone",
            "Set your timezone",
            "Calendar, composer and queue show times in it (Settings → Your timezone).",
            "/settings",
            timezone_set > 0,
        ),
    ]


def checklist_open(steps: list[ChecklistStep]) -> bool:
    return not all(step.done for step in steps)


def record_timezone_set(user_id: int) -> None:
    """Called when a person saves their timezone: the checklist's third step is done in every workspace."""
    with session_scope() as s:
        org_ids = s.exec(select(Membership.organization_id).where(Membership.user_id == user_id)).all()
        for org_id in org_ids:
            s.add(AuditLog(organization_id=org_id, user_id=user_id, action=TIMEZONE_SET_ACTION, detail={}))


__all__ = ["ChecklistStep", "checklist_open", "first_run_checklist", "record_timezone_set"]
