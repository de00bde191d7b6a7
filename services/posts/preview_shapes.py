"""How each network shows a post in its feed, so the composer's preview looks like the real thing.

Why per network: a generic box hides what people actually see — Instagram folds a caption after
125 characters ("…more"), LinkedIn after about 210 ("…see more"), Bluesky and X turn the first
link into a card, Mastodon hides the post behind its content warning. The numbers are the
networks' own feed behaviour (they are display rules, not limits: the full text is still posted).
"""

from __future__ import annotations

import re
from typing import TypedDict
from urllib.parse import urlsplit

from services.platforms.mastodon import split_content_warning

URL_RE = re.compile(r"https?://[^\s<>\"]+")

#: network → (style, characters shown before the fold, the fold's label)
SHAPES: dict[str, tuple[str, int | None, str]] = {
    "x": ("x", None, ""),
    "linkedin": ("linkedin", 210, "…see more"),
    "instagram": ("instagram", 125, "…more"),
    "bluesky": ("bluesky", None, ""),
    "mastodon": ("mastodon", None, ""),
    "facebook": ("facebook", 480, "…See more"),
}
LINK_CARD_STYLES = {"x", "bluesky", "linkedin", "facebook"}


class PreviewShape(TypedDict):
    """What a network-shaped preview card needs (all strings: Reflex vars hold plain values)."""

    style: str  # x | linkedin | instagram | bluesky | mastodon | facebook | generic
    shown: str  # the text visible before the fold (all of it when nothing is folded)
    folded: str  # "yes" when the network cuts the text here
    more_label: str  # "…more", "…see more"
    link_url: str  # the first link, shown as a card (when the network makes one and there is no media)
    link_domain: str
    warning: str  # Mastodon content warning ("" = none)


def fold(text: str, at: int | None) -> tuple[str, bool]:
    """The visible part of `text` when a feed shows only `at` characters, cut at a word boundary."""
    if at is None or len(text) <= at:
        return text, False
    cut = text[:at]
    space = cut.rfind(" ")
    if space > at * 0.6:
        cut = cut[:space]
    return cut.rstrip(), True


def shape_preview(platform: str, text: str, *, has_media: bool) -> PreviewShape:
    style, fold_at, more = SHAPES.get(platform, ("generic", None, ""))
    warning = ""
    if style == "mastodon":
        warning, text = split_content_warning(text)
    shown, folded = fold(text, fold_at)
    links = URL_RE.findall(text)
    link = links[0].rstrip(".,;:!?)") if links and style in LINK_CARD_STYLES and not has_media else ""
    return {
        "style": style,
        "shown": shown,
        "folded": "yes" if folded else "",
        "more_label": more if folded else "",
        "link_url": link,
        "link_domain": (urlsplit(link).hostname or "").removeprefix("www.") if link else "",
        "warning": warning,
    }
