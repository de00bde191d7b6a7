"""The composer's rules without a browser: allowed actions per status, copy, prefill and feed shapes."""

from __future__ import annotations

import pytest

from services.platforms.mastodon import split_content_warning
from services.posts.composer_rules import allowed_actions, blocked_reason, friendly_problem, is_read_only
from services.posts.preview_shapes import shape_preview
from state.compose_rows import parse_prefill, post_name


@pytest.mark.parametrize(
    ("statuses", "saved", "expected"),
    [
        ([], False, ["schedule", "add_to_queue", "publish_now", "save_draft"]),
        (["draft"], True, ["schedule", "add_to_queue", "publish_now", "save_draft", "delete", "duplicate"]),
        (["scheduled", "draft"], True,
         ["schedule", "add_to_queue", "publish_now", "save_draft", "cancel_schedule", "delete", "duplicate"]),
        (["published"], True, ["duplicate"]),
        (["published", "published"], True, ["duplicate"]),
        (["publishing", "scheduled"], True, ["duplicate"]),
        (["published", "failed"], True, ["schedule", "add_to_queue", "publish_now", "save_draft", "delete", "duplicate"]),
        (["needs_review"], True, ["save_draft", "delete", "duplicate"]),
    ],
)  # fmt: skip
def test_allowed_actions_follow_the_target_states(statuses: list[str], saved: bool, expected: list[str]) -> None:
    assert allowed_actions(statuses, saved=saved) == expected


def test_published_or_publishing_everywhere_is_read_only() -> None:
    assert is_read_only(["published"]) and is_read_only(["published", "publishing"])
    assert not is_read_only([]) and not is_read_only(["published", "failed"]) and not is_read_only(["draft"])


def test_over_limit_copy_says_how_much_and_what_to_do() -> None:
    assert friendly_problem("Demo network: 8800/500 characters") == (
        "Demo network: 8,300 characters too long — shorten it or write a custom text for this account"
    )
    assert friendly_problem("X: 281/280 characters (URLs count as 23)").startswith("X: 1 character too long")
    assert friendly_problem("Instagram needs an image") == "Instagram needs an image"


def test_blocked_reason() -> None:
    assert blocked_reason(0, [], True) == "Pick at least one account to publish to."
    assert blocked_reason(1, [{"problem_text": ""}], False) == "Write something or attach media first."
    assert blocked_reason(2, [{"problem_text": "A: too long"}, {"problem_text": ""}], True) == "A: too long"
    assert blocked_reason(1, [{"problem_text": ""}], True) == ""


def test_instagram_folds_the_caption_at_125_characters() -> None:
    text = "word " * 40  # 200 characters
    shape = shape_preview("instagram", text, has_media=True)
    assert shape["style"] == "instagram" and shape["folded"] == "yes" and shape["more_label"] == "…more"
    assert len(shape["shown"]) <= 125 and text.startswith(shape["shown"])
    short = shape_preview("instagram", "Short caption", has_media=True)
    assert short["folded"] == "" and short["shown"] == "Short caption"


def test_link_cards_and_content_warnings() -> None:
    bluesky = shape_preview("bluesky", "Read https://www.example.com/post-1.", has_media=False)
    assert bluesky["link_url"] == "https://www.example.com/post-1" and bluesky["link_domain"] == "example.com"
    assert shape_preview("x", "see https://example.org/a", has_media=True)["link_url"] == ""  # media wins
    mastodon = shape_preview("mastodon", "CW: spoilers\nThe butler did it", has_media=False)
    assert mastodon["warning"] == "spoilers" and mastodon["shown"] == "The butler did it"
    assert split_content_warning("CW: only a warning") == ("", "CW: only a warning")
    assert shape_preview("demo", "hello", has_media=False)["style"] == "generic"


def test_prefill_and_post_names() -> None:
    assert parse_prefill("2026-12-10T09:30", "3") == {"date": "2026-12-10", "time": "09:30", "account": "3"}
    assert parse_prefill("not a date", "x; drop") == {}
    assert post_name("Spring sale starts Friday at nine sharp, everyone") == "\u201cSpring sale starts Friday at nine…\u201d"
    assert post_name("") == "this post (no text)"
