"""In-app notifications: stored per person and workspace, shown by the bell in the shell.

`notify(...)` is the one way to create them (comments, mentions, the approvals workflow);
the publishing engine and account refresh use the set-based inserts in `events.py` so a batch of
failures costs one statement, never a loop. Reading and marking read live in `inbox.py`.
"""

from services.notifications.inbox import (
    NotificationView,
    list_notifications,
    mark_all_read,
    mark_read,
    unread_count,
)
from services.notifications.store import Kind, approvers, notify, workspace_managers

__all__ = [
    "Kind", "NotificationView", "approvers", "list_notifications", "mark_all_read", "mark_read", "notify",
    "unread_count", "workspace_managers",
]  # fmt: skip
