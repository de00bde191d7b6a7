"""Unguessable public links to one uploaded file, for platforms that fetch media themselves.

Instagram (and TikTok's PULL_FROM_URL) download the file from a URL instead of taking an upload,
so the engine hands them `{SOCIALHUB_BASE_URL}/media/public/<id>/<signature>`. The signature is an
HMAC of the asset id and its content hash under a key derived from the secret key: it cannot be
guessed or moved to another file, and rotating the secret key revokes every link.
"""

from __future__ import annotations

import hashlib
import hmac

from services.config import get_settings


def _signature(asset_id: int, sha256: str) -> str:
    key = hashlib.sha256(("public-media:" + get_settings().secret_keys[0]).encode()).digest()
    return hmac.new(key, f"{asset_id}:{sha256}".encode(), hashlib.sha256).hexdigest()[:32]


def public_media_url(asset_id: int, sha256: str) -> str:
    return f"{get_settings().base_url}/media/public/{asset_id}/{_signature(asset_id, sha256)}"


def signature_matches(asset_id: int, sha256: str, signature: str) -> bool:
    return hmac.compare_digest(_signature(asset_id, sha256), signature or "")
