"""The OpenID Connect protocol half of "Sign in with <provider>" (authlib + joserfc).

Authorization code flow with PKCE (S256), a fresh `state` and `nonce` per attempt, both bound to
the browser by a random HttpOnly cookie whose hash is stored with the attempt (services/oidc_store.py).
The ID token's signature (provider JWKS), `iss`, `aud`/`azp`, `exp`/`iat` and `nonce` are checked
here; profile claims (email, email_verified, name, role claim) come from the ID token and userinfo
(whose `sub` must match). Every request goes through the private-address guard.

Errors are `OidcError(code)`: the code picks a fixed message for the login page (never text the
provider sent), the detail goes to the log for the operator.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import httpx2
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.config import get_settings
from services.oidc_config import OidcProvider
from services.security.net_guard import (
    AllowEntry,
    Policy,
    default_allow_list,
    guarded_httpx2_transport,
    guarded_transport,
    parse_allow_entry,
)

log = logging.getLogger("socialhub.oidc")
DISCOVERY_TTL = 300.0  # seconds a provider's metadata and keys are reused
HTTP_TIMEOUT = 10.0
LEEWAY = 60  # clock skew tolerated on exp/iat (seconds)
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]

MESSAGES = {
    "down": "Sign-in with {name} is unavailable right now: the identity provider did not answer.",
    "denied": "Sign-in with {name} was cancelled or refused by the identity provider.",
    "state": "That sign-in link expired or was already used. Please start again.",
    "token": "Sign-in with {name} failed: the identity provider's answer could not be verified.",
    "unverified": "{name} has not confirmed your email address, so it cannot be used to sign in here.",
    "domain": "Your email address's domain is not allowed to sign in with {name}.",
    "closed": "There is no SocialHub account for this email and registration is closed. Ask an administrator for an invite.",
    "unknown": "This sign-in provider is not configured.",
    "failed": "Sign-in with {name} failed. Please try again.",
}


class OidcError(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(detail or code)
        self.code = code if code in MESSAGES else "failed"


def message(code: str, provider_name: str) -> str:
    return MESSAGES.get(code, MESSAGES["failed"]).format(name=provider_name or "your identity provider")


@dataclass
class Metadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    jwks: dict[str, Any] = field(default_factory=dict)
    fetched_at: float = 0.0


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    claims: dict[str, Any]


_cache: dict[str, Metadata] = {}


def _policy(provider: OidcProvider) -> Policy:
    """The guard's allow-list plus the issuer's own host:port: the operator configured it (like the
    platform endpoints in the environment), so an IdP on the internal network works as is."""
    entry = parse_allow_entry(provider.issuer)
    extra: tuple[AllowEntry, ...] = ()
    if entry is not None:
        extra = (AllowEntry(entry.host, entry.port or (443 if provider.issuer.startswith("https") else 80)),)
    return Policy(allow=(*default_allow_list(), *extra))


async def _get_json(provider: OidcProvider, url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=guarded_transport(_policy(provider)), trust_env=False,
                                 timeout=HTTP_TIMEOUT) as http:
        response = await http.get(url, headers=headers or {})
    response.raise_for_status()
    data = response.json()
    if not isinstance(data, dict):
        raise ValueError(f"{url} did not answer a JSON object")
    return data


async def discover(provider: OidcProvider, *, refresh: bool = False) -> Metadata:
    """The provider's metadata and signing keys; raises OidcError("down") when it cannot be reached."""
    cached = _cache.get(provider.id)
    if cached and not refresh and time.monotonic() - cached.fetched_at < DISCOVERY_TTL:
        return cached
    try:
        doc = await _get_json(provider, f"{provider.issuer}/.well-known/openid-configuration")
        if str(doc.get("issuer", "")).rstrip("/") != provider.issuer:  # OIDC Discovery §4.3
            raise ValueError(f"discovery issuer {doc.get('issuer')!r} is not {provider.issuer!r}")
        meta = Metadata(
            issuer=str(doc["issuer"]),
            authorization_endpoint=str(doc["authorization_endpoint"]),
            token_endpoint=str(doc["token_endpoint"]),
            jwks_uri=str(doc["jwks_uri"]),
            userinfo_endpoint=str(doc.get("userinfo_endpoint") or ""),
        )
        meta.jwks = await _get_json(provider, meta.jwks_uri)
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        log.warning("OIDC provider %s unavailable: %s", provider.id, exc)
        raise OidcError("down", str(exc)) from exc
    meta.fetched_at = time.monotonic()
    _cache[provider.id] = meta
    return meta


