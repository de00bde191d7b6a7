"""What the composer may offer for a post, and why it can't go out yet: one answer from the state machine.

Why here (not in the page): a published post used to open with Schedule / Publish now / Cancel
schedule / Delete all shown and all failing. The composer now asks `allowed_actions` and shows only
those; the services still re-check every action, so this is about never offering a dead button.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from services.publishing.states import TargetStatus

#: Every action the composer knows, in the order its menu lists them.
ACTIONS = ("schedule", "add_to_queue", "publish_now", "save_draft", "cancel_schedule", "delete", "duplicate")
NEW_POST_ACTIONS = frozenset({"schedule", "add_to_queue", "publish_now", "save_draft"})

_OVER_LIMIT = re.compile(r"^(?P<label>.+?): (?P<count>\d+)/(?P<limit>\d+) characters")


def allowed_actions(target_statuses: Iterable[str], *, saved: bool) -> list[str]:
    """The composer actions that can succeed for a post whose targets are in these states.

    A new (unsaved) post may be drafted, queued, scheduled or published. Once saved: nothing may
    change while any account is publishing or once every account has it (only Duplicate); otherwise
    what each target's rules allow (services/publishing/states.py).
    """
    if not saved:
        return [a for a in ACTIONS if a in NEW_POST_ACTIONS]
    states = [TargetStatus(s) for s in target_statuses]
    if is_read_only(states):
        return ["duplicate"]
    allowed = {"delete", "duplicate"}
    if not states or any(s.is_editable for s in states):
        allowed.add("save_draft")
    if not states or any(s.can_reschedule for s in states):
        allowed |= {"schedule", "add_to_queue", "publish_now"}
    if any(s.can_cancel for s in states):
        allowed.add("cancel_schedule")
    return [a for a in ACTIONS if a in allowed]


def is_read_only(target_statuses: Iterable[str]) -> bool:
    """Published (or publishing) on every account: the post is shown as it went out, not as a form."""
    states = [TargetStatus(s) for s in target_statuses]
    return bool(states) and (
        all(s.is_locked for s in states) or any(s is TargetStatus.PUBLISHING for s in states)
    )


def friendly_problem(problem: str) -> str:
    """ "Demo network: 8800/500 characters" → "Demo network: 8,300 characters too long — shorten it or …"."""
    match = _OVER_LIMIT.match(problem)
    if not match:
        return problem
    over = int(match["count"]) - int(match["limit"])
    word = "character" if over == 1 else "characters"
    return (
        f"{match['label']}: {over:,} {word} too long — shorten it or write a custom text for this account"
    )


def blocked_reason(selected: int, rows: list[Mapping[str, Any]], has_content: bool) -> str:
    """Why the post can't be scheduled or published right now ("" when it can); shown under the button."""
    if selected == 0:
        return "Pick at least one account to publish to."
    if not has_content:
        return "Write something or attach media first."
    return " · ".join(row["problem_text"] for row in rows if row.get("problem_text"))
