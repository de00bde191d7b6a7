"""Calendar page: month / week / day views at the viewer's local time, drag to reschedule, post menu.

Only what is on screen is sent to the browser: each month cell carries at most MONTH_PER_CELL
compact items plus a "+k more" count, week and day slots likewise, so a month with thousands of
posts costs the browser a few hundred small elements. Full post details are fetched when a post's
menu is opened, never kept for the whole view.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import reflex as rx

from services import accounts as accounts_service
from services import calendar as cal
from services import calendar_view, guarded, posts, timezones
from services.errors import UserError
from services.publishing.states import PostStatus
from state import display
from state.calendar_cells import CalCell, DayHead, TimeRow, _cell, _short, compose_href
from state.runner import run_blocking
from state.session import current_user

VIEWS = ("month", "week", "day")
MONTH_PER_CELL = 3
WEEK_PER_SLOT = 2
DAY_PER_SLOT = 8
# As much text as two clamped lines can show (CSS cuts it with an ellipsis); the cap only bounds payload.
TEXT_CHARS = {"month": 120, "week": 90, "day": 280}
#: The week and day views open scrolled to this hour (the working day), not to midnight.
WORKDAY_START = 8
#: A click on a free month day proposes this local time (or the next full hour, today).
NEW_POST_HOUR = 9
_SCROLL_TO_WORKDAY = (
    "setTimeout(() => { const r = document.getElementById('cal-hours');"
    f" const h = r && r.querySelector('[data-hour-row=\"{WORKDAY_START}\"]');"
    " if (r && h) { r.scrollTop = h.offsetTop; } }, 60)"
)
WEEKDAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ALL = "all"
#: The status filter's choices: every post status.
STATUS_CHOICES: list[str] = [s.value for s in PostStatus]


class CalendarState(rx.State):
    view: str = "month"
    anchor: str = ""
    title: str = ""
    timezone: str = "UTC"
    account_filter: str = ALL
    status_filter: str = ALL
    accounts: list[dict[str, str]] = []
    weekday_labels: list[str] = WEEKDAY_LABELS
    cells: list[CalCell] = []
    heads: list[DayHead] = []
    rows: list[TimeRow] = []
    shown: int = 0
    error: str = ""
    notice: str = ""
    loading: bool = False
    # the post menu (one dialog for the whole page)
    menu_open: bool = False
    menu: dict[str, str] = {}
    menu_targets: list[dict[str, str]] = []
    menu_date: str = ""
    menu_time: str = ""
    menu_error: str = ""
    _dragging: int = 0
    _drag_from: str = ""

    # --- loading ---------------------------------------------------------------------------
    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.timezone = user.timezone
        self.error = self.notice = ""
        params = self.router.url.query_parameters
        view = params.get("view", "")
        self.view = view if view in VIEWS else (self.view if self.view in VIEWS else "month")
        try:
            self.anchor = date.fromisoformat(params.get("date", "")).isoformat()
        except ValueError:
            self.anchor = self._today().isoformat()
        self.accounts = [
            {"id": str(a["id"]), "label": f"{a['display_name']} ({a['platform_label']})"}
            for a in await run_blocking(accounts_service.list_accounts, user.organization_id)
        ]
        if self.account_filter != ALL and self.account_filter not in {a["id"] for a in self.accounts}:
            self.account_filter = ALL
        await self._refresh(user.organization_id)
        return self._scroll()

    def _today(self) -> date:
        return timezones.to_local(datetime.now(UTC), self.timezone).date()

    def _anchor(self) -> date:
        try:
            return date.fromisoformat(self.anchor)
        except ValueError:
            return self._today()

    async def _refresh(self, org_id: int) -> None:
        day, tz = self._anchor(), self.timezone
        if self.view == "month":
            start, end = cal.grid_range(day.year, day.month, tz)
        elif self.view == "week":
            start, end = cal.week_range(day, tz)
        else:
            start, end = cal.day_range(day, tz)
        buckets, counts, self.shown = await run_blocking(
            calendar_view.visible_items,
            org_id,
            start,
            end,
            tz,
            {"month": MONTH_PER_CELL, "week": WEEK_PER_SLOT}.get(self.view, DAY_PER_SLOT),
            by_hour=self.view != "month",
            account_ids=[int(self.account_filter)] if self.account_filter.isdigit() else None,
            statuses=[self.status_filter] if self.status_filter in cal.CALENDAR_STATUSES else None,
        )
        for items in buckets.values():  # chip times in the person's locale, like every other time in the UI
            for item in items:
                item["local_time"] = display.clock(self, datetime.fromisoformat(item["scheduled_at"]), tz)
        if self.view == "month":
            self._build_month(day, buckets, counts)
        else:
            self._build_slots(day, buckets, counts)

    def _build_month(self, day: date, buckets: dict, counts: dict) -> None:
        today = self._today()
        self.title = day.strftime("%B %Y")
        now = self._now_local()
        self.cells = [
            _cell(buckets.get((d.isoformat(), -1), []), counts.get((d.isoformat(), -1), 0), TEXT_CHARS["month"],
                  date=d.isoformat(), label=str(d.day), in_month=d.month == day.month, today=d == today,
                  **self._new_post(d, None, now))
            for week in cal.month_grid(day.year, day.month)
            for d in week
        ]  # fmt: skip
        self.rows, self.heads = [], []

    def _build_slots(self, day: date, buckets: dict, counts: dict) -> None:
        today = self._today()
        if self.view == "week":
            days = [day - timedelta(days=day.weekday()) + timedelta(days=i) for i in range(7)]
            self.title = f"{days[0]:%b %d} – {days[-1]:%b %d, %Y}"
            chars = TEXT_CHARS["week"]
        else:
            days = [day]
            self.title = day.strftime("%A, %b %d, %Y")
            chars = TEXT_CHARS["day"]
        now = self._now_local()
        self.heads = [
            DayHead(date=d.isoformat(), label=f"{d:%a %d}", today=d == today, **self._new_post(d, None, now))
            for d in days
        ]
        self.rows = [
            TimeRow(
                label=f"{hour:02d}:00",
                hour=hour,
                cells=[
                    _cell(
                        buckets.get((d.isoformat(), hour), []),
                        counts.get((d.isoformat(), hour), 0),
                        chars,
                        date=d.isoformat(),
                        hour=hour,
                        label=f"{hour:02d}:00",
                        today=d == today,
                        **self._new_post(d, hour, now),
                    )
                    for d in days
                ],
            )  # fmt: skip
            for hour in range(24)
        ]
        self.cells = []

    def _now_local(self) -> datetime:
        return timezones.to_local(datetime.now(UTC), self.timezone).replace(tzinfo=None)

    def _new_post(self, day: date, hour: int | None, now: datetime) -> dict[str, str]:
        """What a click on a free day (hour=None) or hour slot proposes to the composer; nothing in the past."""
        aria = display.day(self, day, self.timezone)
        if hour is None:
            at = datetime.combine(day, time(NEW_POST_HOUR))
            if at <= now:
                at = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
                if at.date() != day:
                    return {"new_at": "", "new_href": "", "aria_day": aria}
        else:
            at = datetime.combine(day, time(hour))
            aria = f"{aria}, {hour:02d}:00"
            if at <= now:
                return {"new_at": "", "new_href": "", "aria_day": aria}
        iso = at.strftime("%Y-%m-%dT%H:%M")
        return {"new_at": iso, "new_href": compose_href(iso, self.account_filter), "aria_day": aria}

    @rx.event
    def new_post_at(self, at: str):
        """A click on a free cell: the composer opens prefilled with that local time (and the filtered account)."""
        if not at:
            return None
        return rx.redirect(compose_href(str(at), self.account_filter))

    def _scroll(self):  # noqa: ANN202
        """The week/day grid opens at the working day; hours before it stay one scroll away."""
        return rx.call_script(_SCROLL_TO_WORKDAY) if self.view != "month" else None

    async def _reload(self) -> None:
        user = await current_user(self)
        if user is not None:
            self.timezone = user.timezone
            await self._refresh(user.organization_id)

    # --- navigation and filters ------------------------------------------------------------
    @rx.event
    async def set_view(self, view: str | list[str]):
        if isinstance(view, str) and view in VIEWS:
            self.view = view
            await self._reload()
            return self._scroll()
        return None

    @rx.event
    async def shift(self, steps: int):
        day = self._anchor()
        if self.view == "month":
            index = day.year * 12 + day.month - 1 + steps
            day = date(index // 12, index % 12 + 1, 1)
        else:
            day += timedelta(days=steps * (7 if self.view == "week" else 1))
        self.anchor = day.isoformat()
        await self._reload()
        return self._scroll()

    @rx.event
    async def go_today(self):
        self.anchor = self._today().isoformat()
        await self._reload()
        return self._scroll()

    @rx.event
    async def open_day(self, day: str):
        """'+k more' and day headers: the day view shows every post of that day."""
        self.anchor, self.view = day, "day"
        await self._reload()
        return self._scroll()

    @rx.event
    async def set_account_filter(self, value: str):
        self.account_filter = value or ALL
        await self._reload()

    @rx.event
    async def set_status_filter(self, value: str):
        self.status_filter = value or ALL
        await self._reload()

    # --- drag and drop ---------------------------------------------------------------------
    @rx.event
    def start_drag(self, post_id: str, origin: str):
        """`origin` is the cell it was picked up from: dropping it back where it was changes nothing."""
        self._dragging = int(post_id) if str(post_id).isdigit() else 0
        self._drag_from = str(origin)

    @rx.event
    def end_drag(self):
        """A drop handler already consumed the id; a drag released elsewhere must not move anything later."""
        self._dragging = 0

    @rx.event
    async def drop_on_day(self, day: str):
        post_id, self._dragging = self._dragging, 0
        if not post_id or self._drag_from == day:
            return None
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            target = date.fromisoformat(day)
            result = await run_blocking(guarded.move_to_day, user, post_id, target, self.timezone)
        except ValueError:
            return self._refuse("That isn't a valid day.")
        except UserError as exc:
            return self._refuse(str(exc))
        return await self._moved(result)

    @rx.event
    async def drop_on_slot(self, day: str, hour: int):
        post_id, self._dragging = self._dragging, 0
        if not post_id or self._drag_from == f"{day}@{hour}":
            return None
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            local = datetime.combine(date.fromisoformat(day), datetime.min.time()).replace(hour=int(hour))
            result = await run_blocking(guarded.reschedule_to_local, user, post_id, local, self.timezone)
        except ValueError:
            return self._refuse("That isn't a valid time slot.")
        except UserError as exc:
            return self._refuse(str(exc))
        return await self._moved(result)

    def _refuse(self, message: str):  # noqa: ANN202
        self.error, self.notice = message, ""
        return rx.toast.error(message)

    async def _moved(self, result: dict):  # noqa: ANN202
        when = timezones.format_local(datetime.fromisoformat(result["scheduled_at"]), self.timezone)
        refused = "; ".join(f"{r['account']}: {r['reason']}" for r in result.get("refused", []))
        message = f"Moved to {when}."
        if result.get("note"):
            message = f"{result['note']} {message}"
        if refused:
            message += f" Not moved — {refused}."
        self.error, self.notice = "", message
        await self._reload()
        return rx.toast.warning(message) if result.get("note") or refused else rx.toast.success(message)

    # --- the post menu ---------------------------------------------------------------------
    @rx.event
    async def open_menu(self, post_id: str):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        try:
            post = await run_blocking(posts.get_post, user.organization_id, int(post_id))
        except (UserError, ValueError) as exc:
            return self._refuse(str(exc))
        when = datetime.fromisoformat(post["scheduled_at"]) if post["scheduled_at"] else None
        local = timezones.to_local(when, self.timezone) if when else None
        self.menu = {
            "id": str(post["id"]),
            "text": _short(post["body"], 280),
            "status": post["status"],
            "when": timezones.format_local(when, self.timezone) if when else "No date",
        }
        self.menu_targets = [
            {"platform": t["platform"], "account": t["account_name"] or t["account_username"] or t["platform"],
             "status": t["status"], "url": t["external_url"] or "", "error": t["last_error"] or ""}
            for t in post["targets"]
        ]  # fmt: skip
        self.menu_date = local.strftime("%Y-%m-%d") if local else ""
        self.menu_time = local.strftime("%H:%M") if local else ""
        self.menu_error = ""
        self.menu_open = True
        return None

    @rx.event
    def set_menu_open(self, value: bool):
        self.menu_open = value

    @rx.event
    def set_menu_date(self, value: str):
        self.menu_date = value

    @rx.event
    def set_menu_time(self, value: str):
        self.menu_time = value

    @rx.event
    async def reschedule_from_menu(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        self.menu_error = ""
        try:
            local = timezones.parse_local(self.menu_date, self.menu_time)
            result = await run_blocking(
                guarded.reschedule_to_local, user, int(self.menu.get("id", "0")), local, self.timezone
            )
        except UserError as exc:
            self.menu_error = str(exc)
            return rx.toast.error(self.menu_error)
        self.menu_open = False
        return await self._moved(result)
