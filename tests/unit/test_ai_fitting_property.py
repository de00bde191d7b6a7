"""The limit invariant, property-based: every insert fits every selected platform, online and offline."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ai import offline
from services.ai.fitting import extract_tags, fit_for_insert, merge_hashtags, within_rules
from services.ai.platform_rules import known_platforms, rules_for
from services.platforms.text_counting import count_hashtags

WORDS = st.sampled_from(
    ["coffee", "Café", "morning", "https://example.com/a/very/long/path?x=1", "example.com", "東京", "😀",
     "👨‍👩‍👧", "@ana@mastodon.social", "#launch", "#Coffee", "#coffee", "new", "menu", "x" * 40, "a", "—", "."]
)  # fmt: skip
TEXT = st.lists(WORDS, max_size=140).map(" ".join)
TAG = st.from_regex(r"#[A-Za-z][A-Za-z0-9]{0,14}", fullmatch=True)
PLATFORMS = st.lists(st.sampled_from(known_platforms()), min_size=0, max_size=3)
ACTIONS = st.sampled_from(["caption", "rewrite", "hashtags", "tone"])
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_invariant(result_text: str, rules) -> None:  # noqa: ANN001
    assert within_rules(result_text, rules), [(r.name, r.count(result_text), r.limit) for r in rules]


@SETTINGS
@given(platforms=PLATFORMS, action=ACTIONS, current=TEXT, answer=TEXT, tags=st.lists(TAG, max_size=40))
def test_every_insert_fits_every_platform(platforms, action, current, answer, tags) -> None:  # noqa: ANN001
    rules = rules_for(platforms)
    suggestion = " ".join(tags) if action == "hashtags" else answer + ("\n\n" + " ".join(tags) if tags else "")
    fitted = fit_for_insert(action, current, suggestion, rules)
    _assert_invariant(fitted.text, rules)
    if action == "hashtags":
        lowered = [t.lower() for t in extract_tags(fitted.text)]
        assert len(lowered) == len(set(lowered)), "hashtags merged without duplicates"


@SETTINGS
@given(platforms=PLATFORMS, action=ACTIONS, current=TEXT, answer=TEXT, count=st.integers(1, 30))
def test_offline_answers_insert_within_limits(platforms, action, current, answer, count) -> None:  # noqa: ANN001
    rules = rules_for(platforms)
    brief = answer or "autumn menu launch"
    text = current or "Fresh coffee and warm pastries every morning"
    if action == "caption":
        suggestion = offline.offline_caption(brief, rules)
    elif action == "rewrite":
        suggestion = offline.offline_rewrite(text, rules[0])
    elif action == "hashtags":
        suggestion = offline.offline_hashtags(text, rules, count)
    else:
        suggestion = offline.offline_tone(text, "friendly", rules)
    fitted = fit_for_insert(action, current, suggestion, rules)
    _assert_invariant(fitted.text, rules)


@SETTINGS
@given(platforms=PLATFORMS, current=TEXT, tags=st.lists(TAG, max_size=10))
def test_shortened_only_when_something_was_cut(platforms, current, tags) -> None:  # noqa: ANN001
    rules = rules_for(platforms)
    fitted = fit_for_insert("caption", "", current, rules)
    if within_rules(current.strip(), rules):
        assert fitted.text == current.strip() and not fitted.shortened
    else:
        assert fitted.shortened
    merged = merge_hashtags(current, " ".join(tags), rules)
    if not merged.shortened:
        assert current.strip() in merged.text or not current.strip()
        assert set(t.lower() for t in extract_tags(merged.text)) >= {t.lower() for t in tags}


@SETTINGS
@given(body_words=st.lists(st.sampled_from(["good", "morning", "coffee", "lovers"]), min_size=60, max_size=120),
       tags=st.lists(TAG, min_size=1, max_size=4, unique_by=str.lower))  # fmt: skip
def test_body_is_trimmed_before_any_tag_is_dropped(body_words, tags) -> None:  # noqa: ANN001
    rules = rules_for(["mastodon"])
    body = " ".join(body_words)
    fitted = merge_hashtags(body, " ".join(tags), rules)
    _assert_invariant(fitted.text, rules)
    assert fitted.body_trimmed or within_rules(body + "\n\n" + " ".join(tags), rules)
    assert not fitted.dropped_tags, "a few short tags always fit once the body is trimmed"
    assert {t.lower() for t in extract_tags(fitted.text)} == {t.lower() for t in tags}


def test_issue_examples() -> None:
    rules = rules_for(["mastodon"])
    post = ("Our autumn menu is here " * 20)[:470]
    fitted = merge_hashtags(post, "#autumn #menu #coffee #cafe #local #food", rules)
    assert rules[0].count(fitted.text) <= 500 and fitted.shortened and fitted.body_trimmed
    assert fitted.text.endswith("#autumn #menu #coffee #cafe #local #food")
    long_answer = " ".join(f"#tag{i}word" for i in range(70))  # ~736 characters of hashtags
    fitted = merge_hashtags("Short post", long_answer, rules)
    assert rules[0].count(fitted.text) <= 500 and fitted.shortened
    caption = ("Long caption words " * 40) + "\n\n#keep #these"
    fitted = fit_for_insert("caption", "", caption, rules)
    assert fitted.text.endswith("#keep #these") and "…" in fitted.text
    instagram = rules_for(["instagram"])
    many = " ".join(f"#t{i}a" for i in range(40))
    assert count_hashtags(merge_hashtags("Hello", many, instagram).text) == 30


def test_bluesky_byte_cap_holds_for_emoji_heavy_inserts() -> None:
    """300 family emoji are 300 graphemes (within Bluesky's count) but ~5,400 bytes: the byte cap must hold too."""
    rules = rules_for(["bluesky"])
    answer = " ".join(["👨‍👩‍👧👨‍👩‍👧"] * 99)  # 296 graphemes, 3,662 bytes
    for action in ("caption", "rewrite", "tone", "hashtags"):
        suggestion = "#launch #coffee" if action == "hashtags" else answer
        fitted = fit_for_insert(action, answer if action == "hashtags" else "", suggestion, rules)
        assert len(fitted.text.encode("utf-8")) <= 3000, (action, len(fitted.text.encode("utf-8")))
        assert rules[0].count(fitted.text) <= 300
    assert offline.fit_to_limit(answer, rules) and len(offline.fit_to_limit(answer, rules).encode()) <= 3000
