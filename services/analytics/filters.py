"""What the Analytics page has on screen: a local date range, a timezone, accounts and platforms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services.analytics.sqltime import AnalyticsInputError, checked_zone

PRESET_DAYS = (7, 30, 90)
#: bounds every chart to a few hundred points per series, which keeps each figure's JSON small
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class AnalyticsFilters:
    """`start`/`end` are inclusive local days in `tz`; empty account/platform tuples mean "all"."""

    start: date
    end: date
    tz: str = "UTC"
    account_ids: tuple[int, ...] = ()
    platforms: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", checked_zone(self.tz))
        object.__setattr__(self, "account_ids", tuple(int(a) for a in self.account_ids))
        object.__setattr__(self, "platforms", tuple(str(p) for p in self.platforms))
        if self.start > self.end:
            raise AnalyticsInputError("The start date must be on or before the end date.")
        if (self.end - self.start).days + 1 > MAX_RANGE_DAYS:
            raise AnalyticsInputError(f"Please choose a range of at most {MAX_RANGE_DAYS} days.")

    @classmethod
    def last_days(
        cls,
        days: int,
        tz: str = "UTC",
        now: datetime | None = None,
        account_ids: tuple[int, ...] | list[int] = (),
        platforms: tuple[str, ...] | list[str] = (),
    ) -> AnalyticsFilters:
        """The preset ranges: the last `days` local days, today included."""
        if days < 1:
            raise AnalyticsInputError("The range must cover at least one day.")
        zone_name = checked_zone(tz)
        today = (now or datetime.now(UTC)).astimezone(ZoneInfo(zone_name)).date()
        return cls(today - timedelta(days=days - 1), today, zone_name, tuple(account_ids), tuple(platforms))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[local midnight of start, local midnight after end) as UTC instants."""
        zone = ZoneInfo(self.tz)
        lower = datetime.combine(self.start, time.min, tzinfo=zone).astimezone(UTC)
        upper = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
        return lower, upper

    def previous_period(self) -> AnalyticsFilters:
        """The same number of days right before this range (for "vs last week")."""
        return AnalyticsFilters(
            self.start - timedelta(days=self.days),
            self.start - timedelta(days=1),
            self.tz,
            self.account_ids,
            self.platforms,
        )
