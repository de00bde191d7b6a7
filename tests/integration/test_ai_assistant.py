"""The assistant end to end against a fake OpenAI-compatible server: payloads, streaming, fallback, usage, budget."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from services import ai
from services.ai.assistant import ALL_FAILED_NOTICE, NO_PROVIDER_NOTICE, OFFLINE_PROVIDER
from services.db import session_scope
from services.models import AIProvider, AIUsage, Membership, Organization, SocialAccount, User
from services.platforms.registry import adapter_class
from tests.fakes.openai_server import ROUTE, FakeOpenAIServer

REPLY = "Fresh coffee and warm pastries are waiting for you."
KEY = "sk-test-secret-9f8e7d6c5b4a-ab12"


@pytest.fixture
def fake() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(REPLY) as server:
        yield server


@pytest.fixture
def ws(db: str) -> dict:
    """A workspace with two users and accounts on X, LinkedIn and Mastodon."""
    with session_scope() as s:
        org = Organization(name="Corner Café")
        other_org = Organization(name="Elsewhere")
        alice = User(email="alice@example.com", name="Alice", password_hash="x")
        bob = User(email="bob@example.com", name="Bob", password_hash="x")
        s.add_all([org, other_org, alice, bob])
        s.flush()
        s.add_all([Membership(organization_id=org.id, user_id=u.id) for u in (alice, bob)])
        accounts = {
            p: SocialAccount(organization_id=org.id, platform=p, external_id=f"{p}-1", display_name=f"Café on {p}")
            for p in ("x", "linkedin", "mastodon", "instagram")
        }
        s.add_all(accounts.values())
        s.flush()
        return {
            "org": org.id,
            "other_org": other_org.id,
            "alice": alice.id,
            "bob": bob.id,
            **{p: a.id for p, a in accounts.items()},
        }


def _provider(ws: dict, fake: FakeOpenAIServer, name: str, *, user: int | None = None, priority: int = 1, **kw) -> dict:
    return ai.add_provider(
        ws["org"], user, name, fake.base_url, kw.pop("model", f"model-{name}"), kw.pop("key", KEY),
        priority, kw.pop("price_in", 0.5), kw.pop("price_out", 1.5), **kw,
    )  # fmt: skip


async def _events(stream) -> list[dict]:  # noqa: ANN001
    return [e async for e in stream]


def _usage_rows(org_id: int) -> list[AIUsage]:
    with session_scope() as s:
        return list(s.exec(select(AIUsage).where(AIUsage.organization_id == org_id).order_by(AIUsage.id)).all())


async def test_caption_streams_and_sends_exact_payload_with_persona(ws: dict, fake: FakeOpenAIServer) -> None:
    persona = ai.create_persona(
        ws["org"], "Corner Café", audience="neighbours and remote workers", tone="warm", topics="coffee", mission="a cosy third place"
    )  # fmt: skip
    ai.set_persona_accounts(ws["org"], persona["id"], [ws["x"], ws["linkedin"]])
    _provider(ws, fake, "Main", model="gpt-test")

    events = await _events(
        ai.stream_caption(
            ws["org"], ws["alice"], "  Autumn menu launch on Friday ", account_ids=[ws["x"], ws["linkedin"]]
        )
    )

    types = [e["type"] for e in events]
    assert types[0] == "prompt" and types[1] == "provider" and types[-1] == "done"
    assert set(types[2:-1]) == {"delta"} and len(types[2:-1]) == len(REPLY.split())
    assert "".join(e["text"] for e in events if e["type"] == "delta") == REPLY
    expected_messages = [
        {
            "role": "system",
            "content": "You are a social media assistant.\nWrite as: Corner Café\nAudience: neighbours and remote workers\n"
            "Tone: warm\nTopics: coffee\nMission: a cosy third place\n"
            "Reply with the post text only: no quotes, no explanations.",
        },
        {
            "role": "user",
            "content": "Write a post for X, LinkedIn of at most 280 characters from this brief:\nAutumn menu launch on Friday",
        },
    ]
    [sent] = fake.chat_requests()
    assert sent == {
        "model": "gpt-test",
        "messages": expected_messages,
        "max_tokens": 140,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    assert fake.recorded[0].headers["authorization"] == f"Bearer {KEY}"
    done = events[-1]
    assert done["messages"] == expected_messages == events[0]["messages"]
    assert (done["provider"], done["model"], done["offline"], done["label"]) == ("Main", "gpt-test", False, "")
    assert done["text"] == REPLY and done["within_limit"] and done["skipped"] == []
    prompt_words = sum(len(m["content"].split()) for m in expected_messages)
    assert (done["tokens_in"], done["tokens_out"], done["usage_reported"]) == (prompt_words, 9, True)
    [row] = _usage_rows(ws["org"])
    assert (row.provider_name, row.model, row.tokens_in, row.tokens_out, row.outcome, row.user_id, row.action) == (
        "Main", "gpt-test", prompt_words, 9, "answered", ws["alice"], "caption",
    )  # fmt: skip
    assert row.cost_usd == pytest.approx(prompt_words / 1000 * 0.5 + 9 / 1000 * 1.5)
    assert row.latency_ms >= 0


async def test_non_streaming_call_and_estimated_usage(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Main", model="m1")
    fake.behaviors[ROUTE] = [{"no_usage": True}, {"no_usage": True}]
    result = await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu", platforms=["mastodon"], stream=False)
    sent = fake.chat_requests()[0]
    assert set(sent) == {"model", "messages", "max_tokens"} and sent["max_tokens"] == 250
    assert result["text"] == REPLY and result["usage_reported"] is False
    prompt_chars = sum(len(m["content"]) for m in result["messages"])
    assert result["tokens_in"] == -(-prompt_chars // 4) and result["tokens_out"] == -(-len(REPLY) // 4)

    streamed = await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu", platforms=["mastodon"])
    assert streamed["text"] == REPLY and streamed["usage_reported"] is False
    assert _usage_rows(ws["org"])[-1].detail == "tokens estimated (no usage reported)"


async def test_fallback_order_reasons_and_personal_provider_first(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Workspace-1", priority=1)
    _provider(ws, fake, "Workspace-2", priority=2)
    _provider(ws, fake, "Workspace-3", priority=3, timeout_seconds=0.3)
    _provider(ws, fake, "Workspace-4", priority=4)
    _provider(ws, fake, "Workspace-5", priority=5)
    _provider(ws, fake, "Alice-own", user=ws["alice"], priority=9)
    _provider(ws, fake, "Bob-own", user=ws["bob"], priority=0)
    fake.behaviors[ROUTE] = [401, {"status": 429, "retry_after": "7"}, 500, {"delay": 1.5}, 503]

    events = await _events(ai.stream_caption(ws["org"], ws["alice"], "Autumn menu", platforms=["x"]))

    models = [r["model"] for r in fake.chat_requests()]
    assert models == [
        f"model-{n}" for n in ("Alice-own", "Workspace-1", "Workspace-2", "Workspace-3", "Workspace-4", "Workspace-5")
    ]
    done = events[-1]
    assert done["provider"] == "Workspace-5" and done["text"] == REPLY and not done["offline"]
    assert done["skipped"] == [
        {"provider": "Alice-own", "model": "model-Alice-own", "reason": "the provider rejected the key (…ab12)"},
        {"provider": "Workspace-1", "model": "model-Workspace-1", "reason": "rate limited (429, retry after 7s)"},
        {"provider": "Workspace-2", "model": "model-Workspace-2", "reason": "server error (500)"},
        {"provider": "Workspace-3", "model": "model-Workspace-3", "reason": "no answer within 0.3s (timeout)"},
        {"provider": "Workspace-4", "model": "model-Workspace-4", "reason": "server error (503)"},
    ]
    assert [e["provider"] for e in events if e["type"] == "skipped"] == [s["provider"] for s in done["skipped"]]
    assert [e["name"] for e in events if e["type"] == "provider"] == ["Workspace-5"]
    rows = _usage_rows(ws["org"])
    assert [(r.provider_name, r.outcome) for r in rows] == [
        ("Alice-own", "error"), ("Workspace-1", "rate_limited"), ("Workspace-2", "error"), ("Workspace-3", "error"),
        ("Workspace-4", "error"), ("Workspace-5", "answered"),
    ]  # fmt: skip
    assert rows[1].detail == "rate limited (429, retry after 7s)" and rows[0].cost_usd == 0


async def test_disabled_provider_is_not_tried(ws: dict, fake: FakeOpenAIServer) -> None:
    first = _provider(ws, fake, "First", priority=1)
    _provider(ws, fake, "Second", priority=2)
    ai.update_provider(ws["org"], first["id"], enabled=False)
    done = await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu")
    assert done["provider"] == "Second" and [r["model"] for r in fake.chat_requests()] == ["model-Second"]


async def test_stream_broken_mid_answer_resets_and_next_provider_answers(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Flaky", priority=1)
    _provider(ws, fake, "Steady", priority=2)
    fake.behaviors[ROUTE] = [{"break_after": 2}, {"text": "Second answer here."}]
    events = await _events(ai.stream_caption(ws["org"], ws["alice"], "Autumn menu"))
    types = [e["type"] for e in events]
    assert types.index("reset") > types.index("skipped") and "delta" in types[: types.index("skipped")]
    after_reset = events[types.index("reset") + 1 :]
    assert "".join(e["text"] for e in after_reset if e["type"] == "delta") == "Second answer here."
    assert events[-1]["provider"] == "Steady" and events[-1]["text"] == "Second answer here."
    assert events[-1]["skipped"] == [
        {"provider": "Flaky", "model": "model-Flaky", "reason": "the connection dropped mid-answer"}
    ]


async def test_all_providers_fail_gives_labelled_offline_suggestion(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "A", priority=1)
    _provider(ws, fake, "B", priority=2)
    fake.behaviors[ROUTE] = [500, 429]
    events = await _events(
        ai.stream_caption(ws["org"], ws["alice"], "autumn menu launch with pumpkin soup", platforms=["x"])
    )
    done = events[-1]
    assert done["offline"] and done["label"] == "offline suggestion" and done["provider"] == OFFLINE_PROVIDER
    assert [s["reason"] for s in done["skipped"]] == ["server error (500)", "rate limited (429, retry after 7s)"]
    assert ALL_FAILED_NOTICE in done["notices"]
    assert "".join(e["text"] for e in events if e["type"] == "delta") == done["text"]
    assert done["text"] == "Autumn menu launch with pumpkin soup.\n\n#autumn #menu #launch"
    assert [r.outcome for r in _usage_rows(ws["org"])] == ["error", "rate_limited", "offline"]


async def test_no_provider_configured_answers_offline(ws: dict) -> None:
    events = await _events(ai.stream_caption(ws["org"], ws["alice"], "Autumn menu launch", account_ids=[ws["x"]]))
    assert {"type": "notice", "target": "all", "message": NO_PROVIDER_NOTICE} in events
    done = events[-1]
    assert done["offline"] and done["label"] == ai.OFFLINE_LABEL and done["within_limit"]
    assert done["messages"] == events[0]["messages"]  # "Show prompt" still shows what would have been sent


async def test_monthly_budget_stops_calls(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Paid", price_in=10.0, price_out=10.0)
    ai.set_monthly_budget(ws["org"], 0.05)
    first = await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu")
    assert not first["offline"] and first["cost_usd"] > 0.05
    second = await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu")
    assert len(fake.chat_requests()) == 1
    assert second["offline"] and second["label"] == "offline suggestion"
    assert any("monthly AI budget of $0.05 is reached" in n for n in second["notices"])
    ai.set_monthly_budget(ws["org"], None)
    third = await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu")
    assert not third["offline"] and len(fake.chat_requests()) == 2
    for bad in (-1, "lots", float("nan")):
        with pytest.raises(ai.AIInputError):
            ai.set_monthly_budget(ws["org"], bad)


async def test_key_is_never_logged_echoed_or_listed(
    ws: dict, fake: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _provider(ws, fake, "Rejected", priority=1)
    fake.valid_keys = {"sk-another-good-key-zz99"}
    events = await _events(ai.stream_caption(ws["org"], ws["alice"], "Autumn menu"))
    assert KEY in fake.recorded[0].body.decode() or fake.recorded[0].headers["authorization"].endswith(KEY)
    assert events[-1]["skipped"][0]["reason"] == "the provider rejected the key (…ab12)"
    assert KEY not in caplog.text and KEY not in json.dumps(events, default=str)
    listing = ai.list_providers(ws["org"], ws["alice"])
    assert KEY not in json.dumps(listing) and listing[0]["key_last4"] == "ab12" and listing[0]["key_hint"] == "…ab12"
    with session_scope() as s:
        row = s.exec(select(AIProvider)).one()
        assert KEY not in row.api_key_blob and row.api_key_blob
    assert all(KEY not in r.detail for r in _usage_rows(ws["org"]))


async def test_bad_input_gives_clear_messages_and_calls_nothing(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Main")
    empty = await _events(ai.stream_caption(ws["org"], ws["alice"], "   "))
    assert empty == [
        {"type": "error", "target": "all", "message": "Write a short brief first: what should the post be about?"}
    ]
    too_long = await ai.suggest_caption(ws["org"], ws["alice"], "a" * 4001)
    assert too_long["type"] == "error" and "4,001 characters" in too_long["message"] and "4,000" in too_long["message"]
    no_accounts = await ai.suggest_rewrites(ws["org"], ws["alice"], "Some post")
    assert no_accounts["type"] == "error" and "Select at least one account" in no_accounts["message"]
    foreign = await ai.suggest_caption(ws["other_org"], None, "Autumn", account_ids=[ws["x"]])
    assert foreign["type"] == "error" and "no longer exists" in foreign["message"]
    no_tone = await ai.suggest_tone(ws["org"], ws["alice"], "Some post", " ")
    assert no_tone["type"] == "error" and "Pick a tone" in no_tone["message"]
    assert fake.chat_requests() == []
    at_limit = await ai.suggest_caption(ws["org"], ws["alice"], "a" * 4000)
    assert at_limit["type"] == "done"


async def test_rewrite_per_platform_uses_each_accounts_persona_and_limit(ws: dict, fake: FakeOpenAIServer) -> None:
    barista = ai.create_persona(ws["org"], "Barista Bo", audience="coffee nerds")
    owner = ai.create_persona(ws["org"], "Owner Olga", audience="local business owners")
    ai.assign_account_persona(ws["org"], ws["x"], barista["id"])
    ai.assign_account_persona(ws["org"], ws["linkedin"], owner["id"])
    _provider(ws, fake, "Main")
    long_reply = "word " * 100  # 500 characters: too long for X, fine for LinkedIn
    fake.behaviors[ROUTE] = [{"text": long_reply}, {"text": long_reply}]

    result = await ai.suggest_rewrites(
        ws["org"], ws["alice"], "Our autumn menu is here", account_ids=[ws["x"], ws["linkedin"]]
    )

    sent = fake.chat_requests()
    assert [m["messages"][1]["content"].split("\n")[0] for m in sent] == [
        "Rewrite this post for X in that platform's style. It must fit within 280 characters and use no fixed hashtags at most.",
        "Rewrite this post for LinkedIn in that platform's style. It must fit within 3000 characters and use no fixed hashtags at most.",
    ]
    assert "Audience: coffee nerds" in sent[0]["messages"][0]["content"]
    assert "Audience: local business owners" in sent[1]["messages"][0]["content"]
    assert [m["max_tokens"] for m in sent] == [140, 1024]
    by_target = {r["target_info"]["platform"]: r for r in result["results"]}
    assert not by_target["X"]["within_limit"] and by_target["LinkedIn"]["within_limit"]
    x_rules = adapter_class("x")()
    assert x_rules.count_text(by_target["X"]["fitted_text"]) <= 280 and by_target["X"]["fitted_text"].endswith("…")
    assert by_target["X"]["target_info"]["account_ids"] == [ws["x"]]


async def test_hashtags_and_tone_payloads(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Main")
    await ai.suggest_hashtags(ws["org"], ws["alice"], "Pumpkin soup is back", count=40, account_ids=[ws["instagram"]])
    tags = await ai.suggest_hashtags(
        ws["org"], ws["alice"], "Pumpkin soup is back", count=8, account_ids=[ws["instagram"]]
    )
    await ai.suggest_tone(ws["org"], ws["alice"], "Pumpkin soup is back", "witty", account_ids=[ws["mastodon"]])
    sent = fake.chat_requests()
    assert len(sent) == 2  # 40 hashtags were refused before any call
    assert (
        sent[0]["messages"][1]["content"]
        == "Suggest 8 relevant hashtags for this Instagram post.\n\nPost:\nPumpkin soup is back"
    )
    assert sent[0]["max_tokens"] == 100 and tags["action"] == "hashtags"
    assert sent[1]["messages"][1]["content"] == (
        "Rewrite this post in a witty tone for Mastodon, within 500 characters. Keep its meaning.\n\nPost:\nPumpkin soup is back"
    )


async def test_user_template_wins_over_workspace_template(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Main")
    ai.save_template(ws["org"], "caption", "Workspace system for {persona_name}", "WS: {brief} ({limit})")
    ai.save_template(ws["org"], "caption", "Alice system", "Alice: {brief} on {platform}", user_id=ws["alice"])
    await ai.suggest_caption(ws["org"], ws["alice"], "Autumn", platforms=["x"])
    await ai.suggest_caption(ws["org"], ws["bob"], "Autumn", platforms=["x"])
    alice_sent, bob_sent = fake.chat_requests()
    assert alice_sent["messages"] == [
        {"role": "system", "content": "Alice system"},
        {"role": "user", "content": "Alice: Autumn on X"},
    ]
    assert bob_sent["messages"] == [
        {"role": "system", "content": "Workspace system for "},
        {"role": "user", "content": "WS: Autumn (280)"},
    ]
    assert ai.render_prompt(ws["org"], ws["bob"], "caption", brief="Autumn", platforms=["x"]) == bob_sent["messages"]


async def test_usage_summary_per_user_and_month_and_figure(ws: dict, fake: FakeOpenAIServer) -> None:
    _provider(ws, fake, "Main", price_in=1.0, price_out=2.0)
    await ai.suggest_caption(ws["org"], ws["alice"], "Autumn menu")
    await ai.suggest_caption(ws["org"], ws["alice"], "Winter menu")
    await ai.suggest_caption(ws["org"], ws["bob"], "Spring menu")
    now = datetime.now(UTC)
    last_month = (now.replace(day=1) - __import__("datetime").timedelta(days=1)).replace(day=10)
    with session_scope() as s:
        s.add(AIUsage(organization_id=ws["org"], user_id=ws["bob"], provider_name="Main", model="m", tokens_in=100,
                      tokens_out=50, cost_usd=0.25, created_at=last_month))  # fmt: skip
        s.add(AIUsage(organization_id=ws["other_org"], provider_name="X", model="m", cost_usd=99.0))
    rows = [
        r
        for r in _usage_rows(ws["org"])
        if r.created_at >= now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    ]
    this_month_cost = sum(r.cost_usd for r in rows)

    summary = ai.usage_summary(ws["org"])
    assert summary["total"]["calls"] == 4
    assert summary["total"]["cost_usd"] == pytest.approx(this_month_cost + 0.25)
    users = {u["user_name"]: u for u in summary["per_user"]}
    assert users["Alice"]["calls"] == 2 and users["Bob"]["calls"] == 2
    assert users["Bob"]["cost_usd"] == pytest.approx(0.25 + rows[2].cost_usd)
    assert [m["month"] for m in summary["per_month"]] == [last_month.strftime("%Y-%m"), now.strftime("%Y-%m")]
    assert summary["per_month"][1]["cost_usd"] == pytest.approx(this_month_cost)
    assert summary["month_spend_usd"] == pytest.approx(this_month_cost) and summary["budget_usd"] is None

    fig = ai.usage_figure(ws["org"])
    assert sorted(t.name for t in fig.data) == ["Alice", "Bob"]
    bob_trace = next(t for t in fig.data if t.name == "Bob")
    assert list(bob_trace.x) == [last_month.strftime("%Y-%m"), now.strftime("%Y-%m")]
    assert bob_trace.y[0] == pytest.approx(0.25)
    assert len(ai.usage_figure(ws["other_org"]).data) == 1
