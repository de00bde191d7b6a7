"""The AI assistant: providers and keys, personas, prompt templates, the fallback chain, usage and budget.

Import from here; the UI never needs the submodules. Every function is scoped by organization id.
"""

from services.ai.assistant import (
    collect,
    stream_assist,
    stream_caption,
    stream_hashtags,
    stream_rewrites,
    stream_tone,
    suggest_caption,
    suggest_hashtags,
    suggest_rewrites,
    suggest_tone,
)
from services.ai.errors import AIInputError, AINotFoundError
from services.ai.fitting import Fitted, fit_for_insert, shortened_note, within_rules
from services.ai.offline import OFFLINE_LABEL, TONE_TEMPLATES
from services.ai.personas import (
    assign_account_persona,
    create_persona,
    delete_persona,
    get_persona,
    list_personas,
    persona_for_accounts,
    set_persona_accounts,
    update_persona,
)
from services.ai.platform_rules import rules_for
from services.ai.prompts import MAX_BRIEF_CHARS, AssistRequest, render_prompt
from services.ai.providers import add_provider, delete_provider, list_providers, update_provider, validate_base_url
from services.ai.templates import (
    ACTIONS,
    DEFAULT_TEMPLATES,
    VARIABLES,
    effective_template,
    list_templates,
    preview_template,
    reset_template,
    save_template,
    validate_template,
)
from services.ai.usage import (
    OUTCOME_LABELS,
    OUTCOMES,
    get_monthly_budget,
    month_spend,
    set_monthly_budget,
    usage_calls,
    usage_filter_choices,
    usage_summary,
)
from services.ai.usage_figures import provider_figure, usage_figure

TONES = tuple(TONE_TEMPLATES)

__all__ = [
    "ACTIONS",
    "DEFAULT_TEMPLATES",
    "MAX_BRIEF_CHARS",
    "OFFLINE_LABEL",
    "TONES",
    "VARIABLES",
    "AIInputError",
    "AINotFoundError",
    "AssistRequest",
    "Fitted",
    "fit_for_insert",
    "rules_for",
    "shortened_note",
    "within_rules",
    "add_provider",
    "assign_account_persona",
    "collect",
    "create_persona",
    "delete_persona",
    "delete_provider",
    "effective_template",
    "get_monthly_budget",
    "get_persona",
    "list_personas",
    "list_providers",
    "list_templates",
    "month_spend",
    "persona_for_accounts",
    "preview_template",
    "render_prompt",
    "reset_template",
    "save_template",
    "set_monthly_budget",
    "set_persona_accounts",
    "stream_assist",
    "stream_caption",
    "stream_hashtags",
    "stream_rewrites",
    "stream_tone",
    "suggest_caption",
    "suggest_hashtags",
    "suggest_rewrites",
    "suggest_tone",
    "update_persona",
    "update_provider",
    "usage_figure",
    "usage_calls",
    "usage_filter_choices",
    "provider_figure",
    "OUTCOMES",
    "OUTCOME_LABELS",
    "usage_summary",
    "validate_base_url",
    "validate_template",
]
