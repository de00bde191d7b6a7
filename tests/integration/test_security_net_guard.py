"""Issue 11.2: the SSRF guard on every outgoing call to a user-chosen host, over real HTTP.

The fakes listen on 127.0.0.1, which the test environment allow-lists; each test here clears or
narrows that allow-list (as a real instance has it) and checks the fake never saw a request.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.routing import Route

from services.platforms.bluesky import BlueskyAdapter
from services.platforms.errors import PermanentError, PlatformError
from services.platforms.mastodon import MastodonAdapter
from services.security import net_guard
from services.security.net_guard import Policy, guarded_async_client, internal_reason, parse_allow_list
from tests.fakes.bluesky import BlueskyFake
from tests.fakes.mastodon import MastodonFake
from tests.fakes.oauth_support import configure_env
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.server import FakeServer


class EchoServer(FakeServer):
    """Answers every path with 200 (and /go?to=URL with a redirect), recording each request."""

    def build(self) -> Starlette:
        async def echo(request: Request):  # noqa: ANN202
            await self.record(request)
            if request.url.path == "/go":
                return RedirectResponse(request.query_params["to"], status_code=302)
            if request.url.path == "/html-error":
                return PlainTextResponse("<h1>internal admin: db password hunter2</h1>", status_code=502)
            return PlainTextResponse("hello")

        return Starlette(routes=[Route("/{path:path}", echo, methods=["GET", "POST"])])


@pytest.fixture(scope="module")
def echo():
    with EchoServer() as a:
        yield a


@pytest.fixture(scope="module")
def echo2():
    with EchoServer() as b:
        yield b


@pytest.fixture
def closed(monkeypatch, tmp_path):
    """An instance with no allow-list at all."""
    configure_env(monkeypatch, {"SOCIALHUB_ALLOW_PRIVATE_HOSTS": ""}, data_dir=tmp_path)
    for name in ("SOCIALHUB_BLUESKY_PDS", "SOCIALHUB_X_API_BASE"):
        monkeypatch.delenv(name, raising=False)
    from services.config import reset_settings

    reset_settings()
    yield
    reset_settings()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.1.2.3", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
        "100.100.100.200", "0.0.0.0", "224.0.0.1", "::1", "::", "fc00::1", "fd00:ec2::254", "fe80::1",
        "::ffff:127.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "192.0.2.10",
    ],
)  # fmt: skip
def test_internal_addresses_are_refused(address: str) -> None:
    assert internal_reason(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1"])
def test_public_addresses_pass(address: str) -> None:
    assert internal_reason(ipaddress.ip_address(address)) == ""


def test_allow_list_syntax() -> None:
    entries = parse_allow_list("ollama.internal, 127.0.0.1:11434,[::1]:8080, http://gpu.lan:8000 ,")
    policy = Policy(allow=entries, resolve=lambda host, port: ["10.0.0.7"])
    assert policy.check("ollama.internal", 1234) == ["10.0.0.7"]  # a bare name: any port
    assert policy.check("127.0.0.1", 11434) == ["127.0.0.1"]
    assert policy.check("::1", 8080) == ["::1"]
    assert policy.check("gpu.lan", 8000) == ["10.0.0.7"]
    for host, port in (("127.0.0.1", 11435), ("::1", 80), ("gpu.lan", 80), ("other.lan", 80)):
        with pytest.raises(net_guard.DestinationRefused, match="SOCIALHUB_ALLOW_PRIVATE_HOSTS"):
            policy.check(host, port)


async def test_mastodon_instance_on_loopback_is_refused(closed, monkeypatch) -> None:
    with MastodonFake() as masto:
        monkeypatch.setenv("SOCIALHUB_MASTODON_ALLOW_HTTP", "1")
        adapter = MastodonAdapter(instance_url=masto.url)
        with pytest.raises(PermanentError, match="does not connect to 127.0.0.1: it is a loopback address"):
            await adapter.register_app("http://127.0.0.1:1/oauth/callback/mastodon")
        await adapter.aclose()
        assert masto.recorded == []


async def test_name_resolving_to_loopback_is_refused(closed, echo: EchoServer) -> None:
    async with guarded_async_client() as client:
        with pytest.raises(httpx.ConnectError, match="does not connect to localhost"):
            await client.get(f"http://localhost:{echo.port}/")
    assert echo.recorded == []


async def test_allow_list_opens_exactly_host_and_port(echo: EchoServer, echo2: EchoServer) -> None:
    before = len(echo2.recorded)
    policy = Policy(allow=parse_allow_list(f"127.0.0.1:{echo.port}"))
    async with guarded_async_client(policy=policy) as client:
        assert (await client.get(f"{echo.url}/ok")).text == "hello"
        with pytest.raises(httpx.ConnectError, match="loopback"):
            await client.get(f"{echo2.url}/ok")
    assert len(echo2.recorded) == before


async def test_redirect_to_an_internal_host_is_refused(echo: EchoServer, echo2: EchoServer) -> None:
    before = len(echo2.recorded)
    policy = Policy(allow=parse_allow_list(f"127.0.0.1:{echo.port}"))
    async with guarded_async_client(policy=policy, follow_redirects=True) as client:
        with pytest.raises(httpx.ConnectError, match="does not connect"):
            await client.get(f"{echo.url}/go", params={"to": f"{echo2.url}/secret"})
    assert echo.requests_to("GET", "/go") and len(echo2.recorded) == before


def _fake_dns(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Stand-in DNS for made-up names: each lookup pops the next answer (the last one repeats)."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any):  # noqa: ANN202
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in answers:
            lookups.append(name)
            queue = answers[name]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


async def test_dns_rebinding_cannot_move_the_connection(closed, echo: EchoServer, monkeypatch) -> None:
    """The name first resolves public (passes the check), then to 127.0.0.1: the socket stays on the checked IP."""
    lookups = _fake_dns(monkeypatch, {"rebind.example": ["93.184.216.34", "127.0.0.1"]})
    before = len(echo.recorded)
    async with guarded_async_client(timeout=httpx.Timeout(2.0)) as client:
        with pytest.raises(httpx.TransportError):
            await client.get(f"http://rebind.example:{echo.port}/steal")
    assert lookups == ["rebind.example"]  # resolved once, for the check; no second lookup to rebind
    assert len(echo.recorded) == before


async def test_pinned_connection_keeps_the_host_name(echo: EchoServer, monkeypatch) -> None:
    _fake_dns(monkeypatch, {"ollama.internal": ["127.0.0.1"]})
    policy = Policy(allow=parse_allow_list("ollama.internal"))
    async with guarded_async_client(policy=policy) as client:
        assert (await client.get(f"http://ollama.internal:{echo.port}/v1/models")).status_code == 200
    assert echo.recorded[-1].headers["host"] == f"ollama.internal:{echo.port}"


async def test_bluesky_pds_named_by_the_login_reply_is_checked(closed, monkeypatch) -> None:
    """The operator's PDS is trusted; the PDS its login reply points to is a user-controlled address."""
    internal = EchoServer().start()

    class PointsInward(BlueskyFake):
        def session(self, scope: str = "com.atproto.appPass") -> dict[str, Any]:
            data = super().session(scope)
            data["didDoc"]["service"][0]["serviceEndpoint"] = internal.url
            return data

    try:
        with PointsInward() as entry:
            configure_env(monkeypatch, {"SOCIALHUB_BLUESKY_PDS": entry.url})
            adapter = BlueskyAdapter()
            creds = await adapter.login_with_app_password(entry.handle, entry.app_password)
            with pytest.raises(PermanentError, match="does not connect to 127.0.0.1"):
                await adapter.discover_accounts(creds)
            await adapter.aclose()
        assert internal.recorded == []
    finally:
        internal.stop()


