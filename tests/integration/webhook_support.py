"""Helpers for the webhook / alert tests: a workspace with a member and a Demo account, delivery rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from services.accounts import connect_demo
from services.db import session_scope
from services.models import Membership, WebhookDelivery, WebhookEndpoint
from services.posts import PostInput, save_post
from services.publishing.engine import PublishingEngine
from tests.seeding import seed_workspace


def workspace(name: str = "Acme") -> tuple[int, int, int]:
    """(org id, user id, Demo account id); the user is the workspace's owner."""
    org_id, user_id, _ = seed_workspace(name, accounts=0)
    with session_scope() as session:
        session.add(Membership(organization_id=org_id, user_id=user_id, role="owner"))
    return org_id, user_id, connect_demo(org_id, user_id)


async def publish_demo(org_id: int, user_id: int, account_id: int, text: str = "Hello hooks") -> int:
    post_id = save_post(org_id, user_id, PostInput(body=text, account_ids=[account_id], action="publish_now"))
    engine = PublishingEngine(worker_id="hooks-test")
    try:
        await engine.run_pass(post_id=post_id, wait_seconds=30)
    finally:
        await engine.close(grace_seconds=3)
    return post_id


def deliveries() -> list[WebhookDelivery]:
    with session_scope() as session:
        return list(session.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all())


def endpoint_row(endpoint_id: int) -> WebhookEndpoint:
    with session_scope() as session:
        row = session.get(WebhookEndpoint, endpoint_id)
        assert row is not None
        session.expunge(row)
        return row


def now() -> datetime:
    return datetime.now(UTC)
