"""Media on S3 in the browser: an app process whose media live in a real S3 bucket (Ceph RGW, no
local media folder in use) shows uploaded thumbnails from the bucket, and when the bucket can't be
reached the person sees a clear error and nothing is kept.

The bucket is reached through a small TCP balancer (tests/e2e/hop_proxy.py) so the test can make
it unreachable mid-session, like a network cut between the app host and the storage.
"""

from __future__ import annotations

import io
import os
import sys
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from services.db import upgrade_database
from tests.dbutil import create_pg_database, drop_pg_database
from tests.e2e.conftest import E2E_SECRET, _stop, register_through_ui
from tests.e2e.helpers import connect_demo, open_composer, select_chip
from tests.e2e.hop_proxy import HopProxy
from tests.e2e.test_scale_out import _bundle_for, _start, _wait_http
from tests.fakes.server import free_port
from tests.realservers.ceph import CephS3


def _png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def s3_app(app_env: dict, app_url: str, ceph_s3: CephS3, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("s3-app")
    bucket = f"e2e-{uuid.uuid4().hex[:12]}"
    ceph_s3.client().create_bucket(Bucket=bucket)
    rgw_port = urlsplit(ceph_s3.endpoint).port
    storage_link = HopProxy(rgw_port).start()
    db_url = create_pg_database("socialhub_s3e2e")
    upgrade_database(db_url)
    port = free_port()
    _bundle_for(port, app_env["port"], tmp / "web")
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SOCIALHUB_DATA_DIR": str(tmp / "data"),
        "SOCIALHUB_SECRET_KEY": E2E_SECRET,
        "SOCIALHUB_BASE_URL": f"http://localhost:{port}",
        "SOCIALHUB_PORT": str(port),
        "SOCIALHUB_SCHEDULER": "on",
        "SOCIALHUB_REGISTRATION": "open",
        "SOCIALHUB_EMAIL_VERIFICATION": "off",
        "SOCIALHUB_WEB_WORKERS": "1",
        "REFLEX_WEB_WORKDIR": str(tmp / "web"),
        "REFLEX_STATES_WORKDIR": str(tmp / "states"),
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "SOCIALHUB_MEDIA_STORAGE": f"s3://{bucket}/hub",
        "SOCIALHUB_S3_ENDPOINT": f"http://127.0.0.1:{storage_link.port}",
        "SOCIALHUB_S3_ACCESS_KEY_ID": ceph_s3.access_key,
        "SOCIALHUB_S3_SECRET_ACCESS_KEY": ceph_s3.secret_key,
    }
    env.pop("REDIS_URL", None)
    log_path = tmp / "app.log"
    proc = _start([sys.executable, "scripts/serve_prebuilt.py"], env, log_path)
    try:
        _wait_http(f"http://127.0.0.1:{port}/ping", proc, log_path, timeout=180)
        _wait_http(f"http://127.0.0.1:{port}/", proc, log_path, timeout=180)
        yield {"url": f"http://localhost:{port}", "bucket": bucket, "link": storage_link, "rgw_port": rgw_port,
               "data": tmp / "data", "server": ceph_s3}  # fmt: skip
    finally:
        _stop(proc)
        storage_link.stop()
        drop_pg_database(db_url)


def _objects(app: dict) -> list[str]:
    listing = app["server"].client().list_objects_v2(Bucket=app["bucket"])
    return sorted(o["Key"] for o in listing.get("Contents", []))


def test_upload_lives_in_the_bucket_and_a_storage_outage_is_a_clear_error(page: Page, s3_app: dict) -> None:
    user = {"email": f"s3-{uuid.uuid4().hex[:8]}@example.com", "name": "Bucket", "password": "correct horse battery"}
    register_through_ui(page, s3_app["url"], user)
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    upload = page.get_by_test_id("media-upload").locator("input[type=file]")
    upload.set_input_files(files=[{"name": "blue.png", "mimeType": "image/png", "buffer": _png((30, 120, 200))}])
    thumb = page.get_by_test_id("media-thumb")
    expect(thumb).to_have_count(1)
    expect(thumb).to_have_js_property("naturalWidth", 64)  # the thumbnail, streamed from the bucket
    stored = _objects(s3_app)
    assert len(stored) == 2 and all(k.startswith("hub/") for k in stored)
    media_dir = s3_app["data"] / "media"
    assert not [p for p in media_dir.rglob("*") if p.is_file()] if media_dir.exists() else True

    s3_app["link"].switch_to(free_port())  # the storage becomes unreachable
    try:
        upload.set_input_files(files=[{"name": "red.png", "mimeType": "image/png", "buffer": _png((200, 20, 20))}])
        expect(page.get_by_test_id("compose-error")).to_contain_text(
            "red.png: The media storage is unreachable right now; nothing was saved", timeout=60000
        )
        expect(thumb).to_have_count(1)
    finally:
        s3_app["link"].switch_to(s3_app["rgw_port"])
    assert _objects(s3_app) == stored
