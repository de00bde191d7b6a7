"""Comments on a post and @mentions, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import select

from services import posts
from services.comments import CommentError, add_comment, delete_comment, list_comments, resolve_mentions
from services.db import session_scope
from services.models import Comment, Notification
from services.notifications import list_notifications, unread_count
from services.permissions import PermissionDenied
from tests.integration.collab_helpers import draft_by, person, team


def _count(model: type) -> int:
    with session_scope() as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_viewer_comments_and_everyone_reads_the_thread(db: str) -> None:
    t = team()
    post_id, _ = draft_by(t["contributor"])
    add_comment(t["viewer"], post_id, "  Looks good to me  ")
    add_comment(t["owner"], post_id, "Ship it")
    for role in t:
        thread = list_comments(t[role], post_id)
        assert [(c.author, c.body) for c in thread] == [("Vic Viewer", "Looks good to me"), ("Olga Owner", "Ship it")]
        assert thread[0].when.endswith("UTC") and thread[0].created_at
    assert [c.can_delete for c in list_comments(t["viewer"], post_id)] == [True, False]
    assert [c.can_delete for c in list_comments(t["admin"], post_id)] == [True, True]


def test_another_workspaces_post_is_refused_and_nothing_is_written(db: str) -> None:
    t = team()
    outsider = person("zed@example.com", "Zed")
    foreign_post, _ = draft_by(outsider)
    before = (_count(Comment), _count(Notification))
    with pytest.raises(CommentError, match="not found"):
        add_comment(t["owner"], foreign_post, "@zed hello")
    with pytest.raises(CommentError, match="not found"):
        list_comments(t["owner"], foreign_post)
    with pytest.raises(CommentError, match="not found"):
        add_comment(t["owner"], 987654, "nothing")
    assert (_count(Comment), _count(Notification)) == before
    own = add_comment(outsider, foreign_post, "mine")
    with pytest.raises(CommentError, match="not found"):
        delete_comment(t["owner"], own)  # another workspace's comment id
    assert _count(Comment) == before[0] + 1


def test_empty_and_too_long_comments_are_refused(db: str) -> None:
    t = team()
    post_id, _ = draft_by(t["owner"])
    with pytest.raises(CommentError, match="Write something"):
        add_comment(t["owner"], post_id, "   ")
    with pytest.raises(CommentError, match="at most 2,000"):
        add_comment(t["owner"], post_id, "x" * 2001)


def test_mentions_notify_the_named_members_only(db: str) -> None:
    t = team()
    outsider = person("olgaz@example.com", "Olgaz Outsider")
    post_id, _ = draft_by(t["contributor"])
    add_comment(t["owner"], post_id, "@mia.k please fix, cc @EddieEd and @vic. Not @olgaz, not @nobody, me: @olga")
    mia = list_notifications(t["contributor"])
    assert [(n.kind, n.text, n.href, n.actor) for n in mia] == [
        ("mention", "Olga Owner: @mia.k please fix, cc @EddieEd and @vic. Not @olgaz, not @nobody, me: @olga",
         f"/compose?post={post_id}", "Olga Owner")
    ]  # the author was mentioned: one notification, not also "comment"
    assert [n.kind for n in list_notifications(t["editor"])] == ["mention"]
    assert [n.kind for n in list_notifications(t["viewer"])] == ["mention"]
    assert list_notifications(t["owner"]) == [] and list_notifications(t["admin"]) == []
    assert unread_count(outsider.user_id, t["owner"].organization_id) == 0


def test_the_author_hears_about_comments_on_their_post(db: str) -> None:
    t = team()
    post_id, _ = draft_by(t["contributor"])
    add_comment(t["viewer"], post_id, "Typo in line 2")
    assert [(n.kind, n.title) for n in list_notifications(t["contributor"])] == [("comment", "New comment")]
    add_comment(t["contributor"], post_id, "Fixed, thanks")  # their own comment notifies nobody
    assert unread_count(t["contributor"].user_id, t["owner"].organization_id) == 1
    assert unread_count(t["viewer"].user_id, t["owner"].organization_id) == 0


def test_mention_rule() -> None:
    members = [(1, "Mia Kowalski", "mia.k@x.com"), (2, "Mia Lopez", "mlopez@x.com"), (3, "Eddie Ed", "eddie@x.com")]
    assert resolve_mentions(members, ["mia.k"]) == {1}  # email prefix
    assert resolve_mentions(members, ["mialopez"]) == {2}  # full name without spaces
    assert resolve_mentions(members, ["mia"]) == set()  # ambiguous first name: nobody
    assert resolve_mentions(members, ["eddie"]) == {3}


def test_delete_own_or_as_admin(db: str) -> None:
    t = team()
    post_id, _ = draft_by(t["owner"])
    by_viewer = add_comment(t["viewer"], post_id, "first")
    by_editor = add_comment(t["editor"], post_id, "second")
    with pytest.raises(PermissionDenied, match="Viewers can't delete other people's comments"):
        delete_comment(t["viewer"], by_editor)
    delete_comment(t["viewer"], by_viewer)
    delete_comment(t["admin"], by_editor)
    assert list_comments(t["owner"], post_id) == []


def test_deleting_the_post_deletes_its_comments_and_unlinks_notifications(db: str) -> None:
    t = team()
    post_id, _ = draft_by(t["contributor"])
    add_comment(t["owner"], post_id, "@mia.k hi")
    posts.delete_post(t["owner"].organization_id, post_id)
    assert _count(Comment) == 0
    (note,) = list_notifications(t["contributor"])
    assert note.post_id is None and note.href == ""
