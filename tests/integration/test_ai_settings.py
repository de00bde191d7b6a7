"""Providers, personas and prompt templates: validation, org scoping, ordering and template variables."""

from __future__ import annotations

import pytest
from sqlmodel import select

from services import ai
from services.crypto import decrypt_text
from services.db import session_scope
from services.models import AIProvider, Organization, SocialAccount, User


@pytest.fixture
def ws(db: str) -> dict:
    with session_scope() as s:
        org, other = Organization(name="Café"), Organization(name="Other")
        alice = User(email="alice@example.com", name="Alice", password_hash="x")
        bob = User(email="bob@example.com", name="Bob", password_hash="x")
        s.add_all([org, other, alice, bob])
        s.flush()
        accounts = [
            SocialAccount(organization_id=org.id, platform=p, external_id=p, display_name=p)
            for p in ("x", "bluesky", "tiktok")
        ]
        foreign = SocialAccount(organization_id=other.id, platform="x", external_id="x", display_name="x")
        s.add_all([*accounts, foreign])
        s.flush()
        return {"org": org.id, "other": other.id, "alice": alice.id, "bob": bob.id,
                "accounts": [a.id for a in accounts], "foreign": foreign.id}  # fmt: skip


@pytest.mark.parametrize(
    "bad", ["", "api.openai.com/v1", "ftp://example.com", "not a url", "http://", "https://x.io/v1?key=1"]
)
def test_provider_base_url_must_be_http_url(ws: dict, bad: str) -> None:
    with pytest.raises(ai.AIInputError) as exc:
        ai.add_provider(ws["org"], None, "P", bad, "gpt", "sk-1234")
    assert "URL" in str(exc.value) and "sk-1234" not in str(exc.value)


def test_provider_crud_order_scoping_and_encrypted_key(ws: dict) -> None:
    a = ai.add_provider(
        ws["org"], None, "OpenAI", "https://api.openai.com/v1/", "gpt-4o-mini", "sk-aaaa1111", 2, 0.15, 0.6
    )
    b = ai.add_provider(ws["org"], None, "Ollama", "http://localhost:11434/v1", "llama3", "", 1)
    mine = ai.add_provider(ws["org"], ws["alice"], "Mine", "https://gw.example.com/v1", "m", "sk-mine-9999", 50)
    assert a["base_url"] == "https://api.openai.com/v1" and a["key_last4"] == "1111" and "api_key" not in a
    assert b["key_hint"] == "no key"
    assert [p["name"] for p in ai.list_providers(ws["org"], ws["alice"])] == ["Mine", "Ollama", "OpenAI"]
    assert [p["name"] for p in ai.list_providers(ws["org"], ws["bob"])] == ["Ollama", "OpenAI"]
    assert ai.list_providers(ws["other"], ws["alice"]) == []
    with session_scope() as s:
        row = s.get(AIProvider, a["id"])
        assert "sk-aaaa1111" not in row.api_key_blob and decrypt_text(row.api_key_blob) == "sk-aaaa1111"

    updated = ai.update_provider(ws["org"], a["id"], priority=0, enabled=False, api_key="sk-new-key-2222")
    assert (updated["priority"], updated["enabled"], updated["key_last4"]) == (0, False, "2222")
    assert [p["name"] for p in ai.list_providers(ws["org"], None)] == ["OpenAI", "Ollama"]
    for call in (
        lambda: ai.update_provider(ws["other"], a["id"], priority=3),
        lambda: ai.update_provider(ws["org"], mine["id"], acting_user_id=ws["bob"], enabled=False),
        lambda: ai.delete_provider(ws["other"], b["id"]),
        lambda: ai.delete_provider(ws["org"], mine["id"]),
    ):
        with pytest.raises(ai.AINotFoundError):
            call()
    with pytest.raises(ai.AIInputError):
        ai.update_provider(ws["org"], a["id"], base_url="nope")
    with pytest.raises(ai.AIInputError):
        ai.add_provider(ws["org"], None, "P", "https://x.io", "m", "k", price_in_per_1k=-1)
    ai.delete_provider(ws["org"], mine["id"], acting_user_id=ws["alice"])
    ai.delete_provider(ws["org"], b["id"])
    with session_scope() as s:
        assert [r.name for r in s.exec(select(AIProvider)).all()] == ["OpenAI"]


