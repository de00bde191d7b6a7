"""Signed public media links: valid for one file until they expire, refused when tampered with (issue 11.12)."""

from __future__ import annotations

import io
import time

from PIL import Image

from services import auth
from services.media.public_links import public_media_url
from services.media.storage import media_file, public_asset, store_upload


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def _parts(url: str) -> tuple[int, int, str]:
    asset_id, expires, signature = url.rsplit("/", 3)[1:]
    return int(asset_id), int(expires), signature


def test_public_link_resolves_only_with_its_signature_and_expiry(db: str) -> None:
    user_id = auth.register_user("m@example.com", "M", "a strong password")
    me = auth.resolve_session(auth.login("m@example.com", "a strong password"))
    asset = store_upload(me.organization_id, user_id, "red.png", _png())
    url = public_media_url(asset["id"], asset["sha256"])
    assert media_file(asset).public_url.rsplit("/", 3)[0] == url.rsplit("/", 3)[0]
    asset_id, expires, signature = _parts(url)
    assert abs(expires - (time.time() + 24 * 3600)) < 60  # default lifetime: 24 h
    assert public_asset(asset_id, expires, signature)["id"] == asset["id"]
    assert public_asset(asset_id, expires, "0" * 32) is None
    assert public_asset(asset_id + 1, expires, signature) is None
    assert public_asset(asset_id, expires + 3600, signature) is None  # the expiry cannot be extended


def test_expired_link_is_refused(db: str, monkeypatch) -> None:
    user_id = auth.register_user("e@example.com", "E", "a strong password")
    me = auth.resolve_session(auth.login("e@example.com", "a strong password"))
    asset = store_upload(me.organization_id, user_id, "red.png", _png())
    old = public_media_url(asset["id"], asset["sha256"], now=time.time() - 25 * 3600)
    assert public_asset(*_parts(old)) is None
    monkeypatch.setenv("SOCIALHUB_PUBLIC_MEDIA_HOURS", "48")
    from services.config import reset_settings

    reset_settings()
    longer = public_media_url(asset["id"], asset["sha256"], now=time.time() - 25 * 3600)
    assert public_asset(*_parts(longer))["id"] == asset["id"]
