"""What the assistant needs to know about a platform: its label, length limit, counting and hashtag cap.

Everything comes from the platform adapter (services.platforms.registry) so a suggestion is measured
exactly the way the composer and the publisher measure the post.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from services.ai.errors import AIInputError
from services.platforms.registry import adapter_class, all_adapters

#: Used when nothing is selected yet: a caption still needs a sensible length to aim for.
NO_PLATFORM_LIMIT = 500


@dataclass(frozen=True)
class PlatformRules:
    name: str
    label: str
    limit: int
    max_hashtags: int | None
    count: Callable[[str], int]
    max_bytes: int | None = None  # Bluesky: 300 graphemes *and* 3,000 UTF-8 bytes


def _generic_rules() -> PlatformRules:
    return PlatformRules(name="", label="social media", limit=NO_PLATFORM_LIMIT, max_hashtags=None, count=len)


def platform_rules(name: str) -> PlatformRules:
    try:
        cls = adapter_class(name)
    except KeyError as exc:
        raise AIInputError(f"Unknown platform “{name}”.") from exc
    adapter = cls()
    return PlatformRules(
        name=cls.name,
        label=cls.label,
        limit=cls.constraints.max_chars,
        max_hashtags=cls.constraints.max_hashtags,
        count=adapter.count_text,
        max_bytes=cls.constraints.max_bytes,
    )


def known_platforms() -> list[str]:
    return sorted(all_adapters())


def rules_for(platforms: Iterable[str]) -> list[PlatformRules]:
    """Distinct platforms in first-seen order; an empty selection gets the generic rules."""
    seen: list[str] = []
    for name in platforms:
        if name not in seen:
            seen.append(name)
    return [platform_rules(n) for n in seen] or [_generic_rules()]


def fits_all(text: str, rules: list[PlatformRules]) -> bool:
    """Every counter within its limit, and every byte cap too (emoji and non-Latin text pass 300
    graphemes long before 3,000 bytes on Bluesky)."""
    return all(
        r.count(text) <= r.limit and (r.max_bytes is None or len(text.encode("utf-8")) <= r.max_bytes) for r in rules
    )
