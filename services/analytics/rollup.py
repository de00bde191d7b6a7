"""Writing metrics: append a snapshot and keep the per-day rollup of every registered zone current.

The snapshot table is the record (append-only, never updated). `analytics_daily` is derived:
for each registered timezone it holds the latest snapshot of each post target per local day,
so it can always be rebuilt from the snapshots.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from services.analytics.sqltime import checked_zone, prepare_session
from services.db import session_scope
from services.models import AccountMetricSnapshot, PostMetricsDaily, PostMetricSnapshot, RollupZone
from services.platforms.base import AccountMetrics, PostMetrics

METRIC_FIELDS = ("likes", "reposts", "replies", "impressions", "reach", "clicks")


def registered_zones(session: Session, org_id: int) -> list[str]:
    return list(session.exec(select(RollupZone.tz).where(RollupZone.organization_id == org_id)).scalars())


def _upsert_daily(session: Session, row: dict) -> None:
    """Insert the day's row, or replace it when this snapshot is at least as recent (late arrivals lose)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(PostMetricsDaily).values(**row)
    updated = {name: stmt.excluded[name] for name in ("captured_at", "simulated", *METRIC_FIELDS)}
    stmt = stmt.on_conflict_do_update(
        index_elements=["post_target_id", "tz", "day"],
        set_=updated,
        where=PostMetricsDaily.captured_at <= stmt.excluded.captured_at,
    )
    session.execute(stmt)


def record_post_snapshot(
    session: Session,
    *,
    organization_id: int,
    social_account_id: int,
    post_target_id: int,
    platform: str,
    metrics: PostMetrics,
    captured_at: datetime,
) -> PostMetricSnapshot:
    values = {name: getattr(metrics, name) for name in METRIC_FIELDS}
    snap = PostMetricSnapshot(
        organization_id=organization_id,
        social_account_id=social_account_id,
        post_target_id=post_target_id,
        platform=platform,
        captured_at=captured_at,
        simulated=bool(metrics.simulated),
        **values,
    )
    session.add(snap)
    for zone_name in registered_zones(session, organization_id):
        _upsert_daily(
            session,
            {
                "organization_id": organization_id,
                "post_target_id": post_target_id,
                "social_account_id": social_account_id,
                "platform": platform,
                "tz": zone_name,
                "day": captured_at.astimezone(ZoneInfo(zone_name)).date(),
                "captured_at": captured_at,
                "simulated": bool(metrics.simulated),
                **values,
            },
        )
    return snap


def record_account_snapshot(
    session: Session,
    *,
    organization_id: int,
    social_account_id: int,
    platform: str,
    metrics: AccountMetrics,
    captured_at: datetime,
) -> AccountMetricSnapshot:
    snap = AccountMetricSnapshot(
        organization_id=organization_id,
        social_account_id=social_account_id,
        platform=platform,
        captured_at=captured_at,
        followers=metrics.followers,
        simulated=bool(metrics.simulated),
    )
    session.add(snap)
    return snap


_COLUMNS = "organization_id, post_target_id, social_account_id, platform, tz, day, captured_at, " + ", ".join(
    (*METRIC_FIELDS, "simulated")
)
_SOURCE = "organization_id, post_target_id, social_account_id, platform, captured_at, " + ", ".join(
    (*METRIC_FIELDS, "simulated")
)

_BACKFILL_PG = f"""
INSERT INTO analytics_daily ({_COLUMNS})
SELECT DISTINCT ON (post_target_id, d)
       organization_id, post_target_id, social_account_id, platform, :tz, d, captured_at,
       {", ".join(METRIC_FIELDS)}, simulated
FROM (SELECT {_SOURCE}, id, CAST(timezone(:tz, captured_at) AS DATE) AS d
      FROM analytics_snapshots WHERE organization_id = :org) AS s
ORDER BY post_target_id, d, captured_at DESC, id DESC
ON CONFLICT (post_target_id, tz, day) DO NOTHING
"""

_BACKFILL_SQLITE = f"""
INSERT INTO analytics_daily ({_COLUMNS})
SELECT organization_id, post_target_id, social_account_id, platform, :tz, d, captured_at,
       {", ".join(METRIC_FIELDS)}, simulated
FROM (SELECT {_SOURCE}, sh_local(captured_at, :tz, '%Y-%m-%d') AS d,
             row_number() OVER (PARTITION BY post_target_id, sh_local(captured_at, :tz, '%Y-%m-%d')
                                ORDER BY captured_at DESC, id DESC) AS rn
      FROM analytics_snapshots WHERE organization_id = :org) AS s
WHERE rn = 1
ON CONFLICT (post_target_id, tz, day) DO NOTHING
"""


def ensure_rollup_zone(org_id: int, tz: str) -> bool:
    """Make the daily rollup exist for (workspace, zone); returns True when it had to be built now.

    The zone marker is inserted first, in the same transaction as the back-fill: a second
    viewer building the same zone at once waits on that row and then finds it built. A snapshot
    committed during the back-fill may miss this zone's day row until the next snapshot of
    that target replaces it — a gap of one collection interval at most.
    """
    zone_name = checked_zone(tz)
    with session_scope() as session:
        known = session.execute(
            select(exists().where(RollupZone.organization_id == org_id, RollupZone.tz == zone_name))
        ).scalar()
    if known:
        return False
    try:
        with session_scope() as session:
            dialect = prepare_session(session)
            session.add(RollupZone(organization_id=org_id, tz=zone_name))
            session.flush()
            sql = _BACKFILL_PG if dialect == "postgresql" else _BACKFILL_SQLITE
            session.execute(text(sql), {"tz": zone_name, "org": org_id})
            if dialect == "postgresql":
                # Fresh statistics: planned against an "empty" rollup, the dashboard joins degrade to nested loops.
                session.execute(text("ANALYZE analytics_daily"))
    except IntegrityError:
        return False  # built concurrently by someone else
    return True
