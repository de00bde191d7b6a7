"""Test-only platform adapters for the CountingNet fake (tests/fakes/countingnet.py).

Imported by tests (and by worker subprocesses via `--import tests.countingnet_adapter`), never by
the app. Three variants cover the engine's unknown-outcome branches:
- countingnet         sends an idempotency key (and can look posts up)
- countingnet_lookup  no key, but can look its recent posts up
- countingnet_blind   neither: an unknown outcome can only go to needs_review
"""

from __future__ import annotations

import os
from datetime import datetime

import httpx

from services.platforms.base import (
    AccountMetrics,
    AccountRef,
    Constraints,
    Credentials,
    DiscoveredAccount,
    PlatformAdapter,
    PostMetrics,
    PublishRequest,
    PublishResult,
)
from services.platforms.errors import AuthError, error_from_response, error_from_transport
from services.platforms import registry
from services.platforms.registry import register


def _timeout() -> float:
    return float(os.environ.get("SOCIALHUB_COUNTINGNET_TIMEOUT", "2.0"))


class CountingNetAdapter(PlatformAdapter):
    name = "countingnet"
    label = "CountingNet"
    constraints = Constraints(max_chars=280)
    supports_idempotency_key = True
    can_lookup_recent_posts = True

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        return f"{self.instance_url}/oauth/authorize?state={state}"

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        return Credentials(access_token="token-1", refresh_token="refresh-1")

    async def refresh(self, creds: Credentials) -> Credentials:
        try:
            resp = await self.http().post(
                f"{self.instance_url}/oauth/token",
                data={"grant_type": "refresh_token", "refresh_token": creds.refresh_token},
                timeout=_timeout(),
            )
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, request_sent_matters=False) from exc
        if resp.status_code != 200:
            raise AuthError("CountingNet refused to refresh the token (access was revoked)", status_code=resp.status_code)
        data = resp.json()
        return Credentials(access_token=data["access_token"], refresh_token=data["refresh_token"])

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        return []

    def _headers(self, creds: Credentials, request: PublishRequest | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {creds.access_token}"}
        if request is not None and self.supports_idempotency_key and request.idempotency_key:
            headers["Idempotency-Key"] = request.idempotency_key
        return headers

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        try:
            resp = await self.http().post(
                f"{self.instance_url}/api/posts",
                json={"account": account.external_id, "text": request.text},
                headers=self._headers(creds, request),
                timeout=_timeout(),
            )
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, request_sent_matters=True) from exc
        if resp.status_code != 200:
            raise error_from_response(resp, f"CountingNet: {resp.json().get('error', resp.status_code)}")
        data = resp.json()
        return PublishResult(
            external_id=data["id"], url=data["url"], published_at=datetime.fromisoformat(data["created_at"])
        )

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        try:
            resp = await self.http().get(
                f"{self.instance_url}/api/posts",
                params={"account": account.external_id, "since": since.isoformat()},
                headers=self._headers(creds),
                timeout=_timeout(),
            )
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, request_sent_matters=False) from exc
        if resp.status_code != 200:
            raise error_from_response(resp, f"CountingNet: {resp.json().get('error', resp.status_code)}")
        for post in resp.json()["posts"]:
            if post["text"] == request.text:
                return PublishResult(post["id"], post["url"], datetime.fromisoformat(post["created_at"]))
        return None

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        return None

    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        return PostMetrics()

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        return AccountMetrics()


class CountingNetLookupAdapter(CountingNetAdapter):
    name = "countingnet_lookup"
    label = "CountingNet (lookup)"
    supports_idempotency_key = False
    can_lookup_recent_posts = True


class CountingNetBlindAdapter(CountingNetAdapter):
    name = "countingnet_blind"
    label = "CountingNet (blind)"
    supports_idempotency_key = False
    can_lookup_recent_posts = False


def register_all() -> None:
    registry.all_adapters()  # load the built-in platforms first: the registry loads them only when empty
    for cls in (CountingNetAdapter, CountingNetLookupAdapter, CountingNetBlindAdapter):
        register(cls)


register_all()
