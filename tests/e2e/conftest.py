"""End-to-end fixtures: the real app in production mode on PostgreSQL, driven by Debian's Chromium.

The app is started once per session with `reflex run --env prod` on a free port. Fake platform
servers run in this pytest process; the app reaches them over real HTTP.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests.dbutil import create_pg_database, drop_pg_database, require_or_skip_postgres
from tests.fakes.server import free_port

ROOT = Path(__file__).resolve().parents[2]
# A page that loads in 300 ms on an idle laptop can take several seconds on a busy 2-core CI box:
# assertions wait up to 15 s (they still pass the moment the condition holds).
expect.set_options(timeout=15_000)
E2E_SECRET = "e2e-secret-key-not-for-production"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "headless": True,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
        ],
    }


@pytest.fixture(scope="session")
def e2e_fakes() -> Iterator[dict]:
    """Fake platform servers shared by the whole e2e session (started before the app)."""
    fakes: dict = {}
    from tests.fakes.mastodon import MastodonFake
    from tests.fakes.x import XFake

    fakes["mastodon"] = MastodonFake().start()
    fakes["x"] = XFake().start()
    from tests.fakes.bluesky import BlueskyFake

    fakes["bluesky"] = BlueskyFake().start()
    from tests.fakes.discord import DiscordFake
    from tests.fakes.telegram import TelegramFake

    fakes["telegram"] = TelegramFake().start()
    fakes["discord"] = DiscordFake().start()
    from tests.fakes.openai_server import FakeOpenAIServer

    fakes["openai"] = FakeOpenAIServer().start()
    from tests.fakes.smtp import FakeSmtpServer

    fakes["smtp"] = FakeSmtpServer().start()
    yield fakes
    for fake in fakes.values():
        fake.stop()


def _start_oidc(port: int) -> tuple[dict[str, str], object | None]:
    """A real OpenID Provider for "Sign in with Test IdP" (and an "Offline IdP" that never answers).

    Without Node or the npm install the app simply has no providers (tests/e2e/test_oidc_signin.py
    then skips; in CI the install is there).
    """
    import json

    from tests.realservers.oidc_provider import CLIENT_ID, CLIENT_SECRET, _missing, start_provider

    if _missing():
        return {}, None
    running = start_provider([f"http://localhost:{port}"])
    common = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    providers = [{"id": "good", "name": "Test IdP", "issuer": running.issuers["good"], **common},
                 {"id": "offline", "name": "Offline IdP", "issuer": f"http://127.0.0.1:{free_port()}", **common}]
    return {"SOCIALHUB_OIDC_PROVIDERS": json.dumps({"providers": providers})}, running


def _wait_ready(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(f"{url}/ping", timeout=2).status_code == 200:
                # the frontend is served by the same port once the build finished
                if httpx.get(f"{url}/", timeout=5).status_code == 200:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"app did not become ready:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def app_env(e2e_fakes: dict, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    require_or_skip_postgres()
    db_url = create_pg_database("socialhub_e2e")
    data_dir = tmp_path_factory.mktemp("e2e-data")
    port = free_port()
    oidc_env, oidc_provider = _start_oidc(port)
    env = {
        **os.environ,
        **oidc_env,
        "DATABASE_URL": db_url,
        "SOCIALHUB_DATA_DIR": str(data_dir),
        "SOCIALHUB_SECRET_KEY": E2E_SECRET,
        "SOCIALHUB_PORT": str(port),
        "SOCIALHUB_BASE_URL": f"http://localhost:{port}",
        "SOCIALHUB_SCHEDULER": "on",
        "SOCIALHUB_LOGIN_MAX_FAILURES": "50",
        # every e2e test signs up from 127.0.0.1: an open instance with a generous sign-up budget
        "SOCIALHUB_REGISTRATION": "open",
        "SOCIALHUB_REGISTER_MAX_PER_IP": "100000",
        # mail goes to a real local SMTP server (app_env["fakes"]["smtp"]); sign-ups skip the mailed check
        "SOCIALHUB_SMTP_URL": e2e_fakes["smtp"].url,
        "SOCIALHUB_MAIL_FROM": "SocialHub <hub@example.org>",
        "SOCIALHUB_EMAIL_VERIFICATION": "off",
        # The fakes listen on 127.0.0.1: an operator allow-list entry, exactly as for a local Ollama.
        "SOCIALHUB_ALLOW_PRIVATE_HOSTS": "127.0.0.1,localhost",
        # X is configured against its fake; LinkedIn & co. stay unconfigured on purpose.
        "SOCIALHUB_X_CLIENT_ID": e2e_fakes["x"].client_id,
        "SOCIALHUB_X_CLIENT_SECRET": e2e_fakes["x"].client_secret,
        "SOCIALHUB_X_API_BASE": e2e_fakes["x"].url,
        "SOCIALHUB_X_AUTHORIZE_URL": f"{e2e_fakes['x'].url}/i/oauth2/authorize",
        "SOCIALHUB_BLUESKY_PDS": e2e_fakes["bluesky"].url,
        "SOCIALHUB_TELEGRAM_API_BASE": e2e_fakes["telegram"].url,
        "SOCIALHUB_DISCORD_API_BASE": e2e_fakes["discord"].url,
    }
    yield {"env": env, "db_url": db_url, "data_dir": data_dir, "port": port, "fakes": e2e_fakes,
           "oidc": oidc_provider}
    drop_pg_database(db_url)
    if oidc_provider is not None:
        oidc_provider.stop()


@pytest.fixture(scope="session")
def app_url(app_env: dict) -> Iterator[str]:
    env = app_env["env"]
    port = app_env["port"]
    # The app starts exactly as a user starts it: ./run.sh (migrations, frontend build, one port).
    # One retry: a frontend build that dies on a busy machine must not fail the whole session.
    url = f"http://localhost:{port}"
    for attempt in (1, 2):
        log_path = app_env["data_dir"] / f"app-{attempt}.log"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                ["bash", str(ROOT / "run.sh")], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_ready(url, proc, log_path)
            break
        except RuntimeError:
            _stop(proc)
            if attempt == 2:
                raise
    try:
        yield url
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="session")
def base_url(app_url: str) -> str:
    return app_url


@pytest.fixture
def new_user(page, app_url: str) -> dict:
    """Register a fresh user through the UI and land on the dashboard."""
    email = f"user-{uuid.uuid4().hex[:8]}@example.com"
    user = {"email": email, "name": "Test User", "password": "correct horse battery"}
    register_through_ui(page, app_url, user)
    return user


def register_through_ui(page, app_url: str, user: dict) -> None:
    page.goto(f"{app_url}/register")
    page.get_by_test_id("email-input").fill(user["email"])
    page.get_by_test_id("name-input").fill(user["name"])
    page.get_by_test_id("password-input").fill(user["password"])
    page.get_by_test_id("register-submit").click()
    page.get_by_test_id("workspace-name").wait_for(timeout=30000)
