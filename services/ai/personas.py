"""Personas: who a workspace speaks as on which accounts. The composer's prompts use them.

An account points at its persona (SocialAccount.persona_id); a persona's accounts are found through
that link, so deleting a persona simply clears it from its accounts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlmodel import select

from services.ai.errors import AIInputError, AINotFoundError
from services.db import session_scope
from services.models import Persona, SocialAccount

_FIELD_LIMITS = {"name": 120, "audience": 1000, "tone": 200, "topics": 1000, "mission": 2000}


def _clean(values: dict[str, str | None]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, limit in _FIELD_LIMITS.items():
        if key not in values or values[key] is None:
            continue
        value = str(values[key]).strip()
        if len(value) > limit:
            raise AIInputError(f"The persona's {key} is {len(value):,} characters; the limit is {limit:,}.")
        cleaned[key] = value
    if "name" in cleaned and not cleaned["name"]:
        raise AIInputError("Give the persona a name.")
    return cleaned


def persona_dict(row: Persona, account_ids: list[int] | None = None) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "audience": row.audience,
        "tone": row.tone,
        "topics": row.topics,
        "mission": row.mission,
        "account_ids": account_ids or [],
    }


def _get(session, org_id: int, persona_id: int) -> Persona:  # noqa: ANN001
    row = session.get(Persona, persona_id)
    if row is None or row.organization_id != org_id:
        raise AINotFoundError("That persona does not exist in this workspace.")
    return row


def create_persona(
    org_id: int, name: str, audience: str = "", tone: str = "", topics: str = "", mission: str = ""
) -> dict[str, Any]:
    values = _clean({"name": name, "audience": audience, "tone": tone, "topics": topics, "mission": mission})
    with session_scope() as session:
        row = Persona(organization_id=org_id, **values)
        session.add(row)
        session.flush()
        return persona_dict(row)


def update_persona(org_id: int, persona_id: int, **fields: str | None) -> dict[str, Any]:
    unknown = set(fields) - set(_FIELD_LIMITS)
    if unknown:
        raise AIInputError(f"Unknown persona field(s): {', '.join(sorted(unknown))}.")
    values = _clean(fields)
    with session_scope() as session:
        row = _get(session, org_id, persona_id)
        for key, value in values.items():
            setattr(row, key, value)
        session.add(row)
        return persona_dict(row, _account_ids(session, org_id, persona_id))


def delete_persona(org_id: int, persona_id: int) -> None:
    with session_scope() as session:
        row = _get(session, org_id, persona_id)
        for account in _accounts_of(session, org_id, persona_id):
            account.persona_id = None
            session.add(account)
        session.delete(row)


def get_persona(org_id: int, persona_id: int) -> dict[str, Any]:
    with session_scope() as session:
        return persona_dict(_get(session, org_id, persona_id), _account_ids(session, org_id, persona_id))


def list_personas(org_id: int) -> list[dict[str, Any]]:
    with session_scope() as session:
        rows = session.exec(select(Persona).where(Persona.organization_id == org_id).order_by(Persona.name)).all()
        links = session.exec(
            select(SocialAccount.id, SocialAccount.persona_id).where(
                SocialAccount.organization_id == org_id, SocialAccount.persona_id.is_not(None)
            )
        ).all()
        by_persona: dict[int, list[int]] = {}
        for account_id, persona_id in links:
            by_persona.setdefault(persona_id, []).append(account_id)
        return [persona_dict(r, sorted(by_persona.get(r.id, []))) for r in rows]


def _accounts_of(session, org_id: int, persona_id: int) -> list[SocialAccount]:  # noqa: ANN001
    return list(
        session.exec(
            select(SocialAccount).where(SocialAccount.organization_id == org_id, SocialAccount.persona_id == persona_id)
        ).all()
    )


def _account_ids(session, org_id: int, persona_id: int) -> list[int]:  # noqa: ANN001
    return sorted(a.id for a in _accounts_of(session, org_id, persona_id))


def set_persona_accounts(org_id: int, persona_id: int, account_ids: Iterable[int]) -> dict[str, Any]:
    """Make exactly these accounts speak as the persona (accounts left out of the list are unassigned)."""
    wanted = set(account_ids)
    with session_scope() as session:
        row = _get(session, org_id, persona_id)
        accounts = session.exec(select(SocialAccount).where(SocialAccount.organization_id == org_id)).all()
        known = {a.id for a in accounts}
        missing = wanted - known
        if missing:
            raise AINotFoundError(f"Account(s) {', '.join(map(str, sorted(missing)))} do not exist in this workspace.")
        for account in accounts:
            if account.id in wanted and account.persona_id != persona_id:
                account.persona_id = persona_id
                session.add(account)
            elif account.id not in wanted and account.persona_id == persona_id:
                account.persona_id = None
                session.add(account)
        return persona_dict(row, sorted(wanted))


def assign_account_persona(org_id: int, account_id: int, persona_id: int | None) -> None:
    with session_scope() as session:
        account = session.get(SocialAccount, account_id)
        if account is None or account.organization_id != org_id:
            raise AINotFoundError("That account does not exist in this workspace.")
        if persona_id is not None:
            _get(session, org_id, persona_id)
        account.persona_id = persona_id
        session.add(account)


def persona_for_accounts(org_id: int, account_ids: Iterable[int]) -> dict[str, Any] | None:
    """The persona most of the selected accounts share (ties: the lowest id), so one caption has one voice."""
    ids = list(account_ids)
    if not ids:
        return None
    with session_scope() as session:
        persona_ids = session.exec(
            select(SocialAccount.persona_id).where(
                SocialAccount.organization_id == org_id,
                SocialAccount.id.in_(ids),
                SocialAccount.persona_id.is_not(None),
            )
        ).all()
        if not persona_ids:
            return None
        counts = Counter(persona_ids)
        best = min(counts, key=lambda pid: (-counts[pid], pid))
        row = session.get(Persona, best)
        if row is None or row.organization_id != org_id:
            return None
        return persona_dict(row)


def persona_variables(persona: dict[str, Any] | None) -> dict[str, str]:
    """Template variables from a persona (empty strings when none is set)."""
    from services.ai.templates import persona_summary

    values = {
        "persona_name": (persona or {}).get("name", ""),
        "persona_audience": (persona or {}).get("audience", ""),
        "persona_tone": (persona or {}).get("tone", ""),
        "persona_topics": (persona or {}).get("topics", ""),
        "persona_mission": (persona or {}).get("mission", ""),
    }
    values["persona"] = persona_summary(values)
    return values
