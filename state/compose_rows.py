"""Plain helpers for the composer's state: the dicts its vars hold, and reading `?at=&account=`.

Why separate: ComposeState stays one screen of event handlers; these are pure functions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.platforms.registry import adapter_class
from services.publishing.states import TargetStatus

FIRST_WORDS = 6


def post_name(text: str) -> str:
    """How a person recognises a post: its first words in quotes ("Spring sale starts…"), never its id."""
    words = " ".join((text or "").split()).split(" ")
    if not words or words == [""]:
        return "this post (no text)"
    shown = " ".join(words[:FIRST_WORDS])
    return f"\u201c{shown}{'…' if len(words) > FIRST_WORDS else ''}\u201d"


def network_label(platform: str) -> str:
    try:
        return adapter_class(platform).label
    except KeyError:
        return platform.title()


def media_entry(asset: dict) -> dict:
    return {
        "id": str(asset["id"]),
        "kind": asset["kind"],
        "name": asset.get("original_name", ""),
        "thumb": f"/media/{asset['id']}/thumb",
        "alt": asset.get("alt_text", ""),
        "alt_saved": asset.get("alt_text", ""),
        "generated_prompt": asset.get("generated_prompt", ""),
    }


def result_entry(target: dict, show_time: Callable[[datetime], str]) -> dict:
    published = target.get("published_at")
    return {
        "account_id": str(target["account_id"]),
        "platform": target["platform"],
        "network": network_label(target["platform"]),
        "account_name": target["account_name"],
        "status": target["status"],
        "body": target.get("body") or "",
        "published_at": show_time(datetime.fromisoformat(published)) if published else "",
        "url": target.get("external_url") or "",
        "error": target.get("last_error") or "",
        "target_id": str(target["id"]),
        "can_retry": "yes" if TargetStatus(target["status"]).can_retry else "",
    }


def parse_prefill(at: str, account: str) -> dict[str, str]:
    """`?at=2026-12-10T09:30` (local, as the calendar shows it) and `?account=3` → the composer's fields.

    Anything unreadable is ignored (a blank composer is the honest fallback); the account id is
    only a candidate here — the composer keeps it only if it is one of this workspace's accounts.
    """
    out: dict[str, str] = {}
    if at.strip():
        try:
            moment = datetime.fromisoformat(at.strip())
        except ValueError:
            moment = None
        if moment is not None:
            out["date"], out["time"] = moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M")
    if account.strip().isdigit():
        out["account"] = str(int(account.strip()))
    return out
