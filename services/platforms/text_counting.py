"""How each platform counts a post's length, and the human reasons a post cannot go out.

Counting the way the platform counts is what keeps the composer honest: X weighs CJK and
emoji double and every URL as 23 (twitter-text v3), Mastodon counts URLs as 23 and remote
mentions as the local part only, Bluesky counts grapheme clusters (a family emoji is one).
"""

from __future__ import annotations

import html
import re
import unicodedata

import grapheme

from services.platforms.base import Constraints, MediaFile
from services.platforms.sizes import size_pair

URL_WEIGHT_DEFAULT = 23

# A URL with a scheme, or (X only) a bare domain such as example.com/path.
_SCHEME_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_BARE_DOMAIN = re.compile(
    r"(?<![\w@/.-])(?:www\.)?(?:[a-z0-9-]+\.)+(?:com|org|net|io|dev|co|ai|app|me|info|gov|edu|uk|de|fr|ly|tv|xyz)"
    r"(?:/[^\s<>\"']*)?(?![\w-])",
    re.IGNORECASE,
)
_TRAILING_PUNCT = ".,;:!?)]}'\""
_MASTODON_REMOTE_MENTION = re.compile(r"(?<![\w/])@(\w+)@[\w.-]+\w", re.UNICODE)
HASHTAG = re.compile(r"(?<![\w&])#(\w*[^\W\d_]\w*)", re.UNICODE)

# twitter-text v3: these code point ranges weigh 1, everything else 2 (scale 100 → 100 vs 200).
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def find_urls(text: str, *, bare_domains: bool = False) -> list[tuple[int, int]]:
    """(start, end) character spans of URLs, trailing punctuation excluded."""
    spans: list[tuple[int, int]] = []
    for match in _SCHEME_URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING_PUNCT:
            end -= 1
        spans.append((match.start(), end))
    if bare_domains:
        for match in _BARE_DOMAIN.finditer(text):
            if not any(s <= match.start() < e for s, e in spans):
                end = match.end()
                while end > match.start() and text[end - 1] in _TRAILING_PUNCT:
                    end -= 1
                spans.append((match.start(), end))
    return sorted(spans)


def _is_emoji_cluster(cluster: str) -> bool:
    for ch in cluster:
        cp = ord(ch)
        if 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF or cp in (0xFE0F, 0x200D, 0x20E3):
            return True
    return False


def _x_weight(segment: str) -> int:
    if segment.isascii():  # fast path (bulk import checks thousands): every ASCII character weighs 1
        return len(segment)
    total = 0
    for cluster in grapheme.graphemes(segment):
        if _is_emoji_cluster(cluster):
            total += 2  # an emoji sequence counts as one heavy character, however many code points
            continue
        for ch in cluster:
            cp = ord(ch)
            total += 1 if any(lo <= cp <= hi for lo, hi in _X_LIGHT_RANGES) else 2
    return total


def _with_urls_weighted(text: str, spans: list[tuple[int, int]], url_weight: int, weigh) -> int:  # noqa: ANN001
    total, pos = 0, 0
    for start, end in spans:
        total += weigh(text[pos:start]) + url_weight
        pos = end
    return total + weigh(text[pos:])


def count_text(text: str, constraints: Constraints) -> int:
    url_weight = constraints.url_weight or URL_WEIGHT_DEFAULT
    if constraints.counting == "x_weighted":
        text = unicodedata.normalize("NFC", text)
        return _with_urls_weighted(text, find_urls(text, bare_domains=True), url_weight, _x_weight)
    if constraints.counting == "mastodon":
        text = _MASTODON_REMOTE_MENTION.sub(lambda m: "@" + m.group(1), text)
        return _with_urls_weighted(text, find_urls(text), url_weight, len)
    if constraints.counting == "graphemes":
        if text.isascii():  # fast path: in ASCII only CR LF forms a two-character grapheme cluster
            return len(text) - text.count("\r\n")
        return grapheme.length(text)
    if constraints.url_weight:
        return _with_urls_weighted(text, find_urls(text), url_weight, len)
    return len(text)


def count_bytes(text: str) -> int:
    """UTF-8 size, what Bluesky's second limit counts: an emoji is 4 bytes or more, a ZWJ family 25."""
    return len(text.encode("utf-8"))


