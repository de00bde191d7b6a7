"""Provider health against fake OpenAI-compatible servers: Retry-After skips, circuit breaker, usage outcomes."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from services import ai
from services.ai import health
from services.db import session_scope
from services.models import AIProviderHealth, AIUsage, utcnow
from tests.fakes.openai_server import ROUTE, FakeOpenAIServer
from tests.integration import ai_fixtures
from tests.integration.ai_fixtures import REPLY, add_provider

ws, fake = ai_fixtures.ws, ai_fixtures.fake


def _outcomes(org_id: int) -> list[tuple[str, str]]:
    with session_scope() as s:
        rows = s.exec(select(AIUsage).where(AIUsage.organization_id == org_id).order_by(AIUsage.id)).all()
        return [(r.provider_name, r.outcome) for r in rows]


async def _caption(ws: dict, user: str = "alice") -> dict:
    return await ai.suggest_caption(ws["org"], ws[user], "autumn menu launch", platforms=["mastodon"])


async def test_retry_after_is_honoured_across_users_and_restarts(ws: dict, fake: FakeOpenAIServer) -> None:
    with FakeOpenAIServer("Second provider answers.") as backup:
        limited = add_provider(ws, fake, "Limited", priority=1)
        add_provider(ws, backup, "Backup", priority=2)
        fake.behaviors[ROUTE] = [{"status": 429, "retry_after": "7"}]
        first = await _caption(ws)
        assert first["provider"] == "Backup"
        assert first["skipped"][0]["reason"] == "rate limited (429, retry after 7s)"
        # Bob, a moment later: the limited provider is not called again before its 7 seconds are up.
        second = await _caption(ws, "bob")
        assert second["provider"] == "Backup"
        assert second["skipped"][0]["reason"].startswith("skipped until ")
        assert "rate limited (429, retry after 7s)" in second["skipped"][0]["reason"]
        assert len(fake.chat_requests()) == 1
        # The state lives in the database (a fresh process reads the same row).
        with session_scope() as s:
            row = s.get(AIProviderHealth, limited["id"])
            assert row is not None and row.skip_until is not None
            assert timedelta(seconds=5) < row.skip_until - utcnow() <= timedelta(seconds=7)
            row.skip_until = utcnow() - timedelta(seconds=1)  # time passes
            s.add(row)
        third = await _caption(ws)
        assert third["provider"] == "Limited" and third["text"] == REPLY
        assert len(fake.chat_requests()) == 2
        assert _outcomes(ws["org"]) == [
            ("Limited", "rate_limited"), ("Backup", "answered"), ("Backup", "answered"), ("Limited", "answered"),
        ]  # fmt: skip
        assert health.health_of([limited["id"]])[limited["id"]].circuit == "closed"


async def test_ratelimit_reset_header_without_retry_after(ws: dict, fake: FakeOpenAIServer) -> None:
    provider = add_provider(ws, fake, "Limited")
    fake.behaviors[ROUTE] = [{"status": 429}]
    result = await _caption(ws)
    assert result["offline"]
    row = health.health_of([provider["id"]])[provider["id"]]
    # No Retry-After: the default wait applies.
    assert row.skip_until is not None and row.skip_until - utcnow() > timedelta(seconds=10)


async def test_circuit_opens_after_repeated_failures_and_half_opens(ws: dict, fake: FakeOpenAIServer) -> None:
    flaky = add_provider(ws, fake, "Flaky")
    fake.behaviors[ROUTE] = [500, 503, 500]
    for _ in range(3):
        assert (await _caption(ws))["offline"]
    assert len(fake.chat_requests()) == 3
    state = health.health_of([flaky["id"]])[flaky["id"]]
    assert state.circuit == "open" and state.consecutive_failures == 3
    skipped = await _caption(ws)
    assert skipped["offline"] and "circuit open after 3 failures" in skipped["skipped"][0]["reason"]
    assert len(fake.chat_requests()) == 3, "an open circuit makes no call"
    # Cool-down over: one trial call (half-open). It fails → open again, for longer.
    with session_scope() as s:
        row = s.get(AIProviderHealth, flaky["id"])
        row.skip_until = utcnow() - timedelta(seconds=1)
        s.add(row)
    fake.behaviors[ROUTE] = [500]
    assert (await _caption(ws))["offline"]
    assert len(fake.chat_requests()) == 4
    again = health.health_of([flaky["id"]])[flaky["id"]]
    assert again.circuit == "open" and again.skip_until - utcnow() > timedelta(seconds=90)
    with session_scope() as s:
        row = s.get(AIProviderHealth, flaky["id"])
        row.skip_until = utcnow() - timedelta(seconds=1)
        s.add(row)
    ok = await _caption(ws)
    assert ok["provider"] == "Flaky" and ok["text"] == REPLY
    assert health.health_of([flaky["id"]])[flaky["id"]].circuit == "closed"


def test_half_open_trial_is_claimed_once(ws: dict) -> None:
    provider = ai.add_provider(ws["org"], None, "P", "http://127.0.0.1:9/v1", "m", "")
    for _ in range(3):
        health.record_failure(ws["org"], provider["id"], "server", "server error (500)")
    later = utcnow() + timedelta(seconds=61)
    assert health.skip_reason(ws["org"], provider["id"], now=later) is None  # this caller makes the trial
    assert "another request is making the trial call" in health.skip_reason(ws["org"], provider["id"], now=later)


async def test_deleting_a_provider_removes_its_health(ws: dict, fake: FakeOpenAIServer) -> None:
    provider = add_provider(ws, fake, "Gone")
    fake.behaviors[ROUTE] = [429]
    await _caption(ws)
    ai.delete_provider(ws["org"], provider["id"])
    assert health.health_of([provider["id"]]) == {}


async def test_usage_calls_filters_and_provider_chart(ws: dict, fake: FakeOpenAIServer) -> None:
    add_provider(ws, fake, "Main", model="gpt-test")
    fake.behaviors[ROUTE] = [500]
    await _caption(ws)  # error, then offline
    await _caption(ws)  # answered
    ai.set_monthly_budget(ws["org"], 0)
    await _caption(ws)  # budget
    calls = ai.usage_calls(ws["org"])
    assert [c["outcome"] for c in calls] == ["budget", "answered", "offline", "error"]  # newest first
    answered = calls[1]
    assert (answered["provider"], answered["model"], answered["action"]) == ("Main", "gpt-test", "caption")
    assert answered["tokens_in"] > 0 and answered["cost_usd"] > 0 and answered["latency_ms"] >= 0
    assert [c["outcome"] for c in ai.usage_calls(ws["org"], outcome="error")] == ["error"]
    assert {c["provider"] for c in ai.usage_calls(ws["org"], provider="Main")} == {"Main"}
    assert ai.usage_calls(ws["org"], action="hashtags") == []
    summary = ai.usage_summary(ws["org"])
    assert (summary["total"]["calls"], summary["total"]["answered"], summary["total"]["failed"]) == (4, 1, 1)
    per_provider = {p["provider"]: p for p in summary["per_provider"]}
    assert per_provider["Main"]["answered"] == 1 and per_provider["Main"]["failed"] == 1
    fig = ai.provider_figure(ws["org"])
    names = {trace.name for trace in fig.data}
    assert {"answered", "error"} <= names
