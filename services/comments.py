"""Comments on a post: an internal thread under the composer, never published.

Every member reads and writes them (Viewers too: "comment.write" is in every role). A comment
belongs to the workspace of the post, checked on the server: a post id from another workspace
(a crafted event) is "not found", exactly like a post that doesn't exist.

Mentions. `@token` in a comment notifies the member it names. The token is letters, digits and
`. _ -` (a trailing `.` or `-` is punctuation, not part of it) and matches, case-insensitively:
1. the local part of a member's email (`@mia.k` → mia.k@agency.com) — always unique; else
2. a member's full name without spaces (`@MiaKowalski`); else
3. a member's first name (`@Mia`), only when exactly one member has it (ambiguous → nobody).
Only current members of the workspace can be mentioned; mentioning yourself notifies nobody.
The post's author also gets a "comment" notification (unless they wrote it or were mentioned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, select

from services.audit import audit_in
from services.auth import CurrentUser
from services.db import session_scope
from services.errors import NotFound, UserError
from services.events import emit_event
from services.models import Comment, Membership, Post, User
from services.notifications.store import Kind, notify
from services.permissions import allowed, require, role_of
from services.timezones import format_local

MAX_BODY = 2000
MENTION_RE = re.compile(r"(?<![\w@])@([\w][\w.\-]*)", re.UNICODE)


class CommentError(UserError):
    """An empty or too long comment, or a post/comment that isn't in this workspace."""


class CommentNotFound(CommentError, NotFound):
    """The post or comment is not in this workspace (the API answers 404)."""


@dataclass(frozen=True)
class CommentView:
    id: int
    author: str
    body: str
    when: str  # in the reader's timezone
    created_at: str  # ISO UTC
    mine: bool
    can_delete: bool


def _post(s: Session, org_id: int, post_id: int) -> Post:
    post = s.get(Post, post_id)
    if post is None or post.organization_id != org_id:
        raise CommentNotFound("That post was not found.")
    return post


def mention_tokens(body: str) -> list[str]:
    return [m.group(1).rstrip(".-").casefold() for m in MENTION_RE.finditer(body or "") if m.group(1).rstrip(".-")]


def resolve_mentions(members: list[tuple[int, str, str]], tokens: list[str]) -> set[int]:
    """Member ids named by the tokens, by the rule in the module docstring. `members`: (id, name, email)."""
    by_prefix = {email.split("@", 1)[0].casefold(): uid for uid, _n, email in members}
    by_full = {}
    by_first: dict[str, list[int]] = {}
    for uid, name, _e in members:
        by_full.setdefault("".join(name.split()).casefold(), uid)
        first = (name.split() or [""])[0].casefold()
        by_first.setdefault(first, []).append(uid)
    found: set[int] = set()
    for token in tokens:
        if token in by_prefix:
            found.add(by_prefix[token])
        elif token in by_full:
            found.add(by_full[token])
        elif len(by_first.get(token, [])) == 1:
            found.add(by_first[token][0])
    return found


def _members(s: Session, org_id: int) -> list[tuple[int, str, str]]:
    rows = s.exec(
        select(User.id, User.name, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == org_id)
        .order_by(User.id)
    ).all()
    return [(int(i), n, e) for i, n, e in rows]


def add_comment(actor: CurrentUser, post_id: int, body: str) -> int:
    """Store the comment, notify mentioned members and the post's author; returns the comment id."""
    require(actor, "comment.write")
    body = (body or "").strip()
    if not body:
        raise CommentError("Write something first.")
    if len(body) > MAX_BODY:
        raise CommentError(f"A comment can be at most {MAX_BODY:,} characters (this one has {len(body):,}).")
    org_id = actor.organization_id
    with session_scope() as s:
        post = _post(s, org_id, post_id)
        comment = Comment(organization_id=org_id, post_id=post.id, author_id=actor.user_id, body=body)
        s.add(comment)
        s.flush()
        mentioned = resolve_mentions(_members(s, org_id), mention_tokens(body)) - {actor.user_id}
        snippet = body if len(body) <= 200 else body[:199] + "…"
        notify(org_id, mentioned, Kind.MENTION, post_id=post.id, text=f"{actor.name}: {snippet}",
               actor_id=actor.user_id, session=s)  # fmt: skip
        if post.author_id and post.author_id not in mentioned:
            notify(org_id, [post.author_id], Kind.COMMENT, post_id=post.id, text=f"{actor.name}: {snippet}",
                   actor_id=actor.user_id, session=s)  # fmt: skip
        audit_in(s, org_id, actor.user_id, "comment.added", post_id=post.id, comment_id=comment.id,
                 mentioned=sorted(mentioned))  # fmt: skip
        emit_event(org_id, "comment.created",
                   {"post_id": post.id, "comment_id": comment.id, "author_id": actor.user_id,
                    "author": actor.name, "body": body, "mentioned_user_ids": sorted(mentioned)},
                   session=s, ordering_key=f"post:{post.id}")  # fmt: skip
        return int(comment.id)


def list_comments(actor: CurrentUser, post_id: int) -> list[CommentView]:
    """The post's thread, oldest first (a conversation reads top to bottom)."""
    require(actor, "posts.read")
    can_delete_any = allowed(role_of(actor), "comment.delete")
    with session_scope() as s:
        _post(s, actor.organization_id, post_id)
        rows = s.exec(
            select(Comment, User.name)
            .outerjoin(User, User.id == Comment.author_id)
            .where(Comment.organization_id == actor.organization_id, Comment.post_id == post_id)
            .order_by(Comment.created_at, Comment.id)
        ).all()
    return [
        CommentView(
            id=int(c.id), author=name or "Former member", body=c.body, when=format_local(c.created_at, actor.timezone),
            created_at=c.created_at.isoformat(), mine=c.author_id == actor.user_id,
            can_delete=c.author_id == actor.user_id or can_delete_any,
        )
        for c, name in rows
    ]  # fmt: skip


def delete_comment(actor: CurrentUser, comment_id: int, *, post_id: int | None = None) -> None:
    """Your own comment ("comment.write"), or anyone's for Owners/Admins ("comment.delete").
    With `post_id` the comment must also be on that post (the API names both in its path)."""
    require(actor, "comment.write")
    with session_scope() as s:
        comment = s.get(Comment, comment_id)
        if (
            comment is None
            or comment.organization_id != actor.organization_id
            or (post_id is not None and comment.post_id != post_id)
        ):
            raise CommentNotFound("That comment was not found.")
        if comment.author_id != actor.user_id:
            require(actor, "comment.delete")
        audit_in(s, actor.organization_id, actor.user_id, "comment.deleted", post_id=comment.post_id,
                 comment_id=comment.id, author=comment.author_id)  # fmt: skip
        s.delete(comment)
