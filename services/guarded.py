"""Every mutating action a person can take in the UI, each behind its permission check.

The role table and the check live in `services/permissions.py` (`require(user, action)`); this
module only pairs each UI action with the permission it needs, so state handlers can't forget
the check and the permission-matrix test (tests/integration/test_permission_matrix.py) exercises
exactly what the handlers run. Each function raises `PermissionDenied` (a UserError: its message
is shown as is) before touching anything, then acts on the actor's current workspace only — the
workspace comes from the server-side session (`CurrentUser.organization_id`), never the browser.

Plain functions are blocking (database): state handlers call them through `run_blocking`. The
async ones wrap async services (network first, then their own threaded database work).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any, BinaryIO, ParamSpec, TypeVar

from services import accounts, ai, posts, queue, queue_rules, recurrence
from services import calendar as cal
from services.ai.templates import TemplateView
from services.approvals import preview_links, rules, workflow
from services.approvals.events import record_refusal
from services.auth import CurrentUser
from services.calendar import RescheduleResult
from services.media import store_upload
from services.media.storage import store_upload_stream
from services.permissions import PermissionDenied, require
from services.posts import drafts, listing
from services.posts.compose import Action
from services.posts.errors import PostNotFound
from services.posts.lifecycle import DeleteResult, PostActionResult
from services.posts.queries import PostDetail

#: The composer's save button → the permission it needs (an unknown button needs the most).
SAVE_ACTIONS: dict[Action, str] = {
    "draft": "post.draft", "schedule": "post.schedule", "publish_now": "post.publish", "submit": "post.submit",
}  # fmt: skip
Params = ParamSpec("Params")
R = TypeVar("R")


def audited(fn: Callable[Params, R]) -> Callable[Params, R]:
    """Refusals of post actions (wrong role, another workspace's post id) go to the audit log.

    A crafted event (a Contributor calling publish now, a post id from another workspace) is refused
    by the check or the org-scoped lookup and changes nothing; this records who tried what.
    """

    @functools.wraps(fn)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> R:
        actor = args[0]
        try:
            return fn(*args, **kwargs)
        except PermissionDenied as exc:
            _log_refusal(actor, fn.__name__, str(exc), args[1:], kwargs)
            raise
        except PostNotFound as exc:
            _log_refusal(actor, fn.__name__, str(exc), args[1:], kwargs)
            raise

    return wrapper


def _log_refusal(actor: Any, name: str, reason: str, args: tuple, kwargs: dict) -> None:
    ids = [a for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
    record_refusal(getattr(actor, "organization_id", None), getattr(actor, "user_id", None), name, reason,
                   role=getattr(actor, "role", ""), ids=ids[:10])  # fmt: skip


@audited
def save_post(actor: CurrentUser, data: posts.PostInput, post_id: int | None = None) -> int:
    require(actor, SAVE_ACTIONS.get(data.action, "post.publish"))
    return posts.save_post(actor.organization_id, actor.user_id, data, post_id=post_id)


def autosave_draft(actor: CurrentUser, data: posts.PostInput, post_id: int | None = None) -> int | None:
    """The composer's autosave: a draft, never a change to a post that is no longer one (None then)."""
    require(actor, "post.draft")
    return drafts.autosave_draft(actor.organization_id, actor.user_id, data, post_id=post_id)


@audited
def duplicate_post(actor: CurrentUser, post_id: int) -> int:
    require(actor, "post.draft")
    return drafts.duplicate_post(actor.organization_id, actor.user_id, post_id)


@audited
def cancel_schedule(actor: CurrentUser, post_id: int) -> PostActionResult:
    require(actor, "post.schedule")
    return posts.cancel_schedule(actor.organization_id, post_id, user_id=actor.user_id)


@audited
def delete_post(actor: CurrentUser, post_id: int) -> DeleteResult:
    require(actor, "post.delete")
    return posts.delete_post(actor.organization_id, post_id, user_id=actor.user_id)


@audited
def retry_target(actor: CurrentUser, target_id: int) -> PostDetail:
    require(actor, "post.retry")
    return posts.retry_target(actor.organization_id, target_id, user_id=actor.user_id)


@audited
def mark_target_published(actor: CurrentUser, target_id: int) -> PostDetail:
    require(actor, "post.publish")
    return posts.mark_target_published(actor.organization_id, target_id, user_id=actor.user_id)


def upload_media(actor: CurrentUser, filename: str, data: bytes) -> dict[str, Any]:
    require(actor, "media.upload")
    return store_upload(actor.organization_id, actor.user_id, filename, data)


def upload_media_stream(actor: CurrentUser, filename: str, source: BinaryIO) -> dict[str, Any]:
    """Streams to disk (the size limit is enforced while copying): blocking, run it in a worker thread."""
    require(actor, "media.upload")
    return store_upload_stream(actor.organization_id, actor.user_id, filename, source)


@audited
def move_to_day(actor: CurrentUser, post_id: int, day: date, tz: str) -> RescheduleResult:
    require(actor, "post.schedule")
    return cal.move_to_day(actor.organization_id, post_id, day, tz, user_id=actor.user_id)


@audited
def reschedule_to_local(actor: CurrentUser, post_id: int, local: datetime, tz: str) -> RescheduleResult:
    require(actor, "post.schedule")
    return cal.reschedule_to_local(actor.organization_id, post_id, local, tz, user_id=actor.user_id)


@audited
def bulk_delete(actor: CurrentUser, post_ids: Iterable[int]) -> list[dict[str, Any]]:
    require(actor, "post.delete")
    return listing.bulk_delete(actor.organization_id, post_ids, user_id=actor.user_id)


def bulk_duplicate(actor: CurrentUser, post_ids: Iterable[int]) -> list[dict[str, Any]]:
    require(actor, "post.draft")
    return listing.bulk_duplicate_as_draft(actor.organization_id, post_ids, user_id=actor.user_id)


@audited
def bulk_reschedule(actor: CurrentUser, post_ids: Iterable[int], offset: timedelta) -> list[dict[str, Any]]:
    require(actor, "post.schedule")
    return listing.bulk_reschedule(actor.organization_id, post_ids, offset, user_id=actor.user_id)


@audited
def add_to_queue(
    actor: CurrentUser,
    account_ids: list[int],
    *,
    post_id: int | None = None,
    post_data: posts.PostInput | None = None,
) -> list[dict[str, Any]]:
    require(actor, "post.schedule")
    return queue.add_to_queue(
        actor.organization_id, actor.user_id, account_ids, post_id=post_id, post_data=post_data
    )


def set_slots(actor: CurrentUser, account_id: int, slots: Iterable[Any]) -> list[dict[str, Any]]:
    require(actor, "queue.slots")
    return queue.set_slots(actor.organization_id, account_id, slots, actor.timezone)


def save_slot_rules(actor: CurrentUser, account_id: int, rules: list[dict[str, Any]]) -> dict[str, Any]:
    """Slots edited as rules (days x times): the valid part is saved, every problem is returned."""
    require(actor, "queue.slots")
    return queue_rules.save_rules(actor.organization_id, account_id, rules, actor.timezone)


def load_slot_rules(actor: CurrentUser, account_id: int) -> list[dict[str, Any]]:
    require(actor, "queue.read")
    return queue_rules.load_rules(actor.organization_id, account_id)


@audited
def set_recurrence(actor: CurrentUser, post_id: int, rule: dict[str, Any]) -> dict[str, Any]:
    require(actor, "post.schedule")
    return recurrence.set_recurrence(actor.organization_id, post_id, rule, user_id=actor.user_id)


def update_series(
    actor: CurrentUser,
    series_id: int,
    *,
    body: str | None = None,
    account_ids: list[int] | None = None,
    overrides: dict[int, str] | None = None,
    media_ids: list[int] | None = None,
    rule: dict[str, Any] | None = None,
) -> dict[str, Any]:
    require(actor, "post.schedule")
    return recurrence.update_series(
        actor.organization_id, series_id, body=body, account_ids=account_ids, overrides=overrides,
        media_ids=media_ids, rule=rule, user_id=actor.user_id,
    )  # fmt: skip


@audited
def update_occurrence(actor: CurrentUser, post_id: int, data: posts.PostInput) -> int:
    require(actor, "post.schedule")
    return recurrence.update_occurrence(actor.organization_id, post_id, data, user_id=actor.user_id)


def end_series(actor: CurrentUser, series_id: int) -> dict[str, Any]:
    require(actor, "post.schedule")
    return recurrence.end_series(actor.organization_id, series_id, user_id=actor.user_id)


def connect_demo(actor: CurrentUser) -> int:
    require(actor, "accounts.connect")
    return accounts.connect_demo(actor.organization_id, actor.user_id)


async def start_oauth_connect(actor: CurrentUser, platform: str, instance: str = "", *, session_token: str) -> str:
    require(actor, "accounts.connect")
    return await accounts.start_oauth_connect(
        actor.organization_id, actor.user_id, platform, instance, session_token=session_token
    )


async def connect_bluesky(actor: CurrentUser, handle: str, app_password: str) -> int:
    require(actor, "accounts.connect")
    return await accounts.connect_bluesky(actor.organization_id, actor.user_id, handle, app_password)


async def connect_telegram(actor: CurrentUser, bot_token: str, chat: str, *, silent: bool = False) -> int:
    require(actor, "accounts.connect")
    return await accounts.connect_telegram(actor.organization_id, actor.user_id, bot_token, chat, silent=silent)


async def connect_discord(actor: CurrentUser, webhook_url: str) -> int:
    require(actor, "accounts.connect")
    return await accounts.connect_discord(actor.organization_id, actor.user_id, webhook_url)


async def disconnect_account(actor: CurrentUser, account_id: int) -> None:
    require(actor, "accounts.disconnect")
    await accounts.disconnect_account(actor.organization_id, account_id, user_id=actor.user_id)


def save_persona(
    actor: CurrentUser, persona_id: int | None, values: dict[str, str], account_ids: list[int]
) -> dict[str, Any]:
    """Create or update a persona and assign its accounts, as one step behind one check."""
    require(actor, "ai.personas")
    org_id = actor.organization_id
    persona = ai.update_persona(org_id, persona_id, **values) if persona_id else ai.create_persona(org_id, **values)
    ai.set_persona_accounts(org_id, persona["id"], account_ids)
    return persona


def delete_persona(actor: CurrentUser, persona_id: int) -> None:
    require(actor, "ai.personas")
    ai.delete_persona(actor.organization_id, persona_id)


def assistant_stream(
    actor: CurrentUser, action: str, *, brief: str, text: str, tone: str, account_ids: list[int]
) -> AsyncIterator[dict[str, Any]]:
    """The composer's AI panel: checked before the first token is bought (calls spend the workspace's budget)."""
    require(actor, "ai.use")
    org_id, uid = actor.organization_id, actor.user_id
    if action == "caption":
        return ai.stream_caption(org_id, uid, brief, account_ids=account_ids)
    if action == "rewrite":
        return ai.stream_rewrites(org_id, uid, text, account_ids=account_ids)
    if action == "hashtags":
        return ai.stream_hashtags(org_id, uid, text, account_ids=account_ids)
    return ai.stream_tone(org_id, uid, text, tone, account_ids=account_ids)


def _template_action(personal: bool) -> str:
    """A personal template only shapes the person's own assistant; a workspace one shapes everyone's."""
    return "ai.use" if personal else "ai.templates"


def save_template(actor: CurrentUser, action: str, system: str, user: str, *, personal: bool) -> TemplateView:
    require(actor, _template_action(personal))
    uid = actor.user_id if personal else None
    return ai.save_template(actor.organization_id, action, system, user, user_id=uid)


def reset_template(actor: CurrentUser, action: str, *, personal: bool) -> None:
    require(actor, _template_action(personal))
    ai.reset_template(actor.organization_id, action, user_id=actor.user_id if personal else None)


# --- approvals (services/approvals) --------------------------------------------------------------
@audited
def publish_now(actor: CurrentUser, post_id: int) -> PostActionResult:
    """Publish an existing post now (the approval rule may send it to review instead)."""
    require(actor, "post.publish")
    return posts.publish_now(actor.organization_id, post_id, user_id=actor.user_id)


@audited
def approve_post(actor: CurrentUser, post_id: int, version: int, note: str = "") -> str:
    require(actor, "post.approve")
    reviewer = workflow.Reviewer(actor.user_id)
    return workflow.approve(actor.organization_id, post_id, version, reviewer, note)


@audited
def request_changes(actor: CurrentUser, post_id: int, version: int, note: str) -> str:
    require(actor, "post.approve")
    return workflow.request_changes(actor.organization_id, post_id, version, workflow.Reviewer(actor.user_id), note)


@audited
def set_approval_settings(actor: CurrentUser, mode: str, allow_external: bool) -> rules.ApprovalConfig:
    require(actor, "workspace.approvals")
    return rules.set_config(actor.organization_id, actor.user_id, mode, allow_external)


@audited
def create_preview_link(actor: CurrentUser, post_id: int) -> dict[str, str]:
    require(actor, "preview.share")
    return preview_links.create_link(actor.organization_id, post_id, actor.user_id)


@audited
def revoke_preview_links(actor: CurrentUser, post_id: int) -> int:
    require(actor, "preview.share")
    return preview_links.revoke_links(actor.organization_id, post_id)
