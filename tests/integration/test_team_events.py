"""Team events reach people and integrations: approvals and comments raise in-app notifications and
queue webhook messages (`post.approval_requested`, `post.approved`, `comment.created`), in the
same transaction as the change, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import select

from services import comments, guarded
from services.approvals import rules, workflow
from services.db import session_scope
from services.models import Notification, Post, WebhookMessage
from services.webhooks.endpoints import create_endpoint
from tests.integration.approvals_support import later, post_input, seed_team


def _notes(user_id: int) -> list[tuple[str, str]]:
    with session_scope() as s:
        rows = s.execute(
            select(Notification.kind, Notification.text).where(Notification.user_id == user_id).order_by(Notification.id)
        ).all()
    return [(str(k), str(t)) for k, t in rows]


def _messages() -> list[tuple[str, dict]]:
    with session_scope() as s:
        rows = s.execute(select(WebhookMessage.event_type, WebhookMessage.payload).order_by(WebhookMessage.id)).all()
    return [(str(t), json.loads(p)) for t, p in rows]


def test_submit_approve_and_request_changes_notify_and_queue_webhooks(db: str) -> None:
    team = seed_team()
    rules.set_config(team.org_id, None, "contributors", False)
    create_endpoint(team.org_id, None, "https://hooks.example.com/in", ["post.approval_requested", "post.approved"])
    author, editor = team.people["contributor"], team.people["editor"]

    post_id = guarded.save_post(author, post_input(team, "submit", later(), body="Launch day is here"))
    kinds = {role: [k for k, _t in _notes(p.user_id)] for role, p in team.people.items()}
    # every member who may approve hears about it; the author, the Contributor and the Viewer don't
    assert kinds["owner"] == kinds["admin"] == kinds["editor"] == kinds["editor2"] == ["approval_requested"]
    assert kinds["contributor"] == [] and kinds["viewer"] == []
    assert "Launch day is here" in _notes(editor.user_id)[0][1]

    with session_scope() as s:
        version = s.get(Post, post_id).version
    workflow.request_changes(team.org_id, post_id, version, workflow.Reviewer(editor.user_id), "Add the link")
    assert _notes(author.user_id)[-1][0] == "changes_requested" and "Add the link" in _notes(author.user_id)[-1][1]

    post_id = guarded.save_post(author, post_input(team, "submit", later(), body="Launch day, with link"), post_id)
    with session_scope() as s:
        version = s.get(Post, post_id).version
    workflow.approve(team.org_id, post_id, version, workflow.Reviewer(editor.user_id))
    assert _notes(author.user_id)[-1][0] == "approved"

    events = _messages()
    assert [t for t, _p in events] == ["post.approval_requested", "post.approval_requested", "post.approved"]
    assert events[-1][1]["data"]["post_id"] == post_id and events[-1][1]["data"]["actor_id"] == editor.user_id


def test_a_comment_queues_comment_created(db: str) -> None:
    team = seed_team()
    create_endpoint(team.org_id, None, "https://hooks.example.com/in", ["comment.created"])
    owner = team.people["owner"]
    post_id = guarded.save_post(owner, post_input(team, "draft", body="Draft"))
    comment_id = comments.add_comment(team.people["viewer"], post_id, "Looks good @editor")
    [(event_type, payload)] = _messages()
    assert event_type == "comment.created"
    assert payload["data"]["comment_id"] == comment_id and payload["data"]["body"] == "Looks good @editor"
