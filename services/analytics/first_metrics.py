"""Demo metrics right after publishing, so Analytics has something to show on a first visit.

The regular collection runs every few minutes (SOCIALHUB_ANALYTICS_JOB_SECONDS). A Demo post that
was just published has never been measured, so this small job (every DEMO_FIRST_METRICS_SECONDS)
looks for such posts with one cheap query and, when it finds some, runs the normal collection for
their workspaces: the same code path, cadence rules and snapshots as every other metric (the Demo
network's numbers are simulated and labelled as such everywhere they are shown).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select

from services.analytics.collector import collect_due_metrics
from services.db import session_scope
from services.models import PostMetricSnapshot, PostTarget, SocialAccount

log = logging.getLogger(__name__)

DEMO_FIRST_METRICS_SECONDS = 3
LOOKBACK = timedelta(days=1)


def workspaces_with_unmeasured_demo_posts(now: datetime | None = None) -> list[int]:
    since = (now or datetime.now(UTC)) - LOOKBACK
    measured = exists().where(PostMetricSnapshot.post_target_id == PostTarget.id)
    with session_scope() as session:
        rows = session.execute(
            select(PostTarget.organization_id)
            .join(SocialAccount, SocialAccount.id == PostTarget.social_account_id)
            .where(
                SocialAccount.platform == "demo",
                PostTarget.status == "published",
                PostTarget.external_id != "",
                PostTarget.published_at >= since,
                ~measured,
            )
            .distinct()
        ).all()
    return sorted({int(r[0]) for r in rows})


async def collect_first_demo_metrics() -> int:
    """Scheduler job: never raises; returns how many workspaces were collected."""
    try:
        org_ids = await asyncio.to_thread(workspaces_with_unmeasured_demo_posts)
        for org_id in org_ids:
            await collect_due_metrics(organization_id=org_id)
        return len(org_ids)
    except Exception:
        log.exception("first Demo metrics collection failed")
        return 0


__all__ = ["DEMO_FIRST_METRICS_SECONDS", "collect_first_demo_metrics", "workspaces_with_unmeasured_demo_posts"]
