"""Composer additions for the calendar work: "Add to queue", "Repeat", and explicit series editing.

Kept out of ComposeState on purpose (a small state of its own that reads the composer through
`get_state`), so the composer stays one screen of code and these features merge independently.
"""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from services import guarded, timezones
from services.errors import UserError
from services.permissions import require
from services.publishing.states import PostStatus
from services.recurrence.lookup import series_of_post
from services.recurrence.rules import describe_rule
from services.wording import plural
from state.compose import ComposeState
from state.runner import run_blocking
from state.session import current_user

WEEKDAY_CHOICES = [("0", "Mon"), ("1", "Tue"), ("2", "Wed"), ("3", "Thu"), ("4", "Fri"), ("5", "Sat"), ("6", "Sun")]


class ComposeExtrasState(rx.State):
    # repeat controls
    repeat_on: bool = False
    repeat_freq: str = "weekly"
    repeat_interval: str = "1"
    repeat_weekdays: list[str] = []
    repeat_end: str = "count"  # count | until | never
    repeat_count: str = "5"
    repeat_until: str = ""
    repeat_error: str = ""
    # the loaded post's series (empty when it is not part of one)
    series: dict[str, str] = {}
    edit_scope: str = "occurrence"  # occurrence | series
    series_message: str = ""
    queue_error: str = ""

    @rx.var
    def unit_day(self) -> str:
        """The unit reads with the number before it: "every 1 day", "every 3 days" (never "day(s)")."""
        return plural(self._interval(), "day")

    @rx.var
    def unit_week(self) -> str:
        return plural(self._interval(), "week")

    @rx.var
    def repeat_summary(self) -> str:
        """The rule as the calendar will name it ("Every week on Monday, 5 times"); empty while it is incomplete."""
        try:
            return describe_rule(self._rule())
        except (ValueError, TypeError, KeyError):
            return ""

    def _interval(self) -> int:
        text = self.repeat_interval.strip()
        return int(text) if text.isdigit() else 1

    @rx.var
    def in_series(self) -> bool:
        return bool(self.series.get("series_id"))

    @rx.event
    async def load(self):
        user = await current_user(self)
        if user is None:
            return
        self.repeat_on, self.repeat_freq, self.repeat_interval = False, "weekly", "1"
        self.repeat_weekdays, self.repeat_end, self.repeat_count, self.repeat_until = [], "count", "5", ""
        self.repeat_error = self.series_message = self.queue_error = ""
        self.edit_scope = "occurrence"
        raw = self.router.url.query_parameters.get("post", "")
        await self._load_series(user.organization_id, int(raw) if raw.isdigit() else 0)

    async def _load_series(self, org_id: int, post_id: int) -> None:
        info = await run_blocking(series_of_post, org_id, post_id) if post_id else None
        self.series = (
            {"series_id": str(info["series_id"]), "description": info["description"] or "Repeating has ended",
             "is_first": "yes" if info["is_first"] else "", "detached": "yes" if info["detached"] else "",
             "active": "yes" if info["active"] else ""}
            if info else {}
        )  # fmt: skip

    # --- repeat ----------------------------------------------------------------------------
    @rx.event
    def set_repeat_on(self, value: bool):
        self.repeat_on = bool(value)

    @rx.event
    def set_repeat_freq(self, value: str):
        self.repeat_freq = value if value in ("daily", "weekly") else "weekly"

    @rx.event
    def set_repeat_interval(self, value: str):
        self.repeat_interval = value

    @rx.event
    def toggle_weekday(self, day: str):
        self.repeat_weekdays = (
            [d for d in self.repeat_weekdays if d != day]
            if day in self.repeat_weekdays
            else [*self.repeat_weekdays, day]
        )

    @rx.event
    def set_repeat_end(self, value: str):
        self.repeat_end = value if value in ("count", "until", "never") else "count"

    @rx.event
    def set_repeat_count(self, value: str):
        self.repeat_count = value

    @rx.event
    def set_repeat_until(self, value: str):
        self.repeat_until = value

    def _rule(self) -> dict:
        return {
            "freq": self.repeat_freq,
            "interval": self.repeat_interval.strip(),
            "weekdays": sorted(int(d) for d in self.repeat_weekdays) if self.repeat_freq == "weekly" else [],
            "count": self.repeat_count.strip() if self.repeat_end == "count" else None,
            "until": self.repeat_until.strip() if self.repeat_end == "until" else None,
        }

    @rx.event
    async def after_schedule(self):
        """Chained after the composer's Schedule: a post that just got its date becomes the series' first."""
        self.repeat_error = ""
        if not self.repeat_on or self.in_series:
            return None
        user = await current_user(self)
        if user is None:
            return None
        compose = await self.get_state(ComposeState)
        if compose.error or not compose.post_id or compose.post_status != PostStatus.SCHEDULED:
            return None  # scheduling itself was refused; the composer already said why
        try:
            result = await run_blocking(guarded.set_recurrence, user, compose.post_id, self._rule())
        except UserError as exc:
            self.repeat_error = f"Scheduled once, but it can't repeat: {exc}"
            return None  # shown under the repeat controls; no toast repeating the same words
        await self._load_series(user.organization_id, compose.post_id)
        message = f"Repeats {result['description'][0].lower()}{result['description'][1:]}; {result['created']} more posts planned."
        compose.notice = f"{compose.notice} {message}".strip()
        return None  # the composer's status line says it (item 7: one message, not two)

    # --- queue -----------------------------------------------------------------------------
    @rx.event
    async def add_to_queue(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        compose = await self.get_state(ComposeState)
        self.queue_error = compose.error = compose.notice = ""
        account_ids = [int(a) for a in compose.selected_ids]
        try:
            require(user, "post.schedule")  # before the draft save below: a refusal changes nothing
            if compose.post_id:
                # Keep the editor's latest text: save it first, then queue the saved post.
                if not await compose._save(user, "draft"):
                    self.queue_error = compose.error
                    return None  # the composer's status line shows compose.error
                results = await run_blocking(guarded.add_to_queue, user, account_ids, post_id=compose.post_id)
            else:
                results = await run_blocking(
                    guarded.add_to_queue, user, account_ids, post_data=compose._input("schedule", None)
                )
        except UserError as exc:
            self.queue_error = compose.error = str(exc)
            return None
        tz = compose.user_timezone
        names = {a["id"]: a["display_name"] for a in compose.accounts}
        parts = [
            f"{timezones.format_local(datetime.fromisoformat(r['scheduled_at']), tz)} "
            f"({', '.join(names.get(str(a), str(a)) for a in r['account_ids'])})"
            for r in results
        ]
        compose.post_id = int(results[0]["post_id"])
        await compose._refresh_results(user.organization_id)
        local = timezones.to_local(datetime.fromisoformat(results[0]["scheduled_at"]), tz)
        compose.schedule_date, compose.schedule_time = local.strftime("%Y-%m-%d"), local.strftime("%H:%M")
        compose.notice = "Queued for " + "; ".join(parts) + "."
        if len(results) > 1:
            compose.notice += " The accounts' next free slots differ, so it was split into one post per time."
        return ComposeState.watch_post

    # --- series editing --------------------------------------------------------------------
    @rx.event
    def set_edit_scope(self, value: str | list[str]):
        self.edit_scope = value if value in ("occurrence", "series") else "occurrence"

    @rx.event
    async def save_series_edit(self):
        user = await current_user(self)
        if user is None:
            return rx.redirect("/login")
        compose = await self.get_state(ComposeState)
        compose.error = compose.notice = self.series_message = ""
        org = user.organization_id
        try:
            if self.edit_scope == "series":
                outcome = await run_blocking(guarded.update_series,
                    user, int(self.series["series_id"]), body=compose.main_text,
                    account_ids=[int(a) for a in compose.selected_ids],
                    overrides={int(k): v for k, v in compose.overrides.items() if v and k in compose.selected_ids},
                    media_ids=[int(m["id"]) for m in compose.media],
                )  # fmt: skip
                skipped = "; ".join(f"post {s['post_id']}: {s['reason']}" for s in outcome["skipped"])
                message = f"Whole series updated: {outcome['updated']} upcoming posts changed."
                if skipped:
                    message += f" Left as they were — {skipped}."
            else:
                local = timezones.parse_local(compose.schedule_date, compose.schedule_time)
                when, note = timezones.to_utc(local, compose.user_timezone)
                await run_blocking(guarded.update_occurrence, user, compose.post_id, compose._input("schedule", when))
                message = (note + " " if note else "") + (
                    f"Only this occurrence changed, now at {timezones.format_local(when, compose.user_timezone)}; "
                    "later series edits will leave it alone."
                )
        except UserError as exc:
            compose.error = str(exc)
            return None
        await compose._refresh_results(org)
        await self._load_series(org, compose.post_id)
        compose.notice = self.series_message = message
        return None

    @rx.event
    async def stop_repeating(self):
        user = await current_user(self)
        if user is None or not self.in_series:
            return None
        compose = await self.get_state(ComposeState)
        try:
            outcome = await run_blocking(guarded.end_series, user, int(self.series["series_id"]))
        except UserError as exc:
            compose.error = str(exc)
            return None
        message = f"The series stopped repeating; {outcome['removed']} upcoming posts were removed."
        try:
            await compose._refresh_results(user.organization_id)
        except UserError:  # the open post was one of the removed occurrences
            return [rx.toast.info(message), rx.redirect("/compose")]
        await self._load_series(user.organization_id, compose.post_id)
        compose.notice = self.series_message = message
        return None
