"""Signed public media links: valid for one file, refused when tampered with."""

from __future__ import annotations

import io

from PIL import Image

from services import auth
from services.media.public_links import public_media_url
from services.media.storage import media_file, public_asset, store_upload


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


def test_public_link_resolves_only_with_its_signature(db: str) -> None:
    user_id = auth.register_user("m@example.com", "M", "a strong password")
    me = auth.resolve_session(auth.login("m@example.com", "a strong password"))
    asset = store_upload(me.organization_id, user_id, "red.png", _png())
    url = public_media_url(asset["id"], asset["sha256"])
    assert media_file(asset).public_url == url
    signature = url.rsplit("/", 1)[1]
    assert public_asset(asset["id"], signature)["id"] == asset["id"]
    assert public_asset(asset["id"], "0" * 32) is None
    assert public_asset(asset["id"] + 1, signature) is None
