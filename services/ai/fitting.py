"""The limit invariant: whatever the assistant inserts fits every selected platform.

Every insert (caption, rewrite, hashtags, tone), online or offline, goes through `fit_for_insert`:
the result is measured with each platform's own counter (services.platforms.text_counting via
PlatformRules) and respects the strictest hashtag cap. Hashtags are merged with those already in
the text without duplicates, and when space is short the body is trimmed at a word boundary
before any hashtag is dropped. `shortened` is True only when something was actually cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from services.ai.offline import ELLIPSIS, cap_hashtags, fit_to_limit
from services.ai.platform_rules import PlatformRules, fits_all
from services.platforms.text_counting import HASHTAG, count_hashtags

_TOKEN = re.compile(r"\S+\s*")
_PURE_TAG = re.compile(r"#\w*[^\W\d_]\w*", re.UNICODE)


@dataclass(frozen=True)
class Fitted:
    text: str
    shortened: bool
    added_tags: list[str] = field(default_factory=list)
    dropped_tags: list[str] = field(default_factory=list)
    body_trimmed: bool = False


def hashtag_cap(rules: list[PlatformRules]) -> int | None:
    caps = [r.max_hashtags for r in rules if r.max_hashtags is not None]
    return min(caps) if caps else None


def within_rules(text: str, rules: list[PlatformRules]) -> bool:
    """The invariant itself: every counter within its limit and the hashtag cap respected."""
    cap = hashtag_cap(rules)
    return fits_all(text, rules) and (cap is None or count_hashtags(text) <= cap)


def extract_tags(text: str) -> list[str]:
    """Hashtags in order, without duplicates (case-insensitive), as the platforms' own pattern sees them."""
    seen: set[str] = set()
    tags: list[str] = []
    for match in HASHTAG.finditer(text or ""):
        tag = "#" + match.group(1)
        if tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


def split_trailing_tags(text: str) -> tuple[str, list[str]]:
    """('body', ['#a', '#b']) when the text ends in a run of bare hashtags; the run is kept apart from the body."""
    tokens = (text or "").strip().split()
    k = len(tokens)
    while k > 0 and _PURE_TAG.fullmatch(tokens[k - 1]):
        k -= 1
    if k == len(tokens):
        return (text or "").strip(), []
    body_tokens = re.findall(r"\S+\s*", (text or "").strip())[:k]
    return "".join(body_tokens).rstrip(), extract_tags(" ".join(tokens[k:]))


def _join(body: str, tags: list[str]) -> str:
    if not tags:
        return body
    return f"{body}\n\n{' '.join(tags)}" if body else " ".join(tags)


def _trimmed_body(body: str, tags: list[str], rules: list[PlatformRules]) -> str | None:
    """The longest word-boundary prefix of `body` (with "…") that fits next to `tags`; None when none does."""
    if within_rules(_join(body, tags), rules):
        return body
    if not body:
        return None
    tokens = _TOKEN.findall(body)

    def prefix(k: int) -> str:
        return "".join(tokens[:k]).rstrip() + ELLIPSIS

    lo, hi = 0, len(tokens) - 1  # prefixes shorter than the whole body
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if within_rules(_join(prefix(mid), tags), rules):
            lo = mid
        else:
            hi = mid - 1
    if lo >= 1 and within_rules(_join(prefix(lo), tags), rules):
        return prefix(lo)
    return None


def compose(body: str, tags: list[str], rules: list[PlatformRules]) -> Fitted:
    """Body + hashtag line fitted to every rule: cap first, then trim the body, then drop tags from the end."""
    body = (body or "").strip()
    cap = hashtag_cap(rules)
    dropped: list[str] = []
    if cap is not None:
        room = cap - count_hashtags(body)
        if room < 0:
            body, room = cap_hashtags(body, cap), 0
            dropped.append("(inline)")
        if len(tags) > room:
            dropped.extend(tags[room:])
            tags = tags[:room]
    for n in range(len(tags), -1, -1):
        kept = tags[:n]
        fitted_body = _trimmed_body(body, kept, rules)
        if fitted_body is not None:
            text = _join(fitted_body, kept)
            return Fitted(
                text=text,
                shortened=bool(dropped) or n < len(tags) or fitted_body != body,
                dropped_tags=dropped + tags[n:],
                body_trimmed=fitted_body != body,
            )
    # Nothing fits next to even the body's first word (one very long word): cut characters.
    text = fit_to_limit(cap_hashtags(body, cap) if cap is not None else body, rules)
    if not within_rules(text, rules):
        text = ""
    return Fitted(text=text, shortened=True, dropped_tags=dropped + tags, body_trimmed=True)


def fit_text(text: str, rules: list[PlatformRules]) -> Fitted:
    """A caption, rewrite or tone change: its own trailing hashtags are kept while the body is trimmed."""
    original = (text or "").strip()
    body, tags = split_trailing_tags(original)
    if within_rules(original, rules):
        return Fitted(text=original, shortened=False)
    return compose(body, tags, rules)


def merge_hashtags(current: str, suggestion: str, rules: list[PlatformRules]) -> Fitted:
    """Add the suggested hashtags to the post: no duplicates, within the cap and the length limits."""
    body, existing = split_trailing_tags(current or "")
    already = {t.lower() for t in extract_tags(current or "")}
    new_tags = [t for t in extract_tags(suggestion) if t.lower() not in already]
    stripped = (current or "").strip()
    if not new_tags:
        naive = stripped
    elif not stripped:
        naive = " ".join(new_tags)
    else:  # next to the post's own hashtag line when it has one, else on a line of their own
        naive = stripped + (" " if existing else "\n\n") + " ".join(new_tags)
    if within_rules(naive, rules):
        return Fitted(text=naive, shortened=False, added_tags=new_tags)
    fitted = compose(body, existing + new_tags, rules)
    added = [t for t in new_tags if t not in fitted.dropped_tags]
    return Fitted(
        text=fitted.text,
        shortened=True,
        added_tags=added,
        dropped_tags=fitted.dropped_tags,
        body_trimmed=fitted.body_trimmed,
    )


def fit_for_insert(action: str, current: str, suggestion: str, rules: list[PlatformRules]) -> Fitted:
    """What Insert puts into the composer for `action` (hashtags merge into `current`; the rest replace it)."""
    if action == "hashtags":
        return merge_hashtags(current, suggestion, rules)
    return fit_text(suggestion, rules)


def shortened_note(fitted: Fitted, rules: list[PlatformRules]) -> str:
    """The panel's note; empty when nothing was shortened."""
    if not fitted.shortened:
        return ""
    limit = min(r.limit for r in rules)
    parts = []
    if fitted.body_trimmed:
        parts.append(f"the text was trimmed to fit {limit:,} characters")
    real_drops = [t for t in fitted.dropped_tags if t.startswith("#")]
    if real_drops:
        parts.append(f"{len(real_drops)} hashtag{'s' if len(real_drops) != 1 else ''} left out")
    if not parts:
        parts.append(f"shortened to fit {limit:,} characters")
    text = "; ".join(parts)
    return "Shortened: " + text + "."
