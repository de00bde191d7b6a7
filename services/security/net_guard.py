"""Server-side request forgery guard for every outgoing call to a host a user can choose.

A workspace member types a Mastodon instance, a Bluesky PDS (whose login reply names yet another
PDS) or an AI provider base URL, and the *server* then connects there. Without a guard that is a
way to reach loopback services, the private network or the cloud metadata endpoint.

The guard sits where the socket is opened (an httpcore network backend), not in front of the URL:
- the host name is resolved once, every address it resolves to is checked, and the socket connects
  to the checked address itself — a DNS answer that changes between check and connect (rebinding)
  cannot move the connection, and the URL, `Host` header and TLS SNI/certificate check keep the
  name;
- every new connection is checked, so a redirect (or a keep-alive pool reaching a new origin) is
  checked exactly like the first request;
- loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 — the cloud
  metadata address —, fe80::/10), shared (100.64/10), unspecified, multicast, reserved and
  documentation ranges are refused, including their IPv4-mapped / NAT64 / 6to4 spellings;
- `SOCIALHUB_ALLOW_PRIVATE_HOSTS=host[:port],…` lets an operator open a hole on purpose (a local
  Ollama, the test fakes). Endpoints the operator sets in the environment (e.g.
  `SOCIALHUB_BLUESKY_PDS`, `SOCIALHUB_X_API_BASE`) are trusted the same way.

Environment proxies are not used by guarded clients (`trust_env=False`): a proxy would resolve the
name itself and defeat the pin.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

#: Env vars whose URLs the operator set: their hosts are trusted like allow-listed ones.
OPERATOR_URL_SUFFIXES = ("_API_BASE", "_AUTH_BASE", "_GRAPH_BASE", "_AUTHORIZE_URL", "_PDS")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
ALLOW_HINT = "An operator can allow it with SOCIALHUB_ALLOW_PRIVATE_HOSTS."


class DestinationRefused(Exception):  # noqa: N818 - a marker mixed into the transport's ConnectError
    """Marker for 'the guard refused this address'; found on an httpx error's cause chain."""


_refused_classes: dict[str, type[Exception]] = {}


def _refused_class(core: Any) -> type[Exception]:
    """A ConnectError of that httpcore flavour: httpx maps it to its own ConnectError, keeping the message."""
    return _refused_classes.setdefault(core.__name__, type("Refused", (DestinationRefused, core.ConnectError), {}))


def is_refused(exc: BaseException | None) -> bool:
    """Whether an exception (or anything on its cause chain) is a guard refusal."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DestinationRefused):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def refusal_message(exc: BaseException | None) -> str:
    """The guard's sentence for the user ('' when the failure was not a refusal)."""
    for _ in range(10):
        if exc is None:
            return ""
        if isinstance(exc, DestinationRefused):
            return str(exc)
        exc = exc.__cause__ or exc.__context__
    return ""


# --- which addresses are internal ---------------------------------------------------------------
def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def internal_reason(ip: IPAddress) -> str:
    """Why this address must not be reached ('' = public). Global unicast only."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            return internal_reason(inner)
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata lives there)"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private network address"
    if not ip.is_global:
        return "a reserved or internal address"
    return ""


# --- the operator's allow-list ------------------------------------------------------------------
@dataclass(frozen=True)
class AllowEntry:
    host: str
    port: int | None = None

    def matches(self, host: str, port: int) -> bool:
        return self.host == host and (self.port is None or self.port == port)


def _norm_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def parse_allow_entry(raw: str) -> AllowEntry | None:
    value = raw.strip()
    if not value:
        return None
    if "://" in value:
        parts = urlsplit(value)
        return AllowEntry(_norm_host(parts.hostname or ""), parts.port) if parts.hostname else None
    if value.startswith("["):  # [::1]:11434
        host, _, rest = value[1:].partition("]")
        port = rest.lstrip(":")
        return AllowEntry(_norm_host(host), int(port) if port.isdigit() else None)
    if value.count(":") == 1:
        host, port = value.split(":")
        return AllowEntry(_norm_host(host), int(port) if port.isdigit() else None)
    return AllowEntry(_norm_host(value))  # a bare name, IPv4 or unbracketed IPv6: any port


def parse_allow_list(raw: str) -> tuple[AllowEntry, ...]:
    return tuple(e for e in (parse_allow_entry(p) for p in (raw or "").split(",")) if e is not None)


def operator_entries(env: dict[str, str]) -> tuple[AllowEntry, ...]:
    """Hosts of platform endpoints the operator configured (SOCIALHUB_X_API_BASE, …_PDS, …)."""
    out = []
    for name, value in env.items():
        if name.startswith("SOCIALHUB_") and name.endswith(OPERATOR_URL_SUFFIXES) and "://" in value:
            entry = parse_allow_entry(value)
            if entry is not None:
                port = entry.port or (443 if value.lower().startswith("https") else 80)
                out.append(AllowEntry(entry.host, port))
    return tuple(out)


def default_allow_list() -> tuple[AllowEntry, ...]:
    from services.config import get_settings

    settings = get_settings()
    return (*settings.allow_private_hosts, *operator_entries(settings.platform_env))


# --- resolution and the check -------------------------------------------------------------------
def system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0]).split("%")[0]
        if address not in seen:
            seen.append(address)
    return seen


@dataclass
class Policy:
    """What the guard allows; `allow=None` reads the settings at each connect (tests change them)."""

    allow: tuple[AllowEntry, ...] | None = None
    resolve: Resolver = system_resolve

    def allow_entries(self) -> tuple[AllowEntry, ...]:
        return default_allow_list() if self.allow is None else self.allow

    def allowed(self, host: str, port: int, addresses: Iterable[str] = ()) -> bool:
        entries = self.allow_entries()
        names = [_norm_host(host), *(_norm_host(a) for a in addresses)]
        return any(e.matches(n, port) for e in entries for n in names)

    def check(self, host: str, port: int) -> list[str]:
        """The addresses to connect to, in order; raises DestinationRefused (plain) when none may be used."""
        name = _norm_host(host)
        try:
            addresses = [str(ipaddress.ip_address(name))]
        except ValueError:
            try:
                addresses = self.resolve(name, port)
            except (OSError, UnicodeError):
                raise socket.gaierror(f"could not resolve {name}") from None
        if not addresses:
            raise socket.gaierror(f"could not resolve {name}")
        if self.allowed(name, port, addresses):
            return addresses
        for address in addresses:  # one internal answer taints the name: no "pick the public one"
            reason = internal_reason(ipaddress.ip_address(address))
            if reason:
                raise DestinationRefused(
                    f"SocialHub does not connect to {name}: it is {reason}. {ALLOW_HINT}"
                )
        return addresses


def check_url(url: str, policy: Policy | None = None) -> str:
    """Refusal message for a user-typed URL ('' = fine), for a clear answer when it is saved.

    Only a courtesy: the connect-time check is what protects, since DNS can change later.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url} is not an http(s) address."
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        (policy or Policy()).check(parts.hostname, port)
    except DestinationRefused as exc:
        return str(exc)
    except OSError:
        return ""  # unresolvable now: the call itself will say so
    return ""


