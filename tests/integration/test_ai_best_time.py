"""Suggest a time: the next three slots from the analytics heatmap, or the queue's next free slot."""

from __future__ import annotations

from datetime import UTC, datetime

from services.ai.best_time import suggest_times
from services.queue import set_slots
from tests.integration import ai_fixtures
from tests.integration.ai_history import seed_history, tuesday_heavy_plan

ws = ai_fixtures.ws
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


def test_three_best_slots_with_reasoning(ws: dict) -> None:
    seed_history(ws["org"], ws["mastodon"], "mastodon", NOW, tuesday_heavy_plan())
    result = suggest_times(ws["org"], [ws["mastodon"]], "UTC", now=NOW)
    assert result["enough_history"], result["message"]
    assert [s["label"] for s in result["slots"]] == ["Thu 26 Nov 14:00", "Sat 28 Nov 20:00", "Tue 01 Dec 09:00"]
    tuesday = result["slots"][-1]
    # median of the five hours' averages is 12, Tuesday's average 23 → 1.9×
    assert tuesday["reason"] == "Tuesdays 09:00–10:00 got 1.9× your median engagement over 90 days (6 posts)"
    assert tuesday["date"] == "2026-12-01" and tuesday["time"] == "09:00"


def test_slots_are_in_the_users_timezone(ws: dict) -> None:
    # four weeks back, all after the end of summer time (25 Oct 2026): UTC+1 throughout
    seed_history(ws["org"], ws["mastodon"], "mastodon", NOW, tuesday_heavy_plan(weeks=4))
    result = suggest_times(ws["org"], [ws["mastodon"]], "Europe/Berlin", now=NOW)
    assert "Tuesdays 10:00–11:00" in result["slots"][-1]["reason"] and result["slots"][-1]["time"] == "10:00"


def test_other_accounts_history_is_not_used(ws: dict) -> None:
    seed_history(ws["org"], ws["mastodon"], "mastodon", NOW, tuesday_heavy_plan())
    result = suggest_times(ws["org"], [ws["x"]], "UTC", now=NOW)
    assert not result["enough_history"] and result["slots"] == []
    assert result["message"].startswith("Not enough engagement history yet: 0 published posts")
    assert result["queue_slot"] is None and "no posting slots" in result["queue_message"]


def test_without_history_offers_the_next_queue_slot(ws: dict) -> None:
    seed_history(ws["org"], ws["mastodon"], "mastodon", NOW, [(1, 1, 9, 5), (2, 1, 9, 6)])
    set_slots(ws["org"], ws["mastodon"], [{"weekday": 4, "time": "08:30"}], "UTC")
    result = suggest_times(ws["org"], [ws["mastodon"]], "UTC", now=NOW)
    assert not result["enough_history"] and "2 published posts" in result["message"]
    assert result["queue_slot"]["label"] == "Fri 27 Nov 08:30"


def test_history_collected_after_a_first_look_is_used(ws: dict) -> None:
    """The heatmap reads daily rollups: metrics collected after the first suggestion must still count."""
    assert not suggest_times(ws["org"], [ws["mastodon"]], "UTC", now=NOW)["enough_history"]
    seed_history(ws["org"], ws["mastodon"], "mastodon", NOW, tuesday_heavy_plan())
    assert len(suggest_times(ws["org"], [ws["mastodon"]], "UTC", now=NOW)["slots"]) == 3
