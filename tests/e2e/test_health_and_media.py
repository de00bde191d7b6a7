"""The health endpoint reflects the embedded scheduler; media uploads are validated in the composer."""

from __future__ import annotations

import io
import time

import httpx
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.helpers import connect_demo, open_composer, select_chip


def test_health_reports_a_ticking_scheduler(app_url: str) -> None:
    deadline = time.time() + 30
    body = {}
    while time.time() < deadline:
        resp = httpx.get(f"{app_url}/health", timeout=5)
        body = resp.json()
        if resp.status_code == 200 and body.get("ok"):
            break
        time.sleep(1)
    assert body.get("ok") is True, body
    assert body["scheduler_age_s"] is not None and body["scheduler_age_s"] < 30


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_upload_image_shows_thumbnail_and_wrong_type_is_refused(page: Page, app_url: str, new_user: dict) -> None:
    connect_demo(page)
    open_composer(page)
    select_chip(page, "demo")
    upload = page.get_by_test_id("media-upload").locator("input[type=file]")
    upload.set_input_files(files=[{"name": "fake.png", "mimeType": "image/png", "buffer": b"this is not an image"}])
    expect(page.get_by_test_id("compose-error")).to_contain_text("fake.png")
    expect(page.get_by_test_id("media-thumb")).to_have_count(0)
    upload.set_input_files(files=[{"name": "blue.png", "mimeType": "image/png", "buffer": _png_bytes()}])
    thumb = page.get_by_test_id("media-thumb")
    expect(thumb).to_have_count(1)
    # the thumbnail is served to this logged-in user
    expect(thumb).to_have_js_property("naturalWidth", 64)
    # an anonymous client cannot fetch it
    src = thumb.get_attribute("src")
    assert httpx.get(f"{app_url}{src}", timeout=5).status_code == 404
    page.get_by_test_id("remove-media").click()
    expect(page.get_by_test_id("media-thumb")).to_have_count(0)
