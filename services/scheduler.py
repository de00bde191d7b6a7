"""APScheduler wiring: the publishing engine's safety tick, plus any extra jobs (analytics collection).

Publishing itself is not driven by the tick: the engine sleeps exactly until the earliest due
target and is woken early by new posts (in-process hooks, PostgreSQL LISTEN/NOTIFY); it also
beats its heartbeat every second. The tick (SOCIALHUB_TICK_SECONDS) does housekeeping, reclaims
dead workers' leases and catches anything a wake-up missed.

Started and stopped by the app's lifespan (and by `python -m services.publishing.worker`). Safe with
several backend workers each running one: targets are claimed in the database with a lease, so
every process can tick without ever publishing the same target twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from services.config import get_settings
from services.publishing.engine import PublishingEngine

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[Any] | Any]


@dataclass
class SchedulerHandle:
    scheduler: AsyncIOScheduler | None
    engine: PublishingEngine | None
    extra_job_ids: list[str] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.scheduler is not None and self.scheduler.running

    def add_job(self, func: JobFunc, seconds: float, *, job_id: str | None = None) -> str | None:
        """Run `func` every `seconds` (one at a time, missed runs coalesced). Returns the job id."""
        if self.scheduler is None:
            return None
        job = self.scheduler.add_job(
            func,
            "interval",
            seconds=seconds,
            id=job_id,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=max(1, int(seconds)),
            replace_existing=job_id is not None,
        )
        self.extra_job_ids.append(job.id)
        return job.id


def start_scheduler(
    extra_jobs: list[tuple[JobFunc, float]] | None = None, *, engine: PublishingEngine | None = None
) -> SchedulerHandle:
    """Start ticking in the running event loop. With SOCIALHUB_SCHEDULER=off returns an idle handle."""
    settings = get_settings()
    if not settings.scheduler_enabled:
        log.info("scheduler disabled (SOCIALHUB_SCHEDULER=off)")
        return SchedulerHandle(scheduler=None, engine=None)
    engine = engine or PublishingEngine(settings=settings)
    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        engine.tick,
        "interval",
        seconds=settings.scheduler_tick_seconds,
        id="publishing-tick",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=5,
        # First tick right away: after downtime, due posts go out (or are marked missed) immediately.
        next_run_time=_utcnow(),
    )
    handle = SchedulerHandle(scheduler=scheduler, engine=engine)
    _add_recurrence_job(scheduler)
    _add_privacy_job(scheduler)
    for func, seconds in extra_jobs or []:
        handle.add_job(func, seconds)
    scheduler.start()
    try:
        engine.start()  # the due-time clock, heartbeat and LISTEN connection
    except RuntimeError:  # no running loop yet: the first tick starts them
        pass
    log.info("scheduler started as %s, ticking every %ss", engine.worker_id, settings.scheduler_tick_seconds)
    return handle


#: Outbox delivery cadence: webhooks go out within seconds; alert mails are batched anyway
#: (one per person per 5 minutes), so a 30 s look is plenty; feeds carry their own interval.
WEBHOOK_JOB_SECONDS = 2.0
ALERTS_JOB_SECONDS = 30.0
FEEDS_JOB_SECONDS = 60.0


def app_jobs() -> list[tuple[JobFunc, float]]:
    """The recurring jobs the web app runs beside publishing: metrics collection, every
    SOCIALHUB_ANALYTICS_JOB_SECONDS (default 300; e2e tests shorten it). Each run decides per post what is due.
    Plus the automation outboxes: webhook deliveries, alert mails, RSS feeds. Every job claims its
    rows in the database, so several schedulers never send the same thing twice at once.
    """
    from services.alerts import alerts_job
    from services.analytics.collector import analytics_job
    from services.analytics.first_metrics import DEMO_FIRST_METRICS_SECONDS, collect_first_demo_metrics
    from services.imports.feed_check import feeds_job
    from services.webhooks import webhook_delivery_job

    # Demo posts get their first (simulated) metrics within seconds of publishing: Analytics is never empty
    # on a first visit (services/analytics/first_metrics.py).
    return [
        (analytics_job, get_settings().analytics_job_seconds),
        (collect_first_demo_metrics, DEMO_FIRST_METRICS_SECONDS),
        (webhook_delivery_job, WEBHOOK_JOB_SECONDS),
        (alerts_job, ALERTS_JOB_SECONDS),
        (feeds_job, FEEDS_JOB_SECONDS),
    ]


async def stop_scheduler(handle: SchedulerHandle, grace_seconds: float = 10.0) -> None:
    if handle.scheduler is not None and handle.scheduler.running:
        handle.scheduler.shutdown(wait=False)
    if handle.engine is not None:
        await handle.engine.close(grace_seconds=grace_seconds)


def _utcnow() -> datetime:
    return datetime.now(UTC)


RECURRENCE_JOB_ID = "recurrence-extend"


def _add_recurrence_job(scheduler: AsyncIOScheduler) -> None:
    """Daily, keep every recurring series planned ahead (first run shortly after start, to catch up)."""
    scheduler.add_job(
        extend_recurring_series,
        "interval",
        hours=24,
        id=RECURRENCE_JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=3600,
        next_run_time=_utcnow() + timedelta(seconds=30),
    )


async def extend_recurring_series() -> int:
    """Runs in a thread (database work); safe with several schedulers (series rows are locked)."""
    from services.recurrence import extend_all_series

    try:
        created = await asyncio.to_thread(extend_all_series)
    except Exception:  # noqa: BLE001 - a failed run must not stop the scheduler; tomorrow's run retries
        log.exception("extending recurring series failed")
        return 0
    if created:
        log.info("recurring series: %s upcoming posts created", created)
    return created


PRIVACY_JOB_ID = "privacy-maintenance"


def _add_privacy_job(scheduler: AsyncIOScheduler) -> None:
    """Hourly: the privacy-mode purge safety net; retention policies run once a day per workspace
    (services/privacy/job.py claims each workspace's run in the database). First run a minute after start."""
    from services.privacy.job import JOB_SECONDS, privacy_job

    scheduler.add_job(
        privacy_job,
        "interval",
        seconds=JOB_SECONDS,
        id=PRIVACY_JOB_ID,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=600,
        next_run_time=_utcnow() + timedelta(seconds=60),
    )
