"""Roles and what they may do: one table, one check.

Every state handler, HTTP route and MCP tool that changes (or reads) workspace data calls
`require(user, "action.name")` with the person's role in the current workspace. The UI may hide
what a role can't do, but this check is what counts. A refused action raises `PermissionDenied`
whose message is shown as is ("Contributors can't publish; submit the post for approval.").

Roles (issue #10): Owner (everything), Admin (everything but deleting the workspace and managing
owners), Editor (write, schedule and publish directly, approve), Contributor (write drafts and
submit them for approval; cannot publish, schedule, connect/disconnect accounts or change AI
providers, budget or queue slots), Viewer (read only; can comment).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from services.db import session_scope
from services.errors import UserError
from services.models import Membership

ROLES = ("owner", "admin", "editor", "contributor", "viewer")

#: What a person can do regardless of role (reading the workspace, commenting, their own MCP tokens).
_READ = frozenset(
    {
        "accounts.read",
        "posts.read",
        "calendar.read",
        "queue.read",
        "analytics.read",
        "media.read",
        "comment.write",
        "mcp.token.manage",
        "notifications.read",
        "members.read",
        "workspace.read",
        "alerts.self",
        "self.data",  # download one's own data, delete one's own account (issue #21)
    }
)
_CONTRIBUTE = _READ | {
    "post.draft",
    "post.submit",
    "media.upload",
    "media.alt_text",
    "ai.use",
    "ai.personal_providers",
}
_EDIT = _CONTRIBUTE | {
    "post.schedule",
    "post.publish",
    "post.approve",
    "post.delete",
    "post.retry",
    "media.delete",
    "queue.slots",
    "accounts.connect",
    "accounts.disconnect",
    "ai.providers",
    "ai.budget",
    "ai.personas",
    "ai.templates",
    "api_keys.manage",
    "posts.import",
    "feeds.manage",
    "preview.share",
}
_ADMIN = _EDIT | {
    "members.invite",
    "members.manage",
    "audit.read",
    "workspace.rename",
    "workspace.settings",
    "workspace.approvals",
    "workspace.privacy",  # privacy mode and "purge existing content now"
    "workspace.retention",  # retention policies
    "webhooks.manage",
    "comment.delete",  # anyone's comment; everyone may delete their own ("comment.write")
    "workspace.import",  # import an export as a new workspace
}
_OWNER = _ADMIN | {"workspace.delete", "owners.manage", "workspace.security", "workspace.export"}

PERMISSIONS: dict[str, frozenset[str]] = {
    "owner": frozenset(_OWNER),
    "admin": frozenset(_ADMIN),
    "editor": frozenset(_EDIT),
    "contributor": frozenset(_CONTRIBUTE),
    "viewer": _READ,
}
ACTIONS: frozenset[str] = frozenset().union(*PERMISSIONS.values())

#: How a refusal names the action ("Viewers can't <label>.").
_LABELS = {
    "post.draft": "write posts",
    "post.submit": "submit posts for approval",
    "post.schedule": "schedule posts",
    "post.publish": "publish",
    "post.approve": "approve posts",
    "post.delete": "delete posts",
    "post.retry": "retry publishing",
    "media.upload": "upload media",
    "media.alt_text": "change alt text",
    "media.delete": "delete media",
    "queue.slots": "change posting slots",
    "accounts.connect": "connect accounts",
    "accounts.disconnect": "disconnect accounts",
    "ai.use": "use the AI assistant",
    "ai.personal_providers": "add AI providers",
    "ai.providers": "change the workspace's AI providers",
    "ai.budget": "change the AI budget",
    "ai.personas": "change personas",
    "ai.templates": "change workspace prompt templates",
    "api_keys.manage": "manage API keys",
    "posts.import": "import posts",
    "feeds.manage": "manage RSS feeds",
    "webhooks.manage": "manage webhooks",
    "alerts.self": "change their email alerts",
    "members.invite": "invite members",
    "members.manage": "manage members",
    "owners.manage": "manage owners",
    "audit.read": "read the audit log",
    "comment.write": "comment",
    "comment.delete": "delete other people's comments",
    "notifications.read": "read notifications",
    "workspace.rename": "rename the workspace",
    "workspace.settings": "change workspace settings",
    "workspace.approvals": "change the approval settings",
    "workspace.privacy": "change privacy mode",
    "workspace.retention": "change retention policies",
    "preview.share": "share or revoke preview links",
    "workspace.delete": "delete the workspace",
    "workspace.security": "change the workspace's two-factor requirement",
    "workspace.export": "export the workspace",
    "workspace.import": "import a workspace",
    "self.data": "export or delete their own account",
}
_HINTS = {
    ("contributor", "post.publish"): "submit the post for approval",
    ("contributor", "post.schedule"): "submit the post for approval",
    ("contributor", "post.approve"): "an Editor, Admin or Owner reviews it",
}


class PermissionDenied(UserError):
    """The person's role does not allow the action. `str(exc)` is for humans; nothing was changed."""

    def __init__(self, message: str, *, role: str, action: str) -> None:
        super().__init__(message)  # UserError keeps the message
        self.role = role
        self.action = action


def allowed(role: str | None, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}; add it to services/permissions.py")
    return action in PERMISSIONS.get((role or "").lower(), frozenset())


def role_of(user: Any) -> str:
    """The role from a CurrentUser-like object (`.role`) or a dict with "role"."""
    role = user.get("role") if isinstance(user, dict) else getattr(user, "role", None)
    return str(role or "").lower()


def refusal(role: str, action: str) -> str:
    who = f"{role.capitalize()}s" if role in ROLES else "People without a role in this workspace"
    message = f"{who} can't {_LABELS.get(action, action)}"
    hint = _HINTS.get((role, action))
    return f"{message}; {hint}." if hint else f"{message}."


def require(user: Any, action: str) -> None:
    """Raise PermissionDenied unless the user's role allows `action` (an unknown action is a bug: ValueError)."""
    role = role_of(user)
    if not allowed(role, action):
        raise PermissionDenied(refusal(role, action), role=role, action=action)


def role_rank(role: str) -> int:
    """0 for owner … 4 for viewer (lower is more powerful); unknown roles rank below every role."""
    return ROLES.index(role) if role in ROLES else len(ROLES)


def lower_role(a: str, b: str) -> str:
    """The less powerful of two roles (an API key acts with min(its own role, its creator's role now))."""
    return a if role_rank(a) >= role_rank(b) else b


def membership_role(org_id: int, user_id: int) -> str | None:
    """The person's current role in the workspace (None: not a member), read fresh for every request."""
    with session_scope() as session:
        row = session.exec(
            select(Membership.role).where(Membership.organization_id == org_id, Membership.user_id == user_id)
        ).first()
    return str(row) if row is not None else None
