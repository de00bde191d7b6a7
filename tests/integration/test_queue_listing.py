"""Queue listing (issue 20 item 10) and slot rules (item 11): services on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

from services.posts import PostInput, save_post
from services.queue import list_slots, set_slots
from services.queue_listing import queue_view
from services.queue_rules import days_label, expand, load_rules, rules_of, save_rules
from tests.seeding import seed_workspace

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday 13:00 in Berlin
BERLIN = "Europe/Berlin"


def _schedule(org_id: int, user_id: int, acc: int, text: str, at_utc: datetime) -> int:
    data = PostInput(body=text, account_ids=[acc], action="schedule", scheduled_at=at_utc, timezone=BERLIN)
    return save_post(org_id, user_id, data, now=NOW)


def test_custom_time_posts_are_listed_in_time_order_with_free_slots_interleaved(db: str) -> None:
    org_id, user_id, (acc, other) = seed_workspace(timezone=BERLIN)
    set_slots(org_id, acc, [(1, "10:00")], BERLIN)  # Tuesdays 10:00 Berlin = 09:00 UTC
    # Tuesday Mar 3 (Berlin, UTC+1): 09:00, 10:00 (the slot), 12:30 and 17:15
    at_0900 = _schedule(org_id, user_id, acc, "nine", datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    at_slot = _schedule(org_id, user_id, acc, "slot", datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    at_1230 = _schedule(org_id, user_id, acc, "half past twelve", datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
    at_1715 = _schedule(org_id, user_id, acc, "quarter past five", datetime(2026, 3, 3, 16, 15, tzinfo=UTC))
    # a second post queued into the same slot by someone else at the same moment is listed too
    twin = _schedule(org_id, user_id, acc, "twin", datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    other_post = _schedule(org_id, user_id, other, "other account", datetime(2026, 3, 3, 11, 0, tzinfo=UTC))

    view = queue_view(org_id, days=8, tz=BERLIN, now=NOW, account_id=acc)
    listed = [(v["local_date"], v["local_time"], v["is_slot"], v["post"]["id"] if v["post"] else None) for v in view]
    assert listed == [
        ("2026-03-03", "09:00", False, at_0900),
        ("2026-03-03", "10:00", True, at_slot),
        ("2026-03-03", "10:00", True, twin),
        ("2026-03-03", "12:30", False, at_1230),
        ("2026-03-03", "17:15", False, at_1715),
        ("2026-03-10", "10:00", True, None),  # next Tuesday's slot is free
    ]
    free = view[-1]
    assert free["free"] and free["add_at"] == "2026-03-10T10:00" and free["account_id"] == acc
    # every account: the other account's post is interleaved by time
    everything = [v["post"]["id"] for v in queue_view(org_id, days=8, tz=BERLIN, now=NOW) if v["post"]]
    assert everything == [at_0900, at_slot, twin, other_post, at_1230, at_1715]


def test_queue_view_is_scoped_to_the_workspace(db: str) -> None:
    org_id, user_id, (acc, _) = seed_workspace(timezone=BERLIN)
    other_org, other_user, (other_acc, _) = seed_workspace("Other", timezone=BERLIN)
    _schedule(other_org, other_user, other_acc, "theirs", datetime(2026, 3, 3, 8, 0, tzinfo=UTC))
    set_slots(other_org, other_acc, [(1, "10:00")], BERLIN)
    assert queue_view(org_id, days=8, tz=BERLIN, now=NOW) == []
    # an account id of another workspace lists nothing
    assert queue_view(org_id, days=8, tz=BERLIN, now=NOW, account_id=other_acc) == []


def test_rules_group_slots_and_label_days(db: str) -> None:
    slots = [{"weekday": d, "time": t} for d in range(5) for t in ("09:00", "17:30")] + [{"weekday": 5, "time": "11:00"}]
    assert rules_of(slots) == [
        {"days": [0, 1, 2, 3, 4], "times": ["09:00", "17:30"]},
        {"days": [5], "times": ["11:00"]},
    ]
    assert days_label([0, 1, 2, 3, 4]) == "Mon–Fri"
    assert days_label(range(7)) == "Every day"
    assert days_label([5, 6]) == "Sat, Sun"
    assert days_label([0, 2, 4]) == "Mon, Wed, Fri"


def test_every_conflict_is_listed_and_the_valid_part_saved(db: str) -> None:
    org_id, _, (acc, _) = seed_workspace(timezone=BERLIN)
    rules = [
        {"days": [0, 1, 2, 3, 4], "times": ["09:00", "17:30"]},
        {"days": [0, 4], "times": ["09:03", "17:31"]},  # four clashes, all named
        {"days": [2], "times": ["09:00"]},  # a duplicate: saved once
        {"days": [], "times": ["12:00"]},  # no days: not saved, said so
    ]
    kept, problems = expand(rules)
    assert len(kept) == 10
    assert any("Monday 09:03" in p and "09:00" in p for p in problems)
    assert any("Friday 17:31" in p for p in problems)
    assert any("Monday 17:31" in p for p in problems) and any("Friday 09:03" in p for p in problems)
    assert any("Wednesday 09:00 is in more than one rule" in p for p in problems)
    assert any(p.startswith("Rule 4 needs at least one day") for p in problems)
    assert len(problems) == 6

    result = save_rules(org_id, acc, rules, BERLIN)
    assert len(result["saved"]) == 10 and result["problems"] == problems
    assert result["rules"] == [{"days": [0, 1, 2, 3, 4], "times": ["09:00", "17:30"]}]
    assert len(list_slots(org_id, acc)) == 10
    assert load_rules(org_id, acc) == result["rules"]
    # a bad time is a problem of its rule, the rest is still saved
    result = save_rules(org_id, acc, [{"days": [6], "times": ["25:00", "08:00"]}], BERLIN)
    assert [s["time"] for s in result["saved"]] == ["08:00"]
    assert result["problems"] and "isn't a valid time" in result["problems"][0]
