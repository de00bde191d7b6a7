"""A real AT Protocol network (PLC + PDS + AppView from @atproto/dev-env) for the Bluesky tests.

The fakes in tests/fakes/ speak what the documentation says; this is the server software itself,
installed from the npm registry by ./test.sh into tests/realservers/atproto/node_modules (pinned
by its package-lock.json). It runs over the local PostgreSQL (a database of its own per run,
dropped at the end) and needs REDIS_HOST set, as dev-env insists on it.

Skipped only when Node or the npm install is missing and SOCIALHUB_REQUIRE_POSTGRES is not 1 (CI
sets it, so there a missing network fails instead of quietly passing).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.dbutil import create_pg_database, pg_server_url, require_or_skip_postgres

TOOLS = Path(__file__).resolve().parent / "atproto"
#: hosts the SSRF guard (services/security/net_guard.py) must let through for loopback test servers
ALLOW_PRIVATE_HOSTS = "127.0.0.1,localhost,::1"
START_TIMEOUT = 90.0
COMMAND_TIMEOUT = 30.0


@dataclass(frozen=True)
class TestAccount:
    handle: str
    did: str
    password: str  # the main password: only for "refuse main password" tests
    app_password: str


@dataclass
class AtprotoNetwork:
    pds: str
    appview: str
    plc: str
    accounts: list[TestAccount]
    _process: subprocess.Popen = field(repr=False)
    _lines: queue.Queue[str] = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def alice(self) -> TestAccount:
        return self.accounts[0]

    @property
    def bob(self) -> TestAccount:
        return self.accounts[1]

    def sync(self) -> None:
        """Wait until the AppView has indexed everything on the PDS (likes, reposts, replies...)."""
        with self._lock:
            assert self._process.stdin
            self._process.stdin.write("sync\n")
            self._process.stdin.flush()
            answer = json.loads(_read_line(self._lines, COMMAND_TIMEOUT))
        if not answer.get("ok"):
            raise RuntimeError(f"AT Protocol network could not sync: {answer.get('error')}")


def _json_lines(process: subprocess.Popen) -> queue.Queue[str]:
    """The node process's JSON answers, read by one daemon thread (log lines are skipped)."""
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in process.stdout:
            if line.lstrip().startswith("{"):
                lines.put(line)
        lines.put("")  # end of output: the process is gone

    threading.Thread(target=pump, daemon=True, name="atproto-network-stdout").start()
    return lines


def _read_line(lines: queue.Queue[str], timeout: float) -> str:
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        line = ""
    if not line:
        raise RuntimeError("the AT Protocol network did not answer")
    return line


def _unavailable(reason: str) -> None:
    if os.environ.get("SOCIALHUB_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"the real AT Protocol network is required in CI but {reason}")
    pytest.skip(reason)


def _drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = pg_server_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_network() -> Iterator[AtprotoNetwork]:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (TOOLS / "node_modules" / "@atproto" / "dev-env").is_dir():
        _unavailable(f"@atproto/dev-env is not installed (run ./test.sh or `npm ci` in {TOOLS})")
    require_or_skip_postgres()
    db_url = create_pg_database("socialhub_atproto")
    env = {
        **os.environ,
        "DB_POSTGRES_URL": db_url.replace("postgresql+psycopg://", "postgres://"),
        "DB_POSTGRES_SCHEMA": "socialhub",
        "REDIS_HOST": os.environ.get("SOCIALHUB_TEST_REDIS_HOST", "127.0.0.1:6379"),
        "NODE_NO_WARNINGS": "1",
        "LOG_ENABLED": "false",
    }
    stderr_log = TOOLS / ".network.log"
    with stderr_log.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed script, our own node_modules
            [node, "network.mjs"],
            cwd=TOOLS,  # ESM ignores NODE_PATH: run from the folder that holds node_modules
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            start_new_session=True,
        )
    lines = _json_lines(process)
    try:
        try:
            info = json.loads(_read_line(lines, START_TIMEOUT))
        except (RuntimeError, json.JSONDecodeError) as exc:
            process.kill()
            raise RuntimeError(f"AT Protocol network did not start: {stderr_log.read_text()[-2000:]}") from exc
        yield AtprotoNetwork(
            pds=info["pds"],
            appview=info["appview"],
            plc=info["plc"],
            accounts=[TestAccount(**a) for a in info["accounts"]],
            _process=process,
            _lines=lines,
        )
    finally:
        if process.stdin:
            process.stdin.close()  # the script shuts the network down when stdin closes
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
        _drop_database(db_url)


@pytest.fixture(scope="session")
def atproto_network() -> Iterator[AtprotoNetwork]:
    """Started once per test run (~10 s); every Bluesky real-server test shares it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOCIALHUB_ALLOW_PRIVATE_HOSTS", ALLOW_PRIVATE_HOSTS)
        yield from start_network()
