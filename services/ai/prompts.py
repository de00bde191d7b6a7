"""Turn a composer request into the exact prompts to send: validated input, targets, persona, template.

Everything the model sees is in `PreparedPrompt.messages`; the UI's "Show prompt" shows that list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from services.ai import offline
from services.ai.errors import AIInputError
from services.ai.personas import get_persona, persona_for_accounts, persona_variables
from services.ai.platform_rules import PlatformRules, rules_for
from services.ai.templates import ACTIONS, effective_template, render_messages
from services.db import session_scope
from services.models import Persona, SocialAccount

MAX_BRIEF_CHARS = 4000
MAX_TEXT_CHARS = 70000  # Facebook allows 63,206 characters
MAX_TONE_CHARS = 60
MAX_HASHTAG_COUNT = 30


@dataclass
class PreparedPrompt:
    action: str
    messages: list[dict[str, str]]
    max_tokens: int
    rules: list[PlatformRules]
    offline_text: str
    template_source: str
    target: dict[str, Any] = field(default_factory=dict)
    source_text: str = ""  # the post text the action works on (hashtags are merged into it)


@dataclass
class AssistRequest:
    org_id: int
    user_id: int | None
    action: str
    brief: str = ""
    text: str = ""
    tone: str = ""
    account_ids: list[int] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    persona_id: int | None = None
    hashtag_count: int = 5


def max_tokens_for(action: str, limit: int) -> int:
    """Enough room for a reply of `limit` characters (~2 characters per token, generous), within bounds."""
    if action == "hashtags":
        return 100
    return min(1024, max(64, math.ceil(limit / 2)))


def _check_brief(brief: str) -> str:
    brief = (brief or "").strip()
    if not brief:
        raise AIInputError("Write a short brief first: what should the post be about?")
    if len(brief) > MAX_BRIEF_CHARS:
        raise AIInputError(f"The brief is {len(brief):,} characters; keep it within {MAX_BRIEF_CHARS:,}.")
    return brief


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise AIInputError("There is no post text to work with yet: write or insert the post first.")
    if len(text) > MAX_TEXT_CHARS:
        raise AIInputError(f"The post is {len(text):,} characters; the assistant works on up to {MAX_TEXT_CHARS:,}.")
    return text


def _check_tone(tone: str) -> str:
    tone = (tone or "").strip()
    if not tone:
        raise AIInputError("Pick a tone, e.g. professional, friendly or witty.")
    if len(tone) > MAX_TONE_CHARS:
        raise AIInputError(f"Describe the tone in at most {MAX_TONE_CHARS} characters.")
    return tone


def _accounts(org_id: int, account_ids: Iterable[int]) -> list[SocialAccount]:
    ids = list(dict.fromkeys(account_ids))
    if not ids:
        return []
    with session_scope() as session:
        rows = session.exec(
            select(SocialAccount).where(SocialAccount.organization_id == org_id, SocialAccount.id.in_(ids))
        ).all()
    by_id = {r.id: r for r in rows}
    if len(by_id) != len(ids):
        raise AIInputError("One of the selected accounts no longer exists in this workspace; reselect the accounts.")
    return [by_id[i] for i in ids]


def _persona(req: AssistRequest, account_ids: list[int]) -> dict[str, Any] | None:
    if req.persona_id is not None:
        return get_persona(req.org_id, req.persona_id)
    return persona_for_accounts(req.org_id, account_ids)


def _base_variables(rules: list[PlatformRules], persona: dict[str, Any] | None) -> dict[str, Any]:
    caps = [r.max_hashtags for r in rules if r.max_hashtags is not None]
    return {
        "platform": ", ".join(r.label for r in rules),
        "limit": min(r.limit for r in rules),
        "max_hashtags": min(caps) if caps else "no fixed",
        **persona_variables(persona),
    }


def _prepare_one(
    req: AssistRequest, rules: list[PlatformRules], persona: dict[str, Any] | None, target: dict[str, Any]
) -> PreparedPrompt:
    variables = _base_variables(rules, persona)
    limit = variables["limit"]
    if req.action == "caption":
        variables["brief"] = _check_brief(req.brief)
        variables["tone"] = variables["persona_tone"]
        fallback = offline.offline_caption(variables["brief"], rules)
    elif req.action == "rewrite":
        variables["text"] = _check_text(req.text)
        variables["tone"] = variables["persona_tone"]
        fallback = offline.offline_rewrite(variables["text"], rules[0])
    elif req.action == "hashtags":
        variables["text"] = _check_text(req.text)
        if not 1 <= int(req.hashtag_count) <= MAX_HASHTAG_COUNT:
            raise AIInputError(f"Ask for between 1 and {MAX_HASHTAG_COUNT} hashtags.")
        caps = [r.max_hashtags for r in rules if r.max_hashtags is not None]
        variables["count"] = min([int(req.hashtag_count), *caps])
        variables["tone"] = variables["persona_tone"]
        fallback = offline.offline_hashtags(variables["text"], rules, count=variables["count"])
    elif req.action == "tone":
        variables["text"] = _check_text(req.text)
        variables["tone"] = _check_tone(req.tone)
        fallback = offline.offline_tone(variables["text"], variables["tone"], rules)
    else:
        raise AIInputError(f"Unknown assistant action “{req.action}”; use one of: {', '.join(ACTIONS)}.")
    template = effective_template(req.org_id, req.user_id, req.action)
    return PreparedPrompt(
        action=req.action,
        messages=render_messages(template.system_template, template.user_template, variables),
        max_tokens=max_tokens_for(req.action, limit),
        rules=rules,
        offline_text=fallback,
        template_source=template.source,
        target={**target, "limit": limit, "platform": variables["platform"]},
        source_text=str(variables.get("text", "")),
    )


def prepare(req: AssistRequest) -> list[PreparedPrompt]:
    """One prompt for caption/hashtags/tone (fits every selected platform); rewrite: one per platform+persona."""
    accounts = _accounts(req.org_id, req.account_ids)
    platforms = [a.platform for a in accounts] or list(req.platforms)
    if req.action != "rewrite":
        rules = rules_for(platforms)
        persona = _persona(req, [a.id for a in accounts])
        target = {"key": "all", "account_ids": [a.id for a in accounts], "persona_id": (persona or {}).get("id")}
        return [_prepare_one(req, rules, persona, target)]
    if not platforms:
        raise AIInputError("Select at least one account to rewrite the post for.")
    groups: dict[tuple[str, int | None], list[int]] = {}
    if accounts:
        for account in accounts:
            persona_id = req.persona_id if req.persona_id is not None else account.persona_id
            groups.setdefault((account.platform, persona_id), []).append(account.id)
    else:
        groups = {(p, req.persona_id): [] for p in dict.fromkeys(platforms)}
    prepared = []
    for (platform, persona_id), account_ids in groups.items():
        persona = _persona_by_id(req.org_id, persona_id)
        target = {"key": f"{platform}:{persona_id or 0}", "account_ids": account_ids, "persona_id": persona_id}
        prepared.append(_prepare_one(req, rules_for([platform]), persona, target))
    return prepared


def _persona_by_id(org_id: int, persona_id: int | None) -> dict[str, Any] | None:
    if persona_id is None:
        return None
    with session_scope() as session:
        row = session.get(Persona, persona_id)
        if row is None or row.organization_id != org_id:
            return None
    return get_persona(org_id, persona_id)


def render_prompt(
    org_id: int,
    user_id: int | None,
    action: str,
    *,
    brief: str = "",
    text: str = "",
    tone: str = "",
    account_ids: Iterable[int] = (),
    platforms: Iterable[str] = (),
    persona_id: int | None = None,
    hashtag_count: int = 5,
) -> list[dict[str, str]]:
    """The exact system + user messages the assistant would send now (rewrite: the first target's)."""
    req = AssistRequest(
        org_id, user_id, action, brief=brief, text=text, tone=tone, account_ids=list(account_ids),
        platforms=list(platforms), persona_id=persona_id, hashtag_count=hashtag_count,
    )  # fmt: skip
    return prepare(req)[0].messages
