"""Unguessable, expiring public links to one uploaded file, for platforms that fetch media themselves.

Instagram (and TikTok's PULL_FROM_URL) download the file from a URL instead of taking an upload,
so the engine hands them `{SOCIALHUB_BASE_URL}/media/public/<id>/<expires>/<signature>`. The
signature is an HMAC of the asset id, its content hash and the expiry time under a key derived
from the secret key: it cannot be guessed, moved to another file or extended, it stops working
after `SOCIALHUB_PUBLIC_MEDIA_HOURS` (default 24 h — plenty for a platform to pull the file), and
rotating the secret key revokes every link.

With media on S3 (`SOCIALHUB_MEDIA_STORAGE=s3://…`) the engine hands out a presigned bucket URL
instead (services.media.storage.public_link), unless `SOCIALHUB_S3_PUBLIC_LINKS=app`; this route
then streams the object from the bucket.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from services.config import get_settings


def _signature(asset_id: int, sha256: str, expires: int) -> str:
    key = hashlib.sha256(("public-media:" + get_settings().secret_keys[0]).encode()).digest()
    return hmac.new(key, f"{asset_id}:{sha256}:{expires}".encode(), hashlib.sha256).hexdigest()[:32]


def public_media_url(asset_id: int, sha256: str, now: float | None = None) -> str:
    settings = get_settings()
    expires = int((now if now is not None else time.time()) + settings.public_media_hours * 3600)
    return f"{settings.base_url}/media/public/{asset_id}/{expires}/{_signature(asset_id, sha256, expires)}"


def signature_matches(asset_id: int, sha256: str, expires: int, signature: str, now: float | None = None) -> bool:
    """Valid signature for exactly this file and expiry, and not expired yet."""
    if expires < (now if now is not None else time.time()):
        return False
    return hmac.compare_digest(_signature(asset_id, sha256, expires), signature or "")
