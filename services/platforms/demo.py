"""The built-in Demo network: lets a newcomer try the whole product with no platform credentials.

Unlike real adapters it keeps its "server side" in our own database (services.models.demo),
because there is no server. Its engagement numbers are simulated, deterministic per post
(seeded from the post id) and grow with the post's age, and every metric says simulated=True
so analytics can label them.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

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

    async def publish(self, creds: Credentials, account: AccountRef, request: PublishRequest) -> PublishResult:
        from services.db import session_scope
        from services.models.demo import DemoPost

        key = request.idempotency_key or None
        if key:
            existing = self._by_key(account.external_id, key)
            if existing:
                return existing
        try:
            with session_scope() as session:
                post = DemoPost(
                    account_external_id=account.external_id,
                    text=request.text,
                    media_count=len(request.media),
                    idempotency_key=key,
                )
                session.add(post)
                session.flush()
                return PublishResult(external_id=str(post.id), url=self._url(post.id), published_at=post.created_at)
        except IntegrityError:
            existing = self._by_key(account.external_id, key or "")
            if existing:  # a concurrent retry with the same key won the insert
                return existing
            raise

    def _by_key(self, account_external_id: str, key: str) -> PublishResult | None:
        from services.db import session_scope
        from services.models.demo import DemoPost

        with session_scope() as session:
            post = session.exec(
                select(DemoPost).where(
                    DemoPost.account_external_id == account_external_id, DemoPost.idempotency_key == key
                )
            ).first()
            if post is None:
                return None
            return PublishResult(external_id=str(post.id), url=self._url(post.id), published_at=post.created_at)

    def _post(self, account: AccountRef, external_id: str):  # noqa: ANN202
        from services.db import session_scope
        from services.models.demo import DemoPost

        try:
            post_id = int(external_id)
        except ValueError:
            raise PermanentError(f"Demo network: no post {external_id!r}") from None
        with session_scope() as session:
            post = session.get(DemoPost, post_id)
            if post is None or post.account_external_id != account.external_id or post.deleted_at:
                raise PermanentError("Demo network: post not found (deleted?)")
            return post

    async def delete(self, creds: Credentials, account: AccountRef, external_id: str) -> None:
        from services.db import session_scope
        from services.models.demo import DemoPost

        post = self._post(account, external_id)
        with session_scope() as session:
            row = session.get(DemoPost, post.id)
            row.deleted_at = datetime.now(UTC)
            session.add(row)

    async def find_recent_post(
        self, creds: Credentials, account: AccountRef, request: PublishRequest, since: datetime
    ) -> PublishResult | None:
        from services.db import session_scope
        from services.models.demo import DemoPost

        with session_scope() as session:
            posts = session.exec(
                select(DemoPost)
                .where(DemoPost.account_external_id == account.external_id, DemoPost.created_at >= since)
                .order_by(DemoPost.id.desc())
                .limit(50)
            ).all()
        for post in posts:
            if post.deleted_at is None and same_post_text(post.text, request.text):
                return PublishResult(external_id=str(post.id), url=self._url(post.id), published_at=post.created_at)
        return None

    async def fetch_post_metrics(self, creds: Credentials, account: AccountRef, external_id: str) -> PostMetrics:
        post = self._post(account, external_id)
        return simulated_post_metrics(post.id, post.created_at)

    async def fetch_account_metrics(self, creds: Credentials, account: AccountRef) -> AccountMetrics:
        connected = creds.extra.get("connected_at")
        since = datetime.fromisoformat(connected) if connected else datetime.now(UTC)
        return AccountMetrics(followers=simulated_followers(account.external_id, since), simulated=True)
