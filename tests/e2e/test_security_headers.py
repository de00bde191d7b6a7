"""Issue 11 hardening, seen from outside: headers and CSP on every page (Chromium), CORS, upload caps."""

from __future__ import annotations

import time
import uuid

import httpx
import psutil
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, register_through_ui

BUILD = ROOT / ".web" / "build" / "client"
UPLOAD_HANDLER = "reflex___state____state.state___compose____compose_state.handle_upload"
GB = 1024**3

# Collects CSP violations the page reports (before any app script runs).
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def every_page() -> list[str]:
    """Every route of the built frontend (so pages added later are checked too)."""
    routes = set()
    for html in BUILD.rglob("*.html"):
        rel = html.relative_to(BUILD).with_suffix("").as_posix()
        if rel in ("404", "__spa-fallback") or rel.endswith("/index") and rel != "index":
            continue
        routes.add("/" if rel == "index" else f"/{rel}")
    assert "/" in routes and "/login" in routes
    return sorted(routes)


def test_security_headers_on_pages_and_routes(app_url: str) -> None:
    for path in [*every_page(), "/health", "/ping", "/no-such-page"]:
        resp = httpx.get(f"{app_url}{path}", timeout=10, follow_redirects=True)
        h = resp.headers
        assert h.get("x-content-type-options") == "nosniff", path
        assert h.get("x-frame-options") == "DENY", path
        assert h.get("referrer-policy") == "strict-origin-when-cross-origin", path
        csp = h.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
        assert "strict-transport-security" not in h  # the e2e base URL is plain http


def _visit_all(page: Page, app_url: str, violations: list[str]) -> None:
    for path in every_page():
        page.goto(f"{app_url}{path}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__csp || []"))


def test_no_page_logs_a_csp_violation(page: Page, app_url: str) -> None:
    console: list[str] = []
    page.on(
        "console",
        lambda m: console.append(f"{page.url}: {m.text}")
        if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text
        else None,
    )
    page.add_init_script(CSP_LISTENER)
    violations: list[str] = []
    _visit_all(page, app_url, violations)  # logged out (protected pages redirect to /login)
    user = {"email": f"csp-{uuid.uuid4().hex[:8]}@example.com", "name": "Csp Tester", "password": "correct horse battery"}
    register_through_ui(page, app_url, user)
    _visit_all(page, app_url, violations)  # logged in
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("connect-demo").click()  # an interaction that talks over the websocket
    page.wait_for_timeout(1000)
    violations.extend(page.evaluate("window.__csp || []"))
    assert violations == [] and console == [], "\n".join(violations + console)


def test_cors_allows_only_the_base_url(app_url: str) -> None:
    evil = httpx.get(f"{app_url}/health", headers={"Origin": "https://evil.example"}, timeout=10)
    assert "access-control-allow-origin" not in evil.headers
    preflight = httpx.options(
        f"{app_url}/_upload",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert preflight.headers.get("access-control-allow-origin") != "https://evil.example"
    own = httpx.get(f"{app_url}/health", headers={"Origin": app_url}, timeout=10)
    assert own.headers.get("access-control-allow-origin") == app_url
    assert own.headers.get("access-control-allow-credentials") == "true"


def _app_processes(port: int) -> list[psutil.Process]:
    pids = {c.pid for c in psutil.net_connections(kind="tcp") if c.laddr and c.laddr.port == port and c.pid}
    procs = []
    for pid in pids:
        proc = psutil.Process(pid)
        procs.append(proc)
        procs.extend(proc.children(recursive=True))
    return list({p.pid: p for p in procs}.values())


def _rss(procs: list[psutil.Process]) -> int:
    return sum(p.memory_info().rss for p in procs if p.is_running())


def _lazy(total: int, chunk: int = 1024 * 1024):
    """A multipart body of `total` bytes, generated as it is sent."""
    boundary = "socialhubboundary"
    yield (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"huge.mp4\"\r\n"
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    zeros = b"\0" * chunk
    sent = 0
    while sent < total:
        yield zeros
        sent += chunk


def _post(url: str, content, headers: dict[str, str]) -> int | None:  # noqa: ANN001
    try:
        return httpx.post(url, content=content, headers=headers, timeout=120).status_code
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        return None  # the server hung up on the rest of the body: refused


@pytest.mark.timeout(600)
def test_two_gigabyte_upload_is_refused_without_growing_the_server(app_url: str, app_env: dict) -> None:
    procs = _app_processes(app_env["port"])
    assert procs, "could not find the app's processes"
    headers = {
        "Reflex-Client-Token": uuid.uuid4().hex,
        "Reflex-Event-Handler": UPLOAD_HANDLER,
        "Content-Type": "multipart/form-data; boundary=socialhubboundary",
    }
    before = _rss(procs)
    declared = {**headers, "Content-Length": str(2 * GB)}
    started = time.time()
    status = _post(f"{app_url}/_upload", _lazy(2 * GB), declared)
    assert status in (413, None) and time.time() - started < 60
    status = _post(f"{app_url}/_upload", _lazy(2 * GB), headers)  # no length: cut off while streaming
    assert status in (413, None)
    grown = _rss(procs) - before
    print(f"2 GB uploads refused; app RSS {before / 1e6:.1f} MB -> {(before + grown) / 1e6:.1f} MB")
    assert grown < 8 * 1024 * 1024, f"the app grew by {grown / 1e6:.1f} MB"
    assert httpx.get(f"{app_url}/ping", timeout=10).status_code == 200  # and it is still serving


def test_mastodon_instance_on_an_internal_address_is_refused_in_the_ui(page: Page, app_url: str, new_user: dict) -> None:
    """SSRF through the instance field: a clear message, and nothing is contacted or connected."""
    page.get_by_test_id("nav-accounts").click()
    page.get_by_test_id("mastodon-instance-input").fill("https://169.254.169.254")
    page.get_by_test_id("connect-mastodon").click()
    expect(page.get_by_test_id("accounts-error")).to_contain_text("does not connect to 169.254.169.254")
    expect(page.locator("[data-testid=account-row][data-platform=mastodon]")).to_have_count(0)
