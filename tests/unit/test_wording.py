"""Copy in plain English (issue 20, item 8): plurals, lists, recurrence in words, refresh summaries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.recurrence.rules import describe_rule, normalize_rule
from services.wording import count, first_words, join_words, plural
from state.analytics import _refresh_summary
from state.posts_list import PostRow, describe_post


@pytest.mark.parametrize(
    ("n", "word", "expected"),
    [(0, "post", "0 posts"), (1, "post", "1 post"), (2, "post", "2 posts"), (1200, "follower", "1,200 followers"),
     (1, "reply", "1 reply"), (3, "reply", "3 replies"), (2, "person", "2 people")],
)
def test_count_says_one_post_and_two_posts(n: int, word: str, expected: str) -> None:
    assert count(n, word) == expected


def test_plural_of_verbs_follows_the_number() -> None:
    assert f"1 account {plural(1, 'needs')}" == "1 account needs"
    assert f"2 accounts {plural(2, 'needs')}" == "2 accounts need"
    assert plural(2, "is") == "are" and plural(1, "is") == "is"


def test_join_words_reads_like_a_sentence() -> None:
    assert join_words([]) == ""
    assert join_words(["Mon"]) == "Mon"
    assert join_words(["Mon", "Wed"]) == "Mon and Wed"
    assert join_words(["Mon", "Wed", "Fri"]) == "Mon, Wed and Fri"
    assert join_words(["a", "b"], "or") == "a or b"


def test_first_words_cuts_at_a_word_and_marks_the_cut() -> None:
    assert first_words("Short one") == "Short one"
    assert first_words("  spaced\n\nout  text ") == "spaced out text"
    assert first_words("") == "(no text)"
    cut = first_words("Spring launch recap for the newsletter readers and everyone else", limit=30)
    assert cut == "Spring launch recap for the…"
    assert len(cut) <= 31


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"freq": "weekly", "interval": 1, "weekdays": [0]}, "Every week on Monday"),
        ({"freq": "weekly", "interval": 1, "weekdays": [0, 2]}, "Every week on Mon and Wed"),
        ({"freq": "weekly", "interval": 2, "weekdays": [0, 2, 4], "count": 10}, "Every 2 weeks on Mon, Wed and Fri, 10 times"),
        ({"freq": "weekly", "interval": 1, "weekdays": [0, 1, 2, 3, 4]}, "Every weekday (Monday to Friday)"),
        ({"freq": "daily", "interval": 1}, "Every day"),
        ({"freq": "daily", "interval": 3, "count": 1}, "Every 3 days, once"),
        ({"freq": "weekly", "interval": 1, "weekdays": [4], "until": "2026-04-30"}, "Every week on Friday, until Thu, Apr 30, 2026"),
    ],
)
def test_recurrence_is_described_in_words(rule: dict, expected: str) -> None:
    text = describe_rule(normalize_rule(rule))
    assert text == expected
    assert "(s)" not in text and "weekly week" not in text and "Every 1 " not in text


def test_recurrence_end_date_follows_the_locale() -> None:
    rule = normalize_rule({"freq": "daily", "interval": 1, "until": "2026-04-30"})
    assert describe_rule(rule, "de_DE") == "Every day, until Do., 30. Apr. 2026"


def test_refresh_summary_counts_in_words() -> None:
    one = _refresh_summary({"post_snapshots": 1, "account_snapshots": 1}, "UTC")
    assert one == "Collected metrics for 1 post and 1 follower count."
    many = _refresh_summary({"post_snapshots": 3, "account_snapshots": 2}, "UTC")
    assert many == "Collected metrics for 3 posts and 2 follower counts."
    assert _refresh_summary({"post_snapshots": 0, "account_snapshots": 0}, "UTC") == "Nothing new to collect right now."
    waits = {"rate_limited": {"1": datetime(2026, 12, 8, 18, 59, 30, tzinfo=UTC).isoformat()},
             "flagged_needs_reconnect": [1], "errors": ["x"]}
    text = _refresh_summary({"post_snapshots": 2, **waits}, "UTC")
    assert "1 account needs reconnecting" in text
    assert "1 account is rate limited until Tue, Dec 8, 2026, 6:59 PM." in text
    assert "1 item could not be read; it is retried" in text
    assert "(s)" not in text and ":30" not in text


def test_a_post_is_named_by_its_words_account_and_time_never_its_id() -> None:
    row = PostRow(id="42", text="Spring launch recap for the newsletter readers and more words here",
                  when="Tue, Dec 8, 2026, 6:59 PM", accounts="Demo (Demo network)")
    named = describe_post(row)
    assert named == "“Spring launch recap for the newsletter…” · Demo (Demo network) · Tue, Dec 8, 2026, 6:59 PM"
    assert "42" not in named
    assert describe_post(PostRow(id="7", text="Idea", when="No date")) == "“Idea” · no date yet"
