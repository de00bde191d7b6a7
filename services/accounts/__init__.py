"""Social accounts of a workspace: connecting (OAuth2, app password, Demo), tokens, disconnecting.

This package is the only place that stores or reads platform credentials; adapters never see
the database and the UI never sees a token.
"""

from services.accounts.catalog import (
    account_ref,
    adapter_for_account,
    platform_catalog,
    platform_label,
    redirect_uri_for,
)
from services.accounts.connections import (
    AccountNotFoundError,
    connect_bluesky,
    connect_demo,
    disconnect_account,
    get_account,
    list_accounts,
    save_discovered_accounts,
)
from services.accounts.oauth import CallbackOutcome, complete_oauth_callback, start_oauth_connect
from services.accounts.token_connect import connect_discord, connect_telegram
from services.accounts.tokens import (
    call_with_refresh,
    get_fresh_credentials,
    load_credentials,
    mark_needs_reconnect,
    refresh_account_credentials,
    store_credentials,
)

__all__ = [
    "AccountNotFoundError",
    "CallbackOutcome",
    "account_ref",
    "adapter_for_account",
    "call_with_refresh",
    "complete_oauth_callback",
    "connect_bluesky",
    "connect_demo",
    "connect_discord",
    "connect_telegram",
    "disconnect_account",
    "get_account",
    "get_fresh_credentials",
    "list_accounts",
    "load_credentials",
    "mark_needs_reconnect",
    "platform_catalog",
    "platform_label",
    "redirect_uri_for",
    "refresh_account_credentials",
    "save_discovered_accounts",
    "start_oauth_connect",
    "store_credentials",
]
