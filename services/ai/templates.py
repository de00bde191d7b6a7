"""Prompt templates: built-in defaults per action, overridable per workspace and per user (user wins).

A template is plain text with `{variable}` placeholders. Only the documented variables are allowed,
and only as bare names: `{brief.__class__}` or `{text[0]}` would let a template reach into Python
objects, so anything but a known name is refused when the template is saved. `render_prompt`
returns exactly the messages that are sent — no hidden instructions are added anywhere else.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from services.ai.errors import AIInputError, AINotFoundError
from services.db import session_scope
from services.models import PromptTemplate, utcnow

ACTIONS = ("caption", "rewrite", "hashtags", "tone")
MAX_TEMPLATE_CHARS = 8000

VARIABLES: dict[str, str] = {
    "brief": "the short brief typed in the composer",
    "text": "the current post text (rewrite, hashtags, tone)",
    "platform": "the platform name(s), e.g. “X” or “X, LinkedIn”",
    "limit": "the character limit the result must fit",
    "max_hashtags": "the platform's hashtag cap, or “no fixed” when it has none",
    "count": "how many hashtags to suggest",
    "tone": "the requested tone (tone action) or the persona's tone",
    "persona": "a summary of the persona's non-empty fields, or a note that none is set",
    "persona_name": "the persona's name",
    "persona_audience": "the persona's target audience",
    "persona_tone": "the persona's tone",
    "persona_topics": "the persona's topics and skills",
    "persona_mission": "the persona's mission statement",
}

_SYSTEM = "You are a social media assistant.\n{persona}\nReply with the post text only: no quotes, no explanations."

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "caption": (
        _SYSTEM,
        "Write a post for {platform} of at most {limit} characters from this brief:\n{brief}",
    ),
    "rewrite": (
        _SYSTEM,
        "Rewrite this post for {platform} in that platform's style. It must fit within {limit} characters "
        "and use {max_hashtags} hashtags at most.\n\nPost:\n{text}",
    ),
    "hashtags": (
        "You are a social media assistant.\n{persona}\nReply with hashtags only, separated by spaces.",
        "Suggest {count} relevant hashtags for this {platform} post.\n\nPost:\n{text}",
    ),
    "tone": (
        _SYSTEM,
        "Rewrite this post in a {tone} tone for {platform}, within {limit} characters. Keep its meaning."
        "\n\nPost:\n{text}",
    ),
}


@dataclass(frozen=True)
class TemplateView:
    action: str
    system_template: str
    user_template: str
    source: str  # "built-in" | "workspace" | "user"


def _check_action(action: str) -> None:
    if action not in ACTIONS:
        raise AIInputError(f"Unknown assistant action “{action}”; use one of: {', '.join(ACTIONS)}.")


def validate_template(text: str, part: str = "template") -> None:
    """Refuse unknown or non-bare variables, naming the offender so the user can fix it."""
    if not text.strip():
        raise AIInputError(f"The {part} is empty.")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise AIInputError(f"The {part} is {len(text):,} characters; the limit is {MAX_TEMPLATE_CHARS:,}.")
    try:
        fields = [(name, conv, spec) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise AIInputError(
            f"The {part} has an unmatched “{{” or “}}” (write {{{{ or }}}} for a literal brace)."
        ) from exc
    for name, conv, spec in fields:
        if name == "":
            raise AIInputError(f"The {part} has an empty “{{}}”; put a variable name inside, e.g. {{brief}}.")
        if name not in VARIABLES:
            raise AIInputError(
                f"Unknown variable {{{name}}} in the {part}. Available: "
                + ", ".join(f"{{{v}}}" for v in VARIABLES)
                + "."
            )
        if conv or spec:
            raise AIInputError(f"Write the variable {{{name}}} in the {part} without “!” or “:” formatting.")


def _format(template: str, variables: dict[str, Any]) -> str:
    values = {name: "" for name in VARIABLES}
    values.update({k: "" if v is None else str(v) for k, v in variables.items() if k in VARIABLES})
    return template.format_map(values)


def render_messages(system_template: str, user_template: str, variables: dict[str, Any]) -> list[dict[str, str]]:
    validate_template(system_template, "system template")
    validate_template(user_template, "user template")
    return [
        {"role": "system", "content": _format(system_template, variables)},
        {"role": "user", "content": _format(user_template, variables)},
    ]


def _find(session, org_id: int, user_id: int | None, action: str) -> PromptTemplate | None:  # noqa: ANN001
    stmt = select(PromptTemplate).where(PromptTemplate.organization_id == org_id, PromptTemplate.action == action)
    stmt = stmt.where(PromptTemplate.user_id == user_id if user_id is not None else PromptTemplate.user_id.is_(None))
    return session.exec(stmt.order_by(PromptTemplate.id.desc())).first()


def effective_template(org_id: int, user_id: int | None, action: str) -> TemplateView:
    """The user's own template, else the workspace's, else the built-in one."""
    _check_action(action)
    with session_scope() as session:
        if user_id is not None and (row := _find(session, org_id, user_id, action)):
            return TemplateView(action, row.system_template, row.user_template, "user")
        if row := _find(session, org_id, None, action):
            return TemplateView(action, row.system_template, row.user_template, "workspace")
    system, user = DEFAULT_TEMPLATES[action]
    return TemplateView(action, system, user, "built-in")


def list_templates(org_id: int, user_id: int | None) -> list[dict[str, Any]]:
    return [effective_template(org_id, user_id, a).__dict__.copy() for a in ACTIONS]


def save_template(
    org_id: int, action: str, system_template: str, user_template: str, *, user_id: int | None = None
) -> TemplateView:
    """Save a workspace template (user_id None) or the user's own one; unknown variables are refused."""
    _check_action(action)
    validate_template(system_template, "system template")
    validate_template(user_template, "user template")
    with session_scope() as session:
        row = _find(session, org_id, user_id, action)
        if row is None:
            row = PromptTemplate(
                organization_id=org_id, user_id=user_id, action=action, system_template="", user_template=""
            )
        row.system_template = system_template
        row.user_template = user_template
        row.updated_at = utcnow()
        session.add(row)
    return TemplateView(action, system_template, user_template, "user" if user_id is not None else "workspace")


