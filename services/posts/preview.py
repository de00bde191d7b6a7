"""What the composer shows while the user types: per-account counts, limits, problems and previews.

Counting uses each platform adapter's own rule (X weighted + URLs as 23, Bluesky graphemes...),
so the red counter in the browser and the engine's validation can never disagree.
"""

from __future__ import annotations

import re
from typing import Any

from services.media import MediaError, media_problems
from services.media.storage import get_asset, media_file
from services.platforms.registry import adapter_class

URL_RE = re.compile(r"https?://\S+")
MEDIA_WORDS = {"image": "an image", "video": "a video", "any": "an image or video"}


def _media_for(org_id: int, media_ids: list[int]) -> list[dict[str, Any]]:
    assets = []
    for media_id in media_ids:
        try:
            assets.append(get_asset(org_id, int(media_id)))
        except MediaError:  # a deleted asset just drops out of the preview
            continue
    return assets


def evaluate_targets(
    org_id: int, accounts: list[dict[str, Any]], main_text: str, overrides: dict[str, str], media_ids: list[int]
) -> list[dict[str, Any]]:
    """One row per selected account: the text it will get, its count vs limit, and every problem."""
    assets = _media_for(org_id, media_ids)
    files = [media_file(a) for a in assets]
    rows = []
    for account in accounts:
        cls = adapter_class(account["platform"])
        adapter = cls()
        key = str(account["id"])
        text = overrides.get(key) if overrides.get(key) not in (None, "") else main_text
        count = adapter.count_text(text)
        limit = cls.constraints.max_chars
        problems = list(adapter.validate(text, files))
        problems += [p for p in media_problems(cls.constraints, assets) if p not in problems]
        needs_media = cls.constraints.requires_media
        rows.append(
            {
                "account_id": key,
                "platform": account["platform"],
                "label": cls.label,
                "account_name": account.get("display_name", ""),
                "text": text,
                "customized": overrides.get(key) not in (None, ""),
                "count": count,
                "limit": limit,
                "over": count > limit,
                "counter": f"{count}/{limit}",
                "problems": problems,
                "problem_text": " · ".join(problems),
                "ok": not problems and bool(text.strip() or files),
                "needs_media": bool(needs_media) and not files,
                "needs_media_text": f"{cls.label} needs {MEDIA_WORDS.get(needs_media or '', 'media')}"
                if needs_media and not files
                else "",
                "preview": preview_text(text, limit, count),
                "preview_links": URL_RE.findall(text),
                "first_media_id": str(assets[0]["id"]) if assets else "",
                "first_media_kind": assets[0]["kind"] if assets else "",
            }
        )
    return rows


def preview_text(text: str, limit: int, count: int) -> str:
    """How the post reads on the platform; over-limit text shows where the platform would stop it."""
    if count <= limit:
        return text
    # counts are weighted on some platforms; cut proportionally and mark it.
    keep = max(0, int(len(text) * limit / max(count, 1)) - 1)
    return text[:keep] + "… [over the limit: will be refused]"
