"""Secrets at rest (platform tokens, app passwords, client secrets, AI keys) are Fernet-encrypted.

MultiFernet lets an operator rotate `SOCIALHUB_SECRET_KEY`: put the old key into
`SOCIALHUB_OLD_SECRET_KEYS`, and old blobs still decrypt while new ones use the new key.
The Fernet keys are derived from the configured secret with HKDF so any string works as a secret.
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from services.config import get_settings


class DecryptionError(Exception):
    """A stored secret cannot be decrypted (wrong or rotated-away key)."""


def _derive(secret: str) -> Fernet:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"socialhub-fernet-v1", info=b"tokens")
    return Fernet(base64.urlsafe_b64encode(hkdf.derive(secret.encode())))


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_derive(k) for k in keys])


def _current() -> MultiFernet:
    return _fernet(get_settings().secret_keys)


def encrypt_text(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt_text(blob: str) -> str:
    try:
        return _current().decrypt(blob.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured key") from exc


def encrypt_json(value: dict[str, Any]) -> str:
    return encrypt_text(json.dumps(value, separators=(",", ":")))


def decrypt_json(blob: str | None) -> dict[str, Any]:
    if not blob:
        return {}
    return json.loads(decrypt_text(blob))


def rotate(blob: str) -> str:
    """Re-encrypt with the primary key (after a key rotation)."""
    return _current().rotate(blob.encode()).decode()


def last4(secret: str) -> str:
    """What the UI may show of a key: its last four characters."""
    return f"…{secret[-4:]}" if secret else ""
