"""All tables. Importing this package registers every model on SQLModel.metadata (Alembic needs that)."""

from services.models.accounts import OAuthFlow, PlatformApp, SocialAccount
from services.models.ai import AIProvider, AIProviderHealth, AIUsage, McpToken, Persona, PromptTemplate
from services.models.analytics import (
    AccountMetricSnapshot,
    AnalyticsAccountState,
    PostMetricsDaily,
    PostMetricSnapshot,
    RollupZone,
)
from services.models.api import ApiIdempotencyRecord, ApiKey
from services.models.approvals import ApprovalSettings, PreviewLink
from services.models.automation import (
    AlertItem,
    AlertPreference,
    RssEntry,
    RssFeed,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from services.models.base import utcnow
from services.models.collab import Comment, Notification
from services.models.demo import DemoPost
from services.models.exports import DataExport
from services.models.identity import AuditLog, LoginFailure, Membership, Organization, User, UserSession
from services.models.oidc import OidcIdentity, OidcLogin
from services.models.posts import MediaAsset, Post, PostMedia, PostTarget, QueueSlot, SchedulerHeartbeat
from services.models.privacy import WorkspacePrivacy
from services.models.security import AuthToken, RecoveryCode, TotpCredential
from services.models.teams import Invite

__all__ = [
    "AlertItem", "AlertPreference", "RssEntry", "RssFeed", "WebhookDelivery", "WebhookEndpoint", "WebhookMessage",
    "AIProvider", "ApiIdempotencyRecord", "DataExport", "ApiKey", "AIProviderHealth", "ApprovalSettings", "PreviewLink", "AIUsage", "McpToken", "AccountMetricSnapshot", "AnalyticsAccountState", "AuditLog", "AuthToken", "Comment", "DemoPost", "Invite", "LoginFailure",
    "MediaAsset", "Membership", "Notification", "OAuthFlow", "OidcIdentity", "OidcLogin", "Organization", "Persona", "PlatformApp", "Post", "PostMedia",
    "PostMetricSnapshot", "PostMetricsDaily", "PostTarget", "PromptTemplate", "QueueSlot", "RecoveryCode", "RollupZone",
    "SchedulerHeartbeat", "SocialAccount", "TotpCredential", "User", "UserSession", "utcnow",
    "WorkspacePrivacy",
]
