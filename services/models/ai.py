"""AI providers (OpenAI-compatible endpoints), personas, prompt templates and usage records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
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
    created_at: datetime = Field(default_factory=utcnow)


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
    outcome: str = Field(default="ok", max_length=20)  # ok | error | offline
    # Why a call failed (e.g. "rate limited (429)"); never contains a key.
    detail: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, index=True)
