"""The built-in Demo network: lets a newcomer try the whole product with no platform credentials.

Unlike real adapters it has no remote server: its "server side" is a DemoServer object that
services.demo_network provides (it keeps the posts in our own database). The adapter itself never
touches the database — platforms don't — it only talks to that server, as other adapters talk HTTP. Its engagement numbers are simulated, deterministic per post
(seeded from the post id) and grow with the post's age, and every metric says simulated=True
so analytics can label them.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from services.platforms.base import (
    AccountMetrics,
    AccountRef,
    Constraints,
    Credentials,
    DiscoveredAccount,
    PlatformAdapter,
    PostMetrics,
    Profile,
    PublishRequest,
    PublishResult,
)
from services.platforms.errors import PermanentError
from services.platforms.registry import register
from services.platforms.text_counting import same_post_text


@dataclass(frozen=True)
class DemoRecord:
    """One post as the Demo network's server stores it."""

    id: int
    account_external_id: str
    text: str
    media_count: int
    created_at: datetime
    deleted_at: datetime | None = None


class DemoServer(Protocol):
    """What the Demo adapter needs from the network's server side (services.demo_network)."""

    def create_post(self, account_external_id: str, text: str, media_count: int, key: str | None) -> DemoRecord:
        """Store a post; with a key already used by this account, return the first post instead."""
        ...

    def post_by_key(self, account_external_id: str, key: str) -> DemoRecord | None: ...

    def get_post(self, post_id: int) -> DemoRecord | None: ...

    def delete_post(self, post_id: int) -> None: ...

    def recent_posts(self, account_external_id: str, since: datetime, limit: int) -> list[DemoRecord]:
        """The account's posts created since `since`, newest first."""
        ...


_server: DemoServer | None = None


def use_server(server: DemoServer) -> None:
    """Plug in the network's server side (services.demo_network does this when it is imported)."""
    global _server
    _server = server


def demo_server() -> DemoServer:
    if _server is None:  # a wiring bug, not a platform answer: fail loudly
        raise RuntimeError("The Demo network has no server side: import services.demo_network first")
    return _server


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def simulated_post_metrics(post_id: int, created_at: datetime, now: datetime | None = None) -> PostMetrics:
    """Saturating growth (most engagement in the first day), with a per-post 'virality' from its id."""
    now = now or datetime.now(UTC)
    hours = max(0.0, (now - _as_utc(created_at)).total_seconds() / 3600)
    rng = random.Random(post_id * 7919)
    reach_cap = rng.randint(300, 5000)
    growth = 1 - math.exp(-hours / rng.uniform(4, 18))
    # a few first viewers right away, so a just-published Demo post already shows (simulated) numbers
    first_viewers = rng.randint(20, 60)
    impressions = first_viewers + int(reach_cap * growth + min(hours, 24 * 30) * rng.uniform(0.5, 3))
    like_rate, repost_rate, reply_rate = rng.uniform(0.02, 0.08), rng.uniform(0.002, 0.02), rng.uniform(0.002, 0.015)
    return PostMetrics(
        likes=int(impressions * like_rate),
        reposts=int(impressions * repost_rate),
        replies=int(impressions * reply_rate),
        impressions=impressions,
        reach=int(impressions * rng.uniform(0.6, 0.9)),
        clicks=int(impressions * rng.uniform(0.005, 0.03)),
        simulated=True,
    )


def simulated_followers(external_id: str, connected_at: datetime, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    days = max(0.0, (now - _as_utc(connected_at)).total_seconds() / 86400)
    rng = random.Random(external_id)
    return int(rng.randint(80, 400) + days * rng.uniform(1.5, 6))


@register
class DemoAdapter(PlatformAdapter):
    name = "demo"
    label = "Demo network"
    auth_kind = "none"
    constraints = Constraints(max_chars=500)
    supports_idempotency_key = True
    can_lookup_recent_posts = True

    def is_configured(self) -> bool:
        return True

    def config_help(self) -> str:
        return "Built in: no credentials needed. Posts stay inside SocialHub; engagement is simulated."

    def can_refresh(self, creds: Credentials) -> bool:
        return True

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        raise PermanentError("The Demo network connects with one click, without a redirect")

    async def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Credentials:
        raise PermanentError("The Demo network connects with one click, without a redirect")

    async def refresh(self, creds: Credentials) -> Credentials:
        return creds

    def demo_account(self, creds: Credentials) -> DiscoveredAccount:
        """Discovery needs no network here, so the accounts service may call it synchronously."""
        external_id = str(creds.extra.get("external_id") or "demo")
        profile = Profile(
            external_id=external_id,
            display_name="Demo account",
            username="demo",
            avatar_url="",
            profile_url=f"{self.settings.base_url}/demo/profile/{external_id}",
        )
        return DiscoveredAccount(profile=profile, credentials=creds)

    async def discover_accounts(self, creds: Credentials) -> list[DiscoveredAccount]:
        return [self.demo_account(creds)]

    def _url(self, post_id: int) -> str:
        return f"{self.settings.base_url}/demo/post/{post_id}"

    def _result(self, post: DemoRecord) -> PublishResult:
        return PublishResult(external_id=str(post.id), url=self._url(post.id), published_at=post.created_at)

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        self.refuse_reply(request)
        key = request.idempotency_key or None
        server = demo_server()
        if key:
            existing = server.post_by_key(account.external_id, key)
            if existing:
                return self._result(existing)
        return self._result(server.create_post(account.external_id, request.text, len(request.media), key))

    def _post(self, account: AccountRef, external_id: str) -> DemoRecord:
        try:
            post_id = int(external_id)
        except ValueError:
            raise PermanentError(f"Demo network: no post {external_id!r}") from None
        post = demo_server().get_post(post_id)
        if post is None or post.account_external_id != account.external_id or post.deleted_at:
            raise PermanentError("Demo network: post not found (deleted?)")
        return post

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        demo_server().delete_post(self._post(account, external_id).id)

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        for post in demo_server().recent_posts(account.external_id, since, limit=50):
            if post.deleted_at is None and same_post_text(post.text, request.text):
                return self._result(post)
        return None

    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        post = self._post(account, external_id)
        return simulated_post_metrics(post.id, post.created_at)

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        connected = creds.extra.get("connected_at")
        since = datetime.fromisoformat(connected) if connected else datetime.now(UTC)
        return AccountMetrics(followers=simulated_followers(account.external_id, since), simulated=True)
