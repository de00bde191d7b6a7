"""All tables. Importing this package registers every model on SQLModel.metadata (Alembic needs that)."""

from services.models.accounts import OAuthFlow, PlatformApp, SocialAccount
from services.models.ai import AIProvider, AIUsage, Persona, PromptTemplate
from services.models.analytics import AccountMetricSnapshot, PostMetricSnapshot
from services.models.base import utcnow
from services.models.identity import AuditLog, LoginFailure, Membership, Organization, User, UserSession
from services.models.posts import MediaAsset, Post, PostMedia, PostTarget, QueueSlot, SchedulerHeartbeat

__all__ = [
    "AIProvider", "AIUsage", "AccountMetricSnapshot", "AuditLog", "LoginFailure", "MediaAsset",
    "Membership", "OAuthFlow", "Organization", "Persona", "PlatformApp", "Post", "PostMedia",
    "PostMetricSnapshot", "PostTarget", "PromptTemplate", "QueueSlot", "SchedulerHeartbeat",
    "SocialAccount", "User", "UserSession", "utcnow",
]
