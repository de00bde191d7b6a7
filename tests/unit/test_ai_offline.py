"""The offline assistant: same input, same output, and always within every platform's own limits."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.ai import offline
from services.ai.platform_rules import PlatformRules, known_platforms, platform_rules, rules_for
from services.platforms.text_counting import HASHTAG

PLATFORMS = known_platforms()

LONG_BRIEF = (
    "Launching our autumn menu this Friday with pumpkin soup, apple pie and spiced latte! "
    "Read more at https://example.com/menu/autumn-2025?utm=social 🍂🎃 "
    + "秋のメニュー " * 30
    + "Locals, remote workers and families welcome; pumpkin pumpkin soup soup. " * 60
)[:4000]
MANY_TAGS = "Autumn menu is here. " + " ".join(f"#tag{i}word" for i in range(60))
ONE_LONG_WORD = "https://example.com/" + "a" * 5000


@pytest.fixture(autouse=True)
def _settings(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:  # noqa: ANN001
    """Adapters read settings when built; keep them away from the real data directory."""
    from services.config import reset_settings

    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "unit-test-secret")
    reset_settings()
    yield
    reset_settings()


def _fits(text: str, rules: PlatformRules) -> bool:
    return rules.count(text) <= rules.limit


def test_every_platform_is_known() -> None:
    assert {"x", "linkedin", "mastodon", "bluesky", "instagram", "facebook"} <= set(PLATFORMS)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_offline_results_fit_every_platform_and_are_deterministic(platform: str) -> None:
    rules = platform_rules(platform)
    produced = {
        "caption": offline.offline_caption(LONG_BRIEF, [rules]),
        "caption-short": offline.offline_caption("pumpkin soup is back", [rules]),
        "rewrite": offline.offline_rewrite(LONG_BRIEF, rules),
        "rewrite-tags": offline.offline_rewrite(MANY_TAGS * 40, rules),
        "rewrite-one-word": offline.offline_rewrite(ONE_LONG_WORD, rules),
        "hashtags": offline.offline_hashtags(LONG_BRIEF, [rules], count=30),
        **{f"tone-{t}": offline.offline_tone(LONG_BRIEF + " #a #b", t, [rules]) for t in offline.TONE_TEMPLATES},
        "tone-custom": offline.offline_tone(LONG_BRIEF, "pirate", [rules]),
    }
    for name, text in produced.items():
        assert text, name
        assert _fits(text, rules), (name, rules.count(text), rules.limit)
        if rules.max_hashtags is not None:
            assert len(HASHTAG.findall(text)) <= rules.max_hashtags, name
    again = offline.offline_caption(LONG_BRIEF, [rules]), offline.offline_rewrite(MANY_TAGS * 40, rules)
    assert again == (produced["caption"], produced["rewrite-tags"])
    assert produced["caption-short"] == "Pumpkin soup is back.\n\n#pumpkin #soup"


def test_caption_for_several_platforms_fits_the_strictest_counter() -> None:
    rules = rules_for(PLATFORMS)
    text = offline.offline_caption(LONG_BRIEF, rules)
    assert all(r.count(text) <= r.limit for r in rules)
    assert text.endswith(offline.ELLIPSIS) and text.startswith("Launching our autumn menu")


def test_x_counts_cjk_double_when_trimming() -> None:
    x = platform_rules("x")
    text = offline.fit_to_limit("秋のメニュー " * 100, [x])
    assert x.count(text) <= 280 and len(text) < 160  # weighted: ~140 CJK characters fit


def test_instagram_hashtag_cap_and_keyword_order() -> None:
    insta = platform_rules("instagram")
    assert len(HASHTAG.findall(offline.offline_rewrite(MANY_TAGS, insta))) == 30
    assert offline.offline_rewrite(MANY_TAGS, insta).split()[-1] == "#tag29word"
    assert offline.keywords("Soup, soup and pie! The pie, the SOUP, bread.")[:3] == ["soup", "pie", "bread"]
    assert offline.offline_hashtags("Soup, soup and pie! The pie, the SOUP, bread.", [insta], count=2) == "#soup #pie"


def test_tone_templates_are_plain_and_labelled_offline() -> None:
    rules = [platform_rules("mastodon")]
    assert offline.offline_tone("Our menu is back!", "friendly", rules) == "Hi everyone! Our menu is back!"
    assert offline.offline_tone("Our menu is back!!", "professional", rules) == "Our menu is back."
    assert offline.offline_tone("Our menu is back.", "witty", rules) == "Our menu is back. (Yes, really.)"
    assert offline.offline_tone("Our menu is back.", "enthusiastic", rules) == "Big news: Our menu is back!"
    assert offline.OFFLINE_LABEL == "offline suggestion"