def reset_template(org_id: int, action: str, *, user_id: int | None = None) -> None:
    """Drop the override at this level, so the next level (workspace, then built-in) applies again."""
    _check_action(action)
    with session_scope() as session:
        row = _find(session, org_id, user_id, action)
        if row is None:
            raise AINotFoundError("There is no saved template to reset.")
        session.delete(row)


def preview_template(
    system_template: str, user_template: str, variables: dict[str, Any] | None = None
) -> list[dict[str, str]]:
    """What the editor shows: the template rendered with sample (or the composer's) values."""
    sample = {
        "brief": "Launching our autumn menu on Friday",
        "text": "Our autumn menu launches Friday: pumpkin soup, apple pie and more. Come by!",
        "platform": "X",
        "limit": 280,
        "max_hashtags": "no fixed",
        "count": 5,
        "tone": "friendly",
        "persona_name": "Corner Café",
        "persona_audience": "neighbours and remote workers",
        "persona_tone": "warm",
        "persona_topics": "coffee, seasonal food",
        "persona_mission": "a cosy third place for the street",
    }
    sample["persona"] = persona_summary(sample)
    sample.update(variables or {})
    return render_messages(system_template, user_template, sample)


def persona_summary(fields: dict[str, Any]) -> str:
    """The `{persona}` variable: only the fields that are filled in, so empty ones add no noise."""
    lines = [
        f"{label}: {fields.get(key)}"
        for key, label in (
            ("persona_name", "Write as"),
            ("persona_audience", "Audience"),
            ("persona_tone", "Tone"),
            ("persona_topics", "Topics"),
            ("persona_mission", "Mission"),
        )
        if str(fields.get(key) or "").strip()
    ]
    return "\n".join(lines) if lines else "No persona is set: write in a clear, natural voice."