def byte_limit_problem(text: str, constraints: Constraints, label: str) -> str:
    """Why a text within the character limit is still too big, or "" when it fits."""
    if constraints.max_bytes is None:
        return ""
    size = count_bytes(text)
    if size <= constraints.max_bytes:
        return ""
    return (
        f"{label}: {size:,}/{constraints.max_bytes:,} bytes — too long for {label} in bytes "
        "(many emoji or non-Latin letters take several bytes each)"
    )


def count_hashtags(text: str) -> int:
    return len(HASHTAG.findall(text))


def _media_problems(media: list[MediaFile], constraints: Constraints, label: str) -> list[str]:
    rules = constraints.media
    problems: list[str] = []
    images = [m for m in media if m.kind == "image"]
    videos = [m for m in media if m.kind == "video"]
    if len(images) > rules.max_images:
        problems.append(
            f"{label} allows at most {rules.max_images} image{'s' if rules.max_images != 1 else ''}"
            if rules.max_images
            else f"{label} does not accept images"
        )
    if len(videos) > rules.max_videos:
        problems.append(
            f"{label} allows at most {rules.max_videos} video{'s' if rules.max_videos != 1 else ''}"
            if rules.max_videos
            else f"{label} does not accept videos"
        )
    if images and videos and not rules.mix_images_and_video:
        problems.append(f"{label} cannot mix images and a video in one post")
    for item in media:
        allowed = rules.image_types if item.kind == "image" else rules.video_types
        limit = rules.image_max_bytes if item.kind == "image" else rules.video_max_bytes
        name = item.path.rsplit("/", 1)[-1]
        if item.mime_type not in allowed:
            problems.append(f"{label} does not accept {item.mime_type} files ({name})")
        elif item.size_bytes > limit:
            shown_size, shown_limit = size_pair(item.size_bytes, limit)
            problems.append(f"{label}: {name} is {shown_size}; the limit for {item.kind}s is {shown_limit}")
    return problems


def validate_post(text: str, media: list[MediaFile], constraints: Constraints, label: str) -> list[str]:
    """Every reason this post cannot go out on the platform, in words a user can act on."""
    problems: list[str] = []
    if not text.strip() and not media:
        problems.append(f"{label}: the post is empty")
    length = count_text(text, constraints)
    if length > constraints.max_chars:
        note = ""
        if constraints.counting == "graphemes":
            note = " (emoji and accented letters count as one)"
        elif constraints.url_weight and find_urls(text, bare_domains=constraints.counting == "x_weighted"):
            note = f" (URLs count as {constraints.url_weight})"
        elif constraints.counting == "x_weighted":
            note = " (emoji and CJK characters count as 2)"
        problems.append(f"{label}: {length}/{constraints.max_chars} characters{note}")
    if too_big := byte_limit_problem(text, constraints, label):
        problems.append(too_big)
    if constraints.max_hashtags is not None:
        tags = count_hashtags(text)
        if tags > constraints.max_hashtags:
            problems.append(f"{label}: {tags} hashtags (at most {constraints.max_hashtags})")
    required = constraints.requires_media
    if required == "any" and not media:
        problems.append(f"{label} needs an image or video")
    elif required == "video" and not any(m.kind == "video" for m in media):
        problems.append(f"{label} needs a video")
    elif required == "image" and not any(m.kind == "image" for m in media):
        problems.append(f"{label} needs an image")
    problems.extend(_media_problems(media, constraints, label))
    return problems


_TAG = re.compile(r"<[^>]+>")
_WS = re.compile(r"\s+")


def normalized_post_text(text: str, *, from_platform: bool = False) -> str:
    """Comparable form of a post's text: URLs masked (X rewrites them to t.co), whitespace folded.

    Text coming back from a platform may be HTML (Mastodon) or HTML-escaped (X's `&amp;`), so only
    that side is unescaped; what we sent is compared as written.
    """
    if from_platform:
        text = html.unescape(_TAG.sub(" ", text.replace("<br>", "\n").replace("</p>", "\n")))
    text = _SCHEME_URL.sub("URL", text)
    return _WS.sub(" ", text).strip().casefold()


def same_post_text(theirs: str, ours: str) -> bool:
    """Whether a post found on the platform is the one we sent (reconciliation after an unknown outcome)."""
    return bool(ours.strip()) and normalized_post_text(theirs, from_platform=True) == normalized_post_text(ours)
