"""What the composer shows while the user types: per-account counts, limits, problems and previews.

Counting uses each platform adapter's own rule (X weighted + URLs as 23, Bluesky graphemes...),
so the red counter in the browser and the engine's validation can never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypedDict

from services.media import MediaError, media_problems
from services.media.storage import get_asset, media_file
from services.platforms.registry import adapter_class
from services.platforms.text_counting import count_bytes
from services.posts.composer_rules import friendly_problem
from services.posts.preview_shapes import shape_preview

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


class ComposerAccount(TypedDict):
    """A selectable account as the composer holds it."""

    id: str
    platform: str
    display_name: str


@dataclass(frozen=True)
class TargetEvaluation:
    """What the composer shows for one selected account while the user types."""

    account_id: str
    platform: str
    label: str
    account_name: str
    text: str
    customized: bool
    count: int
    limit: int
    over: bool
    counter: str
    problems: list[str]
    problem_text: str
    ok: bool
    needs_media: bool
    needs_media_text: str
    preview: str
    preview_links: list[str]
    first_media_id: str
    first_media_kind: str
    # how the network's feed shows it (services/posts/preview_shapes.py)
    style: str = "generic"
    shown: str = ""
    folded: str = ""
    more_label: str = ""
    link_url: str = ""
    link_domain: str = ""
    warning: str = ""


def evaluate_targets(
    org_id: int, accounts: list[ComposerAccount], main_text: str, overrides: dict[str, str], media_ids: list[int]
) -> list[TargetEvaluation]:
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
        counter, bytes_over = byte_counter(text, count, limit, cls.constraints.max_bytes)
        problems = list(adapter.validate(text, files))
        problems += [p for p in media_problems(cls.constraints, assets) if p not in problems]
        needs_media = cls.constraints.requires_media
        rows.append(
            TargetEvaluation(
                account_id=key,
                platform=account["platform"],
                label=cls.label,
                account_name=account.get("display_name", ""),
                text=text,
                customized=overrides.get(key) not in (None, ""),
                count=count,
                limit=limit,
                over=count > limit or bytes_over,
                counter=counter,
                problems=problems,
                problem_text=" · ".join(friendly_problem(p) for p in problems),
                ok=not problems and bool(text.strip() or files),
                needs_media=bool(needs_media) and not files,
                needs_media_text=f"{cls.label} needs {MEDIA_WORDS.get(needs_media or '', 'media')}"
                if needs_media and not files
                else "",
                preview=preview_text(text, limit, count)
                + (" [over the byte limit: will be refused]" if bytes_over else ""),
                preview_links=URL_RE.findall(text),
                first_media_id=str(assets[0]["id"]) if assets else "",
                first_media_kind=assets[0]["kind"] if assets else "",
                **shape_preview(account["platform"], text, has_media=bool(assets)),
            )
        )
    return rows


def byte_counter(text: str, count: int, limit: int, max_bytes: int | None) -> tuple[str, bool]:
    """The counter text and whether the byte cap is exceeded.

    Bytes are shown once they pass 80 % of the cap: below that the character count is the one
    that matters, and showing two numbers for every short post would only confuse.
    """
    counter = f"{count}/{limit}"
    if max_bytes is None:
        return counter, False
    size = count_bytes(text)
    if size > max_bytes * 0.8:
        counter += f" · {size:,}/{max_bytes:,} bytes"
    return counter, size > max_bytes


def preview_text(text: str, limit: int, count: int) -> str:
    """How the post reads on the platform; over-limit text shows where the platform would stop it."""
    if count <= limit:
        return text
    # counts are weighted on some platforms; cut proportionally and mark it.
    keep = max(0, int(len(text) * limit / max(count, 1)) - 1)
    return text[:keep] + "… [over the limit: will be refused]"
