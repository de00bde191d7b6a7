"""After connecting accounts, no token, app password or client secret appears in the raw database."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from sqlmodel import SQLModel, select

from services import accounts
from services.crypto import decrypt_text
from services.db import session_scope
from services.models import PlatformApp
from tests.fakes.bluesky import BlueskyFake
from tests.fakes.mastodon import MastodonFake
from tests.fakes.oauth_support import configure_env
from tests.fakes.x import XFake
from tests.integration.accounts_helpers import (
    all_accounts,
    browser_follow,
    finish_connect,
    make_workspace,
    start_connect,
)


@pytest.fixture(scope="module")
def fakes():
    with XFake() as x, MastodonFake() as masto, BlueskyFake() as bsky:
        yield x, masto, bsky


def sqlite_bytes(url: str) -> bytes:
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def postgres_text(url: str) -> str:
    libpq = url.replace("postgresql+psycopg://", "postgresql://")
    parts = []
    with psycopg.connect(libpq) as conn:
        for table in SQLModel.metadata.sorted_tables:
            for (row,) in conn.execute(f'SELECT row_to_json(t)::text FROM "{table.name}" t'):
                parts.append(row)
    if shutil.which("pg_dump"):
        dump = subprocess.run(["pg_dump", "--data-only", libpq], capture_output=True, text=True, timeout=60)
        if dump.returncode == 0:  # a client/server version mismatch leaves us with the SQL dump only
            parts.append(dump.stdout)
    return "\n".join(parts)


async def test_no_secret_in_raw_database(db, fakes, monkeypatch):
    x, masto, bsky = fakes
    configure_env(
        monkeypatch,
        {
            "SOCIALHUB_X_CLIENT_ID": x.client_id,
            "SOCIALHUB_X_CLIENT_SECRET": x.client_secret,
            "SOCIALHUB_X_API_BASE": x.url,
            "SOCIALHUB_X_AUTHORIZE_URL": f"{x.url}/i/oauth2/authorize",
            "SOCIALHUB_BLUESKY_PDS": bsky.url,
        },
    )
    org_id, user_id = make_workspace()
    for platform, instance in (("x", ""), ("mastodon", masto.url)):
        url = await start_connect(org_id, user_id, platform, instance)
        outcome = await finish_connect(platform, await browser_follow(url))
        assert outcome.ok, outcome.message
    await accounts.connect_bluesky(org_id, user_id, "alice.test", bsky.app_password)
    accounts.connect_demo(org_id, user_id)
    # A refresh writes a second generation of tokens: those must be encrypted too.
    x_id = next(a.id for a in all_accounts() if a.platform == "x")
    await accounts.refresh_account_credentials(x_id)

    secrets: list[str] = [bsky.app_password]
    for account in all_accounts():
        creds = accounts.load_credentials(account)
        secrets += [s for s in (creds.access_token, creds.refresh_token) if s]
        secrets += [str(v) for k, v in creds.extra.items() if k in ("client_secret", "app_password", "user_token")]
    with session_scope() as session:
        secrets += [decrypt_text(app.client_secret_blob) for app in session.exec(select(PlatformApp)).all()]
    secrets += list(x.access_tokens) + list(x.refresh_tokens)  # every token X ever issued to us
    assert len(secrets) >= 10

    raw = sqlite_bytes(db).decode("latin-1") if db.startswith("sqlite") else postgres_text(db)
    assert "socialhub_test" in raw and "alice.test" in raw  # the dump does see the account rows
    leaked = [s[:6] + "…" for s in secrets if s in raw]
    assert leaked == []
