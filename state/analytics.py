"""Analytics page: filters in, figures and a few numbers out. Aggregation stays in SQL (services.analytics).

Only what is on screen lives in the state: five small figures, ten top posts, four totals. The
applied (validated) filters are kept server-side so the CSV download exports exactly what the
charts show, even while the user is half-way through editing a custom range.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from urllib.parse import urlencode

import plotly.graph_objects as go
import reflex as rx

from services.analytics.collector import refresh_workspace_metrics
from services.analytics.export import export_filename
from services.analytics.filters import PRESET_DAYS, AnalyticsFilters
from services.analytics.overview import analytics_overview
from services.analytics.queries import filter_options
from services.analytics.sqltime import AnalyticsInputError
from services.display_time import format_date, format_datetime
from services.errors import UserError
from services.wording import count, join_words, plural
from state.charts import note_of, title_of
from state.display import locale_of
from state.heavy import run_heavy
from state.runner import run_blocking
from state.session import current_user

DEFAULT_PRESET = "30"
EXPORT_PATH = "/analytics/export.csv"
CHART_KEYS = ("engagement", "rate", "platforms", "followers", "heatmap")
REFRESH_LOCK_RETRIES = 15  # a scheduled collection holds the lock for a few seconds at most


def show_number(value: int | None) -> str:
    """Unknown stays visibly unknown (a dash), never a misleading 0."""
    return "—" if value is None else f"{value:,}"


def _parse_day(raw: str, which: str) -> date:
    if not raw.strip():
        raise AnalyticsInputError(f"Please choose a {which} date.")
    try:
        return date.fromisoformat(raw.strip())
    except ValueError as exc:
        raise AnalyticsInputError(f"The {which} date {raw!r} is not a date (use YYYY-MM-DD).") from exc


class AnalyticsState(rx.State):
    preset: str = DEFAULT_PRESET  # "7" | "30" | "90" | "custom"
    custom_start: str = ""
    custom_end: str = ""
    account_options: list[dict] = []
    platform_options: list[str] = []
    selected_accounts: list[str] = []
    selected_platforms: list[str] = []
    timezone: str = "UTC"
    error: str = ""
    loaded: bool = False  # the first load finished: until then skeletons, not a flashing empty state
    refreshing: bool = False
    refresh_message: str = ""
    has_accounts: bool = False
    has_data: bool = False
    simulated: bool = False
    range_label: str = ""
    total_posts: str = "0"
    total_engagement: str = "—"
    total_impressions: str = "—"
    total_followers: str = "—"
    top_posts: list[dict] = []
    engagement_fig: go.Figure = go.Figure()
    rate_fig: go.Figure = go.Figure()
    platforms_fig: go.Figure = go.Figure()
    followers_fig: go.Figure = go.Figure()
    heatmap_fig: go.Figure = go.Figure()
    #: per chart key: "Not enough data yet — …" (the chart is not drawn) or ""; and the charts' titles
    chart_notes: dict[str, str] = dict.fromkeys(CHART_KEYS, "")
    chart_titles: dict[str, str] = dict.fromkeys(CHART_KEYS, "")
    charts_ready: bool = False  # false until the first figures arrived: skeletons, not empty boxes
    _applied: dict = {}

    # --- loading ---------------------------------------------------------------------------
    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        options = await run_blocking(filter_options, user.organization_id)
        self.account_options = [
            {"id": str(a["id"]), "name": a["name"], "platform": a["platform"]} for a in options["accounts"]
        ]
        self.platform_options = list(options["platforms"])
        known = {a["id"] for a in self.account_options}
        self.selected_accounts = [a for a in self.selected_accounts if a in known]
        self.selected_platforms = [p for p in self.selected_platforms if p in self.platform_options]
        self.has_accounts = bool(self.account_options)
        self.timezone = user.timezone
        self.error = self.refresh_message = ""
        await self._show(user)
        self.loaded = True

    def _filters(self, tz: str) -> AnalyticsFilters:
        accounts = tuple(int(a) for a in self.selected_accounts)
        platforms = tuple(self.selected_platforms)
        if self.preset == "custom":
            start, end = _parse_day(self.custom_start, "start"), _parse_day(self.custom_end, "end")
            return AnalyticsFilters(start, end, tz, accounts, platforms)
        days = int(self.preset) if self.preset.isdigit() else int(DEFAULT_PRESET)
        return AnalyticsFilters.last_days(days, tz, account_ids=accounts, platforms=platforms)

    async def _show(self, user) -> None:  # noqa: ANN001 - services.auth.CurrentUser
        """Recompute everything on screen; on bad input keep the last good charts and say what is wrong."""
        try:
            f = self._filters(user.timezone)
            overview = await run_heavy(analytics_overview, user.organization_id, f)
        except UserError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._applied = {
            "start": f.start.isoformat(),
            "end": f.end.isoformat(),
            "accounts": [str(a) for a in f.account_ids],
            "platforms": list(f.platforms),
        }
        if self.preset != "custom":  # the custom inputs start from what is on screen
            self.custom_start, self.custom_end = f.start.isoformat(), f.end.isoformat()
        self.range_label = (f"{format_date(f.start, f.tz, locale_of(self), weekday=False)} – "
                            f"{format_date(f.end, f.tz, locale_of(self), weekday=False)} ({f.tz}, {count(f.days, 'day')})")
        self.has_data, self.simulated = overview.has_data, overview.simulated
        totals = overview.totals
        self.total_posts = show_number(totals.get("posts") or 0)
        self.total_engagement = show_number(totals.get("engagement"))
        self.total_impressions = show_number(totals.get("impressions"))
        self.total_followers = show_number(totals.get("followers"))
        charts = overview.figures
        self.engagement_fig, self.rate_fig = charts["engagement"], charts["rate"]
        self.platforms_fig, self.followers_fig = charts["platforms"], charts["followers"]
        self.heatmap_fig = charts["heatmap"]
        self.chart_notes = {key: note_of(fig) for key, fig in charts.items()}
        self.chart_titles = {key: title_of(fig) for key, fig in charts.items()}
        self.charts_ready = True
        self.top_posts = [
            {
                "post_id": str(p["post_id"]),
                "platform": p["platform"],
                "account": p["account"],
                "text": p["text"] or "(no text)",
                "published": p["published"],
                "url": p["url"],
                "engagement": show_number(p["engagement"]),
                "impressions": show_number(p["impressions"]),
                "simulated": "yes" if p["simulated"] else "",
            }
            for p in overview.top_posts
        ]

    async def _recompute(self):
        user = await current_user(self)
        if user is not None:
            await self._show(user)

    # --- filters ---------------------------------------------------------------------------
    @rx.event
    async def set_preset(self, value: str):
        if value != "custom" and value not in {str(d) for d in PRESET_DAYS}:
            return
        self.preset = value
        if value != "custom":
            await self._recompute()

    @rx.event
    def set_custom_start(self, value: str):
        self.custom_start = value

    @rx.event
    def set_custom_end(self, value: str):
        self.custom_end = value

    @rx.event
    async def apply_custom_range(self):
        self.preset = "custom"
        await self._recompute()

    @rx.event
    async def toggle_account(self, account_id: str):
        if account_id in self.selected_accounts:
            self.selected_accounts = [a for a in self.selected_accounts if a != account_id]
        else:
            self.selected_accounts = [*self.selected_accounts, account_id]
        await self._recompute()

    @rx.event
    async def toggle_platform(self, platform: str):
        if platform in self.selected_platforms:
            self.selected_platforms = [p for p in self.selected_platforms if p != platform]
        else:
            self.selected_platforms = [*self.selected_platforms, platform]
        await self._recompute()

    @rx.event
    async def clear_filters(self):
        self.selected_accounts, self.selected_platforms = [], []
        await self._recompute()

    # --- actions ---------------------------------------------------------------------------
    @rx.event
    async def download_csv(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        if not self._applied:
            return rx.toast.error("Nothing to export yet: pick a range that has published posts, or publish one first.")
        applied = self._applied
        query = urlencode(
            {
                "start": applied["start"],
                "end": applied["end"],
                "accounts": ",".join(applied["accounts"]),
                "platforms": ",".join(applied["platforms"]),
            }
        )
        f = AnalyticsFilters(date.fromisoformat(applied["start"]), date.fromisoformat(applied["end"]), user.timezone)
        return rx.download(url=f"{EXPORT_PATH}?{query}", filename=export_filename(f))

    @rx.event(background=True)
    async def refresh_now(self):
        """One collection pass for this workspace, then redraw (waits briefly if a scheduled pass is running)."""
        async with self:
            user = await current_user(self)
            if user is None or self.refreshing:
                return
            self.refreshing = True
            self.refresh_message = ""
            org_id, tz, locale = user.organization_id, user.timezone, locale_of(self)
        report: dict = {}
        try:
            for _ in range(REFRESH_LOCK_RETRIES):
                report = await refresh_workspace_metrics(org_id)
                if not report.get("skipped"):
                    break
                await asyncio.sleep(1)
        finally:
            async with self:
                self.refreshing = False
        message = _refresh_summary(report, tz, locale)
        async with self:
            self.refresh_message = message
            await self._recompute()
        yield rx.toast.info(message)


def _refresh_summary(report: dict, tz: str, locale: str = "en_US") -> str:
    """What a "Refresh now" did, in words: "Collected metrics for 1 post and 1 follower count."."""
    if report.get("skipped"):
        return "Another metrics collection is still running; please try again in a moment."
    posts, followers = int(report.get("post_snapshots", 0)), int(report.get("account_snapshots", 0))
    if posts or followers:
        what = [count(posts, "post")] if posts else []
        what += [count(followers, "follower count")] if followers else []
        parts = [f"Collected metrics for {join_words(what)}."]
    else:
        parts = ["Nothing new to collect right now."]
    reconnect = len(report.get("skipped_needs_reconnect", [])) + len(report.get("flagged_needs_reconnect", []))
    if reconnect:
        parts.append(f"{count(reconnect, 'account')} {plural(reconnect, 'needs')} reconnecting (see Accounts).")
    waits = {**report.get("backing_off", {}), **report.get("rate_limited", {})}
    if waits:
        soonest = min(datetime.fromisoformat(v) for v in waits.values())
        parts.append(f"{count(len(waits), 'account')} {plural(len(waits), 'is')} rate limited until "
                     f"{format_datetime(soonest, tz, locale)}.")
    if report.get("errors"):
        n = len(report["errors"])
        parts.append(f"{count(n, 'item')} could not be read; {plural(n, 'it')} {plural(n, 'is')} retried on the next pass.")
    return " ".join(parts)