async def test_ai_provider_on_an_internal_address_is_skipped_with_a_reason(closed) -> None:
    from services.ai.chat_client import CallResult, ProviderFailure, chat
    from services.ai.providers import ProviderConfig

    with FakeOpenAIServer() as fake:
        provider = ProviderConfig(
            id=1, name="local", base_url=fake.base_url, model="m", api_key="sk-test-1234", key_last4="1234",
            price_in_per_1k=0, price_out_per_1k=0, timeout_seconds=5, personal=False,
        )  # fmt: skip
        with pytest.raises(ProviderFailure) as failure:
            async for _ in chat(provider, [{"role": "user", "content": "hi"}], 50, CallResult(), stream=False):
                pass
        assert failure.value.kind == "refused" and "does not connect to 127.0.0.1" in failure.value.reason
        assert fake.chat_requests() == []


async def test_non_json_error_bodies_are_never_shown(echo: EchoServer, monkeypatch) -> None:
    monkeypatch.setenv("SOCIALHUB_MASTODON_ALLOW_HTTP", "1")
    adapter = MastodonAdapter(instance_url=echo.url)
    with pytest.raises(PlatformError) as err:
        await adapter._json("GET", f"{echo.url}/html-error")  # noqa: SLF001 - the one request path
    await adapter.aclose()
    assert "hunter2" not in err.value.message and "admin" not in err.value.message
    assert "HTTP 502" in err.value.message
