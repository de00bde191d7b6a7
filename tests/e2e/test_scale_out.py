"""Two web processes behind one URL, sharing Redis and PostgreSQL, plus one worker process.

A browser session hops between the web processes (the load balancer cuts its connections and
the websocket reconnects to the other one): it stays logged in, state set through
one process is still there on the other (Reflex's Redis state manager: without it the other
process would start an empty session and the posts list's sort order would be back to default),
and a post scheduled through a web process goes out and flips to "published" live (the worker
publishes; the web processes run no scheduler, SOCIALHUB_ROLE=web).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import redis
from playwright.sync_api import Page, expect

from services.db import upgrade_database
from tests.dbutil import create_pg_database, drop_pg_database
from tests.e2e.conftest import E2E_SECRET, ROOT, _stop, register_through_ui
from tests.e2e.helpers import connect_demo, open_composer, select_chip, type_text
from tests.e2e.hop_proxy import HopProxy
from tests.fakes.server import free_port

REDIS_HOST = os.environ.get("SOCIALHUB_TEST_REDIS", "redis://127.0.0.1:6379")
CLAIM_KEY = "socialhub:test-claim"


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A Redis database number no one else uses right now (claimed with SET NX), flushed afterwards."""
    try:
        redis.Redis.from_url(f"{REDIS_HOST}/0").ping()
    except redis.RedisError:
        if os.environ.get("SOCIALHUB_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required but {REDIS_HOST} is unreachable")
        pytest.skip(f"Redis not reachable at {REDIS_HOST}")
    for number in range(15, 0, -1):
        client = redis.Redis.from_url(f"{REDIS_HOST}/{number}")
        if client.dbsize() == 0 and client.set(CLAIM_KEY, uuid.uuid4().hex, nx=True, ex=3600):
            try:
                yield f"{REDIS_HOST}/{number}"
            finally:
                client.flushdb()
            return
    pytest.skip("no free Redis database number")


def _bundle_for(public_port: int, bundle_port: int, web_dir: Path) -> None:
    """The session's production bundle, pointed at the load balancer's port.

    run.sh bakes the public URL into the bundle; building a second bundle costs minutes, so the
    session's build is copied and its baked port changed, which is exactly what a build with
    SOCIALHUB_BASE_URL=http://localhost:<public_port> produces.
    """
    source = ROOT / ".web" / "build" / "client"
    target = web_dir / "build" / "client"
    shutil.copytree(source, target)
    old, new = f"localhost:{bundle_port}".encode(), f"localhost:{public_port}".encode()
    patched = 0
    for path in target.rglob("*"):
        if path.suffix in (".gz", ".br", ".zst"):
            path.unlink()  # precompressed copies would still carry the old port
        elif path.is_file() and path.suffix in (".js", ".html", ".json"):
            data = path.read_bytes()
            if old in data:
                path.write_bytes(data.replace(old, new))
                patched += 1
    assert patched, "the bundle's backend URL was not found"


