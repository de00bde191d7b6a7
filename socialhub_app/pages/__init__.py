"""One module per page. Importing them registers their routes."""

from socialhub_app.pages import (
    accounts,
    analytics,
    auth_pages,
    calendar,
    compose,
    dashboard,
    posts,
    queue,  # calendar work: the posting queue view
    settings,
)

__all__ = ["accounts", "analytics", "auth_pages", "calendar", "compose", "dashboard", "posts", "queue", "settings"]
