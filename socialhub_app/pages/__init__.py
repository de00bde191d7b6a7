"""One module per page. Importing them registers their routes."""

from socialhub_app.pages import (
    accounts,
    ai_mcp,
    ai_personas,
    ai_providers,
    ai_templates,
    ai_usage,
    analytics,
    auth_pages,
    calendar,
    compose,
    dashboard,
    posts,
    queue,
    settings,
)

__all__ = [
    "accounts",
    "ai_mcp",
    "ai_personas",
    "ai_providers",
    "ai_templates",
    "ai_usage",
    "analytics",
    "auth_pages",
    "calendar",
    "compose",
    "dashboard",
    "posts",
    "queue",
    "settings",
]
