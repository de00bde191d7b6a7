"""The publishing engine with media on a real S3 server (Ceph RGW): a worker on another host (its own
empty media folder) publishes with the bucket's bytes; a bucket that can't be reached at publish
time is a transient error — retried, never sent to the platform without its media.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import tests.countingnet_adapter as cn
from services.config import reset_settings
from services.db import session_scope
from services.media import store_upload
from services.models import PostMedia
from services.platforms.base import AccountRef, Credentials, PublishRequest, PublishResult
from services.platforms.errors import error_from_response
from services.platforms.http_adapter import read_media_bytes
from services.platforms.registry import register
from services.posts import get_post
from services.publishing.engine import PublishingEngine
from tests.fakes.countingnet import CountingNetServer
from tests.integration.s3_support import S3World, dead_endpoint, png, use_s3


class CountingNetMediaAdapter(cn.CountingNetAdapter):
    """CountingNet that sends what the adapter really got for each file: its hash and public link."""

    name = "countingnet_media"
    label = "CountingNet (media)"

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        media = [{"sha256": hashlib.sha256(read_media_bytes(m)).hexdigest(), "url": m.public_url} for m in request.media]
        resp = await self.http().post(
            f"{self.instance_url}/api/posts",
            json={"account": account.external_id, "text": request.text, "media": media},
            headers=self._headers(creds, request),
        )
        if resp.status_code != 200:
            raise error_from_response(resp, "CountingNet refused the post")
        data = resp.json()
        return PublishResult(data["id"], data["url"], datetime.fromisoformat(data["created_at"]))


register(CountingNetMediaAdapter)


@pytest.fixture
def fake() -> Iterator[CountingNetServer]:
    with CountingNetServer() as server:
        yield server


@pytest.fixture
async def engine(s3_world: S3World, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[PublishingEngine]:
    monkeypatch.setenv("SOCIALHUB_PUBLISH_BACKOFF_BASE_SECONDS", "0.3")
    monkeypatch.setenv("SOCIALHUB_PUBLISH_BACKOFF_MAX_SECONDS", "0.5")
    monkeypatch.setenv("SOCIALHUB_PUBLISH_FIRST_RETRY_SECONDS", "0.2")
    monkeypatch.setenv("SOCIALHUB_PUBLISH_MAX_ATTEMPTS", "20")
    reset_settings()
    eng = PublishingEngine(worker_id="s3-worker")
    yield eng
    await eng.close(grace_seconds=3)


async def run_until(engine: PublishingEngine, done: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await engine.tick()
        await asyncio.sleep(0.1)
        if done() and engine.inflight_count == 0:
            return
    raise AssertionError("engine did not reach the expected state in time")


def post_with_picture(world: S3World, fake: CountingNetServer) -> tuple[int, dict, bytes]:
    data = png((5, 80, 200))
    asset = store_upload(world.org_id, world.user_id, "pic.png", data)
    account = cn.add_account(world.org_id, fake.url, platform="countingnet_media", external_id="acct-s3")
    [post_id] = cn.bulk_schedule(world.org_id, [account], 1, datetime.now(UTC), prefix="with media")
    with session_scope() as s:
        s.add(PostMedia(organization_id=world.org_id, post_id=post_id, media_asset_id=asset["id"], position=0))
    return post_id, asset, data


def target(world: S3World, post_id: int) -> dict:
    return get_post(world.org_id, post_id)["targets"][0]


async def test_worker_on_another_host_publishes_with_the_buckets_bytes(
    s3_world: S3World, engine: PublishingEngine, fake: CountingNetServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    post_id, asset, data = post_with_picture(s3_world, fake)
    worker_dir = tmp_path / "worker-host-media"  # not the uploader's folder: no shared disk
    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, worker_dir)
    await run_until(engine, lambda: target(s3_world, post_id)["status"] == "published")
    [req] = fake.requests_to("POST", "/api/posts")
    [sent] = req.json["media"]
    assert sent["sha256"] == hashlib.sha256(data).hexdigest() == asset["sha256"]
    assert sent["url"].startswith(f"{s3_world.server.endpoint}/{s3_world.bucket}/")  # presigned for pullers
    assert "X-Amz-Signature=" in sent["url"]


async def test_post_due_while_the_bucket_is_unreachable_is_retried_never_sent_without_media(
    s3_world: S3World, engine: PublishingEngine, fake: CountingNetServer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    post_id, asset, data = post_with_picture(s3_world, fake)
    worker_dir = tmp_path / "worker-host-media"
    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, worker_dir, endpoint=dead_endpoint())

    def retried() -> bool:
        t = target(s3_world, post_id)
        return t["status"] == "scheduled" and t["attempts"] >= 2

    await run_until(engine, retried)
    t = target(s3_world, post_id)
    assert t["error_kind"] == "transient"
    assert "media storage is unreachable" in t["last_error"]
    assert fake.requests_to("POST", "/api/posts") == []  # the platform never saw a post without its picture

    use_s3(monkeypatch, s3_world.server, s3_world.bucket, s3_world.prefix, worker_dir)  # the bucket is back
    await run_until(engine, lambda: target(s3_world, post_id)["status"] == "published")
    [req] = fake.requests_to("POST", "/api/posts")
    assert [m["sha256"] for m in req.json["media"]] == [hashlib.sha256(data).hexdigest()]
