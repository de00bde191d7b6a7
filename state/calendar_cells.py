"""The calendar's plain data: items (chips), cells, rows and heads, built from services.calendar_view output.

Kept apart from the state so the state file stays about behaviour; these are dataclasses Reflex
serialises to the browser (only what is drawn).
"""

from __future__ import annotations

import dataclasses

from components.platform import STATUS_COLORS
from services.publishing.states import PostStatus


@dataclasses.dataclass
class CalItem:
    id: str = ""
    time: str = ""
    text: str = ""
    status: str = ""
    status_label: str = ""
    bg: str = ""
    edge: str = ""
    platforms: list[str] = dataclasses.field(default_factory=list)
    link: str = ""
    recurring: bool = False
    movable: bool = False


@dataclasses.dataclass
class CalCell:
    """A month-view day, or a week/day-view hour slot of one day."""

    date: str = ""
    hour: int = 0
    label: str = ""
    in_month: bool = True
    today: bool = False
    chips: list[CalItem] = dataclasses.field(default_factory=list)
    more: int = 0
    new_at: str = ""  # local "YYYY-MM-DDTHH:MM" a click proposes to the composer; "" = in the past
    new_href: str = ""
    aria_day: str = ""


@dataclasses.dataclass
class TimeRow:
    label: str = ""
    hour: int = 0
    cells: list[CalCell] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class DayHead:
    date: str = ""
    label: str = ""
    today: bool = False
    new_at: str = ""
    new_href: str = ""
    aria_day: str = ""


def _short(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _item(raw: dict, chars: int) -> CalItem:
    color = STATUS_COLORS.get(raw["status"], "gray")
    return CalItem(
        id=str(raw["id"]),
        time=raw["local_time"],
        text=_short(raw["text"], chars),
        status=raw["status"],
        status_label=raw["status"].replace("_", " ").capitalize(),
        bg=f"var(--{color}-3)",
        edge=f"var(--{color}-9)",
        platforms=list(raw["platforms"])[:4],
        link=(raw["links"] or [""])[0],
        recurring=bool(raw["recurring"]),
        movable=bool(raw["can_reschedule"]) and PostStatus(raw["status"]).can_reschedule,
    )


def compose_href(at: str, account_filter: str = "") -> str:
    """The composer, prefilled with a local time (and an account when the calendar is filtered to one)."""
    href = f"/compose?at={at}"
    return href + (f"&account={account_filter}" if account_filter.isdigit() else "")


def _cell(shown: list[dict], total: int, chars: int, **fields) -> CalCell:  # noqa: ANN003
    return CalCell(chips=[_item(i, chars) for i in shown], more=max(0, total - len(shown)), **fields)
