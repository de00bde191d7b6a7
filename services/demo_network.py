"""The built-in Demo network's server side: its posts live in our own database (services.models.demo).

The Demo adapter (services/platforms/demo.py) talks to this module through the DemoServer interface,
the way the other adapters talk HTTP to their platforms, so platform code never touches the
database. Importing this module plugs it in; services.accounts and services.publishing import it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from services.db import session_scope
from services.models.demo import DemoPost
from services.platforms import demo


def _record(post: DemoPost) -> demo.DemoRecord:
    return demo.DemoRecord(
        id=int(post.id),
        account_external_id=post.account_external_id,
        text=post.text,
        media_count=post.media_count,
        created_at=post.created_at,
        deleted_at=post.deleted_at,
    )


class DatabaseDemoServer:
    """DemoServer over the demo_posts table (unique per account + idempotency key)."""

    def create_post(self, account_external_id: str, text: str, media_count: int, key: str | None) -> demo.DemoRecord:
        try:
            with session_scope() as session:
                post = DemoPost(
                    account_external_id=account_external_id, text=text, media_count=media_count, idempotency_key=key
                )
                session.add(post)
                session.flush()
                return _record(post)
        except IntegrityError:
            existing = self.post_by_key(account_external_id, key or "")
            if existing:  # a concurrent retry with the same key won the insert
                return existing
            raise

    def post_by_key(self, account_external_id: str, key: str) -> demo.DemoRecord | None:
        with session_scope() as session:
            post = session.exec(
                select(DemoPost).where(
                    DemoPost.account_external_id == account_external_id, DemoPost.idempotency_key == key
                )
            ).first()
            return _record(post) if post is not None else None

    def get_post(self, post_id: int) -> demo.DemoRecord | None:
        with session_scope() as session:
            post = session.get(DemoPost, post_id)
            return _record(post) if post is not None else None

    def delete_post(self, post_id: int) -> None:
        with session_scope() as session:
            row = session.get(DemoPost, post_id)
            if row is not None:
                row.deleted_at = datetime.now(UTC)
                session.add(row)

    def recent_posts(self, account_external_id: str, since: datetime, limit: int) -> list[demo.DemoRecord]:
        with session_scope() as session:
            posts = session.exec(
                select(DemoPost)
                .where(DemoPost.account_external_id == account_external_id, DemoPost.created_at >= since)
                .order_by(DemoPost.id.desc())
                .limit(limit)
            ).all()
            return [_record(p) for p in posts]


demo.use_server(DatabaseDemoServer())


def demo_post(post_id: int) -> dict[str, Any] | None:
    """What the Demo network's post page shows (socialhub_app/media_routes.py)."""
    post = DatabaseDemoServer().get_post(post_id)
    if post is None:
        return None
    return {
        "id": post.id,
        "text": post.text,
        "media_count": post.media_count,
        "created_at": post.created_at.isoformat(),
        "deleted": post.deleted_at is not None,
    }
