"""AI providers (OpenAI-compatible endpoints), personas, prompt templates and usage records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from services.models.base import utcnow


class AIProvider(SQLModel, table=True):
    """A provider for the workspace (user_id NULL) or for one user (their own key wins)."""

    __tablename__ = "ai_providers"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    name: str = Field(max_length=80)
    base_url: str = Field(max_length=500)
    model: str = Field(max_length=120)
    api_key_blob: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    api_key_last4: str = Field(default="", max_length=8)
    priority: int = Field(default=0)
    enabled: bool = Field(default=True)
    price_in_per_1k: float = Field(default=0.0)
    price_out_per_1k: float = Field(default=0.0)
    # Local models (Ollama, LM Studio) can be slow; a per-provider timeout keeps fallback snappy elsewhere.
    timeout_seconds: float = Field(default=30.0)
    # What the endpoint can do beyond chat: images in chat messages (alt text) and /images/generations.
    can_see_images: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    can_generate_images: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    image_model: str = Field(default="", max_length=120, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow)


class AIProviderHealth(SQLModel, table=True):
    """Why and until when a provider is skipped: shared by every user of the workspace, survives restarts."""

    __tablename__ = "ai_provider_health"
    provider_id: int = Field(foreign_key="ai_providers.id", primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    # Skip the provider until then (Retry-After / rate-limit reset, or the circuit breaker's cool-down).
    skip_until: datetime | None = None
    skip_reason: str = Field(default="", max_length=300)
    consecutive_failures: int = Field(default=0)
    # closed | open | half_open: open after repeated failures, half-open (one trial call) once skip_until passed.
    circuit: str = Field(default="closed", max_length=12)
    updated_at: datetime = Field(default_factory=utcnow)


class McpToken(SQLModel, table=True):
    """A person's token for the MCP server: only its SHA-256 is stored; revoked tokens stop at once."""

    __tablename__ = "mcp_tokens"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    last4: str = Field(default="", max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class Persona(SQLModel, table=True):
    __tablename__ = "personas"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    name: str = Field(max_length=120)
    audience: str = Field(default="", max_length=1000)
    tone: str = Field(default="", max_length=200)
    topics: str = Field(default="", max_length=1000)
    mission: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class PromptTemplate(SQLModel, table=True):
    """Overrides a built-in template for the workspace (user_id NULL) or one user."""

    __tablename__ = "prompt_templates"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(max_length=40)  # caption | rewrite | hashtags | tone
    system_template: str = Field(sa_column=Column(Text, nullable=False))
    user_template: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class AIUsage(SQLModel, table=True):
    __tablename__ = "ai_usage"
    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organizations.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id")
    action: str = Field(default="", max_length=40)
    provider_name: str = Field(max_length=80)
    model: str = Field(max_length=120)
    tokens_in: int = Field(default=0)
    tokens_out: int = Field(default=0)
    latency_ms: int = Field(default=0)
    cost_usd: float = Field(default=0.0)
    # answered | rate_limited | error | offline | budget (only "answered" counts as an answered call)
    outcome: str = Field(default="answered", max_length=20)
    provider_id: int | None = Field(default=None)
    # Why a call failed (e.g. "rate limited (429)"); never contains a key.
    detail: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, index=True)