def forget_metadata() -> None:
    """Tests start providers on new ports: drop what was cached."""
    _cache.clear()


def redirect_uri(provider: OidcProvider) -> str:
    return f"{get_settings().base_url}/auth/oidc/{provider.id}/callback"


def authorization_url(provider: OidcProvider, meta: Metadata, state: str, nonce: str, verifier: str) -> str:
    client = AsyncOAuth2Client(provider.client_id, scope=provider.scopes, redirect_uri=redirect_uri(provider),
                               code_challenge_method="S256")
    url, _ = client.create_authorization_url(meta.authorization_endpoint, state=state, code_verifier=verifier,
                                             nonce=nonce)
    assert "code_challenge=" + create_s256_code_challenge(verifier) in url  # PKCE S256 is never skipped
    return url


async def _exchange(provider: OidcProvider, meta: Metadata, code: str, verifier: str) -> dict[str, Any]:
    client = AsyncOAuth2Client(provider.client_id, provider.client_secret, redirect_uri=redirect_uri(provider),
                               transport=guarded_httpx2_transport(_policy(provider)), trust_env=False, timeout=HTTP_TIMEOUT)
    try:
        async with client:
            token = await client.fetch_token(meta.token_endpoint, grant_type="authorization_code", code=code,
                                             code_verifier=verifier)
    except OAuth2Error as exc:  # the provider refused the code (used, expired, wrong verifier...)
        raise OidcError("token", f"token endpoint: {exc.error}") from exc
    except (httpx.HTTPError, httpx2.HTTPError, ValueError) as exc:
        raise OidcError("down", f"token endpoint: {exc}") from exc
    if not token.get("id_token"):
        raise OidcError("token", "no id_token in the token response")
    return dict(token)


def verify_id_token(provider: OidcProvider, meta: Metadata, id_token: str, nonce: str,
                    access_token: str = "") -> dict[str, Any]:
    """The ID token's claims after checking signature, iss, aud/azp, exp/iat and nonce."""
    try:
        decoded = jwt.decode(id_token, KeySet.import_key_set(meta.jwks), algorithms=ALGORITHMS)
        claims = CodeIDToken(
            dict(decoded.claims),
            dict(decoded.header),
            options={"iss": {"essential": True, "value": meta.issuer},
                     "aud": {"essential": True, "value": provider.client_id}},
            params={"nonce": nonce, "access_token": access_token} if access_token else {"nonce": nonce},
        )
        claims.validate(leeway=LEEWAY)
    except (JoseError, ValueError) as exc:
        raise OidcError("token", f"id_token rejected: {exc}") from exc
    if not claims.get("nonce") or claims.get("nonce") != nonce:
        raise OidcError("token", "id_token nonce missing")
    return dict(claims)


async def complete(provider: OidcProvider, meta: Metadata, code: str, verifier: str, nonce: str) -> Identity:
    """Code -> tokens -> verified ID token (+ userinfo) -> who this is."""
    token = await _exchange(provider, meta, code, verifier)
    try:
        claims = verify_id_token(provider, meta, token["id_token"], nonce, str(token.get("access_token") or ""))
    except OidcError:
        kid_known = True
        try:
            kid = jws.extract_compact(token["id_token"].encode()).protected.get("kid")
            kid_known = any(k.get("kid") == kid for k in meta.jwks.get("keys", []))
        except (JoseError, ValueError):
            pass
        if kid_known:
            raise
        meta = await discover(provider, refresh=True)  # the provider rotated its keys
        claims = verify_id_token(provider, meta, token["id_token"], nonce, str(token.get("access_token") or ""))
    merged = dict(claims)
    if meta.userinfo_endpoint and token.get("access_token"):
        try:
            info = await _get_json(provider, meta.userinfo_endpoint, {"Authorization": f"Bearer {token['access_token']}"})
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcError("down", f"userinfo: {exc}") from exc
        if info.get("sub") != claims["sub"]:
            raise OidcError("token", "userinfo sub differs from the id_token")
        merged = {**info, **claims}
    verified = merged.get("email_verified")
    return Identity(
        issuer=provider.issuer,  # the configured form (discovery proved it equal): links survive a trailing "/"
        subject=str(claims["sub"]),
        email=str(merged.get("email") or "").strip().lower(),
        email_verified=verified is True or str(verified).lower() == "true",
        name=str(merged.get("name") or merged.get("preferred_username") or "").strip(),
        claims=merged,
    )