def test_persona_crud_assignment_and_scoping(ws: dict) -> None:
    x, bsky, tiktok = ws["accounts"]
    with pytest.raises(ai.AIInputError, match="name"):
        ai.create_persona(ws["org"], "  ")
    with pytest.raises(ai.AIInputError, match="audience"):
        ai.create_persona(ws["org"], "P", audience="a" * 1001)
    chef = ai.create_persona(
        ws["org"], "Chef", audience="foodies", tone="playful", topics="recipes", mission="good food"
    )
    host = ai.create_persona(ws["org"], "Host", audience="guests")
    ai.set_persona_accounts(ws["org"], chef["id"], [x, bsky])
    ai.set_persona_accounts(ws["org"], host["id"], [tiktok])
    assert {p["name"]: p["account_ids"] for p in ai.list_personas(ws["org"])} == {
        "Chef": sorted([x, bsky]),
        "Host": [tiktok],
    }
    assert ai.persona_for_accounts(ws["org"], [x, bsky, tiktok])["name"] == "Chef"
    assert ai.persona_for_accounts(ws["org"], [tiktok])["name"] == "Host"
    assert ai.persona_for_accounts(ws["other"], [x]) is None

    ai.set_persona_accounts(ws["org"], chef["id"], [x])  # bsky leaves the persona
    assert ai.get_persona(ws["org"], chef["id"])["account_ids"] == [x]
    updated = ai.update_persona(ws["org"], chef["id"], tone="calm", mission=None)
    assert (updated["tone"], updated["mission"]) == ("calm", "good food")
    with pytest.raises(ai.AINotFoundError):
        ai.set_persona_accounts(ws["org"], chef["id"], [ws["foreign"]])
    with pytest.raises(ai.AINotFoundError):
        ai.get_persona(ws["other"], chef["id"])
    with pytest.raises(ai.AINotFoundError):
        ai.assign_account_persona(ws["other"], x, None)

    ai.delete_persona(ws["org"], chef["id"])
    with session_scope() as s:
        assert s.get(SocialAccount, x).persona_id is None and s.get(SocialAccount, tiktok).persona_id == host["id"]
    assert [p["name"] for p in ai.list_personas(ws["org"])] == ["Host"]


@pytest.mark.parametrize(
    ("user_template", "named"),
    [
        ("Write about {topic}", "{topic}"),
        ("{brief.__class__}", "{brief.__class__}"),
        ("{text[0]}", "{text[0]}"),
        ("{}", "{}"),
        ("Hello {brief", "unmatched"),
        ("{brief!r}", "{brief}"),
    ],
)
def test_template_with_unknown_variable_is_refused_naming_it(ws: dict, user_template: str, named: str) -> None:
    with pytest.raises(ai.AIInputError) as exc:
        ai.save_template(ws["org"], "caption", "System {persona}", user_template)
    assert named in str(exc.value)
    assert ai.effective_template(ws["org"], None, "caption").source == "built-in"


def test_template_levels_reset_and_preview(ws: dict) -> None:
    system, user = ai.DEFAULT_TEMPLATES["tone"]
    assert ai.effective_template(ws["org"], ws["alice"], "tone").user_template == user
    ai.save_template(ws["org"], "tone", "WS {persona_mission}", "Make it {tone}: {text} {{literal}}")
    ai.save_template(ws["org"], "tone", "Alice sys", "Alice {tone}", user_id=ws["alice"])
    ai.save_template(ws["org"], "tone", "Alice sys 2", "Alice2 {tone}", user_id=ws["alice"])  # replaces, not adds
    assert ai.effective_template(ws["org"], ws["alice"], "tone").user_template == "Alice2 {tone}"
    assert ai.effective_template(ws["org"], ws["bob"], "tone").source == "workspace"
    assert ai.effective_template(ws["other"], ws["alice"], "tone").source == "built-in"
    ai.reset_template(ws["org"], "tone", user_id=ws["alice"])
    assert ai.effective_template(ws["org"], ws["alice"], "tone").source == "workspace"
    with pytest.raises(ai.AINotFoundError):
        ai.reset_template(ws["org"], "tone", user_id=ws["alice"])
    preview = ai.preview_template("WS {persona_mission}", "Make it {tone}: {text} {{literal}}", {"text": "Hi"})
    assert preview == [
        {"role": "system", "content": "WS a cosy third place for the street"},
        {"role": "user", "content": "Make it friendly: Hi {literal}"},
    ]
    assert [t["source"] for t in ai.list_templates(ws["org"], ws["alice"])] == [
        "built-in",
        "built-in",
        "built-in",
        "workspace",
    ]
    with pytest.raises(ai.AIInputError, match="Unknown assistant action"):
        ai.save_template(ws["org"], "summarize", "a", "b")
