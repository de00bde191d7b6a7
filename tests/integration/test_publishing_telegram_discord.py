"""The publishing engine with the real Telegram and Discord adapters against their fakes.

What the adapter tests cannot show: that the engine honours Telegram's retry_after, and that a
lost answer (no idempotency key, no lookup) ends in "needs review" with exactly one request sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

import tests.countingnet_adapter as cn
from services import accounts
from services.config import reset_settings
from services.posts import get_post
from services.publishing.engine import PublishingEngine
from tests.fakes.discord import DiscordFake
from tests.fakes.telegram import BOT_TOKEN, CHANNEL, TelegramFake
from tests.integration.accounts_helpers import make_workspace
from tests.integration.test_publishing_faults import run_until, settled, target


@pytest.fixture(scope="module")
def tg() -> Iterator[TelegramFake]:
    with TelegramFake() as server:
        yield server


@pytest.fixture(scope="module")
def dc() -> Iterator[DiscordFake]:
    with DiscordFake() as server:
        yield server


@pytest.fixture
def env(db: str, tg: TelegramFake, dc: DiscordFake, monkeypatch: pytest.MonkeyPatch) -> str:
    tg.reset()
    dc.reset()
    monkeypatch.setenv("SOCIALHUB_PUBLISH_BACKOFF_BASE_SECONDS", "0.05")
    monkeypatch.setenv("SOCIALHUB_PUBLISH_BACKOFF_MAX_SECONDS", "0.2")
    monkeypatch.setenv("SOCIALHUB_TELEGRAM_API_BASE", tg.url)
    monkeypatch.setenv("SOCIALHUB_DISCORD_API_BASE", dc.url)
    reset_settings()
    return db


@pytest.fixture
async def engine(env: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PublishingEngine]:
    # The engine's pooled client waits 30 s for an answer; the fakes stall 1.5 s for "timeout".
    from services.security.net_guard import guarded_async_client

    monkeypatch.setattr(
        PublishingEngine, "_new_client", lambda self: guarded_async_client(timeout=httpx.Timeout(5.0, read=0.7))
    )
    eng = PublishingEngine(worker_id="test-worker")
    yield eng
    await eng.close(grace_seconds=3)


async def telegram_post(text: str = "hello") -> tuple[int, int]:
    org_id, user_id = make_workspace()
    account_id = await accounts.connect_telegram(org_id, user_id, BOT_TOKEN, CHANNEL)
    [post_id] = cn.bulk_schedule(org_id, [account_id], 1, datetime.now(UTC), prefix=text)
    return org_id, post_id


async def test_telegram_publish_through_the_engine(engine, tg: TelegramFake) -> None:
    org, post_id = await telegram_post("a < b")
    await run_until(engine, settled(org, post_id))
    t = target(org, post_id)
    assert t["status"] == "published", t
    assert tg.messages[-1]["text"] == "a &lt; b #0"
    assert t["external_url"] == f"https://t.me/socialhub_news/{tg.messages[-1]['message_id']}"


async def test_telegram_retry_after_is_honoured(engine, tg: TelegramFake) -> None:
    tg.retry_after = 1
    tg.behaviors["sendMessage"] = [429]
    org, post_id = await telegram_post()
    await run_until(engine, settled(org, post_id), seconds=12)
    first, second = [r for r in tg.recorded if r.path.endswith("/sendMessage")]
    assert second.at - first.at >= 1.0
    assert target(org, post_id)["status"] == "published" and len(tg.messages) == 1


async def test_telegram_timeout_goes_to_review_without_resending(engine, tg: TelegramFake) -> None:
    tg.behaviors["sendMessage"] = ["timeout"]
    org, post_id = await telegram_post()
    await run_until(engine, settled(org, post_id))
    assert len([r for r in tg.recorded if r.path.endswith("/sendMessage")]) == 1
    assert target(org, post_id)["status"] == "needs_review"
    assert get_post(org, post_id)["status"] == "needs_review"


async def test_discord_publish_and_timeout(engine, dc: DiscordFake) -> None:
    org_id, user_id = make_workspace("Discordians")
    account_id = await accounts.connect_discord(org_id, user_id, dc.webhook_url())
    [ok_post] = cn.bulk_schedule(org_id, [account_id], 1, datetime.now(UTC), prefix="hi discord")
    await run_until(engine, settled(org_id, ok_post))
    assert target(org_id, ok_post)["status"] == "published"
    # (the previous parametrised run's stalled "lost" message may land at any moment: look by content)
    assert [m["content"] for m in dc.messages].count("hi discord #0") == 1

    dc.behaviors["POST webhook"] = ["timeout"]
    [lost] = cn.bulk_schedule(org_id, [account_id], 1, datetime.now(UTC), prefix="lost")
    await run_until(engine, settled(org_id, lost))
    assert target(org_id, lost)["status"] == "needs_review"