# --- the network backend ------------------------------------------------------------------------
class GuardedBackend:
    """An httpcore(2) network backend that checks and pins every TCP connection."""

    def __init__(self, inner: Any, policy: Policy, core: Any) -> None:
        self._inner = inner
        self._policy = policy
        self._core = core
        self._refused = _refused_class(core)

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kwargs: Any) -> Any:  # noqa: ASYNC109 - httpcore API
        check = functools.partial(self._policy.check, host, port)
        try:
            if _is_ip_literal(host):  # nothing to resolve: no thread hop
                addresses = check()
            else:
                with anyio.fail_after(timeout) if timeout else _no_timeout():
                    addresses = await anyio.to_thread.run_sync(check)
        except DestinationRefused as exc:
            raise self._refused(str(exc)) from None
        except (OSError, TimeoutError) as exc:
            raise self._core.ConnectError(f"could not resolve {host}: {type(exc).__name__}") from None
        last: Exception | None = None
        for address in addresses:  # the checked address itself: no second DNS lookup
            try:
                return await self._inner.connect_tcp(address, port, timeout=timeout, **kwargs)
            except Exception as exc:  # noqa: BLE001 - try the next checked address, then re-raise
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> Any:
        raise self._refused("unix sockets are not reachable through the guard")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(_norm_host(host))
    except ValueError:
        return False
    return True


class _no_timeout:  # noqa: N801 - a tiny null context manager
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _guard_transport(transport: Any, core: Any, policy: Policy | None) -> Any:
    pool = transport._pool  # noqa: SLF001 - httpx exposes no network_backend option; pinned versions
    pool._network_backend = GuardedBackend(pool._network_backend, policy or Policy(), core)  # noqa: SLF001
    return transport


def guarded_transport(policy: Policy | None = None, **kwargs: Any) -> httpx.AsyncHTTPTransport:
    kwargs.setdefault("trust_env", False)
    return _guard_transport(httpx.AsyncHTTPTransport(**kwargs), httpcore, policy)


def guarded_async_client(
    *, policy: Policy | None = None, limits: httpx.Limits | None = None, verify: Any = None, **kwargs: Any
) -> httpx.AsyncClient:
    """An httpx.AsyncClient whose every connection goes through the guard.

    `limits` and `verify` belong to the transport (httpx ignores them on a client given a transport).
    """
    transport_kwargs: dict[str, Any] = {"limits": limits} if limits is not None else {}
    if verify is not None:
        transport_kwargs["verify"] = verify
    return httpx.AsyncClient(transport=guarded_transport(policy, **transport_kwargs), trust_env=False, **kwargs)


def guarded_httpx2_transport(policy: Policy | None = None) -> Any:
    """A guarded `httpx2` transport (the client authlib's httpx integration and the openai SDK use)."""
    import httpcore2
    import httpx2

    return _guard_transport(httpx2.AsyncHTTPTransport(trust_env=False), httpcore2, policy)


def guarded_httpx2_client(*, policy: Policy | None = None, **kwargs: Any) -> Any:
    """The same guard for the `httpx2` client the openai SDK uses."""
    import httpx2

    return httpx2.AsyncClient(transport=guarded_httpx2_transport(policy), trust_env=False, **kwargs)
