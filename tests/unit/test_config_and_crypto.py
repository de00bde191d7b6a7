"""The secret key is generated once with 0600 permissions; tokens round-trip through Fernet and rotate."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from services import crypto
from services.config import get_settings, reset_settings


def test_secret_key_generated_once_with_private_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOCIALHUB_SECRET_KEY", raising=False)
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path))
    reset_settings()
    first = get_settings().secret_keys[0]
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    reset_settings()
    assert get_settings().secret_keys[0] == first
    assert get_settings().database_url == f"sqlite:///{tmp_path / 'socialhub.db'}"
    reset_settings()


def test_postgres_url_is_normalized_to_psycopg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "k")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    reset_settings()
    assert get_settings().database_url == "postgresql+psycopg://u@h/db"
    reset_settings()


def test_encrypt_roundtrip_and_rotation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOCIALHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "old-key")
    reset_settings()
    blob = crypto.encrypt_json({"access_token": "tok-123"})
    assert "tok-123" not in blob
    monkeypatch.setenv("SOCIALHUB_SECRET_KEY", "new-key")
    monkeypatch.setenv("SOCIALHUB_OLD_SECRET_KEYS", "old-key")
    reset_settings()
    assert crypto.decrypt_json(blob) == {"access_token": "tok-123"}
    rotated = crypto.rotate(blob)
    monkeypatch.delenv("SOCIALHUB_OLD_SECRET_KEYS")
    reset_settings()
    assert crypto.decrypt_json(rotated)["access_token"] == "tok-123"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json(blob)
    assert crypto.last4("sk-abcdef1234") == "…1234"
    reset_settings()
