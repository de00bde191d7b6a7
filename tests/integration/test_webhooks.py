"""Outgoing webhooks end to end against a real HTTP receiver: signatures, order, retries, crash, guard."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from services import webhooks
from services.accounts.tokens import mark_needs_reconnect
from services.config import reset_settings
from services.events import emit_event
from services.webhooks.delivery import deliver_due
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.integration.webhook_support import deliveries, endpoint_row, now, publish_demo, workspace


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as server:
        yield server


async def test_a_published_demo_post_is_delivered_signed(db: str, receiver: WebhookReceiver) -> None:
    org_id, user_id, account_id = workspace()
    secret, endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.published"])
    assert secret.startswith("whsec_") and endpoint.secret_hint != secret

    post_id = await publish_demo(org_id, user_id, account_id)
    assert [d.status for d in deliveries()] == ["pending"]  # queued with the outcome, not sent inline
    assert (await deliver_due())["delivered"] == 1

    [payload] = receiver.verified(secret)  # the reference implementation accepts the signature
    assert payload["type"] == "post.published"
    assert payload["data"]["post_id"] == post_id and payload["data"]["account"]["platform"] == "demo"
    assert payload["data"]["url"]
    [row] = webhooks.list_deliveries(org_id, endpoint.id)
    assert (row.status, row.status_code, row.attempts, row.event_type) == ("delivered", "200", 1, "post.published")
    with pytest.raises(Exception, match="signature"):
        receiver.verified("whsec_" + "A" * 44)  # another secret does not verify


async def test_order_per_post_and_retry_after_a_500(db: str, receiver: WebhookReceiver) -> None:
    org_id, user_id, _acc = workspace()
    secret, endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.failed", "post.published"])
    emit_event(org_id, "post.failed", {"post_id": 1, "n": 1}, ordering_key="post:1")
    emit_event(org_id, "post.published", {"post_id": 1, "n": 2}, ordering_key="post:1")
    emit_event(org_id, "post.published", {"post_id": 2, "n": 3}, ordering_key="post:2")
    receiver.behaviors["POST /hook"] = [500]

    t0 = now()
    first = await deliver_due(now=t0)
    # post 1's first event got the 500; its second waits behind it; post 2 is not held up.
    assert first == {"delivered": 1, "retry": 1, "failed": 0, "disabled": 0}
    assert [p["data"]["n"] for p in receiver.verified(secret)] == [1, 3]
    assert (await deliver_due(now=t0 + timedelta(seconds=2)))["delivered"] == 0  # backing off (~5 s)

    await deliver_due(now=t0 + timedelta(seconds=10))
    await deliver_due(now=t0 + timedelta(seconds=11))
    got = [(p["data"]["post_id"], p["data"]["n"]) for p in receiver.verified(secret)]
    assert [n for post, n in got if post == 1] == [1, 1, 2]  # retried, then the later event: in order
    ids = [r.headers["webhook-id"] for r in receiver.deliveries()]
    assert ids[0] == ids[2]  # a retry keeps its webhook-id
    log = webhooks.list_deliveries(org_id, endpoint.id)
    assert all(r.status == "delivered" for r in log)
    assert {(r.attempts, r.status_code) for r in log} == {(2, "200"), (1, "200")}


async def test_24_hours_of_failures_give_up_and_disable_the_endpoint(db: str, receiver: WebhookReceiver) -> None:
    org_id, user_id, _acc = workspace()
    _secret, endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.failed"])
    emit_event(org_id, "post.failed", {"post_id": 7}, ordering_key="post:7")
    receiver.behaviors["POST /hook"] = [503] * 50
    at = now()
    for _ in range(30):
        await deliver_due(now=at)
        [row] = deliveries()
        if row.status != "pending":
            break
        at = row.next_attempt_at + timedelta(seconds=1)
    assert row.status == "failed" and row.last_status_code == 503
    assert 8 <= row.attempts <= 12  # 5 s, 30 s, 2 min, … 6 h: a day of exponential backoff
    assert row.next_attempt_at - row.created_at < timedelta(hours=24)
    ep = endpoint_row(endpoint.id)
    assert not ep.enabled and "every delivery has failed" in ep.disabled_reason
    assert webhooks.get_endpoint(org_id, endpoint.id).disabled_reason  # the notice the page shows

    emit_event(org_id, "post.failed", {"post_id": 8})
    assert len(deliveries()) == 1  # a disabled endpoint gets nothing new
    webhooks.set_enabled(org_id, endpoint.id, True)
    assert endpoint_row(endpoint.id).failing_since is None


async def test_a_delivery_cut_off_by_a_killed_process_is_sent_later(db: str, receiver: WebhookReceiver) -> None:
    org_id, user_id, _acc = workspace()
    secret, _endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.published"])
    emit_event(org_id, "post.published", {"post_id": 3}, ordering_key="post:3")
    receiver.behaviors["POST /hook"] = [("hang", 8)]
    _send_and_die_mid_request(receiver)
    [row] = deliveries()
    assert (row.status, row.claimed_by) == ("pending", "doomed")
    assert (await deliver_due())["delivered"] == 0  # still leased to the dead worker
    await asyncio.sleep(2.1)
    assert (await deliver_due())["delivered"] == 1  # lease over: sent again, nothing lost
    first, second = receiver.deliveries()
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert [p["data"]["post_id"] for p in receiver.verified(secret)] == [3, 3]


def _send_and_die_mid_request(receiver: WebhookReceiver) -> None:
    """A worker process starts the delivery, the receiver holds the request, the worker is SIGKILLed."""
    script = (
        "import asyncio\n"
        "from services.webhooks.delivery import deliver_due\n"
        "asyncio.run(deliver_due(worker_id='doomed', lease_seconds=2))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], env=dict(os.environ), start_new_session=True)
    try:
        deadline = time.time() + 20
        while not receiver.deliveries() and time.time() < deadline:
            time.sleep(0.05)
        assert receiver.deliveries(), "the doomed worker never sent"
        os.kill(proc.pid, signal.SIGKILL)  # mid-request: no answer was recorded
    finally:
        proc.wait(timeout=10)


def test_private_destinations_are_refused(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    org_id, user_id, _acc = workspace()
    for url in ("http://169.254.169.254/latest/meta-data", "http://10.0.0.5/hook", "ftp://example.com/x"):
        with pytest.raises(webhooks.WebhookError):
            webhooks.create_endpoint(org_id, user_id, url, ["post.published"])
    monkeypatch.setenv("SOCIALHUB_ALLOW_PRIVATE_HOSTS", "")
    reset_settings()
    with pytest.raises(webhooks.WebhookError, match="loopback"):
        webhooks.create_endpoint(org_id, user_id, "http://127.0.0.1:9/hook", ["post.published"])
    with pytest.raises(webhooks.WebhookError, match="at least one event"):
        webhooks.create_endpoint(org_id, user_id, "https://example.com/hook", [])


async def test_guard_refuses_at_connect_time_too(db: str, receiver: WebhookReceiver, monkeypatch) -> None:
    org_id, user_id, _acc = workspace()
    _secret, endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.failed"])
    monkeypatch.setenv("SOCIALHUB_ALLOW_PRIVATE_HOSTS", "")  # e.g. DNS now points at loopback
    reset_settings()
    emit_event(org_id, "post.failed", {"post_id": 9})
    assert (await deliver_due())["retry"] == 1
    assert receiver.deliveries() == []
    [row] = webhooks.list_deliveries(org_id, endpoint.id)
    assert "does not connect" in row.error and row.status_code == ""


async def test_resend_and_workspace_scoping(db: str, receiver: WebhookReceiver) -> None:
    org_id, user_id, _acc = workspace("Acme")
    other_org, other_user, _ = workspace("Other")
    secret, endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.needs_review"])
    emit_event(org_id, "post.needs_review", {"post_id": 4}, ordering_key="post:4")
    emit_event(other_org, "post.needs_review", {"post_id": 5})  # the other workspace has no endpoint
    await deliver_due()
    [row] = webhooks.list_deliveries(org_id, endpoint.id)

    assert webhooks.list_deliveries(other_org, endpoint.id) == []
    with pytest.raises(webhooks.WebhookError, match="not found"):
        webhooks.resend(other_org, row.id)
    with pytest.raises(webhooks.WebhookError, match="not found"):
        webhooks.delete_endpoint(other_org, endpoint.id)
    with pytest.raises(webhooks.WebhookError, match="not found"):
        webhooks.set_enabled(other_org, endpoint.id, False)

    webhooks.resend(org_id, row.id)
    await deliver_due()
    log = webhooks.list_deliveries(org_id, endpoint.id)
    assert [(r.status, r.manual) for r in log] == [("delivered", True), ("delivered", False)]
    assert [p["data"]["post_id"] for p in receiver.verified(secret)] == [4, 4]
    webhooks.delete_endpoint(org_id, endpoint.id)
    assert webhooks.list_endpoints(org_id) == [] and deliveries() == []


async def test_needs_reconnect_is_announced_once(db: str, receiver: WebhookReceiver) -> None:
    org_id, user_id, account_id = workspace()
    secret, _endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["account.needs_reconnect"])
    mark_needs_reconnect(account_id, "token revoked")
    mark_needs_reconnect(account_id, "token revoked again")  # already flagged: no second event
    await deliver_due()
    [payload] = receiver.verified(secret)
    assert payload["type"] == "account.needs_reconnect"
    assert payload["data"]["account"]["id"] == account_id and payload["data"]["reason"] == "token revoked"


def test_unknown_event_types_are_a_bug(db: str) -> None:
    with pytest.raises(ValueError, match="Unknown event type"):
        emit_event(1, "post.exploded", {})


async def test_marking_a_failed_target_published_is_announced(db: str, receiver: WebhookReceiver) -> None:
    from services.posts import PostInput, get_post, mark_target_published, save_post
    from services.publishing.engine import PublishingEngine

    org_id, user_id, account_id = workspace()
    secret, _endpoint = webhooks.create_endpoint(org_id, user_id, receiver.hook_url(), ["post.failed", "post.published"])
    post_id = save_post(org_id, user_id, PostInput(body="Will fail first", account_ids=[account_id], action="publish_now"))
    mark_needs_reconnect(account_id, "expired")  # after it was queued: the engine fails the target
    engine = PublishingEngine(worker_id="hooks-test")
    try:
        await engine.run_pass(post_id=post_id, wait_seconds=30)
    finally:
        await engine.close(grace_seconds=3)
    [target] = get_post(org_id, post_id)["targets"]
    assert target["status"] == "failed"
    mark_target_published(org_id, target["id"], "https://demo.example/1", user_id=user_id)
    await deliver_due()
    await deliver_due()
    got = [(p["type"], p["data"]["post_id"]) for p in receiver.verified(secret)]
    assert got == [("post.failed", post_id), ("post.published", post_id)]  # in order, for the same post
