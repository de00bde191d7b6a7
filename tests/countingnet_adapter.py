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

from services.platforms import registry
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
            raise AuthError(
                "CountingNet refused to refresh the token (access was revoked)", status_code=resp.status_code
            )
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
        self.refuse_reply(request)
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


# --- test data on CountingNet accounts (shared by the publishing/posts tests and the bench) ---------


def seed_org(name: str = "Acme") -> int:
    from services.db import session_scope
    from services.models import Organization

    with session_scope() as session:
        org = Organization(name=name)
        session.add(org)
        session.flush()
        return int(org.id)


def add_account(
    org_id: int,
    instance_url: str,
    *,
    platform: str = "countingnet",
    external_id: str = "acct-1",
    username: str = "alice",
    access_token: str = "token-1",
    refresh_token: str = "refresh-1",
    status: str = "active",
) -> int:
    """A connected account whose (encrypted) tokens are the fake's valid ones."""
    from services.crypto import encrypt_json
    from services.db import session_scope
    from services.models import SocialAccount

    creds = Credentials(access_token=access_token, refresh_token=refresh_token)
    with session_scope() as session:
        account = SocialAccount(
            organization_id=org_id,
            platform=platform,
            instance_url=instance_url,
            external_id=external_id,
            display_name=username.title(),
            username=username,
            token_blob=encrypt_json(creds.to_dict()),
            status=status,
        )
        session.add(account)
        session.flush()
        return int(account.id)


def bulk_schedule(org_id: int, account_ids: list[int], count: int, due: datetime, prefix: str = "post") -> list[int]:
    """`count` one-target posts spread round-robin over the accounts, all due at `due` (fast core inserts)."""
    import uuid

    from sqlalchemy import insert

    from services.db import session_scope
    from services.models import Post, PostTarget

    post_ids: list[int] = []
    with session_scope() as session:
        for start in range(0, count, 1000):
            n = min(1000, count - start)
            rows = [
                {
                    "organization_id": org_id,
                    "body": f"{prefix} #{start + i}",
                    "status": "scheduled",
                    "scheduled_at": due,
                    "timezone": "UTC",
                    "version": 1,
                    "created_at": due,
                    "updated_at": due,
                }
                for i in range(n)
            ]
            ids = session.execute(insert(Post.__table__).returning(Post.__table__.c.id), rows).scalars().all()
            post_ids.extend(ids)
            session.execute(
                insert(PostTarget.__table__),
                [
                    {
                        "organization_id": org_id,
                        "post_id": pid,
                        "social_account_id": account_ids[(start + i) % len(account_ids)],
                        "status": "scheduled",
                        "attempts": 0,
                        "next_attempt_at": due,
                        "last_error": "",
                        "error_kind": "",
                        "external_id": "",
                        "external_url": "",
                        "claimed_by": "",
                        "idempotency_key": uuid.uuid4().hex,
                        "created_at": due,
                        "updated_at": due,
                    }
                    for i, pid in enumerate(ids)
                ],
            )
        from services.publishing.wakeup import announce_due

        announce_due(session, due)  # core inserts bypass the ORM hook: wake the engines ourselves
    return post_ids


def target_statuses() -> dict[str, int]:
    from sqlalchemy import func, select

    from services.db import session_scope
    from services.models import PostTarget

    T = PostTarget.__table__
    with session_scope() as session:
        return dict(session.execute(select(T.c.status, func.count()).group_by(T.c.status)).all())