def _start(args: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    with open(log_path, "w") as log:
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _wait_http(url: str, proc: subprocess.Popen, log_path: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def cluster(app_env: dict, app_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """web A + web B (role web, Redis state) + one worker, on a database of their own."""
    tmp = tmp_path_factory.mktemp("scale-out")
    db_url = create_pg_database("socialhub_scale")
    upgrade_database(db_url)
    web_a, web_b = free_port(), free_port()
    proxy = HopProxy(web_a).start()
    _bundle_for(proxy.port, app_env["port"], tmp / "web")
    base = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SOCIALHUB_DATA_DIR": str(tmp / "data"),
        "SOCIALHUB_SECRET_KEY": E2E_SECRET,
        "SOCIALHUB_BASE_URL": f"http://localhost:{proxy.port}",
        "SOCIALHUB_SCHEDULER": "on",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }
    web_env = {**base, "SOCIALHUB_ROLE": "web", "REDIS_URL": redis_url, "SOCIALHUB_WEB_WORKERS": "1",
               "REFLEX_WEB_WORKDIR": str(tmp / "web")}  # fmt: skip
    procs: list[subprocess.Popen] = []
    try:
        for port in (web_a, web_b):
            log_path = tmp / f"web-{port}.log"
            # its own states dir, as on its own host: only Redis may carry a session from one to the other
            env = {**web_env, "SOCIALHUB_PORT": str(port), "REFLEX_STATES_WORKDIR": str(tmp / f"states-{port}")}
            proc = _start([sys.executable, "scripts/serve_prebuilt.py"], env, log_path)
            procs.append(proc)
            _wait_http(f"http://127.0.0.1:{port}/ping", proc, log_path)
            _wait_http(f"http://127.0.0.1:{port}/", proc, log_path)
        worker_log = tmp / "worker.log"
        procs.append(_start([sys.executable, "-m", "services.publishing.worker"], {**base, "SOCIALHUB_ROLE": "worker"},
                            worker_log))  # fmt: skip
        yield {"url": f"http://localhost:{proxy.port}", "proxy": proxy, "web": (web_a, web_b), "db_url": db_url,
               "logs": tmp}  # fmt: skip
    finally:
        for proc in procs:
            _stop(proc)
        proxy.stop()
        drop_pg_database(db_url)


def hop(cluster: dict, page: Page, to_port: int) -> None:
    """Move the session to another web process and wait until its websocket reconnected there."""
    proxy: HopProxy = cluster["proxy"]
    before = proxy.connections[to_port]
    proxy.switch_to(to_port)
    deadline = time.time() + 30
    while proxy.connections[to_port] == before and time.time() < deadline:
        page.wait_for_timeout(200)
    assert proxy.connections[to_port] > before, "the browser did not reconnect through the load balancer"
    page.wait_for_timeout(1500)  # the reconnect's hydrate brings the state back from Redis


def test_session_hops_between_two_web_processes(page: Page, cluster: dict) -> None:
    url = cluster["url"]
    web_a, web_b = cluster["web"]
    user = {"email": f"hop-{uuid.uuid4().hex[:8]}@example.com", "name": "Hopper", "password": "correct horse battery"}
    register_through_ui(page, url, user)
    connect_demo(page)

    # server-side state set through web A: the posts list's sort order (kept across page loads)
    page.get_by_test_id("nav-posts").click()
    expect(page.get_by_test_id("sort-scheduled_at")).to_have_text("When ↓")  # the default
    page.get_by_test_id("sort-status").click()
    expect(page.get_by_test_id("sort-status")).to_have_text("Status ↓")

    # web B serves the next page load: same login, same state (read from Redis)
    hop(cluster, page, web_b)
    page.reload()
    expect(page.get_by_test_id("whoami-name")).to_have_text("Hopper", timeout=30000)
    expect(page.get_by_test_id("sort-status")).to_have_text("Status ↓", timeout=15000)

    # a post scheduled through B goes out (the worker publishes it) and its status flips live
    open_composer(page)
    select_chip(page, "demo")
    type_text(page, "scheduled across processes")
    tz = page.get_by_test_id("schedule-timezone").inner_text()
    when = datetime.now(ZoneInfo(tz)) + timedelta(seconds=6)
    page.get_by_test_id("schedule-date").fill(when.strftime("%Y-%m-%d"))
    page.get_by_test_id("schedule-time").fill(when.strftime("%H:%M:%S"))
    page.get_by_test_id("schedule-button").click()
    expect(page.get_by_test_id("result-status-demo")).to_have_text("scheduled")
    expect(page.get_by_test_id("result-status-demo")).to_have_text("published", timeout=30000)

    # back on A, in a fresh page load: still logged in, same state, the published post listed
    hop(cluster, page, web_a)
    page.goto(f"{url}/posts")
    expect(page.get_by_test_id("whoami-name")).to_have_text("Hopper", timeout=30000)
    expect(page.get_by_test_id("sort-status")).to_have_text("Status ↓", timeout=15000)
    expect(page.locator("[data-testid=post-row][data-status=published]")).to_have_count(1)
    assert cluster["proxy"].connections[web_a] > 0 and cluster["proxy"].connections[web_b] > 0
