"""State derivation, lease claims (SQLite CAS and PostgreSQL SKIP LOCKED), reconcile, grace window, health."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

import tests.countingnet_adapter as cn
from services.db import session_scope
from services.health import health_status
from services.models import PostTarget
from services.publishing import states
from services.publishing.claims import claim_due_targets
from services.publishing.heartbeat import beat
from services.publishing.maintenance import fail_missed_targets, reconcile_expired_leases

T = PostTarget.__table__
NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("targets", "expected"),
    [
        ([], "draft"),
        (["published", "published"], "published"),
        (["published", "publishing"], "publishing"),
        (["published", "needs_review", "scheduled"], "needs_review"),
        (["failed", "scheduled"], "scheduled"),
        (["failed", "failed"], "failed"),
        (["published", "failed"], "partially_failed"),
        (["draft", "published"], "draft"),
    ],
)
def test_post_status_is_derived_from_targets(targets: list[str], expected: str) -> None:
    assert states.derive_post_status(targets) == expected


def _rows() -> dict[int, dict]:
    with session_scope() as s:
        return {r.id: dict(r._mapping) for r in s.execute(select(T)).all()}


def _setup(n: int, accounts: int = 2, platform: str = "countingnet") -> tuple[int, list[int]]:
    org = cn.seed_org()
    acc = [cn.add_account(org, "http://127.0.0.1:9", platform=platform, external_id=f"a{i}") for i in range(accounts)]
    cn.bulk_schedule(org, acc, n, NOW - timedelta(seconds=1))
    return org, acc


def test_claim_takes_due_targets_once_with_a_lease(db: str) -> None:
    _setup(6)
    cn.bulk_schedule(1, [1], 1, NOW + timedelta(minutes=5), prefix="later")  # not due yet
    first = claim_due_targets("w1", NOW, 4, 60, per_account=4)
    second = claim_due_targets("w2", NOW, 10, 60, per_account=4)
    assert len(first) == 4 and len(second) == 2
    assert not {c.target_id for c in first} & {c.target_id for c in second}
    rows = _rows()
    for c in first:
        row = rows[c.target_id]
        assert (row["status"], row["claimed_by"], row["attempts"]) == ("publishing", "w1", 1)
        assert row["lease_until"] == NOW + timedelta(seconds=60)
        assert c.text.startswith("post #") and c.idempotency_key
    assert claim_due_targets("w3", NOW, 10, 60, per_account=4) == []
    assert cn.target_statuses() == {"publishing": 6, "scheduled": 1}


def test_claim_is_fair_across_accounts_and_respects_free_slots(db: str) -> None:
    org = cn.seed_org()
    busy = cn.add_account(org, "http://x", external_id="busy")
    quiet = cn.add_account(org, "http://x", external_id="quiet")
    cn.bulk_schedule(org, [busy], 20, NOW - timedelta(seconds=5))
    cn.bulk_schedule(org, [quiet], 3, NOW)
    got = claim_due_targets("w", NOW, 10, 60, per_account=2, account_free={busy: 1})
    by_account = [c.social_account_id for c in got]
    assert by_account.count(busy) == 1 and by_account.count(quiet) == 2


def test_concurrent_claims_never_overlap(db: str) -> None:
    _setup(200, accounts=50)
    results: dict[str, list[int]] = {}

    def worker(name: str) -> None:
        got: list[int] = []
        for _ in range(30):
            got += [c.target_id for c in claim_due_targets(name, NOW, 7, 60, per_account=4)]
        results[name] = got

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    claimed = [tid for ids in results.values() for tid in ids]
    assert len(claimed) == len(set(claimed)) == 200
    owners = {tid: row["claimed_by"] for tid, row in _rows().items()}
    for name, ids in results.items():
        assert all(owners[i] == name for i in ids)


def test_expired_lease_is_retried_only_where_a_retry_cannot_duplicate(db: str) -> None:
    org = cn.seed_org()
    keyed = cn.add_account(org, "http://x", platform="countingnet", external_id="k")
    blind = cn.add_account(org, "http://x", platform="countingnet_blind", external_id="b")
    cn.bulk_schedule(org, [keyed, blind], 4, NOW - timedelta(seconds=10))
    claim_due_targets("dead", NOW - timedelta(seconds=9), 4, 5, per_account=4)
    assert reconcile_expired_leases(NOW - timedelta(seconds=6)) == {"retry": 0, "needs_review": 0}  # lease still valid
    assert reconcile_expired_leases(NOW) == {"retry": 2, "needs_review": 2}
    rows = _rows().values()
    assert {(r["social_account_id"], r["status"], r["error_kind"]) for r in rows} == {
        (keyed, "scheduled", "unknown_outcome"),
        (blind, "needs_review", "unknown_outcome"),
    }
    assert all(r["claimed_by"] == "" for r in rows)
    assert {r["last_error"] for r in rows if r["status"] == "needs_review"} == {states.NEEDS_REVIEW_MESSAGE}


def test_targets_missed_beyond_the_grace_window_fail_visibly(db: str) -> None:
    org = cn.seed_org()
    acc = cn.add_account(org, "http://x")
    old = cn.bulk_schedule(org, [acc], 2, NOW - timedelta(hours=7), prefix="old")
    recent = cn.bulk_schedule(org, [acc], 2, NOW - timedelta(hours=5), prefix="recent")
    assert fail_missed_targets(NOW, 6.0) == 2
    rows = _rows().values()
    assert {r["post_id"] for r in rows if r["status"] == "failed"} == set(old)
    assert {r["last_error"] for r in rows if r["status"] == "failed"} == {"missed while the server was down"}
    assert {r["post_id"] for r in rows if r["status"] == "scheduled"} == set(recent)
    with session_scope() as s:
        from services.models import Post

        assert {p.status for p in s.exec(select(Post).where(Post.id.in_(old))).scalars()} == {"failed"}
    assert len(claim_due_targets("w", NOW, 10, 60, per_account=4)) == 2


def test_health_fails_without_a_recent_tick(db: str) -> None:
    assert health_status(NOW)["ok"] is False
    beat("worker-a", NOW - timedelta(seconds=40), NOW - timedelta(minutes=5))
    status = health_status(NOW)
    assert status["ok"] is False and status["age_seconds"] == 40.0
    beat("worker-b", NOW - timedelta(seconds=2), NOW - timedelta(minutes=1))
    beat("worker-b", NOW - timedelta(seconds=1), NOW - timedelta(minutes=1))
    status = health_status(NOW)
    assert status["ok"] is True and status["age_seconds"] == 1.0
    assert [w["worker_id"] for w in status["workers"]] == ["worker-b", "worker-a"]
    assert [w["alive"] for w in status["workers"]] == [True, False]


def test_reclaimed_target_cannot_be_overwritten_by_the_old_owner(db: str) -> None:
    from services.publishing import outcomes

    _setup(1, accounts=1)
    [claim] = claim_due_targets("old", NOW, 1, 1, per_account=4)
    with session_scope() as s:  # lease expired and another worker took it over
        s.execute(update(T).values(claimed_by="new"))
    done = outcomes.published(NOW, "x1", "http://x/1", None)
    assert outcomes.record_outcomes("old", [(claim.target_id, claim.post_id, done)], NOW) == 0
    assert outcomes.record_outcomes("new", [(claim.target_id, claim.post_id, done)], NOW) == 1
    assert _rows()[claim.target_id]["external_id"] == "x1"
