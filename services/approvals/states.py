"""Where a post stands in review, and the one SQL condition that lets the engine publish it.

Approval is given to a *version* of a post (`Post.version`, bumped on every edit): an edit after
approval outdates it without anyone having to remember to reset a flag. The engine's claim query
(services/publishing/claims.py) and the missed-approval sweep both use `PUBLISHABLE`, so "may this
go out?" has a single answer in SQL, checked in the same statement that claims the target.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import and_, or_

from services.models import Post

P = Post.__table__


class ApprovalState(StrEnum):
    """Stored as these strings in `posts.approval_state`."""

    NONE = "none"  # no approval needed when it was scheduled (approvals off, or an exempt role)
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    MISSED = "missed_approval"  # its time passed while still in review; never published later by itself

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def waits_for_review(self) -> bool:
        return self is ApprovalState.IN_REVIEW


_LABELS = {
    ApprovalState.NONE: "",
    ApprovalState.IN_REVIEW: "In review",
    ApprovalState.APPROVED: "Approved",
    ApprovalState.CHANGES_REQUESTED: "Changes requested",
    ApprovalState.MISSED: "Missed approval",
}


class ApprovalMode(StrEnum):
    """The workspace setting (Settings → Approvals)."""

    OFF = "off"
    CONTRIBUTORS = "contributors"
    EVERYONE = "everyone"

    def required_for(self, role: str | None) -> bool:
        """Does a post scheduled by this role need a reviewer first? Contributors always do: they can
        never schedule or publish directly, only submit (services/permissions.py)."""
        if (role or "") == "contributor":
            return True
        return self is ApprovalMode.EVERYONE


#: A post's targets may be claimed only when this holds for its row (checked inside the claim).
PUBLISHABLE = or_(
    P.c.approval_state == ApprovalState.NONE.value,
    and_(P.c.approval_state == ApprovalState.APPROVED.value, P.c.approved_version == P.c.version),
)


def shown_status(status: str, approval_state: str | None) -> str:
    """The status lists and the calendar show: a post waiting for (or stuck in) review says so
    instead of a plain "scheduled"/"draft", so a missed approval is never mistaken for a draft."""
    if approval_state in _SHOWN and status in ("draft", "scheduled"):
        return str(approval_state)
    return status


_SHOWN = {ApprovalState.IN_REVIEW.value, ApprovalState.CHANGES_REQUESTED.value, ApprovalState.MISSED.value}


def label(state: str | None) -> str:
    """The human label of a stored state ("" for none / unknown)."""
    try:
        return ApprovalState(state or "none").label
    except ValueError:
        return ""
