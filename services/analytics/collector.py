"""Metric collection, run by the embedded scheduler: fetch what is due, append snapshots.

Cadence: a published target younger than RECENT_POST_DAYS is read every
settings.analytics_recent_minutes, older ones about daily, until settings.analytics_daily_days;
each connected account's follower count every analytics_recent_minutes.

Rate limits: accounts run in parallel (bounded) but each account's calls run one after another
with a small pause, and a run takes at most `limit` targets (the most overdue first), so a
backlog is spread over several runs. A 429 stops that account until the platform's retry time,
stored in analytics_account_state so a restart or another worker honours it. An account whose
access is gone is flagged needs_reconnect once and then skipped (and reported) — never retried
in a loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import and_, case, func, or_, select, text

from services.accounts import account_ref, adapter_for_account, call_with_refresh, mark_needs_reconnect
from services.analytics.rollup import record_account_snapshot, record_post_snapshot
from services.config import get_settings
from services.db import get_engine, session_scope
from services.events import emit_event
from services.models import AccountMetricSnapshot, AnalyticsAccountState, PostMetricSnapshot, PostTarget, SocialAccount
from services.platforms.errors import AuthError, PermanentError, PlatformError, RateLimitedError
from services.publishing.states import TargetStatus

log = logging.getLogger(__name__)

RECENT_POST_DAYS = 7
DEFAULT_LIMIT = 200
DEFAULT_CONCURRENCY = 4
DEFAULT_PAUSE_SECONDS = 0.1
#: a 429 without a usable Retry-After still waits this long; a far-future reset is capped
DEFAULT_BACKOFF = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)
#: how often the scheduler should call analytics_job (due-ness is decided per target);
#: the app reads settings.analytics_job_seconds (SOCIALHUB_ANALYTICS_JOB_SECONDS), this is its default
ANALYTICS_JOB_INTERVAL_SECONDS = 300
#: "Refresh metrics now" re-reads whatever was not read this recently (one click cannot hammer an API)
REFRESH_NOW_MIN_AGE = timedelta(minutes=2)
_ADVISORY_LOCK_KEY = 0x534841_4E4C  # "SHANL"
SKIP_STATUSES = ("needs_reconnect", "disconnected")

_local_lock = threading.Lock()


@dataclass
class TargetDue:
    target_id: int
    organization_id: int
    external_id: str


@dataclass
class AccountWork:
    account_id: int
    organization_id: int
    platform: str
    targets: list[TargetDue] = field(default_factory=list)
    followers_due: bool = False


@dataclass
class CollectionReport:
    accounts: int = 0
    post_snapshots: int = 0
    account_snapshots: int = 0
    skipped_needs_reconnect: list[int] = field(default_factory=list)
    backing_off: dict[int, str] = field(default_factory=dict)  # account id → retry time (ISO)
    rate_limited: dict[int, str] = field(default_factory=dict)  # hit a 429 in this run → retry time
    flagged_needs_reconnect: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # "account 3" / "target 17" → message
    skipped: str = ""
    by_workspace: dict[int, int] = field(default_factory=dict)  # workspace id → snapshots taken

    def count(self, org_id: int) -> None:
        self.by_workspace[org_id] = self.by_workspace.get(org_id, 0) + 1

    def to_dict(self) -> dict:
        return asdict(self)


def _slack(interval: timedelta) -> timedelta:
    """Due a little early, so a job ticking at the same interval does not skip every other turn."""
    return min(interval * 0.1, timedelta(minutes=5))


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def plan_collection(
    now: datetime,
    limit: int,
    report: CollectionReport,
    *,
    organization_id: int | None = None,
    refresh_older_than: timedelta | None = None,
) -> list[AccountWork]:
    """`organization_id` limits the run to one workspace; `refresh_older_than` replaces both cadences."""
    settings = get_settings()
    recent = timedelta(minutes=max(1, settings.analytics_recent_minutes))
    daily = timedelta(days=1)
    if refresh_older_than is not None:
        recent = daily = max(refresh_older_than, timedelta(seconds=1))
    young_since = now - timedelta(days=RECENT_POST_DAYS)
    oldest = now - timedelta(days=max(1, settings.analytics_daily_days))
    with session_scope() as session:
        account_filter = [SocialAccount.status != "disconnected"]
        if organization_id is not None:
            account_filter.append(SocialAccount.organization_id == organization_id)
        accounts = session.execute(select(SocialAccount).where(*account_filter)).scalars().all()
        states = {
            s.social_account_id: s for s in session.execute(select(AnalyticsAccountState)).scalars().all()
        }  # fmt: skip
        work: dict[int, AccountWork] = {}
        for acc in accounts:
            if acc.status in SKIP_STATUSES:
                report.skipped_needs_reconnect.append(acc.id)
                continue
            state = states.get(acc.id)
            until = _as_utc(state.backoff_until) if state else None
            if until is not None and until > now:
                report.backing_off[acc.id] = until.isoformat()
                continue
            work[acc.id] = AccountWork(acc.id, acc.organization_id, acc.platform)
        if not work:
            return []

        last = (
            select(func.max(PostMetricSnapshot.captured_at))
            .where(PostMetricSnapshot.post_target_id == PostTarget.id)
            .correlate(PostTarget)
            .scalar_subquery()
        )
        due = or_(
            last.is_(None),
            and_(PostTarget.published_at >= young_since, last <= now - recent + _slack(recent)),
            and_(PostTarget.published_at < young_since, last <= now - daily + _slack(daily)),
        )
        rows = session.execute(
            select(PostTarget.id, PostTarget.organization_id, PostTarget.social_account_id, PostTarget.external_id)
            .where(
                PostTarget.status == TargetStatus.PUBLISHED,
                PostTarget.external_id != "",
                PostTarget.published_at >= oldest,
                PostTarget.published_at <= now,
                PostTarget.social_account_id.in_(list(work)),
                due,
            )
            .order_by(case((last.is_(None), 0), else_=1), last, PostTarget.id)
            .limit(max(1, limit))
        ).all()
        for target_id, org_id, account_id, external_id in rows:
            work[account_id].targets.append(TargetDue(target_id, org_id, external_id))

        followers_last = dict(
            session.execute(
                select(AccountMetricSnapshot.social_account_id, func.max(AccountMetricSnapshot.captured_at))
                .where(AccountMetricSnapshot.social_account_id.in_(list(work)))
                .group_by(AccountMetricSnapshot.social_account_id)
            ).all()
        )
    for account_id, item in work.items():
        seen = _as_utc(followers_last.get(account_id))
        item.followers_due = seen is None or seen <= now - recent + _slack(recent)
    return [w for w in work.values() if w.targets or w.followers_due]


def _save_state(account_id: int, org_id: int, *, backoff_until: datetime | None, error: str, at: datetime) -> None:
    with session_scope() as session:
        state = session.get(AnalyticsAccountState, account_id)
        if state is None:
            state = AnalyticsAccountState(social_account_id=account_id, organization_id=org_id)
        state.backoff_until = backoff_until
        state.last_error = error[:1000]
        state.last_run_at = at
        session.add(state)


async def _collect_account(
    work: AccountWork, clock: Callable[[], datetime], client: httpx.AsyncClient | None, pause: float,
    report: CollectionReport,
) -> None:  # fmt: skip
    with session_scope() as session:
        account = session.get(SocialAccount, work.account_id)
        if account is None or account.status in SKIP_STATUSES:
            return
        session.expunge(account)
    adapter = adapter_for_account(account, client=client)
    ref = account_ref(account)
    report.accounts += 1
    first = True
    try:
        for target in work.targets:
            if not first and pause:
                await asyncio.sleep(pause)
            first = False
            try:
                metrics = await call_with_refresh(
                    account.id, lambda creds, ext=target.external_id: adapter.fetch_post_metrics(creds, ref, ext)
                )
            except (AuthError, RateLimitedError):
                raise
            except PermanentError as exc:  # e.g. the post was deleted on the platform: skip it, keep going
                report.errors[f"target {target.target_id}"] = exc.message
                continue
            with session_scope() as session:
                record_post_snapshot(
                    session, organization_id=target.organization_id, social_account_id=account.id,
                    post_target_id=target.target_id, platform=account.platform, metrics=metrics, captured_at=clock(),
                )  # fmt: skip
            report.post_snapshots += 1
            report.count(target.organization_id)
        if work.followers_due:
            if not first and pause:
                await asyncio.sleep(pause)
            metrics = await call_with_refresh(account.id, lambda creds: adapter.fetch_account_metrics(creds, ref))
            with session_scope() as session:
                record_account_snapshot(
                    session, organization_id=account.organization_id, social_account_id=account.id,
                    platform=account.platform, metrics=metrics, captured_at=clock(),
                )  # fmt: skip
            report.account_snapshots += 1
            report.count(account.organization_id)
        _save_state(account.id, account.organization_id, backoff_until=None, error="", at=clock())
    except RateLimitedError as exc:
        now = clock()
        until = _as_utc(exc.retry_at) or now + DEFAULT_BACKOFF
        until = min(max(until, now + timedelta(seconds=30)), now + MAX_BACKOFF)
        _save_state(account.id, account.organization_id, backoff_until=until, error=exc.message, at=now)
        report.rate_limited[account.id] = until.isoformat()
    except AuthError as exc:
        mark_needs_reconnect(account.id, exc.message)  # call_with_refresh usually has; make sure
        report.flagged_needs_reconnect.append(account.id)
    except PlatformError as exc:  # transient / unknown: stop this account for this run, next run retries
        report.errors[f"account {account.id}"] = exc.message
    finally:
        if client is None:
            await adapter.aclose()


@contextmanager
def _single_collector() -> Iterator[bool]:
    """One collection at a time across workers (PostgreSQL advisory lock) and within a process."""
    if not _local_lock.acquire(blocking=False):
        yield False
        return
    try:
        engine = get_engine()
        if engine.dialect.name != "postgresql":
            yield True
            return
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _ADVISORY_LOCK_KEY}).scalar()
            conn.commit()
            try:
                yield bool(got)
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ADVISORY_LOCK_KEY})
                    conn.commit()
    finally:
        _local_lock.release()


async def collect_due_metrics(
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    pause_seconds: float = DEFAULT_PAUSE_SECONDS,
    client: httpx.AsyncClient | None = None,
    organization_id: int | None = None,
    refresh_older_than: timedelta | None = None,
) -> dict:
    """Collect everything due at `now` (default: the current time; snapshots are stamped with it)."""
    clock: Callable[[], datetime] = (lambda: now) if now is not None else (lambda: datetime.now(UTC))
    report = CollectionReport()
    with _single_collector() as mine:
        if not mine:
            report.skipped = "another collection is running"
            return report.to_dict()
        plan = plan_collection(
            clock(), limit, report, organization_id=organization_id, refresh_older_than=refresh_older_than
        )
        gate = asyncio.Semaphore(max(1, concurrency))

        async def run(work: AccountWork) -> None:
            async with gate:
                try:
                    await _collect_account(work, clock, client, pause_seconds, report)
                except Exception as exc:  # one account's bug must not stop the others
                    log.exception("analytics collection failed for account %s", work.account_id)
                    report.errors[f"account {work.account_id}"] = f"unexpected error: {type(exc).__name__}"

        await asyncio.gather(*(run(w) for w in plan))
    if report.by_workspace:
        await asyncio.to_thread(_announce_collected, dict(report.by_workspace), clock())
    return report.to_dict()


def _announce_collected(by_workspace: dict[int, int], at: datetime) -> None:
    """`analytics.collected` per workspace, after the run (its own transaction: the snapshots were
    written account by account, so no single transaction owns the run; a crash here loses only
    this notice, the figures are saved)."""
    for org_id, snapshots in sorted(by_workspace.items()):
        try:
            emit_event(org_id, "analytics.collected", {"snapshots": snapshots, "collected_at": at.isoformat()},
                       ordering_key="analytics", now=at)  # fmt: skip
        except Exception:  # noqa: BLE001 - a notice must never fail the collection
            log.exception("could not queue analytics.collected for workspace %s", org_id)


async def analytics_job() -> dict:
    """Entry point for the scheduler: never raises, logs a one-line summary."""
    try:
        result = await collect_due_metrics()
    except Exception:
        log.exception("analytics collection run failed")
        return {"error": "analytics collection run failed"}
    log.info(
        "analytics: %s post snapshots, %s follower snapshots, %s rate limited, %s need reconnect",
        result["post_snapshots"], result["account_snapshots"], len(result["rate_limited"]),
        len(result["skipped_needs_reconnect"]) + len(result["flagged_needs_reconnect"]),
    )  # fmt: skip
    return result


async def refresh_workspace_metrics(
    org_id: int, *, now: datetime | None = None, pause_seconds: float = DEFAULT_PAUSE_SECONDS
) -> dict:
    """The "Refresh metrics now" button: one pass over this workspace only, re-reading what is not fresh.

    Backoffs and needs-reconnect flags still apply, so a click never bypasses a platform's rate limit.
    """
    return await collect_due_metrics(
        now=now, organization_id=org_id, refresh_older_than=REFRESH_NOW_MIN_AGE, pause_seconds=pause_seconds
    )
