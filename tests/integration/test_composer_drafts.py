"""Autosave and Duplicate on a real database (SQLite and PostgreSQL): what the composer relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from services import posts
from services.db import session_scope
from services.models import PostTarget
from services.posts.drafts import autosave_draft, duplicate_post
from services.posts.errors import PostNotFound
from services.publishing import states
from tests.seeding import seed_workspace

T = PostTarget.__table__


def _publish_by_hand(post_id: int, account_id: int, url: str, text: str | None = None) -> None:
    """The engine's outcome without the engine: this account's copy went out with this text."""
    with session_scope() as s:
        values = {"status": "published", "external_url": url, "published_at": datetime.now(UTC)}
        if text is not None:
            values["body_override"] = text
        s.execute(update(T).where(T.c.post_id == post_id, T.c.social_account_id == account_id).values(**values))
        states.refresh_post_statuses(s, [post_id])


def test_autosave_creates_then_updates_one_draft(db: str) -> None:
    org, user, (a, b) = seed_workspace()
    first = autosave_draft(org, user, posts.PostInput(body="Half a tho", account_ids=[a]))
    assert first is not None
    again = autosave_draft(org, user, posts.PostInput(body="Half a thought, finished", account_ids=[a, b]), first)
    assert again == first
    post = posts.get_post(org, first)
    assert post["status"] == "draft" and post["body"] == "Half a thought, finished"
    assert sorted(t["account_id"] for t in post["targets"]) == sorted([a, b])


def test_autosave_never_unschedules_a_post(db: str) -> None:
    org, user, (a, _b) = seed_workspace()
    when = datetime.now(UTC) + timedelta(days=1)
    post_id = posts.save_post(org, user, posts.PostInput(body="Going out", account_ids=[a], action="schedule",
                                                         scheduled_at=when))  # fmt: skip
    assert autosave_draft(org, user, posts.PostInput(body="late keystrokes", account_ids=[a]), post_id) is None
    post = posts.get_post(org, post_id)
    assert post["status"] == "scheduled" and post["body"] == "Going out"


def test_autosave_of_another_workspaces_post_is_refused(db: str) -> None:
    org, user, (a, _b) = seed_workspace("Acme")
    other, other_user, (c, _d) = seed_workspace("Rival")
    theirs = posts.save_post(other, other_user, posts.PostInput(body="theirs", account_ids=[c]))
    with pytest.raises(PostNotFound):
        autosave_draft(org, user, posts.PostInput(body="mine", account_ids=[a]), theirs)
    assert posts.get_post(other, theirs)["body"] == "theirs"


def test_duplicate_keeps_each_accounts_published_text_and_media_as_a_new_draft(db: str) -> None:
    org, user, (a, b) = seed_workspace()
    post_id = posts.save_post(org, user, posts.PostInput(body="Launch day", account_ids=[a, b],
                                                         overrides={b: "Launch day, short"}))  # fmt: skip
    _publish_by_hand(post_id, a, "https://demo.example/1")
    _publish_by_hand(post_id, b, "https://demo.example/2")
    assert posts.get_post(org, post_id)["status"] == "published"

    copy_id = duplicate_post(org, user, post_id)
    copy = posts.get_post(org, copy_id)
    assert copy_id != post_id and copy["status"] == "draft" and copy["body"] == "Launch day"
    texts = {t["account_id"]: t["body"] for t in copy["targets"]}
    assert texts == {a: "Launch day", b: "Launch day, short"}
    assert all(t["status"] == "draft" and not t["external_url"] for t in copy["targets"])
    assert posts.get_post(org, post_id)["status"] == "published"  # the original is untouched

    other, other_user, _ = seed_workspace("Rival")
    with pytest.raises(PostNotFound):
        duplicate_post(other, other_user, post_id)
