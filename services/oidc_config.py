"""Operator-configured OpenID Connect providers (`SOCIALHUB_OIDC_PROVIDERS`).

The variable holds a path to a JSON or TOML file, or inline JSON. Either a list of providers or
`{"providers": [...]}` (TOML: `[[providers]]` tables). Each provider:

    id               short slug used in URLs (/auth/oidc/<id>/start)           required
    name             shown on the button: "Sign in with <name>"                required
    issuer           the issuer URL; discovery reads <issuer>/.well-known/openid-configuration
    client_id        the client registered at the provider                     required
    client_secret    or the env var SOCIALHUB_OIDC_<ID>_CLIENT_SECRET (keeps it out of the file)
    allowed_domains  optional list: only emails in these domains may sign in
    scopes           default "openid email profile"
    role_claim       optional claim (e.g. "groups") whose values map to a workspace role...
    role_map         ...through {"claim value": "admin" | "editor" | "contributor" | "viewer"}
    role_workspace   ...in this workspace id (the person joins it or their role there follows the IdP)

Read once per settings object, so a broken file fails loudly at the first sign-in page load
with a message naming the variable (ConfigError), never a half-configured provider.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from services.config import ConfigError, get_settings

log = logging.getLogger("socialhub.oidc")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")
MAPPABLE_ROLES = ("admin", "editor", "contributor", "viewer")  # never "owner": that stays a local decision


@dataclass(frozen=True)
class OidcProvider:
    id: str
    name: str
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...] = ()
    scopes: str = "openid email profile"
    role_claim: str = ""
    role_map: tuple[tuple[str, str], ...] = ()
    role_workspace: int = 0

    def email_allowed(self, email: str) -> bool:
        if not self.allowed_domains:
            return True
        domain = email.rsplit("@", 1)[-1].lower()
        return domain in self.allowed_domains


def _raw_entries(value: str) -> list:
    if value.startswith(("[", "{")):
        data = json.loads(value)
    else:
        path = Path(value)
        text = path.read_text()
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    if isinstance(data, dict):
        data = data.get("providers", [])
    if not isinstance(data, list):
        raise ConfigError("SOCIALHUB_OIDC_PROVIDERS must list providers (a list, or {\"providers\": [...]})")
    return data


def _provider(entry: object) -> OidcProvider:
    if not isinstance(entry, dict):
        raise ConfigError("SOCIALHUB_OIDC_PROVIDERS: every provider must be an object/table")
    pid = str(entry.get("id", "")).strip().lower()
    if not SLUG.match(pid):
        raise ConfigError(f"SOCIALHUB_OIDC_PROVIDERS: provider id {pid!r} must be a short slug (a-z, 0-9, -, _)")
    secret = str(entry.get("client_secret") or os.environ.get(f"SOCIALHUB_OIDC_{pid.upper().replace('-', '_')}_CLIENT_SECRET", ""))
    missing = [k for k in ("name", "issuer", "client_id") if not str(entry.get(k, "")).strip()]
    if missing or not secret:
        raise ConfigError(f"SOCIALHUB_OIDC_PROVIDERS: provider {pid!r} lacks {', '.join(missing or ['client_secret'])}")
    issuer = str(entry["issuer"]).strip().rstrip("/")
    if not issuer.startswith(("https://", "http://")):
        raise ConfigError(f"SOCIALHUB_OIDC_PROVIDERS: issuer of {pid!r} must be an http(s) URL")
    role_map = entry.get("role_map") or {}
    if not isinstance(role_map, dict) or any(str(r) not in MAPPABLE_ROLES for r in role_map.values()):
        raise ConfigError(f"SOCIALHUB_OIDC_PROVIDERS: role_map of {pid!r} maps to {', '.join(MAPPABLE_ROLES)} only")
    return OidcProvider(
        id=pid,
        name=str(entry["name"]).strip()[:60],
        issuer=issuer,
        client_id=str(entry["client_id"]).strip(),
        client_secret=secret,
        allowed_domains=tuple(str(d).strip().lower().lstrip("@") for d in entry.get("allowed_domains") or ()),
        scopes=str(entry.get("scopes") or "openid email profile"),
        role_claim=str(entry.get("role_claim") or ""),
        role_map=tuple((str(k), str(v)) for k, v in role_map.items()),
        role_workspace=int(entry.get("role_workspace") or 0),
    )


@lru_cache(maxsize=4)
def _parse(value: str) -> tuple[OidcProvider, ...]:
    if not value:
        return ()
    try:
        entries = _raw_entries(value)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"SOCIALHUB_OIDC_PROVIDERS could not be read: {exc}") from exc
    providers = tuple(_provider(e) for e in entries)
    ids = [p.id for p in providers]
    if len(set(ids)) != len(ids):
        raise ConfigError("SOCIALHUB_OIDC_PROVIDERS: provider ids must be unique")
    return providers


def providers() -> tuple[OidcProvider, ...]:
    return _parse(get_settings().oidc_providers)


def provider(pid: str) -> OidcProvider | None:
    return next((p for p in providers() if p.id == pid), None)


def oidc_only() -> bool:
    """`SOCIALHUB_AUTH=oidc_only`: passwords never sign anyone in.

    Strict on purpose: a broken or empty provider list must not quietly turn passwords back on.
    """
    return get_settings().auth_mode == "oidc_only"


def buttons() -> list[dict[str, str]]:
    """What the login page shows: one "Sign in with <name>" link per provider.

    A broken provider file is logged and shows no buttons: the password form keeps working.
    """
    try:
        configured = providers()
    except ConfigError as exc:
        log.error("%s", exc)
        return []
    return [{"id": p.id, "name": p.name, "href": f"/auth/oidc/{p.id}/start"} for p in configured]
