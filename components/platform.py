"""Platform icons and status badges shared by every page."""

from __future__ import annotations

import reflex as rx

PLATFORM_ICONS = {
    "demo": "flask-conical",
    "x": "at-sign",
    "linkedin": "briefcase-business",
    "facebook": "thumbs-up",
    "instagram": "camera",
    "tiktok": "music-2",
    "mastodon": "message-square-quote",
    "bluesky": "cloud",
    "telegram": "send",
    "discord": "messages-square",
}

#: How each network is named in the UI (never its internal key: "Demo", not "demo").
PLATFORM_NAMES = {
    "demo": "Demo",
    "x": "X",
    "linkedin": "LinkedIn",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "tiktok": "TikTok",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
}

STATUS_COLORS = {
    "active": "green",
    "expiring": "amber",
    "needs_reconnect": "red",
    "draft": "gray",
    "scheduled": "blue",
    "publishing": "violet",
    "published": "green",
    "failed": "red",
    "needs_review": "amber",
    "partially_failed": "orange",
    "cancelled": "gray",
    "in_review": "iris",
    "changes_requested": "orange",
    "missed_approval": "red",
}


def platform_icon(platform: rx.Var | str, size: int = 18) -> rx.Component:
    return rx.match(
        platform,
        *[(name, rx.icon(icon, size=size)) for name, icon in PLATFORM_ICONS.items()],
        rx.icon("globe", size=size),
    )


def platform_name(platform: rx.Var | str) -> rx.Var | str:
    """The network's proper name for a platform key (the key itself for one we don't know)."""
    if isinstance(platform, str):
        return PLATFORM_NAMES.get(platform, platform)
    return rx.match(platform, *[(key, name) for key, name in PLATFORM_NAMES.items()], platform)


def status_badge(status: rx.Var | str, testid: rx.Var | str | None = None) -> rx.Component:
    attrs = {"data-testid": testid} if testid is not None else {}
    return rx.badge(
        status,
        color_scheme=rx.match(status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        variant="soft",
        high_contrast=True,  # soft badges' default text falls under 4.5:1 on dialog panels (axe)
        custom_attrs=attrs,
    )
