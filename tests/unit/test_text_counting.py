"""Counting like each platform counts, and the reasons a post is refused."""

from __future__ import annotations

import pytest

from services.platforms.base import MediaFile
from services.platforms.bluesky import BlueskyAdapter
from services.platforms.instagram import InstagramAdapter
from services.platforms.linkedin import escape_little_text
from services.platforms.mastodon import MastodonAdapter
from services.platforms.sizes import size_pair
from services.platforms.text_counting import count_text, same_post_text, validate_post
from services.platforms.tiktok import TikTokAdapter
from services.platforms.x import XAdapter

X, MASTODON, BLUESKY = XAdapter.constraints, MastodonAdapter.constraints, BlueskyAdapter.constraints


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", 5),
        ("https://example.com/a/very/long/path/that/goes/on?and=on", 23),
        ("see example.com now", 4 + 23 + 4),
        ("日本語", 6),  # CJK weighs 2
        ("😀", 2),
        ("👨‍👩‍👧‍👦", 2),  # a ZWJ family is one emoji
        ("café", 4),
        ("–—‘’", 4),  # dashes and quotes in 8208–8223 weigh 1
        ("a\u2026", 3),  # the ellipsis U+2026 (8230) is outside every light range: it weighs 2
    ],
)
def test_x_weighted_counting(text: str, expected: int) -> None:
    assert count_text(text, X) == expected


def test_x_limit_message_mentions_urls() -> None:
    text = "x" * 268 + " https://example.com/" + "y" * 100
    problems = validate_post(text, [], X, "X")
    assert problems == [f"X: {count_text(text, X)}/280 characters (URLs count as 23)"]
    assert count_text(text, X) == 268 + 1 + 23
    assert validate_post("x" * 280, [], X, "X") == []


def test_mastodon_counts_urls_and_remote_mentions_short() -> None:
    assert count_text("hi @alice@mastodon.social", MASTODON) == len("hi @alice")
    assert count_text("read https://example.com/" + "p" * 80, MASTODON) == 5 + 23
    assert count_text("日本語", MASTODON) == 3


def test_bluesky_counts_graphemes() -> None:
    assert count_text("👨‍👩‍👧‍👦é", BLUESKY) == 2
    assert validate_post("a" * 301, [], BLUESKY, "Bluesky")[0].startswith("Bluesky: 301/300 characters")


def image(name: str = "a.jpg", mime: str = "image/jpeg", size: int = 1000) -> MediaFile:
    return MediaFile(path=f"/m/{name}", mime_type=mime, kind="image", size_bytes=size)


def test_instagram_requires_media_and_limits_hashtags() -> None:
    c = InstagramAdapter.constraints
    assert validate_post("hello", [], c, "Instagram") == ["Instagram needs an image or video"]
    tags = " ".join(f"#t{i}" for i in range(31))
    assert "Instagram: 31 hashtags (at most 30)" in validate_post(tags, [image()], c, "Instagram")
    assert validate_post("ok #one", [image()], c, "Instagram") == []
    assert validate_post("png", [image("a.png", "image/png")], c, "Instagram") == [
        "Instagram does not accept image/png files (a.png)"
    ]


def test_tiktok_needs_video_and_media_rules() -> None:
    assert validate_post("caption", [image()], TikTokAdapter.constraints, "TikTok")[0] == "TikTok needs a video"
    too_many = [image(f"{i}.jpg") for i in range(5)]
    assert "X allows at most 4 images" in validate_post("hi", too_many, X, "X")
    big = image(size=6 * 1024 * 1024)
    assert validate_post("hi", [big], X, "X") == ["X: a.jpg is 6.29 MB; the limit for images is 5.24 MB"]
    assert validate_post("  ", [], X, "X") == ["X: the post is empty"]


def test_reconciliation_text_matching_and_linkedin_escaping() -> None:
    assert same_post_text("<p>Fish &amp; chips<br>https://t.co/abc</p>", "Fish & chips\nhttps://example.com")
    assert not same_post_text("<p>other</p>", "Fish & chips")
    assert not same_post_text("", "")
    assert escape_little_text("Hi (you) #tag @me") == "Hi \\(you\\) \\#tag \\@me"


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (1_030_000, 1_000_000, ("1.03 MB", "1.00 MB")),  # Bluesky's byte limit: once "1.0 MB" twice
        (1_000_001, 1_000_000, ("1,000,001 bytes", "1,000,000 bytes")),
        (6 * 1024 * 1024, 5 * 1024 * 1024, ("6.29 MB", "5.24 MB")),
        (5_000, 4_096, ("5.00 KB", "4.10 KB")),
    ],
)
def test_sizes_differ_whenever_one_exceeds_the_other(size: int, limit: int, expected: tuple[str, str]) -> None:
    assert size_pair(size, limit) == expected


def test_bluesky_image_size_message_for_every_platform_rule() -> None:
    big = image("big.png", "image/png", 1_030_000)
    assert validate_post("hi", [big], BLUESKY, "Bluesky") == [
        "Bluesky: big.png is 1.03 MB; the limit for images is 1.00 MB"
    ]


FAMILY = "👨‍👩‍👧‍👦"  # one grapheme, 25 bytes in UTF-8


def test_bluesky_refuses_more_than_3000_bytes_even_within_300_graphemes() -> None:
    text = FAMILY * 130 + "a" * 170  # 300 graphemes, 3,420 bytes: the real PDS answers "string too big"
    assert count_text(text, BLUESKY) == 300 and len(text.encode()) == 3420
    assert validate_post(text, [], BLUESKY, "Bluesky") == [
        "Bluesky: 3,420/3,000 bytes — too long for Bluesky in bytes "
        "(many emoji or non-Latin letters take several bytes each)"
    ]
    fits = FAMILY * 110 + "a" * 190  # 300 graphemes, 2,940 bytes
    assert validate_post(fits, [], BLUESKY, "Bluesky") == []
    assert validate_post(text, [], X, "X")[0].startswith("X: ")  # no byte rule elsewhere: only X's own count
    assert not any("bytes" in p for p in validate_post(text, [], X, "X"))
