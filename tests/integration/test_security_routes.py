"""Issue 11.9–12 on the app's plain HTTP routes, over real HTTP, behind the security middleware."""

from __future__ import annotations

import io
import time

import httpx
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from services import accounts, auth
from services.config import get_settings
from services.media.public_links import public_media_url
from services.media.storage import store_upload
from services.platforms.base import AccountRef, PublishRequest
from services.platforms.demo import DemoAdapter
from services.security.http_policy import security_headers
from socialhub_app.routes import is_local_request
from state.auth import SESSION_COOKIE
from tests.fakes.oauth_support import configure_env
from tests.fakes.server import FakeServer
from tests.security_support import AppRoutesServer

PASSWORD = "a strong password"


@pytest.fixture(scope="module")
def routes():
    with AppRoutesServer() as server:
        yield server


@pytest.fixture
def env(db, routes: AppRoutesServer, monkeypatch):
    configure_env(monkeypatch, {"SOCIALHUB_BASE_URL": routes.url})
    return db


def _member(email: str) -> tuple[auth.CurrentUser, str]:
    auth.register_user(email, email.split("@")[0], PASSWORD)
    token = auth.login(email, PASSWORD)
    return auth.resolve_session(token), token


def _get(url: str, token: str | None = None, **kwargs) -> httpx.Response:  # noqa: ANN003
    return httpx.get(url, cookies={SESSION_COOKIE: token} if token else {}, timeout=10, **kwargs)


def test_security_headers_on_every_route_response(env, routes: AppRoutesServer) -> None:
    for path in ("/health", "/media/1", "/demo/post/1", "/no-such-route"):
        headers = _get(f"{routes.url}{path}").headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "strict-transport-security" not in headers  # plain http base URL


def test_hsts_only_for_an_https_base_url(monkeypatch) -> None:
    configure_env(monkeypatch, {"SOCIALHUB_BASE_URL": "https://social.example.org"})
    names = dict(security_headers(get_settings()))
    assert names[b"strict-transport-security"] == b"max-age=31536000"
    assert b"wss://social.example.org" in names[b"content-security-policy"]


class BodyReader(FakeServer):
    """A route that reads whatever body it gets, behind the middleware (like Reflex's upload parser)."""

    def build(self) -> Starlette:
        from socialhub_app.security_middleware import SecurityMiddleware

        async def read(request: Request) -> PlainTextResponse:
            body = await request.body()
            return PlainTextResponse(f"read {len(body)}")

        return SecurityMiddleware(Starlette(routes=[Route("/{p:path}", read, methods=["POST"])]))  # type: ignore[return-value]


def test_request_body_cap_declared_and_streamed(env, routes: AppRoutesServer, monkeypatch) -> None:
    cap = get_settings().max_request_kb * 1024
    declared = httpx.post(f"{routes.url}/health", content=b"x" * (cap + 1), timeout=10)
    assert declared.status_code == 413 and "too large" in declared.text

    def chunks(total: int):  # no Content-Length: counted while it streams
        for _ in range(total // 65536 + 1):
            yield b"y" * 65536

    configure_env(monkeypatch, {"SOCIALHUB_MAX_REQUEST_KB": "256", "SOCIALHUB_MAX_IMAGE_MB": "1", "SOCIALHUB_MAX_VIDEO_MB": "2"})
    with BodyReader() as reader:
        assert httpx.post(f"{reader.url}/x", content=chunks(200 * 1024), timeout=10).text.startswith("read")
        assert _post_status(f"{reader.url}/x", chunks(300 * 1024)) == 413
        upload_cap = int(get_settings().max_upload_request_mb * 1024 * 1024)  # 2 + 4×1 + 1 MB
        assert httpx.post(f"{reader.url}/_upload", content=chunks(3 * 1024 * 1024), timeout=10).status_code == 200
        assert _post_status(f"{reader.url}/_upload", chunks(upload_cap + 65536)) == 413


def _post_status(url: str, content) -> int:  # noqa: ANN001
    try:
        return httpx.post(url, content=content, timeout=10).status_code
    except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
        return 413  # the server closed the socket while the client was still sending: also a refusal


def test_health_public_answer_is_minimal(env, routes: AppRoutesServer) -> None:
    forwarded = _get(f"{routes.url}/health", headers={"X-Forwarded-For": "127.0.0.1"})
    assert set(forwarded.json()) == {"ok", "scheduler_age_s"}
    local = _get(f"{routes.url}/health")  # opened on this machine, no proxy
    assert "details" in local.json()
    owner, token = _member("owner@example.com")
    as_owner = _get(f"{routes.url}/health", token, headers={"X-Forwarded-For": "203.0.113.9"})
    assert "details" in as_owner.json()  # the first account is the instance admin
    _other, other_token = _member("someone@example.com")  # owns a workspace, but is no instance admin
    as_other = _get(f"{routes.url}/health", other_token, headers={"X-Forwarded-For": "203.0.113.9"})
    assert set(as_other.json()) == {"ok", "scheduler_age_s"}


def _request(client: str, headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": "/health", "headers": raw, "client": (client, 5000)})


def test_local_means_the_socket_peer_not_a_header() -> None:
    assert is_local_request(_request("127.0.0.1")) and is_local_request(_request("::1"))
    assert not is_local_request(_request("203.0.113.9", {"X-Forwarded-For": "127.0.0.1"}))
    assert not is_local_request(_request("203.0.113.9", {"Host": "localhost"}))
    assert not is_local_request(_request("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}))  # via a local proxy


async def test_demo_post_pages_need_a_member_of_the_posting_workspace(env, routes: AppRoutesServer) -> None:
    alice, alice_token = _member("alice@example.com")
    _bob, bob_token = _member("bob@example.com")
    accounts.connect_demo(alice.organization_id, alice.user_id)
    result = await DemoAdapter().publish(
        None, AccountRef(external_id=f"demo-{alice.organization_id}"), PublishRequest(text="hello demo")  # type: ignore[arg-type]
    )
    assert _get(result.url).status_code == 401
    assert _get(result.url, bob_token).status_code == 404
    mine = _get(result.url, alice_token)
    assert mine.status_code == 200 and "hello demo" in mine.text


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(buf, "PNG")
    return buf.getvalue()


def test_public_media_links_expire(env, routes: AppRoutesServer) -> None:
    me, _ = _member("media@example.com")
    asset = store_upload(me.organization_id, me.user_id, "a.png", _png())
    fresh = public_media_url(asset["id"], asset["sha256"])
    assert _get(fresh).status_code == 200 and _get(fresh).content == _png()
    expired = public_media_url(asset["id"], asset["sha256"], now=time.time() - 25 * 3600)
    assert _get(expired).status_code == 404
    *head, expires, signature = fresh.split("/")
    assert _get("/".join([*head, str(int(expires) + 86400), signature])).status_code == 404
    legacy = "/".join([*head, signature])  # the old never-expiring form
    assert _get(legacy).status_code == 404
