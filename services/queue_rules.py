"""Posting slots edited as rules — "Mon–Fri at 09:00 and 17:30" — instead of one chip per weekday and time.

Why rules: a person thinks "weekdays at nine", not "five slots". Rules are a view over the stored
QueueSlot rows (weekday, time), so nothing changes in the database or for the queue: `rules_of`
groups the rows (times with the same set of days form one rule), `save_rules` expands rules back.

Saving keeps what is valid: every problem (a slot closer than MIN_SLOT_GAP_MINUTES to another, the
same day and time twice, a rule without days, a bad time) is listed at once, and the rest is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from services.queue import (
    MIN_SLOT_GAP_MINUTES,
    WEEKDAYS,
    QueueError,
    _parse_time,
    _parse_weekday,
    list_slots,
    set_slots,
)

DAY_ORDER = range(7)


def days_label(days: Iterable[int]) -> str:
    """Mon–Fri, Sat–Sun, Every day, or Mon, Wed, Fri."""
    ordered = sorted(set(days))
    if ordered == list(range(7)):
        return "Every day"
    if len(ordered) >= 3 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{WEEKDAYS[ordered[0]][:3]}–{WEEKDAYS[ordered[-1]][:3]}"
    return ", ".join(WEEKDAYS[d][:3] for d in ordered)


def rules_of(slots: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored slots ({"weekday", "time"}) grouped into rules: times that share the same set of days."""
    days_by_time: dict[str, set[int]] = {}
    for slot in slots:
        days_by_time.setdefault(slot["time"], set()).add(int(slot["weekday"]))
    times_by_days: dict[tuple[int, ...], list[str]] = {}
    for at, days in days_by_time.items():
        times_by_days.setdefault(tuple(sorted(days)), []).append(at)
    rules = [{"days": list(days), "times": sorted(times)} for days, times in times_by_days.items()]
    return sorted(rules, key=lambda r: (r["days"][0], r["times"][0], -len(r["days"])))


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def expand(rules: Iterable[dict[str, Any]]) -> tuple[list[tuple[int, str]], list[str]]:
    """(the slots that can be kept, every problem found) — never stops at the first problem."""
    problems: list[str] = []
    wanted: list[tuple[int, str]] = []
    for number, rule in enumerate(rules, start=1):
        days, times = list(rule.get("days") or []), list(rule.get("times") or [])
        if not days or not times:
            if days or times:
                problems.append(f"Rule {number} needs at least one day and one time; it was not saved.")
            continue
        try:
            parsed_days = sorted({_parse_weekday(d) for d in days})
        except QueueError as exc:
            problems.append(f"Rule {number}: {exc} It was not saved.")
            continue
        for raw in times:
            try:
                at = _parse_time(raw)
            except QueueError as exc:
                problems.append(f"Rule {number}: {exc}")
                continue
            wanted.extend((d, at) for d in parsed_days)
    kept: list[tuple[int, str]] = []
    for day, at in sorted(set(wanted)):
        previous = next((k for k in reversed(kept) if k[0] == day), None)
        if previous and _minutes(at) - _minutes(previous[1]) < MIN_SLOT_GAP_MINUTES:
            problems.append(
                f"{WEEKDAYS[day]} {at} is less than {MIN_SLOT_GAP_MINUTES} minutes after {previous[1]}; "
                f"{at} was not saved."
            )
            continue
        kept.append((day, at))
    for day, at in sorted({p for p in wanted if wanted.count(p) > 1}):
        problems.append(f"{WEEKDAYS[day]} {at} is in more than one rule; it is saved once.")
    return kept, problems


def save_rules(org_id: int, account_id: int, rules: Iterable[dict[str, Any]], tz: str) -> dict[str, Any]:
    """Save the valid part of `rules`; return {"saved": slots, "rules": the saved rules, "problems": [...]}."""
    kept, problems = expand(list(rules))
    saved = set_slots(org_id, account_id, kept, tz)
    return {"saved": saved, "rules": rules_of(saved), "problems": problems}


def load_rules(org_id: int, account_id: int) -> list[dict[str, Any]]:
    return rules_of(list_slots(org_id, account_id))
