"""The built-in offline assistant: deterministic, no network, always within the platforms' limits.

It answers when no provider is configured, when every provider failed, or when the monthly budget
is spent. Its results are labelled "offline suggestion" by the caller. Same input, same output:
keyword hashtags by frequency, word-boundary trimming measured with each platform's own counter,
and a few plain tone templates.
"""

from __future__ import annotations

import re
from collections import Counter

from services.ai.platform_rules import PlatformRules, fits_all
from services.platforms.text_counting import HASHTAG as PLATFORM_HASHTAG

OFFLINE_LABEL = "offline suggestion"
ELLIPSIS = "…"

_STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her
    here hers him his how i if in into is it its just me more most my no nor not now of off on once only or
    other our ours out over own same she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while who whom why will
    with would you your yours new get got make made let lets us via per really come join today tomorrow week back
    day next our we're it's i'm you're don't can't won't""".split()
)
_WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
_HASHTAG = re.compile(r"(?<!\w)#\w+", re.UNICODE)

TONE_TEMPLATES: dict[str, tuple[str, str]] = {
    "professional": ("", ""),
    "friendly": ("Hi everyone! ", ""),
    "witty": ("", " (Yes, really.)"),
    "enthusiastic": ("Big news: ", ""),
    "casual": ("So, ", ""),
    "informative": ("Good to know: ", ""),
    "urgent": ("Heads up: ", ""),
}


def keywords(text: str) -> list[str]:
    """Content words by frequency, ties broken by first appearance (so the order is stable)."""
    words = [w.strip("'’-").lower() for w in _WORD.findall(_HASHTAG.sub(lambda m: m.group(0)[1:], text))]
    words = [w for w in words if len(w) >= 3 and not w.isdigit() and w not in _STOPWORDS and "'" not in w]
    counts = Counter(words)
    first = {w: i for i, w in reversed(list(enumerate(words)))}
    return sorted(counts, key=lambda w: (-counts[w], first[w]))


def _hashtag_cap(rules: list[PlatformRules], wanted: int) -> int:
    caps = [r.max_hashtags for r in rules if r.max_hashtags is not None]
    return max(0, min([wanted, *caps]))


def fit_to_limit(text: str, rules: list[PlatformRules]) -> str:
    """Cut at a word boundary (adding "…") until the text fits every platform's counter."""
    text = text.strip()
    if fits_all(text, rules):
        return text
    tokens = re.findall(r"\S+\s*", text)

    def prefix(k: int) -> str:
        return "".join(tokens[:k]).rstrip() + ELLIPSIS

    lo, hi = 0, len(tokens)  # the largest k whose prefix fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits_all(prefix(mid), rules):
            lo = mid
        else:
            hi = mid - 1
    if lo > 0:
        return prefix(lo)
    # A single word longer than the limit (a long URL): cut characters instead.
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits_all(text[:mid].rstrip() + ELLIPSIS, rules):
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS if lo else ""


def cap_hashtags(text: str, max_hashtags: int | None) -> str:
    """Drop hashtags beyond the platform's cap, keeping the first ones."""
    if max_hashtags is None:
        return text
    seen = 0

    def keep(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group(0) if seen <= max_hashtags else ""

    # The platforms' own hashtag pattern, so the cap is counted exactly as the composer validates it.
    capped = PLATFORM_HASHTAG.sub(keep, text)
    return re.sub(r"[ \t]{2,}", " ", capped).strip()


def offline_hashtags(text: str, rules: list[PlatformRules], count: int = 5) -> str:
    cap = _hashtag_cap(rules, count)
    tags: list[str] = []
    for word in keywords(text):
        if len(tags) >= cap:
            break
        tag = "#" + re.sub(r"[^\w]", "", word)
        candidate = " ".join([*tags, tag])
        if len(tag) > 1 and tag not in tags and fits_all(candidate, rules):
            tags.append(tag)
    return " ".join(tags)


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def offline_caption(brief: str, rules: list[PlatformRules]) -> str:
    caps = [r.max_hashtags for r in rules if r.max_hashtags is not None]
    cap = min(caps) if caps else None
    body = cap_hashtags(_sentence(brief), cap)
    room = _hashtag_cap(rules, 3) - len(PLATFORM_HASHTAG.findall(body))
    tags = offline_hashtags(brief, rules, count=room) if room > 0 else ""
    with_tags = f"{body}\n\n{tags}" if tags else body
    return with_tags if fits_all(with_tags, rules) else fit_to_limit(body, rules)


def offline_rewrite(text: str, rules: PlatformRules) -> str:
    return fit_to_limit(cap_hashtags(text.strip(), rules.max_hashtags), [rules])


def offline_tone(text: str, tone: str, rules: list[PlatformRules]) -> str:
    body = re.sub(r"[ \t]+", " ", text).strip()
    key = tone.strip().lower()
    if key == "professional":
        body = re.sub(r"!+", ".", body)
    elif key == "enthusiastic":
        body = re.sub(r"\.$", "!", body)
    prefix, suffix = TONE_TEMPLATES.get(key, ("", ""))
    if prefix and body:
        body = body[0].lower() + body[1:] if key in {"casual"} else body
    result = f"{prefix}{body}{suffix}"
    if not fits_all(result, rules):
        result = fit_to_limit(f"{prefix}{body}", rules)
    caps = [r.max_hashtags for r in rules if r.max_hashtags is not None]
    return cap_hashtags(result, min(caps)) if caps else result
