"""Which platforms exist, whether this server can connect them, and how to build their adapters."""

from __future__ import annotations

from typing import Any

import httpx

import services.demo_network  # noqa: F401  (plugs the Demo network's server side into its adapter)
from services.config import get_settings
from services.models.accounts import SocialAccount
from services.platforms.base import AccountRef, PlatformAdapter
from services.platforms.errors import PermanentError
from services.platforms.registry import adapter_class, all_adapters, get_adapter

#: Order on the Accounts page: the no-credentials option first, then the big networks.
CATALOG_ORDER = (
    "demo",
    "mastodon",
    "bluesky",
    "telegram",
    "discord",
    "x",
    "linkedin",
    "facebook",
    "instagram",
    "tiktok",
)


def platform_catalog() -> list[dict[str, Any]]:
    """One row per platform for the Accounts page; unconfigured ones say which env vars to set."""
    adapters = all_adapters()
    names = [n for n in CATALOG_ORDER if n in adapters] + sorted(n for n in adapters if n not in CATALOG_ORDER)
    rows = []
    for name in names:
        adapter = adapters[name]()
        configured = adapter.is_configured()
        rows.append(
            {
                "name": name,
                "label": adapter.label,
                "auth_kind": adapter.auth_kind,
                "configured": configured,
                # Env-configured platforms explain what to set; the others (Demo, Mastodon, Bluesky) give a hint.
                "config_help": adapter.config_help() if not configured or not adapter.required_env else "",
                "max_chars": adapter.constraints.max_chars,
                # What the platform never reports (Telegram views, Discord webhook posts): said up front.
                "metrics_note": str(getattr(adapter, "metrics_note", "")),
                # the server lacks this platform's app credentials (only an instance admin can fix that)
                "needs_setup": not configured and bool(adapter.required_env),
            }
        )
    return rows


def platform_label(platform: str) -> str:
    try:
        return adapter_class(platform).label
    except KeyError:
        return platform


def known_adapter_class(platform: str) -> type[PlatformAdapter]:
    try:
        return adapter_class(platform)
    except KeyError:
        raise PermanentError(f"Unknown platform '{platform}'") from None


def redirect_uri_for(platform: str) -> str:
    """The callback URL to register with the platform (it must match byte for byte)."""
    return f"{get_settings().api_url}/oauth/callback/{platform}"


def adapter_for_account(account: SocialAccount, client: httpx.AsyncClient | None = None) -> PlatformAdapter:
    return get_adapter(account.platform, instance_url=account.instance_url, client=client)


def account_ref(account: SocialAccount) -> AccountRef:
    return AccountRef(
        external_id=account.external_id,
        instance_url=account.instance_url,
        username=account.username,
        display_name=account.display_name,
    )
