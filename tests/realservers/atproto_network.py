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
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.dbutil import create_pg_database, pg_server_url, require_or_skip_postgres

TOOLS = Path(__file__).resolve().parent / "atproto"
#: hosts the SSRF guard (services/security/net_guard.py) must let through for loopback test servers
ALLOW_PRIVATE_HOSTS = "127.0.0.1,localhost,::1"
START_TIMEOUT = 240.0  # ~10 s on an idle machine; minutes when the 2 cores are shared by many jobs
COMMAND_TIMEOUT = 30.0


@dataclass(frozen=True)
class NetworkAccount:
    handle: str
    did: str
    password: str  # the main password: only for "refuse main password" tests
    app_password: str


@dataclass
class AtprotoNetwork:
    pds: str
    appview: str
    plc: str
    accounts: list[NetworkAccount]
    _process: subprocess.Popen = field(repr=False)
    _lines: queue.Queue[str] = field(repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def alice(self) -> NetworkAccount:
        return self.accounts[0]

    @property
    def bob(self) -> NetworkAccount:
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


def _missing() -> str:
    """Why the network cannot run here, or "" when it can."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (TOOLS / "node_modules" / "@atproto" / "dev-env").is_dir():
        return f"@atproto/dev-env is not installed (run ./test.sh or `npm ci` in {TOOLS})"
    return ""


class NetworkLauncher:
    """Starts the node process at once and waits for it only when a test first needs it.

    Started from `pytest_collection_modifyitems` when a collected test uses the fixture, so its
    ~10 s (more on a loaded machine) start overlaps the tests that run before it.
    """

    def __init__(self) -> None:
        self.db_url = create_pg_database("socialhub_atproto")
        # dev-env keeps the PDS's blobs and SQLite files under os.tmpdir(): give it a folder we remove
        self.tmp = tempfile.mkdtemp(prefix="socialhub-atproto-")
        env = {
            **os.environ,
            "DB_POSTGRES_URL": self.db_url.replace("postgresql+psycopg://", "postgres://"),
            "DB_POSTGRES_SCHEMA": "socialhub",
            "REDIS_HOST": os.environ.get("SOCIALHUB_TEST_REDIS_HOST", "127.0.0.1:6379"),
            "NODE_NO_WARNINGS": "1",
            "LOG_ENABLED": "false",
            "TMPDIR": self.tmp,
        }
        self.log_path = Path(self.tmp) / "network.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - fixed script, our own node_modules
                [shutil.which("node") or "node", "network.mjs"],
                cwd=TOOLS,  # ESM ignores NODE_PATH: run from the folder that holds node_modules
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
        self.lines = _json_lines(self.process)
        self._network: AtprotoNetwork | None = None

    def network(self) -> AtprotoNetwork:
        if self._network is None:
            try:
                info = json.loads(_read_line(self.lines, START_TIMEOUT))
            except (RuntimeError, json.JSONDecodeError) as exc:
                raise RuntimeError(f"AT Protocol network did not start: {self.log_path.read_text()[-2000:]}") from exc
            self._network = AtprotoNetwork(
                pds=info["pds"],
                appview=info["appview"],
                plc=info["plc"],
                accounts=[NetworkAccount(**a) for a in info["accounts"]],
                _process=self.process,
                _lines=self.lines,
            )
        return self._network

    def stop(self) -> None:
        """Everything it made is thrown away (database, temp folder): no need for a graceful close."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        _drop_database(self.db_url)
        shutil.rmtree(self.tmp, ignore_errors=True)


_launcher: NetworkLauncher | None = None


def start_early(items: list[pytest.Item]) -> None:
    """Collection hook helper: launch the network now if a collected test will want it."""
    global _launcher
    if _launcher is not None or not any("atproto_network" in getattr(i, "fixturenames", ()) for i in items):
        return
    from tests.dbutil import postgres_available

    if not _missing() and postgres_available():
        _launcher = NetworkLauncher()


def stop_unused() -> None:
    """Session-finish hook helper: a network started early that no test ended up using."""
    global _launcher
    if _launcher is not None:
        _launcher.stop()
        _launcher = None


@pytest.fixture(scope="session")
def atproto_network() -> Iterator[AtprotoNetwork]:
    """One network per test run; every Bluesky real-server test shares it."""
    global _launcher
    if reason := _missing():
        _unavailable(reason)
    require_or_skip_postgres()
    launcher, _launcher = _launcher or NetworkLauncher(), None
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOCIALHUB_ALLOW_PRIVATE_HOSTS", ALLOW_PRIVATE_HOSTS)
        try:
            yield launcher.network()
        finally:
            launcher.stop()
