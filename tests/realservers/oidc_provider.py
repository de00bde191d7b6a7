"""A real OpenID Provider (node-oidc-provider, certified) on loopback for the OIDC sign-in tests.

Installed from the npm registry by ./test.sh into tests/realservers/oidc/node_modules (pinned by
its package-lock.json); provider.mjs starts one provider per entry, each on its own port: a
normal one, one whose ID tokens name another audience and one whose ID tokens are already
expired (both still signed by the provider's own keys), so our verification code is exercised
against real tokens. Skipped only when Node or the install is missing and
SOCIALHUB_REQUIRE_POSTGRES is not 1 (CI sets it, so there a missing provider fails).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

TOOLS = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "socialhub"
CLIENT_SECRET = "socialhub-test-secret-0123456789abcdef"
MODES = {"good": "normal", "wrongaud": "wrong_aud", "expired": "expired", "other": "normal"}
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class IdpAccount:
    id: str
    email: str
    password: str
    name: str
    email_verified: bool = True
    groups: tuple[str, ...] = ()


ACCOUNTS = (
    IdpAccount("alice-sub", "alice@corp.example", "alice-idp-pass", "Alice Adams"),
    IdpAccount("bob-sub", "bob@corp.example", "bob-idp-pass", "Bob Brown", email_verified=False),
    IdpAccount("carol-sub", "carol@elsewhere.example", "carol-idp-pass", "Carol Clark"),
    IdpAccount("dave-sub", "dave@corp.example", "dave-idp-pass", "Dave Davis", groups=("socialhub-editors",)),
)


@dataclass
class RunningProvider:
    issuers: dict[str, str]
    _process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False, default=Path())

    def account(self, email: str) -> IdpAccount:
        return next(a for a in ACCOUNTS if a.email == email)

    def providers_json(self, *names: str, **extra: object) -> str:
        """The value of SOCIALHUB_OIDC_PROVIDERS for these provider entries (id = name)."""
        entries = [{"id": n, "name": f"{n.capitalize()} IdP", "issuer": self.issuers[n], "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET, **extra} for n in names]
        return json.dumps({"providers": entries})

    def stop(self) -> None:
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()


def _missing() -> str:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (TOOLS / "node_modules" / "oidc-provider").is_dir():
        return f"oidc-provider is not installed (run ./test.sh or `npm ci` in {TOOLS})"
    return ""


def start_provider(redirect_bases: list[str]) -> RunningProvider:
    """Start every provider in MODES with the client `socialhub` allowed to return to these bases."""
    config = {
        "providers": [{"name": n, "port": 0, "mode": m, "clients": [{
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uris": [f"{b}/auth/oidc/{n}/callback" for b in redirect_bases]}]} for n, m in MODES.items()],
        "accounts": [{"id": a.id, "email": a.email, "password": a.password, "name": a.name,
                      "email_verified": a.email_verified, "groups": list(a.groups)} for a in ACCOUNTS],
    }
    log_path = Path(tempfile.mkstemp(prefix="socialhub-oidc-", suffix=".log")[1])
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed script, our own node_modules
            [shutil.which("node") or "node", "provider.mjs"],
            cwd=TOOLS,
            env={**os.environ, "OIDC_TEST_CONFIG": json.dumps(config), "NODE_NO_WARNINGS": "1"},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, start_new_session=True,
        )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not line or not line[0].strip():
        os.killpg(process.pid, signal.SIGKILL)
        raise RuntimeError(f"the OpenID Provider did not start: {log_path.read_text()[-2000:]}")
    return RunningProvider(issuers=json.loads(line[0])["issuers"], _process=process, log_path=log_path)


@pytest.fixture(scope="session")
def oidc_op() -> Iterator[RunningProvider]:
    """The providers, for an app whose base URL is http://testserver (Starlette's TestClient)."""
    reason = _missing()
    if reason:
        if os.environ.get("SOCIALHUB_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"the real OpenID Provider is required in CI but {reason}")
        pytest.skip(reason)
    running = start_provider(["http://testserver"])
    yield running
    running.stop()


def log_in_at_idp(authorize_url: str, email: str, password: str, *, abort: bool = False,
                  idp: httpx.Client | None = None) -> str:
    """Play the browser at the provider: follow its redirects, fill in our login page; returns the
    URL it finally sends the browser to (our callback with code, state and iss)."""
    own = idp is None
    idp = idp or httpx.Client(follow_redirects=False, timeout=20)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(authorize_url))
    url = authorize_url
    try:
        for _ in range(12):
            answer = idp.get(url)
            if answer.status_code == 200 and "/interaction/" in url:
                action = "abort" if abort else "login"
                answer = idp.post(f"{url}/{action}", data={} if abort else {"email": email, "password": password})
                if answer.status_code == 200:
                    raise AssertionError(f"the provider refused the login: {answer.text[:300]}")
            if answer.status_code not in (302, 303):
                raise AssertionError(f"unexpected {answer.status_code} from {url}: {answer.text[:300]}")
            url = urljoin(url, answer.headers["location"])
            if not url.startswith(origin):
                return url
        raise AssertionError("too many redirects at the provider")
    finally:
        if own:
            idp.close()
